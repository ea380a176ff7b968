using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using ImmichLite.Albums;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.SharedLinks;

/// <summary>Shared links: who a key is (the resolver behind AuthService), the password gate, and the
/// response shape. A key is 50 random bytes shown base64url (a 100-character hex form is accepted too).
/// An expired link, or one whose owner is gone, is "Invalid share key" (401); a password-protected link
/// answers "Invalid password" (401) until the caller shows the password (?password=) or the token that
/// /shared-links/me handed out (cookie immich_shared_link_token, or ?token=).</summary>
public sealed class SharedLinkService(SharedLinkStore links, UserStore users, AlbumStore albums, AlbumService albumService, TimeProvider clock)
{
    public static readonly TimeSpan TokenCookieAge = TimeSpan.FromDays(1);

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(50);

    public static string KeyText(byte[] key) => Base64Url.EncodeToString(key);

    public static byte[]? ParseKey(string text)
    {
        text = text.Trim();
        if (text.Length == 0) return null;
        try
        {
            if (text.Length == 100 && text.All(char.IsAsciiHexDigit)) return Convert.FromHexString(text);
            var normalized = text.Replace('+', '-').Replace('/', '_').TrimEnd('=');
            return Base64Url.DecodeFromChars(normalized);
        }
        catch (FormatException) { return null; }
    }

    /// <summary>The token a caller earns by giving a link's password once: it changes when the password does.</summary>
    public static string Token(SharedLinkRow link) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(link.Id + "-" + link.Password)));

    /// <summary>Tokens the request carries (the cookie, and ?token=), comma-separated as upstream keeps them.</summary>
    public static List<string> Tokens(HttpContext ctx)
    {
        var all = new List<string>();
        foreach (var source in new[] { ctx.Request.Cookies[AuthService.CookieSharedLinkToken], ctx.QueryString("token") })
            if (!string.IsNullOrEmpty(source))
                all.AddRange(source.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return all.Distinct().ToList();
    }

    /// <summary>AuthService.SharedLinkResolver: the link's owner, acting through the link; null for an unknown or expired key.</summary>
    public AuthContext? Resolve(HttpContext ctx, string key)
    {
        if (ParseKey(key) is not { } bytes || links.GetByKey(bytes) is not { } link) return null;
        if (link.ExpiresAt is { } expires && expires <= clock.GetUtcNow().UtcDateTime) return null;
        if (users.Get(link.UserId) is not { } owner) return null;
        if (link.HasPassword && !PasswordShown(ctx, link)) throw ApiException.Unauthorized("Invalid password");
        var op = ctx.GetEndpoint()?.Metadata.GetMetadata<ApiOperation>()?.OperationId;
        return new AuthContext(owner, SharedLink: new SharedLinkAccess(link, op));
    }

    static bool PasswordShown(HttpContext ctx, SharedLinkRow link)
    {
        if (ctx.QueryString("password") is { Length: > 0 } given &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(link.Password!)))
            return true;
        var expected = Token(link);
        return Tokens(ctx).Any(t => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(t), Encoding.ASCII.GetBytes(expected)));
    }

    /// <summary>SharedLinkResponseDto as upstream maps it: the link's assets plus (when asked) its album's, the
    /// album without assets, the password for the owner's edit form; without metadata when showMetadata is off.</summary>
    public SharedLinkResponseDto ToDto(SharedLinkRow link, bool withAlbumAssets, bool stripMetadata, string viewerId)
    {
        var album = link.AlbumId is { } albumId ? albums.Get(albumId) : null;
        var ids = links.AssetIds(link.Id);
        if (withAlbumAssets && album is not null) ids = ids.Concat(albums.AssetIds(album.Id)).Distinct().ToList();
        var assets = albumService.AssetDtos(ids, viewerId);
        if (stripMetadata) assets = assets.Select(Strip).ToList();
        return new SharedLinkResponseDto
        {
            Id = link.Id,
            Key = KeyText(link.Key),
            UserId = link.UserId,
            Type = link.Type == "ALBUM" ? SharedLinkType.Album : SharedLinkType.Individual,
            Description = link.Description,
            Password = link.Password,
            CreatedAt = link.CreatedAt,
            ExpiresAt = link.ExpiresAt,
            AllowUpload = link.AllowUpload,
            AllowDownload = link.AllowDownload,
            ShowMetadata = link.ShowExif,
            Album = album is null ? null : albumService.ToDto(album, withAssets: false, viewerId),
            Assets = assets,
        };
    }

    /// <summary>What a link without metadata shows of an asset: enough to display it, nothing about where, when exactly or whose.</summary>
    static AssetResponseDto Strip(AssetResponseDto a)
    {
        a.ExifInfo = null;
        a.OriginalPath = "";
        a.OriginalFileName = "";
        a.DeviceAssetId = "";
        a.DeviceId = "";
        a.Checksum = "";
        a.Owner = null;
        a.People = [];
        a.Tags = [];
        a.HasMetadata = false;
        return a;
    }
}
