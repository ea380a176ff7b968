using ImmichLite.Assets;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Users;

namespace ImmichLite.Albums;

/// <summary>Album access and album shapes, shared by the album, shared-link, activity and download areas.
/// Access follows upstream: the owner does everything; members read (and download); editors also add
/// assets and remove their own; an ALBUM shared link reads its album (downloads with allowDownload, adds
/// with allowUpload). An admin has no special standing in other people's albums.</summary>
public sealed class AlbumService(AlbumStore albums, UserStore users, AssetService assets)
{
    public const string Read = "album.read";
    public const string Update = "album.update";
    public const string Delete = "album.delete";
    public const string Share = "album.share";
    public const string Download = "album.download";
    public const string AddAsset = "album.addAsset";
    public const string RemoveAsset = "album.removeAsset";

    /// <summary>The album when the caller holds the permission; Immich's 400 "Not found or no X access" otherwise.</summary>
    public AlbumRow RequireAccess(AuthContext auth, string albumId, string permission)
    {
        if (!Allowed(auth, albumId, permission)) throw ApiException.BadRequest($"Not found or no {permission} access");
        return albums.Get(albumId) ?? throw ApiException.BadRequest($"Not found or no {permission} access");
    }

    public bool Allowed(AuthContext auth, string albumId, string permission)
    {
        if (auth.SharedLink is { } via)
        {
            var link = via.Link;
            if (link.Type != "ALBUM" || link.AlbumId != albumId) return false;
            return permission switch
            {
                Read => true,
                Download => link.AllowDownload,
                AddAsset => link.AllowUpload,
                _ => false,
            };
        }
        if (albums.Access(auth.UserId, albumId) is not { } standing) return false;
        if (standing.OwnerId == auth.UserId) return true;
        return permission switch
        {
            Read or Download => standing.Role is not null,
            AddAsset or RemoveAsset => standing.Role == "editor",
            _ => false,
        };
    }

    public bool IsOwner(AuthContext auth, string albumId) =>
        auth.SharedLink is null && albums.Access(auth.UserId, albumId) is { } standing && standing.OwnerId == auth.UserId;

    public AlbumResponseDto ToDto(AlbumRow album, bool withAssets, string? viewerId) => ToDtos([album], viewerId, withAssets)[0];

    /// <summary>AlbumResponseDto as upstream builds it: members viewers-first then by name, shared when it has
    /// members or a link, counts and dates over its active assets, assets newest first (only when asked).</summary>
    public List<AlbumResponseDto> ToDtos(IReadOnlyList<AlbumRow> rows, string? viewerId, bool withAssets = false)
    {
        if (rows.Count == 0) return [];
        var ids = rows.Select(r => r.Id).ToList();
        var meta = albums.Metadata(ids);
        var members = albums.Members(ids);
        var linked = albums.WithSharedLinks(ids);
        var people = new Dictionary<string, UserResponseDto?>();
        UserResponseDto? Person(string id)
        {
            if (!people.TryGetValue(id, out var p)) people[id] = p = users.Get(id, withDeleted: true) is { } u ? UserMapping.ToUser(u) : null;
            return p;
        }

        var result = new List<AlbumResponseDto>(rows.Count);
        foreach (var a in rows)
        {
            var albumUsers = (members.GetValueOrDefault(a.Id) ?? [])
                .Select(m => (Person(m.UserId), m.Role))
                .Where(m => m.Item1 is not null)
                .Select(m => new AlbumUserResponseDto { User = m.Item1!, Role = m.Role == "viewer" ? AlbumUserRole.Viewer : AlbumUserRole.Editor })
                .OrderByDescending(m => EnumText.Of(m.Role), StringComparer.Ordinal)
                .ThenBy(m => m.User.Name, StringComparer.Ordinal)
                .ToList();
            var m = meta.GetValueOrDefault(a.Id);
            var hasLink = linked.Contains(a.Id);
            result.Add(new AlbumResponseDto
            {
                Id = a.Id,
                OwnerId = a.OwnerId,
                Owner = Person(a.OwnerId) ?? throw ApiException.BadRequest("Album not found"),
                AlbumName = a.AlbumName,
                Description = a.Description,
                AlbumThumbnailAssetId = a.AlbumThumbnailAssetId,
                CreatedAt = a.CreatedAt,
                UpdatedAt = a.UpdatedAt,
                AlbumUsers = albumUsers,
                Shared = albumUsers.Count > 0 || hasLink,
                HasSharedLink = hasLink,
                StartDate = m?.StartDate,
                EndDate = m?.EndDate,
                LastModifiedAssetTimestamp = m?.LastModifiedAssetTimestamp,
                AssetCount = m?.AssetCount ?? 0,
                Assets = withAssets ? AssetDtos(albums.AssetIds(a.Id), viewerId) : [],
                IsActivityEnabled = a.IsActivityEnabled,
                Order = a.Order == "asc" ? AssetOrder.Asc : AssetOrder.Desc,
            });
        }
        return result;
    }

    /// <summary>Asset shapes in the order given.</summary>
    public List<AssetResponseDto> AssetDtos(IReadOnlyList<string> ids, string? viewerId) => assets.DtosInOrder(ids, viewerId);
}
