namespace ImmichLite.Contract;

/// <summary>The filters that MetadataSearchDto and RandomSearchDto share (same names and types in the contract), so
/// that one piece of code turns either into a search. Only declares what the generated classes already have.</summary>
public interface IAssetSearchFields
{
    string? City { get; }
    string? Country { get; }
    string? State { get; }
    string? Make { get; }
    string? Model { get; }
    string? LensModel { get; }
    double? Rating { get; }
    DateTime? CreatedAfter { get; }
    DateTime? CreatedBefore { get; }
    DateTime? TakenAfter { get; }
    DateTime? TakenBefore { get; }
    DateTime? TrashedAfter { get; }
    DateTime? TrashedBefore { get; }
    DateTime? UpdatedAfter { get; }
    DateTime? UpdatedBefore { get; }
    string? DeviceId { get; }
    string? LibraryId { get; }
    bool? IsEncoded { get; }
    bool? IsFavorite { get; }
    bool? IsMotion { get; }
    bool? IsNotInAlbum { get; }
    bool? IsOffline { get; }
    List<string>? PersonIds { get; }
    List<string>? TagIds { get; }
    double? Size { get; }
    AssetTypeEnum? Type { get; }
    AssetVisibility? Visibility { get; }
    bool? WithDeleted { get; }
    bool? WithExif { get; }
}

public sealed partial class MetadataSearchDto : IAssetSearchFields;

public sealed partial class RandomSearchDto : IAssetSearchFields;

public sealed partial class SmartSearchDto : IAssetSearchFields;
