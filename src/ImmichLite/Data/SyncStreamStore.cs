using ImmichLite.Contract;
using ImmichLite.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

/// <summary>The sync stream (POST /sync/stream) and its per-session checkpoints. Each entity type is a keyset
/// feed: rows whose change id (updateId for upserts, the audit row's UUIDv7 id for deletes) is above the
/// session's checkpoint, ascending, one bounded page at a time, already in the stream's entity shape.
/// Change ids come from one in-process generator inside the single writer's transactions, so what a reader sees
/// is always a prefix in id order: no row can later appear below an id that has been streamed.</summary>
public sealed class SyncStreamStore(Database db)
{
    /// <summary>A page of one feed: (change id, entity) pairs, change id ascending.</summary>
    List<(string Id, T Data)> Page<T>(string sql, Func<SqliteDataReader, T> map, string userId, string after, int limit) =>
        db.Read(s => s.List(sql + " LIMIT $n", r => (r.GetString(0), map(r)), ("$u", userId), ("$after", after), ("$n", limit)));

    // ---- users: every user of the server (as GET /users lists them)

    public List<(string Id, SyncUserDeleteV1 Data)> UserDeletes(string userId, string after, int limit) => Page(
        "SELECT id, userId FROM users_audit WHERE id > $after ORDER BY id",
        r => new SyncUserDeleteV1 { UserId = r.GetString(1) }, userId, after, limit);

    public List<(string Id, SyncUserV1 Data)> Users(string userId, string after, int limit) => Page(
        "SELECT updateId, id, name, email, deletedAt FROM users WHERE updateId > $after ORDER BY updateId",
        r => new SyncUserV1 { Id = r.GetString(1), Name = r.GetString(2), Email = r.GetString(3), DeletedAt = r.DateOrNull(4) }, userId, after, limit);

    // ---- partners: both directions

    public List<(string Id, SyncPartnerDeleteV1 Data)> PartnerDeletes(string userId, string after, int limit) => Page(
        "SELECT id, sharedById, sharedWithId FROM partners_audit WHERE (sharedById = $u OR sharedWithId = $u) AND id > $after ORDER BY id",
        r => new SyncPartnerDeleteV1 { SharedById = r.GetString(1), SharedWithId = r.GetString(2) }, userId, after, limit);

    public List<(string Id, SyncPartnerV1 Data)> Partners(string userId, string after, int limit) => Page(
        "SELECT updateId, sharedById, sharedWithId, inTimeline FROM partners WHERE (sharedById = $u OR sharedWithId = $u) AND updateId > $after ORDER BY updateId",
        r => new SyncPartnerV1 { SharedById = r.GetString(1), SharedWithId = r.GetString(2), InTimeline = r.Bool(3) }, userId, after, limit);

    // ---- assets: my own (any visibility, trashed too) and my partners' (not locked)

    const string AssetCols = "a.updateId, a.id, a.ownerId, a.thumbhash, a.checksum, a.fileCreatedAt, a.fileModifiedAt, a.localDateTime, a.type, a.deletedAt, a.isFavorite, a.visibility";

    static SyncAssetV1 MapAsset(SqliteDataReader r) => new()
    {
        Id = r.GetString(1),
        OwnerId = r.GetString(2),
        Thumbhash = r.IsDBNull(3) ? null : Convert.ToBase64String((byte[])r.GetValue(3)),
        Checksum = Convert.ToBase64String((byte[])r.GetValue(4)),
        FileCreatedAt = r.DateOrNull(5),
        FileModifiedAt = r.DateOrNull(6),
        LocalDateTime = r.DateOrNull(7),
        Type = EnumText.TryParse<SyncAssetV1Type>(r.GetString(8), out var t) ? t : SyncAssetV1Type.Other,
        DeletedAt = r.DateOrNull(9),
        IsFavorite = r.Bool(10),
        Visibility = EnumText.TryParse<SyncAssetV1Visibility>(r.GetString(11), out var v) ? v : SyncAssetV1Visibility.Timeline,
    };

    public List<(string Id, SyncAssetDeleteV1 Data)> AssetDeletes(string userId, string after, int limit) => Page(
        "SELECT id, assetId FROM assets_audit WHERE ownerId = $u AND id > $after ORDER BY id",
        r => new SyncAssetDeleteV1 { AssetId = r.GetString(1) }, userId, after, limit);

    public List<(string Id, SyncAssetV1 Data)> Assets(string userId, string after, int limit) => Page(
        $"SELECT {AssetCols} FROM assets a WHERE a.ownerId = $u AND a.updateId > $after ORDER BY a.updateId",
        MapAsset, userId, after, limit);

    /// <summary>Partners' assets that are gone for me: deleted for good, or moved into the owner's locked folder
    /// (the asset's own change id then stands for the deletion; a later unlock sends it again as an upsert).</summary>
    public List<(string Id, SyncAssetDeleteV1 Data)> PartnerAssetDeletes(string userId, string after, int limit) => Page($"""
        SELECT id, assetId FROM (
          SELECT id, assetId FROM assets_audit WHERE ownerId IN ({AccessSql.PartnerOwners}) AND id > $after
          UNION ALL
          SELECT a.updateId, a.id FROM assets a WHERE a.ownerId IN ({AccessSql.PartnerOwners}) AND a.visibility = 'locked' AND a.updateId > $after
        ) ORDER BY id
        """, r => new SyncAssetDeleteV1 { AssetId = r.GetString(1) }, userId, after, limit);

    /// <summary>Walks the updateId index (one pass over later changes in total, however many partners).</summary>
    public List<(string Id, SyncAssetV1 Data)> PartnerAssets(string userId, string after, int limit) => Page(
        $"SELECT {AssetCols} FROM assets a INDEXED BY assets_update_id_idx WHERE a.updateId > $after AND a.ownerId IN ({AccessSql.PartnerOwners}) AND {AccessSql.PartnerAssetFilter} ORDER BY a.updateId",
        MapAsset, userId, after, limit);

    // ---- asset exif (upserts only; an asset's exif goes with the asset)

    const string ExifCols = "e.updateId, e.assetId, e.description, e.exifImageWidth, e.exifImageHeight, e.fileSizeInByte, e.orientation, " +
        "e.dateTimeOriginal, e.modifyDate, e.timeZone, e.latitude, e.longitude, e.projectionType, e.city, e.state, e.country, e.make, e.model, " +
        "e.lensModel, e.fNumber, e.focalLength, e.iso, e.exposureTime, e.profileDescription, e.rating, e.fps";

    static SyncAssetExifV1 MapExif(SqliteDataReader r) => new()
    {
        AssetId = r.GetString(1),
        Description = r.Str(2),
        ExifImageWidth = Int(r, 3),
        ExifImageHeight = Int(r, 4),
        FileSizeInByte = r.LongOrNull(5),
        Orientation = r.Str(6),
        DateTimeOriginal = r.DateOrNull(7),
        ModifyDate = r.DateOrNull(8),
        TimeZone = r.Str(9),
        Latitude = Double(r, 10),
        Longitude = Double(r, 11),
        ProjectionType = r.Str(12),
        City = r.Str(13),
        State = r.Str(14),
        Country = r.Str(15),
        Make = r.Str(16),
        Model = r.Str(17),
        LensModel = r.Str(18),
        FNumber = Double(r, 19),
        FocalLength = Double(r, 20),
        Iso = Int(r, 21),
        ExposureTime = r.Str(22),
        ProfileDescription = r.Str(23),
        Rating = Int(r, 24),
        Fps = Double(r, 25),
    };

    static int? Int(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
    static double? Double(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    public List<(string Id, SyncAssetExifV1 Data)> AssetExifs(string userId, string after, int limit) => Page(
        $"SELECT {ExifCols} FROM asset_exif e INDEXED BY asset_exif_update_id_idx JOIN assets a ON a.id = e.assetId WHERE e.updateId > $after AND a.ownerId = $u ORDER BY e.updateId",
        MapExif, userId, after, limit);

    public List<(string Id, SyncAssetExifV1 Data)> PartnerAssetExifs(string userId, string after, int limit) => Page(
        $"SELECT {ExifCols} FROM asset_exif e INDEXED BY asset_exif_update_id_idx JOIN assets a ON a.id = e.assetId WHERE e.updateId > $after AND a.ownerId IN ({AccessSql.PartnerOwners}) AND {AccessSql.PartnerAssetFilter} ORDER BY e.updateId",
        MapExif, userId, after, limit);

    // ---- albums I own or am a member of, and their members

    public List<(string Id, SyncAlbumDeleteV1 Data)> AlbumDeletes(string userId, string after, int limit) => Page(
        "SELECT id, albumId FROM albums_audit WHERE userId = $u AND id > $after ORDER BY id",
        r => new SyncAlbumDeleteV1 { AlbumId = r.GetString(1) }, userId, after, limit);

    public List<(string Id, SyncAlbumV1 Data)> Albums(string userId, string after, int limit) => Page($"""
        SELECT al.updateId, al.id, al.ownerId, al.albumName, al.description, al.createdAt, al.updatedAt, al.albumThumbnailAssetId, al.isActivityEnabled, al."order"
        FROM albums al WHERE al.updateId > $after AND al.id IN ({AccessSql.VisibleAlbums}) ORDER BY al.updateId
        """, r => new SyncAlbumV1
        {
            Id = r.GetString(1), OwnerId = r.GetString(2), Name = r.GetString(3), Description = r.GetString(4),
            CreatedAt = r.Date(5), UpdatedAt = r.Date(6), ThumbnailAssetId = r.Str(7), IsActivityEnabled = r.Bool(8),
            Order = EnumText.TryParse<AssetOrder>(r.GetString(9), out var o) ? o : AssetOrder.Desc,
        }, userId, after, limit);

    /// <summary>Memberships removed from albums I still see, and my own removals.</summary>
    public List<(string Id, SyncAlbumUserDeleteV1 Data)> AlbumUserDeletes(string userId, string after, int limit) => Page($"""
        SELECT id, albumId, userId FROM album_users_audit
        WHERE id > $after AND (userId = $u OR albumId IN ({AccessSql.VisibleAlbums})) ORDER BY id
        """, r => new SyncAlbumUserDeleteV1 { AlbumId = r.GetString(1), UserId = r.GetString(2) }, userId, after, limit);

    public List<(string Id, SyncAlbumUserV1 Data)> AlbumUsers(string userId, string after, int limit) => Page($"""
        SELECT au.updateId, au.albumId, au.userId, au.role FROM album_users au
        WHERE au.updateId > $after AND au.albumId IN ({AccessSql.VisibleAlbums}) ORDER BY au.updateId
        """, r => new SyncAlbumUserV1
        {
            AlbumId = r.GetString(1), UserId = r.GetString(2),
            Role = EnumText.TryParse<SyncAlbumUserV1Role>(r.GetString(3), out var role) ? role : SyncAlbumUserV1Role.Viewer,
        }, userId, after, limit);

    // ---- checkpoints: one ack ("<SyncEntityType>|<updateId>") per session and entity type

    public List<(string Type, string Ack)> Checkpoints(string sessionId) => db.Read(s => s.List(
        "SELECT type, ack FROM session_sync_checkpoints WHERE sessionId = $s ORDER BY type",
        r => (r.GetString(0), r.GetString(1)), ("$s", sessionId)));

    public Task SetCheckpointsAsync(string sessionId, IReadOnlyCollection<(string Type, string Ack)> acks, DateTime now) => db.WriteAsync(s =>
    {
        foreach (var (type, ack) in acks)
            s.Exec("""
                INSERT INTO session_sync_checkpoints (sessionId, type, ack, createdAt, updatedAt) VALUES ($s, $t, $a, $now, $now)
                ON CONFLICT (sessionId, type) DO UPDATE SET ack = excluded.ack, updatedAt = excluded.updatedAt
                """, ("$s", sessionId), ("$t", type), ("$a", ack), ("$now", now));
    });

    /// <summary>Clears the given types' checkpoints, or all of the session's when types is null.</summary>
    public Task DeleteCheckpointsAsync(string sessionId, IReadOnlyCollection<string>? types) => db.WriteAsync(s =>
    {
        if (types is null) s.Exec("DELETE FROM session_sync_checkpoints WHERE sessionId = $s", ("$s", sessionId));
        else s.Exec("DELETE FROM session_sync_checkpoints WHERE sessionId = $s AND type IN (SELECT value FROM json_each($t))",
            ("$s", sessionId), ("$t", AssetStore.JsonIds(types)));
    });
}
