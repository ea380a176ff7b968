using System.Text.RegularExpressions;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Tags;

/// <summary>Tag access and shapes. A tag is its owner's alone: another user (or a shared link) gets upstream's
/// 400 "Not found or no tag.X access" for it, exactly as for a tag that does not exist.</summary>
public sealed partial class TagService(TagStore tags)
{
    public const string Read = "tag.read";
    public const string Update = "tag.update";
    public const string Delete = "tag.delete";
    public const string Asset = "tag.asset";

    public TagRow RequireAccess(AuthContext auth, string tagId, string permission)
    {
        var tag = tags.Get(tagId);
        if (auth.SharedLink is not null || tag is null || tag.UserId != auth.UserId) throw ApiException.BadRequest($"Not found or no {permission} access");
        return tag;
    }

    /// <summary>upstream's mapTag: the name is the last part of the value; parentId and color only when set.</summary>
    public static TagResponseDto ToDto(TagRow t) => new()
    {
        Id = t.Id,
        ParentId = t.ParentId,
        Name = t.Value[(t.Value.LastIndexOf('/') + 1)..],
        Value = t.Value,
        Color = t.Color,
        CreatedAt = t.CreatedAt,
        UpdatedAt = t.UpdatedAt,
    };

    /// <summary>The tags on each asset as AssetResponseDto.tags shows them (by value); assets without tags have no entry.</summary>
    public static Dictionary<string, List<TagResponseDto>> ByAsset(TagStore store, IReadOnlyCollection<string> assetIds) =>
        store.ForAssets(assetIds).ToDictionary(kv => kv.Key, kv => kv.Value.Select(ToDto).ToList());

    /// <summary>A color as class-validator's IsHexColor accepts it ("#" optional; 3, 4, 6 or 8 hex digits); "" means none.
    /// <paramref name="addHash"/>: upstream's update prefixes "#" when it is missing (create keeps the value as given).</summary>
    public static string? Color(string? color, bool addHash)
    {
        if (string.IsNullOrEmpty(color)) return null;
        if (!HexColor().IsMatch(color)) throw ApiException.Validation(["color must be a hexadecimal color"]);
        return addHash && color[0] != '#' ? "#" + color : color;
    }

    [GeneratedRegex("^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")]
    private static partial Regex HexColor();
}
