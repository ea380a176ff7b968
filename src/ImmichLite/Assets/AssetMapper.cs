using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Users;

namespace ImmichLite.Assets;

/// <summary>Storage rows to AssetResponseDto, with upstream's conventions: checksum and thumbhash as base64,
/// duration "0:00:00.00000" when unknown, isFavorite only for the owner, isArchived from visibility, the asset's tags by value.</summary>
public static class AssetMapper
{
    public const string DefaultDuration = "0:00:00.00000";

    public static AssetTypeEnum Type(string t) => EnumText.TryParse<AssetTypeEnum>(t, out var v) ? v : AssetTypeEnum.Other;
    public static AssetVisibility Visibility(string v) => EnumText.TryParse<AssetVisibility>(v, out var x) ? x : AssetVisibility.Timeline;

    public static AssetResponseDto ToDto(AssetRow a, ExifRow? exif, UserRow? owner, string? viewerId, List<TagResponseDto>? tags = null, StackRow? stack = null)
    {
        var visibility = Visibility(a.Visibility);
        return new AssetResponseDto
        {
            Id = a.Id,
            DeviceAssetId = a.DeviceAssetId,
            DeviceId = a.DeviceId,
            OwnerId = a.OwnerId,
            Owner = owner is null ? null : UserMapping.ToUser(owner),
            LibraryId = a.LibraryId,
            Type = Type(a.Type),
            OriginalPath = a.OriginalPath,
            OriginalFileName = a.OriginalFileName,
            OriginalMimeType = MediaTypes.MimeOf(a.OriginalFileName),
            Resized = true,
            Thumbhash = a.Thumbhash is { } th ? Convert.ToBase64String(th) : null,
            FileCreatedAt = a.FileCreatedAt,
            FileModifiedAt = a.FileModifiedAt,
            LocalDateTime = a.LocalDateTime,
            UpdatedAt = a.UpdatedAt,
            IsFavorite = viewerId == a.OwnerId && a.IsFavorite,
            IsArchived = visibility == AssetVisibility.Archive,
            IsTrashed = a.IsTrashed,
            IsOffline = a.IsOffline,
            Visibility = visibility,
            Duration = a.Duration ?? DefaultDuration,
            ExifInfo = exif is null ? null : ToExif(exif),
            LivePhotoVideoId = a.LivePhotoVideoId,
            Tags = tags ?? [],
            People = [],
            Checksum = Convert.ToBase64String(a.Checksum),
            Stack = stack is null ? null : new AssetStackResponseDto { Id = stack.Id, PrimaryAssetId = stack.PrimaryAssetId, AssetCount = stack.AssetCount },
            HasMetadata = true,
            DuplicateId = a.DuplicateId,
        };
    }

    public static ExifResponseDto ToExif(ExifRow e) => new()
    {
        Make = e.Make,
        Model = e.Model,
        ExifImageWidth = e.ExifImageWidth,
        ExifImageHeight = e.ExifImageHeight,
        FileSizeInByte = e.FileSizeInByte,
        Orientation = e.Orientation,
        DateTimeOriginal = e.DateTimeOriginal,
        ModifyDate = e.ModifyDate,
        TimeZone = e.TimeZone,
        LensModel = e.LensModel,
        FNumber = e.FNumber,
        FocalLength = e.FocalLength,
        Iso = e.Iso,
        ExposureTime = e.ExposureTime,
        Latitude = e.Latitude,
        Longitude = e.Longitude,
        City = e.City,
        State = e.State,
        Country = e.Country,
        Description = e.Description,
        ProjectionType = e.ProjectionType,
        Rating = e.Rating,
    };
}
