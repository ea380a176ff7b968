using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

/// <summary>Albums, the assets in them and their members. Every change moves the album's updatedAt and
/// updateId (the app re-reads an album whose updatedAt moved); removals leave tombstones for sync.</summary>
public sealed class AlbumStore(Database db)
{
    const string Filter = AccessSql.AlbumAssetFilter;

    /// <summary>The thumbnail as shown: the chosen one while it is still (active) in the album, else the newest asset.</summary>
    const string Cols = $"""
        al.id, al.ownerId, al.albumName, al.description,
        COALESCE(
          (SELECT aa.assetId FROM albums_assets aa JOIN assets a ON a.id = aa.assetId
           WHERE aa.albumId = al.id AND aa.assetId = al.albumThumbnailAssetId AND {Filter}),
          (SELECT aa.assetId FROM albums_assets aa JOIN assets a ON a.id = aa.assetId
           WHERE aa.albumId = al.id AND {Filter} ORDER BY a.fileCreatedAt DESC, a.id LIMIT 1)),
        al.isActivityEnabled, al."order", al.createdAt, al.updatedAt
        """;

    /// <summary>Albums that exist for anyone: not deleted, their owner not deleted.</summary>
    const string From = "FROM albums al JOIN users o ON o.id = al.ownerId AND o.deletedAt IS NULL WHERE al.deletedAt IS NULL";

    static AlbumRow Map(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), OwnerId = r.GetString(1), AlbumName = r.GetString(2), Description = r.GetString(3),
        AlbumThumbnailAssetId = r.Str(4), IsActivityEnabled = r.Bool(5), Order = r.GetString(6), CreatedAt = r.Date(7), UpdatedAt = r.Date(8),
    };

    public AlbumRow? Get(string id) => db.Read(s => s.One($"SELECT {Cols} {From} AND al.id = $id", Map, ("$id", id)));

    /// <summary>The caller's standing in an album: null when the album does not exist (for anyone).</summary>
    public (string OwnerId, string? Role)? Access(string userId, string albumId) => db.Read(s =>
    {
        using var cmd = s.Command(AccessSql.AlbumRole, [("$u", userId), ("$a", albumId)]);
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetString(0), r.Str(1)) : ((string, string?)?)null;
    });

    public List<AlbumRow> ListOwned(string userId) => db.Read(s => s.List(
        $"SELECT {Cols} {From} AND al.ownerId = $u ORDER BY al.createdAt DESC", Map, ("$u", userId)));

    /// <summary>Albums shared with the user, and the user's own albums that have members or a shared link.</summary>
    public List<AlbumRow> ListShared(string userId) => db.Read(s => s.List($"""
        SELECT {Cols} {From} AND (
          EXISTS (SELECT 1 FROM album_users au WHERE au.albumId = al.id AND (al.ownerId = $u OR au.userId = $u))
          OR EXISTS (SELECT 1 FROM shared_links sl WHERE sl.albumId = al.id AND sl.userId = $u))
        ORDER BY al.createdAt DESC
        """, Map, ("$u", userId)));

    /// <summary>The user's own albums with neither members nor shared links.</summary>
    public List<AlbumRow> ListNotShared(string userId) => db.Read(s => s.List($"""
        SELECT {Cols} {From} AND al.ownerId = $u
          AND NOT EXISTS (SELECT 1 FROM album_users au WHERE au.albumId = al.id)
          AND NOT EXISTS (SELECT 1 FROM shared_links sl WHERE sl.albumId = al.id)
        ORDER BY al.createdAt DESC
        """, Map, ("$u", userId)));

    /// <summary>Albums the user owns or is a member of that hold the asset.</summary>
    public List<AlbumRow> ListByAsset(string userId, string assetId) => db.Read(s => s.List($"""
        SELECT {Cols} {From} AND al.id IN (SELECT aa.albumId FROM albums_assets aa WHERE aa.assetId = $asset)
          AND (al.ownerId = $u OR EXISTS (SELECT 1 FROM album_users au WHERE au.albumId = al.id AND au.userId = $u))
        ORDER BY al.createdAt DESC
        """, Map, ("$u", userId), ("$asset", assetId)));

    public (int Owned, int Shared, int NotShared) Statistics(string userId) => db.Read(s =>
    {
        var owned = (int)s.Long($"SELECT COUNT(*) {From} AND al.ownerId = $u", ("$u", userId));
        var shared = (int)s.Long($"""
            SELECT COUNT(*) {From} AND (
              EXISTS (SELECT 1 FROM album_users au WHERE au.albumId = al.id AND (al.ownerId = $u OR au.userId = $u))
              OR EXISTS (SELECT 1 FROM shared_links sl WHERE sl.albumId = al.id AND sl.userId = $u))
            """, ("$u", userId));
        var notShared = (int)s.Long($"""
            SELECT COUNT(*) {From} AND al.ownerId = $u
              AND NOT EXISTS (SELECT 1 FROM album_users au WHERE au.albumId = al.id)
              AND NOT EXISTS (SELECT 1 FROM shared_links sl WHERE sl.albumId = al.id)
            """, ("$u", userId));
        return (owned, shared, notShared);
    });

    /// <summary>Asset count, first and last day (localDateTime, as dates), newest asset change, per album.</summary>
    public Dictionary<string, AlbumMetadataRow> Metadata(IReadOnlyCollection<string> albumIds) => db.Read(s => s.List($"""
        SELECT aa.albumId, COUNT(*), substr(MIN(a.localDateTime), 1, 10), substr(MAX(a.localDateTime), 1, 10), MAX(a.updatedAt)
        FROM albums_assets aa JOIN assets a ON a.id = aa.assetId
        WHERE aa.albumId IN (SELECT value FROM json_each($ids)) AND {Filter}
        GROUP BY aa.albumId
        """, r => new AlbumMetadataRow(r.GetString(0), r.GetInt32(1), Day(r.Str(2)), Day(r.Str(3)), r.DateOrNull(4)),
        ("$ids", AssetStore.JsonIds(albumIds)))).ToDictionary(m => m.AlbumId);

    static DateTime? Day(string? ymd) => ymd is null ? null : Sql.ParseIso(ymd + "T00:00:00.000Z");

    /// <summary>Members (not the owner) per album, soft-deleted users left out.</summary>
    public Dictionary<string, List<(string UserId, string Role)>> Members(IReadOnlyCollection<string> albumIds) => db.Read(s => s.List("""
        SELECT au.albumId, au.userId, au.role FROM album_users au JOIN users u ON u.id = au.userId AND u.deletedAt IS NULL
        WHERE au.albumId IN (SELECT value FROM json_each($ids))
        """, r => (Album: r.GetString(0), User: r.GetString(1), Role: r.GetString(2)), ("$ids", AssetStore.JsonIds(albumIds))))
        .GroupBy(x => x.Album).ToDictionary(g => g.Key, g => g.Select(x => (x.User, x.Role)).ToList());

    /// <summary>Albums among those given that have at least one shared link.</summary>
    public HashSet<string> WithSharedLinks(IReadOnlyCollection<string> albumIds) => db.Read(s => s.List(
        "SELECT DISTINCT albumId FROM shared_links WHERE albumId IN (SELECT value FROM json_each($ids))", r => r.GetString(0),
        ("$ids", AssetStore.JsonIds(albumIds))).ToHashSet());

    /// <summary>The album's (active) assets, newest first, as upstream lists them.</summary>
    public List<string> AssetIds(string albumId) => db.Read(s => s.List($"""
        SELECT aa.assetId FROM albums_assets aa JOIN assets a ON a.id = aa.assetId
        WHERE aa.albumId = $id AND {Filter} ORDER BY a.fileCreatedAt DESC, a.id
        """, r => r.GetString(0), ("$id", albumId)));

    /// <summary>Ids among those given that are in the album (whatever their state).</summary>
    public HashSet<string> Contained(string albumId, IReadOnlyCollection<string> assetIds) => db.Read(s => s.List(
        "SELECT assetId FROM albums_assets WHERE albumId = $id AND assetId IN (SELECT value FROM json_each($ids))", r => r.GetString(0),
        ("$id", albumId), ("$ids", AssetStore.JsonIds(assetIds))).ToHashSet());


    public Task CreateAsync(AlbumRow album, IReadOnlyCollection<string> assetIds, IReadOnlyCollection<(string UserId, string Role)> members) => db.WriteAsync(s =>
    {
        s.Exec("""
            INSERT INTO albums (id, ownerId, albumName, description, albumThumbnailAssetId, isActivityEnabled, "order", createdAt, updatedAt, updateId)
            VALUES ($id, $o, $n, $d, $th, $act, $ord, $c, $c, $uid)
            """, ("$id", album.Id), ("$o", album.OwnerId), ("$n", album.AlbumName), ("$d", album.Description), ("$th", album.AlbumThumbnailAssetId),
            ("$act", album.IsActivityEnabled), ("$ord", album.Order), ("$c", album.CreatedAt), ("$uid", Ids.NewUpdateId()));
        InsertAssets(s, album.Id, assetIds, album.CreatedAt);
        foreach (var (userId, role) in members)
            s.Exec("""
                INSERT INTO album_users (albumId, userId, role, createdAt, updatedAt, updateId) VALUES ($a, $u, $r, $c, $c, $uid)
                ON CONFLICT (albumId, userId) DO UPDATE SET role = excluded.role
                """, ("$a", album.Id), ("$u", userId), ("$r", role), ("$c", album.CreatedAt), ("$uid", Ids.NewUpdateId()));
    });

    static void InsertAssets(Sql s, string albumId, IEnumerable<string> assetIds, DateTime now)
    {
        using var cmd = s.Command("INSERT OR IGNORE INTO albums_assets (albumId, assetId, createdAt) VALUES ($a, $asset, $c)",
            [("$a", albumId), ("$asset", ""), ("$c", Sql.Iso(now))]);
        foreach (var id in assetIds)
        {
            cmd.Parameters["$asset"].Value = id;
            cmd.ExecuteNonQuery();
        }
    }

    static void Touch(Sql s, string albumId, DateTime now) =>
        s.Exec("UPDATE albums SET updatedAt = $now, updateId = $uid WHERE id = $id", ("$id", albumId), ("$now", now), ("$uid", Ids.NewUpdateId()));

    /// <summary>Applies the fields given (null: leave as is).</summary>
    public Task UpdateAsync(string id, string? name, string? description, string? thumbnailId, bool? activity, string? order, DateTime now) => db.WriteAsync(s =>
    {
        s.Exec("""
            UPDATE albums SET albumName = COALESCE($n, albumName), description = COALESCE($d, description),
              albumThumbnailAssetId = COALESCE($th, albumThumbnailAssetId), isActivityEnabled = COALESCE($act, isActivityEnabled),
              "order" = COALESCE($ord, "order"), updatedAt = $now, updateId = $uid
            WHERE id = $id
            """, ("$id", id), ("$n", name), ("$d", description), ("$th", thumbnailId), ("$act", activity), ("$ord", order),
            ("$now", now), ("$uid", Ids.NewUpdateId()));
    });

    /// <summary>Adds the assets; the first of them becomes the thumbnail when the album has none chosen.</summary>
    public Task AddAssetsAsync(string albumId, IReadOnlyList<string> assetIds, DateTime now) => db.WriteAsync(s => AddAssets(s, albumId, assetIds, now));

    /// <summary>Inside a write (the shared-link upload adds its asset to the link's album in the upload's transaction).</summary>
    public static void AddAssets(Sql s, string albumId, IReadOnlyList<string> assetIds, DateTime now)
    {
        if (assetIds.Count == 0) return;
        InsertAssets(s, albumId, assetIds, now);
        s.Exec("UPDATE albums SET albumThumbnailAssetId = $th WHERE id = $id AND albumThumbnailAssetId IS NULL", ("$id", albumId), ("$th", assetIds[0]));
        Touch(s, albumId, now);
    }

    /// <summary>Removes the assets; a chosen thumbnail among them is forgotten (the newest asset stands in).</summary>
    public Task RemoveAssetsAsync(string albumId, IReadOnlyCollection<string> assetIds, DateTime now) => db.WriteAsync(s =>
    {
        if (assetIds.Count == 0) return;
        var json = AssetStore.JsonIds(assetIds);
        s.Exec("DELETE FROM albums_assets WHERE albumId = $id AND assetId IN (SELECT value FROM json_each($ids))", ("$id", albumId), ("$ids", json));
        s.Exec("UPDATE albums SET albumThumbnailAssetId = NULL WHERE id = $id AND albumThumbnailAssetId IN (SELECT value FROM json_each($ids))",
            ("$id", albumId), ("$ids", json));
        Touch(s, albumId, now);
    });

    public Task AddMembersAsync(string albumId, IReadOnlyCollection<(string UserId, string Role)> members, DateTime now) => db.WriteAsync(s =>
    {
        foreach (var (userId, role) in members)
            s.Exec("INSERT INTO album_users (albumId, userId, role, createdAt, updatedAt, updateId) VALUES ($a, $u, $r, $c, $c, $uid)",
                ("$a", albumId), ("$u", userId), ("$r", role), ("$c", now), ("$uid", Ids.NewUpdateId()));
        Touch(s, albumId, now);
    });

    /// <summary>False when the user is not a member.</summary>
    public Task<bool> SetRoleAsync(string albumId, string userId, string role, DateTime now) => db.WriteAsync(s =>
    {
        var n = s.Exec("UPDATE album_users SET role = $r, updatedAt = $now, updateId = $uid WHERE albumId = $a AND userId = $u",
            ("$a", albumId), ("$u", userId), ("$r", role), ("$now", now), ("$uid", Ids.NewUpdateId()));
        if (n > 0) Touch(s, albumId, now);
        return n > 0;
    });

    public Task RemoveMemberAsync(string albumId, string userId, DateTime now) => db.WriteAsync(s =>
    {
        if (s.Exec("DELETE FROM album_users WHERE albumId = $a AND userId = $u", ("$a", albumId), ("$u", userId)) == 0) return;
        s.Exec("INSERT INTO album_users_audit (id, albumId, userId, deletedAt) VALUES ($id, $a, $u, $now)",
            ("$id", Ids.NewUpdateId()), ("$a", albumId), ("$u", userId), ("$now", now));
        s.Exec("INSERT INTO albums_audit (id, albumId, userId, deletedAt) VALUES ($id, $a, $u, $now)",
            ("$id", Ids.NewUpdateId()), ("$a", albumId), ("$u", userId), ("$now", now));
        Touch(s, albumId, now);
    });

    /// <summary>Deletes the album (its assets stay; its links and activity go) and tells sync, for the owner and every member.</summary>
    public Task DeleteAsync(string albumId, DateTime now) => db.WriteAsync(s =>
    {
        var users = s.List("SELECT ownerId FROM albums WHERE id = $a UNION SELECT userId FROM album_users WHERE albumId = $a",
            r => r.GetString(0), ("$a", albumId));
        s.Exec("DELETE FROM albums WHERE id = $a", ("$a", albumId));
        foreach (var u in users)
            s.Exec("INSERT INTO albums_audit (id, albumId, userId, deletedAt) VALUES ($id, $a, $u, $now)",
                ("$id", Ids.NewUpdateId()), ("$a", albumId), ("$u", u), ("$now", now));
    });
}
