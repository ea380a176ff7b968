using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

/// <summary>Shared links and the assets of INDIVIDUAL links. A link is only ever found for its owner
/// (by id) or by its key; links of an album whose owner is gone, or of a deleted user, are never found.</summary>
public sealed class SharedLinkStore(Database db)
{
    const string Cols = "sl.id, sl.userId, sl.key, sl.type, sl.albumId, sl.description, sl.password, sl.expiresAt, sl.allowUpload, sl.allowDownload, sl.showExif, sl.createdAt";

    /// <summary>Links whose owner exists; an ALBUM link only while its album does (upstream drops the others).</summary>
    const string From = """
        FROM shared_links sl JOIN users u ON u.id = sl.userId AND u.deletedAt IS NULL
        LEFT JOIN albums al ON al.id = sl.albumId AND al.deletedAt IS NULL
        WHERE (sl.type = 'INDIVIDUAL' OR al.id IS NOT NULL)
        """;

    static SharedLinkRow Map(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), UserId = r.GetString(1), Key = (byte[])r.GetValue(2), Type = r.GetString(3), AlbumId = r.Str(4),
        Description = r.Str(5), Password = r.Str(6), ExpiresAt = r.DateOrNull(7), AllowUpload = r.Bool(8), AllowDownload = r.Bool(9),
        ShowExif = r.Bool(10), CreatedAt = r.Date(11),
    };

    public SharedLinkRow? GetByKey(byte[] key) => db.Read(s => s.One($"SELECT {Cols} {From} AND sl.key = $k", Map, ("$k", key)));

    public SharedLinkRow? Get(string userId, string id) => db.Read(s => s.One($"SELECT {Cols} {From} AND sl.id = $id AND sl.userId = $u", Map,
        ("$id", id), ("$u", userId)));

    public List<SharedLinkRow> List(string userId, string? albumId) => db.Read(s => s.List(
        $"SELECT {Cols} {From} AND sl.userId = $u AND ($a IS NULL OR sl.albumId = $a) ORDER BY sl.createdAt DESC", Map,
        ("$u", userId), ("$a", albumId)));

    /// <summary>The link's own (active) assets, oldest first.</summary>
    public List<string> AssetIds(string linkId) => db.Read(s => s.List($"""
        SELECT sa.assetId FROM shared_link_assets sa JOIN assets a ON a.id = sa.assetId
        WHERE sa.sharedLinkId = $l AND {AccessSql.AlbumAssetFilter} ORDER BY a.fileCreatedAt, a.id
        """, r => r.GetString(0), ("$l", linkId)));

    /// <summary>Ids among those given that the link holds (whatever their state).</summary>
    public HashSet<string> Contained(string linkId, IReadOnlyCollection<string> assetIds) => db.Read(s => s.List(
        "SELECT assetId FROM shared_link_assets WHERE sharedLinkId = $l AND assetId IN (SELECT value FROM json_each($ids))", r => r.GetString(0),
        ("$l", linkId), ("$ids", AssetStore.JsonIds(assetIds))).ToHashSet());

    /// <summary>Assets among $ids that the link shows (see AccessSql.SharedLinkAssets).</summary>
    public HashSet<string> Readable(string linkId, IReadOnlyCollection<string> assetIds) => db.Read(s => s.List(
        AccessSql.SharedLinkAssets, r => r.GetString(0), ("$l", linkId), ("$ids", AssetStore.JsonIds(assetIds))).ToHashSet());

    public Task InsertAsync(SharedLinkRow link, IReadOnlyCollection<string> assetIds) => db.WriteAsync(s =>
    {
        s.Exec("""
            INSERT INTO shared_links (id, userId, key, type, albumId, description, password, expiresAt, allowUpload, allowDownload, showExif, createdAt)
            VALUES ($id, $u, $k, $t, $a, $d, $p, $e, $up, $down, $exif, $c)
            """, ("$id", link.Id), ("$u", link.UserId), ("$k", link.Key), ("$t", link.Type), ("$a", link.AlbumId), ("$d", link.Description),
            ("$p", link.Password), ("$e", link.ExpiresAt), ("$up", link.AllowUpload), ("$down", link.AllowDownload), ("$exif", link.ShowExif),
            ("$c", link.CreatedAt));
        AddAssets(s, link.Id, assetIds, link.CreatedAt);
    });

    /// <summary>Inside a write (the shared-link upload adds its asset in the upload's transaction).</summary>
    public static void AddAssets(Sql s, string linkId, IEnumerable<string> assetIds, DateTime now)
    {
        foreach (var id in assetIds)
            s.Exec("INSERT OR IGNORE INTO shared_link_assets (sharedLinkId, assetId, createdAt) VALUES ($l, $a, $c)", ("$l", linkId), ("$a", id), ("$c", now));
    }

    /// <summary>An upload (or its duplicate) made through a link goes where the link shows it: into its album, or into the link.</summary>
    public static void AddUpload(Sql s, SharedLinkRow? link, string assetId, DateTime now)
    {
        if (link is null) return;
        if (link.AlbumId is { } albumId) AlbumStore.AddAssets(s, albumId, [assetId], now);
        else AddAssets(s, link.Id, [assetId], now);
    }

    public Task AddAssetsAsync(string linkId, IReadOnlyCollection<string> assetIds, DateTime now) => db.WriteAsync(s => AddAssets(s, linkId, assetIds, now));

    public Task RemoveAssetsAsync(string linkId, IReadOnlyCollection<string> assetIds) => db.WriteAsync(s =>
    {
        s.Exec("DELETE FROM shared_link_assets WHERE sharedLinkId = $l AND assetId IN (SELECT value FROM json_each($ids))",
            ("$l", linkId), ("$ids", AssetStore.JsonIds(assetIds)));
    });

    /// <summary>Writes every editable field back.</summary>
    public Task UpdateAsync(SharedLinkRow link) => db.WriteAsync(s =>
    {
        s.Exec("""
            UPDATE shared_links SET description = $d, password = $p, expiresAt = $e, allowUpload = $up, allowDownload = $down, showExif = $exif
            WHERE id = $id
            """, ("$id", link.Id), ("$d", link.Description), ("$p", link.Password), ("$e", link.ExpiresAt), ("$up", link.AllowUpload),
            ("$down", link.AllowDownload), ("$exif", link.ShowExif));
    });

    public Task DeleteAsync(string id) => db.WriteAsync(s => { s.Exec("DELETE FROM shared_links WHERE id = $id", ("$id", id)); });
}
