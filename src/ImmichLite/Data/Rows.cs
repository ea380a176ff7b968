namespace ImmichLite.Data;

// Storage rows: what the tables hold, mapped by hand. API shapes live in Contract/ (generated).

public sealed record UserRow
{
    public required string Id { get; init; }
    public required string Email { get; init; }
    public string Password { get; init; } = "";
    public string Name { get; init; } = "";
    public bool IsAdmin { get; init; }
    public string? AvatarColor { get; init; }
    public string ProfileImagePath { get; init; } = "";
    public DateTime ProfileChangedAt { get; init; }
    public bool ShouldChangePassword { get; init; }
    public string OauthId { get; init; } = "";
    public string? StorageLabel { get; init; }
    public long? QuotaSizeInBytes { get; init; }
    public long QuotaUsageInBytes { get; init; }
    public string Status { get; init; } = "active";
    public string? PinCode { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public DateTime? DeletedAt { get; init; }
}

public sealed record SessionRow
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public string DeviceType { get; init; } = "";
    public string DeviceOS { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public DateTime? ExpiresAt { get; init; }
    public DateTime? PinExpiresAt { get; init; }
}

public sealed record ApiKeyRow
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string UserId { get; init; }
    public required string[] Permissions { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
}

public sealed record AssetRow
{
    public required string Id { get; init; }
    public required string OwnerId { get; init; }
    public string? LibraryId { get; init; }
    public required string DeviceAssetId { get; init; }
    public required string DeviceId { get; init; }
    public required string Type { get; init; }
    public required string OriginalPath { get; init; }
    public required string OriginalFileName { get; init; }
    public required byte[] Checksum { get; init; }
    public DateTime FileCreatedAt { get; init; }
    public DateTime FileModifiedAt { get; init; }
    public DateTime LocalDateTime { get; init; }
    public bool IsFavorite { get; init; }
    public string Visibility { get; init; } = "timeline";
    public string? Duration { get; init; }
    public string? LivePhotoVideoId { get; init; }
    public string? SidecarPath { get; init; }
    public string? EncodedVideoPath { get; init; }
    public byte[]? Thumbhash { get; init; }
    public bool IsOffline { get; init; }
    public string? DuplicateId { get; init; }
    public string? StackId { get; init; }
    public string Status { get; init; } = "active";
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public DateTime? DeletedAt { get; init; }

    public bool IsTrashed => Status == "trashed";
}

public sealed record ExifRow
{
    public required string AssetId { get; init; }
    public string? Make { get; init; }
    public string? Model { get; init; }
    public int? ExifImageWidth { get; init; }
    public int? ExifImageHeight { get; init; }
    public long? FileSizeInByte { get; init; }
    public string? Orientation { get; init; }
    public DateTime? DateTimeOriginal { get; init; }
    public DateTime? ModifyDate { get; init; }
    public string? TimeZone { get; init; }
    public string? LensModel { get; init; }
    public double? FNumber { get; init; }
    public double? FocalLength { get; init; }
    public int? Iso { get; init; }
    public string? ExposureTime { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public string? City { get; init; }
    public string? State { get; init; }
    public string? Country { get; init; }
    public string Description { get; init; } = "";
    public string? ProjectionType { get; init; }
    public int? Rating { get; init; }
    public double? Fps { get; init; }
    public string? ProfileDescription { get; init; }
    public string? Colorspace { get; init; }
    public int? BitsPerSample { get; init; }
    public string? LivePhotoCID { get; init; }
}

public sealed record AlbumRow
{
    public required string Id { get; init; }
    public required string OwnerId { get; init; }
    public string AlbumName { get; init; } = "";
    public string Description { get; init; } = "";
    /// <summary>As shown: the chosen thumbnail while it is still in the album, otherwise the album's newest asset.</summary>
    public string? AlbumThumbnailAssetId { get; init; }
    public bool IsActivityEnabled { get; init; } = true;
    public string Order { get; init; } = "desc";
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
}

/// <summary>What an album's assets add up to (active assets only).</summary>
public sealed record AlbumMetadataRow(string AlbumId, int AssetCount, DateTime? StartDate, DateTime? EndDate, DateTime? LastModifiedAssetTimestamp);

public sealed record SharedLinkRow
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required byte[] Key { get; init; }
    public required string Type { get; init; }   // ALBUM | INDIVIDUAL
    public string? AlbumId { get; init; }
    public string? Description { get; init; }
    public string? Password { get; init; }
    public DateTime? ExpiresAt { get; init; }
    public bool AllowUpload { get; init; }
    public bool AllowDownload { get; init; } = true;
    public bool ShowExif { get; init; } = true;
    public DateTime CreatedAt { get; init; }

    public bool HasPassword => !string.IsNullOrEmpty(Password);
}

public sealed record ActivityRow
{
    public required string Id { get; init; }
    public required string AlbumId { get; init; }
    public required string UserId { get; init; }
    public string? AssetId { get; init; }
    public string? Comment { get; init; }
    public bool IsLiked { get; init; }
    public DateTime CreatedAt { get; init; }
}
