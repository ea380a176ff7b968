namespace ImmichLite.Data;

public sealed class DownloadStore(Database db)
{
    /// <summary>(id, size) of the given assets and, when asked, the video parts of live photos among them, in upload order.</summary>
    public List<(string Id, long Size)> Sizes(IReadOnlyCollection<string> ids, bool includeLiveParts) => db.Read(s => s.List("""
        WITH chosen(id) AS (
          SELECT value FROM json_each($ids)
          UNION SELECT a.livePhotoVideoId FROM assets a WHERE $live = 1 AND a.livePhotoVideoId IS NOT NULL AND a.id IN (SELECT value FROM json_each($ids))
        )
        SELECT a.id, COALESCE(e.fileSizeInByte, 0) FROM assets a JOIN chosen c ON c.id = a.id LEFT JOIN asset_exif e ON e.assetId = a.id
        ORDER BY a.createdAt, a.id
        """, r => (r.GetString(0), r.GetInt64(1)), ("$ids", AssetStore.JsonIds(ids)), ("$live", includeLiveParts)));

    public List<(string Id, long Size)> SizesOfUser(string userId) => db.Read(s => s.List("""
        SELECT a.id, COALESCE(e.fileSizeInByte, 0) FROM assets a LEFT JOIN asset_exif e ON e.assetId = a.id
        WHERE a.ownerId = $u AND a.status = 'active' ORDER BY a.createdAt, a.id
        """, r => (r.GetString(0), r.GetInt64(1)), ("$u", userId)));

    public List<(string Path, string Name)> Files(IReadOnlyCollection<string> ids) => db.Read(s => s.List(
        "SELECT originalPath, originalFileName FROM assets WHERE id IN (SELECT value FROM json_each($ids)) ORDER BY createdAt, id",
        r => (r.GetString(0), r.GetString(1)), ("$ids", AssetStore.JsonIds(ids))));
}
