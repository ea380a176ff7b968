using System.Globalization;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Tags;

namespace ImmichLite.Assets;

/// <summary>Asset reads and changes shared by the asset, trash and download areas: access checks,
/// edits, trash/restore, and permanent deletion (files removed only after the commit, and only when no
/// other row still points at them).</summary>
public sealed class AssetService(Database db, AssetStore assets, TagStore tags, StackStore stacks, UserStore users, SharedLinkStore links, EventHub events, TimeProvider clock, ILogger<AssetService> log)
{
    /// <summary>Throws Immich's 400 when any of the ids is not readable by the caller: their own assets and
    /// those of albums they are in; through a shared link, exactly what the link shows — and for a download
    /// (an original, an archive) only when the link allows downloads.</summary>
    public void RequireRead(AuthContext auth, IReadOnlyCollection<string> ids, string? permission = null)
    {
        if (ids.Count == 0) return;
        HashSet<string> ok;
        if (auth.SharedLink is { } link)
        {
            permission ??= SharedLinkPermission(link.OperationId);
            ok = permission == "asset.download" && !link.Link.AllowDownload ? [] : links.Readable(link.Link.Id, ids);
        }
        else ok = assets.Readable(auth.UserId, ids);
        if (ids.Any(id => !ok.Contains(id))) throw ApiException.BadRequest($"Not found or no {permission ?? "asset.read"} access");
    }

    /// <summary>Upstream's permission for the operations a shared link may call on assets.</summary>
    static string SharedLinkPermission(string? operationId) => operationId switch
    {
        "downloadAsset" or "downloadArchive" or "getDownloadInfo" => "asset.download",
        "viewAsset" or "playAssetVideo" => "asset.view",
        _ => "asset.read",
    };

    public void RequireOwner(AuthContext auth, IReadOnlyCollection<string> ids, string permission = "asset.update")
    {
        if (ids.Count == 0) return;
        if (auth.SharedLink is not null) throw ApiException.BadRequest($"Not found or no {permission} access");
        var owned = assets.Owned(auth.UserId, ids);
        if (ids.Any(id => !owned.Contains(id))) throw ApiException.BadRequest($"Not found or no {permission} access");
    }

    public AssetResponseDto Dto(string id, string? viewerId)
    {
        var (a, e) = assets.GetWithExif(id) ?? throw ApiException.BadRequest("Not found or no asset.read access");
        return AssetMapper.ToDto(a, e, users.Get(a.OwnerId, withDeleted: true), viewerId, TagService.ByAsset(tags, [id]).GetValueOrDefault(id),
            a.StackId is { } st ? stacks.Get(st) : null);
    }

    public List<AssetResponseDto> Dtos(IReadOnlyCollection<string> ids, string? viewerId) => Dtos(assets.ListWithExif(ids), viewerId);

    /// <summary>Asset shapes of rows already read, in their order: owners, tags and stacks looked up once for all.</summary>
    public List<AssetResponseDto> Dtos(IReadOnlyList<(AssetRow Asset, ExifRow? Exif)> rows, string? viewerId)
    {
        var owners = new Dictionary<string, UserRow?>();
        var tagged = TagService.ByAsset(tags, rows.Select(x => x.Asset.Id).ToList());
        var stacked = stacks.ByIds(rows.Select(x => x.Asset.StackId));
        return rows.Select(x =>
        {
            if (!owners.TryGetValue(x.Asset.OwnerId, out var o)) owners[x.Asset.OwnerId] = o = users.Get(x.Asset.OwnerId, withDeleted: true);
            return AssetMapper.ToDto(x.Asset, x.Exif, o, viewerId, tagged.GetValueOrDefault(x.Asset.Id), x.Asset.StackId is { } st ? stacked.GetValueOrDefault(st) : null);
        }).ToList();
    }

    /// <summary>Asset shapes in the order given (ids that no longer exist are left out).</summary>
    public List<AssetResponseDto> DtosInOrder(IReadOnlyList<string> ids, string? viewerId)
    {
        if (ids.Count == 0) return [];
        var byId = Dtos(ids, viewerId).ToDictionary(d => d.Id);
        return ids.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
    }

    /// <summary>The edits PUT /assets/{id} and PUT /assets apply; null means "leave as is".</summary>
    public sealed record Edit(bool? IsFavorite = null, string? Visibility = null, string? DateTimeOriginal = null, double? Latitude = null,
        double? Longitude = null, int? Rating = null, string? Description = null, bool DuplicateIdGiven = false, string? DuplicateId = null,
        bool LivePhotoGiven = false, string? LivePhotoVideoId = null);

    public static void ValidateEdit(Edit e)
    {
        var errors = new List<string>();
        if (e.Latitude is < -90 or > 90) errors.Add("latitude must be a latitude string or number");
        if (e.Longitude is < -180 or > 180) errors.Add("longitude must be a longitude string or number");
        if ((e.Latitude is null) != (e.Longitude is null)) errors.Add("latitude and longitude must be set together");
        if (e.Rating is < -1 or > 5) errors.Add("rating must not be greater than 5 and not less than -1");
        if (e.DateTimeOriginal is { } d && !DateTimeOffset.TryParse(d, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            errors.Add("dateTimeOriginal must be a valid ISO 8601 date string");
        if (errors.Count > 0) throw ApiException.Validation(errors);
    }

    public async Task ApplyAsync(AuthContext auth, IReadOnlyCollection<string> ids, Edit e)
    {
        ValidateEdit(e);
        RequireOwner(auth, ids);
        if (e.LivePhotoGiven && e.LivePhotoVideoId is { } live) RequireOwner(auth, [live]);
        var now = clock.GetUtcNow().UtcDateTime;
        await db.WriteAsync(s =>
        {
            foreach (var id in ids)
            {
                if (e.IsFavorite is { } fav) s.Exec("UPDATE assets SET isFavorite = $v WHERE id = $id", ("$id", id), ("$v", fav));
                if (e.Visibility is { } vis) s.Exec("UPDATE assets SET visibility = $v WHERE id = $id", ("$id", id), ("$v", vis));
                if (e.DuplicateIdGiven) s.Exec("UPDATE assets SET duplicateId = $v WHERE id = $id", ("$id", id), ("$v", e.DuplicateId));
                if (e.LivePhotoGiven) s.Exec("UPDATE assets SET livePhotoVideoId = $v WHERE id = $id", ("$id", id), ("$v", e.LivePhotoVideoId));
                var exifChanged = false;
                if (e.DateTimeOriginal is { } dto)
                {
                    var parsed = DateTimeOffset.Parse(dto, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                    var local = DateTime.SpecifyKind(parsed.DateTime, DateTimeKind.Utc);
                    s.Exec("UPDATE asset_exif SET dateTimeOriginal = $v, timeZone = COALESCE($tz, timeZone) WHERE assetId = $id",
                        ("$id", id), ("$v", parsed.UtcDateTime), ("$tz", dto.EndsWith('Z') ? null : OffsetZone(parsed.Offset)));
                    s.Exec("UPDATE assets SET fileCreatedAt = $c, localDateTime = $l WHERE id = $id", ("$id", id), ("$c", parsed.UtcDateTime), ("$l", local));
                    exifChanged = true;
                }
                if (e.Latitude is { } lat && e.Longitude is { } lon)
                {
                    s.Exec("UPDATE asset_exif SET latitude = $lat, longitude = $lon WHERE assetId = $id", ("$id", id), ("$lat", lat), ("$lon", lon));
                    exifChanged = true;
                }
                if (e.Rating is { } rating) { s.Exec("UPDATE asset_exif SET rating = $v WHERE assetId = $id", ("$id", id), ("$v", rating)); exifChanged = true; }
                if (e.Description is { } desc) { s.Exec("UPDATE asset_exif SET description = $v WHERE assetId = $id", ("$id", id), ("$v", desc)); exifChanged = true; }
                if (exifChanged) s.Exec("UPDATE asset_exif SET updatedAt = $now, updateId = $uid WHERE assetId = $id", ("$id", id), ("$now", now), ("$uid", Ids.NewUpdateId()));
            }
            AssetStore.Touch(s, ids, now);
        });
        foreach (var id in ids)
            events.Publish(new ServerEvent("on_asset_update", EventAudience.Users, [auth.UserId], System.Text.Json.JsonSerializer.Serialize(Dto(id, auth.UserId), ImmichJsonContext.Default.AssetResponseDto)));
    }

    static string OffsetZone(TimeSpan offset) =>
        offset == TimeSpan.Zero ? "UTC" : $"UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset.Duration():h\\:mm}".Replace(":00", "");

    /// <summary>Moves to trash (visible in trash, restorable) — live-photo video parts go along.</summary>
    public async Task<List<string>> TrashAsync(string ownerId, IReadOnlyCollection<string> ids)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var trashed = await db.WriteAsync(s =>
        {
            var all = WithLiveParts(s, ids);
            var changed = new List<string>();
            foreach (var id in all)
                if (s.Exec("UPDATE assets SET status = 'trashed', deletedAt = $now, updatedAt = $now, updateId = $uid WHERE id = $id AND status = 'active'",
                        ("$id", id), ("$now", now), ("$uid", Ids.NewUpdateId())) > 0)
                    changed.Add(id);
            return changed;
        });
        if (trashed.Count > 0) events.Publish(new ServerEvent("on_asset_trash", EventAudience.Users, [ownerId], Json.StrList(trashed)));
        return trashed;
    }

    public async Task<List<string>> RestoreAsync(string ownerId, IReadOnlyCollection<string> ids)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var restored = await db.WriteAsync(s =>
        {
            var changed = new List<string>();
            foreach (var id in WithLiveParts(s, ids))
                if (s.Exec("UPDATE assets SET status = 'active', deletedAt = NULL, updatedAt = $now, updateId = $uid WHERE id = $id AND status = 'trashed'",
                        ("$id", id), ("$now", now), ("$uid", Ids.NewUpdateId())) > 0)
                    changed.Add(id);
            return changed;
        });
        if (restored.Count > 0) events.Publish(new ServerEvent("on_asset_restore", EventAudience.Users, [ownerId], Json.StrList(restored)));
        return restored;
    }

    static List<string> WithLiveParts(Sql s, IReadOnlyCollection<string> ids)
    {
        var all = new HashSet<string>(ids);
        foreach (var id in ids)
            if (s.Scalar("SELECT livePhotoVideoId FROM assets WHERE id = $id", ("$id", id)) is string live &&
                s.Long("SELECT COUNT(*) FROM assets WHERE livePhotoVideoId = $v AND id NOT IN (SELECT value FROM json_each($ids))", ("$v", live), ("$ids", AssetStore.JsonIds(ids))) == 0)
                all.Add(live);
        return all.ToList();
    }

    /// <summary>Deletes for good: rows (with tombstones for sync) in one transaction, then the files nobody else references.</summary>
    public async Task<int> DeletePermanentlyAsync(IReadOnlyCollection<string> ids)
    {
        if (ids.Count == 0) return 0;
        var now = clock.GetUtcNow().UtcDateTime;
        var (deleted, files) = await db.WriteAsync(s =>
        {
            var all = WithLiveParts(s, ids);
            var rows = s.List($"SELECT {AssetStore.Cols} FROM assets a WHERE a.id IN (SELECT value FROM json_each($ids))", r => AssetStore.Map(r), ("$ids", AssetStore.JsonIds(all)));
            var candidates = new List<string>();
            var gone = new List<(string Id, string Owner)>();
            foreach (var a in rows)
            {
                candidates.Add(a.OriginalPath);
                if (a.SidecarPath is { } sc) candidates.Add(sc);
                if (a.EncodedVideoPath is { } ev) candidates.Add(ev);
                candidates.AddRange(assets.FilePaths(s, a.Id));
                var size = s.Long("SELECT COALESCE(fileSizeInByte, 0) FROM asset_exif WHERE assetId = $id", ("$id", a.Id));
                s.Exec("DELETE FROM assets WHERE id = $id", ("$id", a.Id));
                s.Exec("INSERT INTO assets_audit (id, assetId, ownerId, deletedAt) VALUES ($a, $id, $o, $now)",
                    ("$a", Ids.NewUpdateId()), ("$id", a.Id), ("$o", a.OwnerId), ("$now", now));
                AssetStore.AddUsage(s, a.OwnerId, -size);
                gone.Add((a.Id, a.OwnerId));
            }
            var unreferenced = candidates.Distinct().Where(p => !assets.PathReferenced(s, p)).ToList();
            return (gone, unreferenced);
        });
        foreach (var path in files) StorageLayout.TryDelete(path);
        foreach (var (id, owner) in deleted)
            events.Publish(new ServerEvent("on_asset_delete", EventAudience.Users, [owner], Json.Str(id)));
        log.LogDebug("deleted {Count} assets and {Files} files", deleted.Count, files.Count);
        return deleted.Count;
    }
}
