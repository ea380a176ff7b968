using System.Text;
using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

/// <summary>Asset rows, their EXIF rows and tombstones. Every write that changes what a client would see
/// moves updatedAt and updateId, so delta sync and the sync stream see it.</summary>
public sealed class AssetStore(Database db)
{
    public const string Cols = "a.id, a.ownerId, a.libraryId, a.deviceAssetId, a.deviceId, a.type, a.originalPath, a.originalFileName, a.checksum, " +
        "a.fileCreatedAt, a.fileModifiedAt, a.localDateTime, a.isFavorite, a.visibility, a.duration, a.livePhotoVideoId, a.sidecarPath, " +
        "a.encodedVideoPath, a.thumbhash, a.isOffline, a.duplicateId, a.stackId, a.status, a.createdAt, a.updatedAt, a.deletedAt";
    public const int ColCount = 26;

    public const string ExifCols = "e.assetId, e.make, e.model, e.exifImageWidth, e.exifImageHeight, e.fileSizeInByte, e.orientation, e.dateTimeOriginal, " +
        "e.modifyDate, e.timeZone, e.lensModel, e.fNumber, e.focalLength, e.iso, e.exposureTime, e.latitude, e.longitude, e.city, e.state, " +
        "e.country, e.description, e.projectionType, e.rating, e.fps, e.profileDescription, e.colorspace, e.bitsPerSample, e.livePhotoCID";

    public static AssetRow Map(SqliteDataReader r, int o = 0) => new()
    {
        Id = r.GetString(o + 0), OwnerId = r.GetString(o + 1), LibraryId = r.Str(o + 2), DeviceAssetId = r.GetString(o + 3),
        DeviceId = r.GetString(o + 4), Type = r.GetString(o + 5), OriginalPath = r.GetString(o + 6), OriginalFileName = r.GetString(o + 7),
        Checksum = (byte[])r.GetValue(o + 8), FileCreatedAt = r.Date(o + 9), FileModifiedAt = r.Date(o + 10), LocalDateTime = r.Date(o + 11),
        IsFavorite = r.Bool(o + 12), Visibility = r.GetString(o + 13), Duration = r.Str(o + 14), LivePhotoVideoId = r.Str(o + 15),
        SidecarPath = r.Str(o + 16), EncodedVideoPath = r.Str(o + 17), Thumbhash = r.IsDBNull(o + 18) ? null : (byte[])r.GetValue(o + 18),
        IsOffline = r.Bool(o + 19), DuplicateId = r.Str(o + 20), StackId = r.Str(o + 21), Status = r.GetString(o + 22),
        CreatedAt = r.Date(o + 23), UpdatedAt = r.Date(o + 24), DeletedAt = r.DateOrNull(o + 25),
    };

    public static ExifRow? MapExif(SqliteDataReader r, int o)
    {
        if (r.IsDBNull(o)) return null;
        return new ExifRow
        {
            AssetId = r.GetString(o), Make = r.Str(o + 1), Model = r.Str(o + 2), ExifImageWidth = IntOrNull(r, o + 3), ExifImageHeight = IntOrNull(r, o + 4),
            FileSizeInByte = r.LongOrNull(o + 5), Orientation = r.Str(o + 6), DateTimeOriginal = r.DateOrNull(o + 7), ModifyDate = r.DateOrNull(o + 8),
            TimeZone = r.Str(o + 9), LensModel = r.Str(o + 10), FNumber = DoubleOrNull(r, o + 11), FocalLength = DoubleOrNull(r, o + 12),
            Iso = IntOrNull(r, o + 13), ExposureTime = r.Str(o + 14), Latitude = DoubleOrNull(r, o + 15), Longitude = DoubleOrNull(r, o + 16),
            City = r.Str(o + 17), State = r.Str(o + 18), Country = r.Str(o + 19), Description = r.Str(o + 20) ?? "", ProjectionType = r.Str(o + 21),
            Rating = IntOrNull(r, o + 22), Fps = DoubleOrNull(r, o + 23), ProfileDescription = r.Str(o + 24), Colorspace = r.Str(o + 25),
            BitsPerSample = IntOrNull(r, o + 26), LivePhotoCID = r.Str(o + 27),
        };
    }

    static int? IntOrNull(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
    static double? DoubleOrNull(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    public static (AssetRow, ExifRow?) MapWithExif(SqliteDataReader r) => (Map(r), MapExif(r, ColCount));

    /// <summary>The asset ("a") with its EXIF row ("e", LEFT JOIN); read with <see cref="MapWithExif"/>.</summary>
    public const string SelectWithExif = "SELECT " + Cols + ", " + ExifCols + " FROM assets a LEFT JOIN asset_exif e ON e.assetId = a.id";

    public AssetRow? Get(string id) => db.Read(s => s.One($"SELECT {Cols} FROM assets a WHERE a.id = $id", r => Map(r), ("$id", id)));

    public (AssetRow Asset, ExifRow? Exif)? GetWithExif(string id) => db.Read(s =>
    {
        using var cmd = s.Command(SelectWithExif + " WHERE a.id = $id", [("$id", id)]);
        using var r = cmd.ExecuteReader();
        return r.Read() ? MapWithExif(r) : ((AssetRow, ExifRow?)?)null;
    });

    public List<(AssetRow Asset, ExifRow? Exif)> ListWithExif(IReadOnlyCollection<string> ids) => db.Read(s =>
        s.List(SelectWithExif + $" WHERE a.id IN (SELECT value FROM json_each($ids))", MapWithExif, ("$ids", JsonIds(ids))));

    public List<AssetRow> List(IReadOnlyCollection<string> ids) => db.Read(s =>
        s.List($"SELECT {Cols} FROM assets a WHERE a.id IN (SELECT value FROM json_each($ids))", r => Map(r), ("$ids", JsonIds(ids))));

    public static string JsonIds(IEnumerable<string> ids)
    {
        var sb = new StringBuilder("[");
        foreach (var id in ids)
        {
            if (sb.Length > 1) sb.Append(',');
            sb.Append('"').Append(id.Replace("\\", "").Replace("\"", "")).Append('"');
        }
        return sb.Append(']').ToString();
    }

    public (string Id, bool Trashed)? FindByChecksum(string ownerId, byte[] checksum) => db.Read(s =>
    {
        using var cmd = s.Command("SELECT id, status FROM assets WHERE ownerId = $o AND checksum = $c AND libraryId IS NULL", [("$o", ownerId), ("$c", checksum)]);
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetString(0), r.GetString(1) == "trashed") : ((string, bool)?)null;
    });

    public Dictionary<string, (string Id, bool Trashed)> FindByChecksums(string ownerId, IEnumerable<byte[]> checksums) => db.Read(s =>
    {
        var result = new Dictionary<string, (string, bool)>();
        using var cmd = s.Command("SELECT id, status FROM assets WHERE ownerId = $o AND checksum = $c AND libraryId IS NULL", [("$o", ownerId), ("$c", Array.Empty<byte>())]);
        foreach (var c in checksums)
        {
            cmd.Parameters["$c"].Value = c;
            using var r = cmd.ExecuteReader();
            if (r.Read()) result[Convert.ToHexString(c)] = (r.GetString(0), r.GetString(1) == "trashed");
        }
        return result;
    });

    /// <summary>Device asset ids the owner already has from this device (trashed ones included), out of those asked about.</summary>
    public List<string> ExistingDeviceAssetIds(string ownerId, string deviceId, IReadOnlyCollection<string> deviceAssetIds) => db.Read(s => s.List(
        "SELECT DISTINCT deviceAssetId FROM assets WHERE ownerId = $o AND deviceId = $d AND deviceAssetId IN (SELECT value FROM json_each($ids))",
        r => r.GetString(0), ("$o", ownerId), ("$d", deviceId), ("$ids", JsonIds(deviceAssetIds))));

    /// <summary>All device asset ids of an owner's device, excluding hidden and trashed assets (the app's fallback check).</summary>
    public List<string> DeviceAssetIds(string ownerId, string deviceId) => db.Read(s => s.List(
        "SELECT deviceAssetId FROM assets WHERE ownerId = $o AND deviceId = $d AND visibility <> 'hidden' AND status = 'active' ORDER BY createdAt",
        r => r.GetString(0), ("$o", ownerId), ("$d", deviceId)));

    public static void InsertAsset(Sql s, AssetRow a) => s.Exec(
        "INSERT INTO assets (id, ownerId, libraryId, deviceAssetId, deviceId, type, originalPath, originalFileName, checksum, fileCreatedAt, fileModifiedAt, " +
        "localDateTime, isFavorite, visibility, duration, livePhotoVideoId, sidecarPath, encodedVideoPath, thumbhash, isOffline, duplicateId, stackId, status, " +
        "createdAt, updatedAt, deletedAt, updateId) VALUES ($id, $owner, $lib, $dai, $di, $type, $path, $name, $sum, $fc, $fm, $local, $fav, $vis, $dur, $live, " +
        "$side, $enc, $th, $off, $dup, $stack, $status, $c, $u, $d, $uid)",
        ("$id", a.Id), ("$owner", a.OwnerId), ("$lib", a.LibraryId), ("$dai", a.DeviceAssetId), ("$di", a.DeviceId), ("$type", a.Type),
        ("$path", a.OriginalPath), ("$name", a.OriginalFileName), ("$sum", a.Checksum), ("$fc", a.FileCreatedAt), ("$fm", a.FileModifiedAt),
        ("$local", a.LocalDateTime), ("$fav", a.IsFavorite), ("$vis", a.Visibility), ("$dur", a.Duration), ("$live", a.LivePhotoVideoId),
        ("$side", a.SidecarPath), ("$enc", a.EncodedVideoPath), ("$th", a.Thumbhash), ("$off", a.IsOffline), ("$dup", a.DuplicateId),
        ("$stack", a.StackId), ("$status", a.Status), ("$c", a.CreatedAt), ("$u", a.UpdatedAt), ("$d", a.DeletedAt), ("$uid", Ids.NewUpdateId()));

    public static void InsertExif(Sql s, string assetId, long fileSize, DateTime now) => s.Exec(
        "INSERT INTO asset_exif (assetId, fileSizeInByte, updatedAt, updateId) VALUES ($id, $size, $now, $uid)",
        ("$id", assetId), ("$size", fileSize), ("$now", now), ("$uid", Ids.NewUpdateId()));

    /// <summary>Marks assets changed (for sync) inside a write.</summary>
    public static void Touch(Sql s, IEnumerable<string> ids, DateTime now)
    {
        foreach (var id in ids)
            s.Exec("UPDATE assets SET updatedAt = $now, updateId = $uid WHERE id = $id", ("$id", id), ("$now", now), ("$uid", Ids.NewUpdateId()));
    }

    public static void AddUsage(Sql s, string userId, long delta) =>
        s.Exec("UPDATE users SET quotaUsageInBytes = MAX(0, quotaUsageInBytes + $d) WHERE id = $u", ("$u", userId), ("$d", delta));

    /// <summary>Ids among $ids that $u owns. "+ownerId" keeps SQLite on the primary key whatever its statistics say:
    /// without them it would walk every asset of the owner through an (ownerId, …) index (35 ms at 100k assets).</summary>
    public const string OwnedSql = "SELECT id FROM assets WHERE id IN (SELECT value FROM json_each($ids)) AND +ownerId = $u";

    /// <summary>Ids among those given that the user owns.</summary>
    public HashSet<string> Owned(string userId, IReadOnlyCollection<string> ids) => db.Read(s => s.List(
        OwnedSql, r => r.GetString(0), ("$u", userId), ("$ids", JsonIds(ids))).ToHashSet());

    /// <summary>Ids among those given that the user may see: their own, and (as those areas add them) partners', albums', shared links'.</summary>
    public HashSet<string> Readable(string userId, IReadOnlyCollection<string> ids) => db.Read(s => s.List(
        AccessSql.ReadableAssets, r => r.GetString(0), ("$u", userId), ("$ids", JsonIds(ids))).ToHashSet());

    /// <summary>Image and video counts under the statistics filters, summed from the per-month counters (migration 009).</summary>
    public (long Images, long Videos) Statistics(string ownerId, bool? isFavorite, bool? isTrashed, string? visibility) => db.Read(s =>
    {
        using var cmd = s.Command("""
            SELECT COALESCE(SUM(CASE WHEN type = 'IMAGE' THEN n END), 0), COALESCE(SUM(CASE WHEN type = 'VIDEO' THEN n END), 0)
            FROM asset_month_counts
            WHERE ownerId = $o AND ($fav IS NULL OR isFavorite = $fav)
              AND (CASE WHEN $trash IS NULL THEN status = 'active' ELSE status = (CASE WHEN $trash = 1 THEN 'trashed' ELSE 'active' END) END)
              AND (($vis IS NULL AND visibility <> 'hidden' AND visibility <> 'locked') OR visibility = $vis)
            """, [("$o", ownerId), ("$fav", isFavorite), ("$trash", isTrashed), ("$vis", visibility)]);
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    });

    /// <summary>Per active user: photo and video counts and bytes (originals of assets not deleted for good).</summary>
    public List<(string UserId, string Name, long? Quota, long Photos, long Videos, long PhotoBytes, long VideoBytes)> UsageByUser() => db.Read(s => s.List("""
        SELECT u.id, u.name, u.quotaSizeInBytes,
          COALESCE(SUM(a.type = 'IMAGE'), 0), COALESCE(SUM(a.type = 'VIDEO'), 0),
          COALESCE(SUM(CASE WHEN a.type = 'IMAGE' THEN e.fileSizeInByte END), 0), COALESCE(SUM(CASE WHEN a.type = 'VIDEO' THEN e.fileSizeInByte END), 0)
        FROM users u LEFT JOIN assets a ON a.ownerId = u.id AND a.status = 'active' LEFT JOIN asset_exif e ON e.assetId = a.id
        WHERE u.deletedAt IS NULL GROUP BY u.id ORDER BY u.createdAt
        """, r => (r.GetString(0), r.GetString(1), r.LongOrNull(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6))));

    public List<(AssetRow Asset, ExifRow? Exif)> Random(string ownerId, int count) => db.Read(s => s.List(
        SelectWithExif + " WHERE a.ownerId = $o AND a.status = 'active' AND a.visibility IN ('timeline', 'archive') ORDER BY random() LIMIT $n",
        MapWithExif, ("$o", ownerId), ("$n", count)));

    public List<string> TrashedIds(string ownerId) => db.Read(s => s.List(
        "SELECT id FROM assets WHERE ownerId = $o AND status = 'trashed'", r => r.GetString(0), ("$o", ownerId)));

    /// <summary>Up to `limit` ids of the owner's assets, any state (for removing a user).</summary>
    public List<string> IdsOfOwner(string ownerId, int limit) => db.Read(s => s.List(
        "SELECT id FROM assets WHERE ownerId = $o LIMIT $n", r => r.GetString(0), ("$o", ownerId), ("$n", limit)));

    public List<string> TrashedBefore(DateTime cutoff) => db.Read(s => s.List(
        "SELECT id FROM assets WHERE status = 'trashed' AND deletedAt <= $c", r => r.GetString(0), ("$c", cutoff)));

    /// <summary>Whether an asset still points at this file as its original, sidecar or encoded video (an original can be
    /// shared: a replaced asset's copy keeps the old file). Each column has an index (migration 010). Derived files in
    /// asset_files are not looked up: their paths carry their asset's id and only that asset's rows point at them.</summary>
    public const string PathReferencedSql =
        "SELECT EXISTS(SELECT 1 FROM assets WHERE originalPath = $p) OR EXISTS(SELECT 1 FROM assets WHERE sidecarPath = $p) OR EXISTS(SELECT 1 FROM assets WHERE encodedVideoPath = $p)";

    public bool PathReferenced(Sql s, string path) => s.Long(PathReferencedSql, ("$p", path)) != 0;

    /// <summary>The derived file of a kind (thumbnail, preview, fullsize), when generated.</summary>
    public string? FilePath(string assetId, string type) => db.Read(s => (string?)s.Scalar(
        "SELECT path FROM asset_files WHERE assetId = $id AND type = $t", ("$id", assetId), ("$t", type)));

    public static void UpsertFile(Sql s, string assetId, string type, string path, DateTime now) => s.Exec("""
        INSERT INTO asset_files (id, assetId, type, path, createdAt, updatedAt) VALUES ($fid, $id, $t, $p, $now, $now)
        ON CONFLICT (assetId, type) DO UPDATE SET path = excluded.path, updatedAt = excluded.updatedAt
        """, ("$fid", Ids.New()), ("$id", assetId), ("$t", type), ("$p", path), ("$now", now));

    public List<string> FilePaths(Sql s, string assetId) => s.List("SELECT path FROM asset_files WHERE assetId = $id", r => r.GetString(0), ("$id", assetId));
}
