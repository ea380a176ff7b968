using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

/// <summary>Likes and comments on albums and on the assets in them. Activity by soft-deleted users and
/// on trashed assets is left out, as upstream leaves it out.</summary>
public sealed class ActivityStore(Database db)
{
    const string Cols = "ac.id, ac.albumId, ac.userId, ac.assetId, ac.comment, ac.isLiked, ac.createdAt";

    const string From = """
        FROM activity ac JOIN users u ON u.id = ac.userId AND u.deletedAt IS NULL
        LEFT JOIN assets a ON a.id = ac.assetId
        WHERE (ac.assetId IS NULL OR a.status = 'active')
        """;

    static ActivityRow Map(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), AlbumId = r.GetString(1), UserId = r.GetString(2), AssetId = r.Str(3), Comment = r.Str(4),
        IsLiked = r.Bool(5), CreatedAt = r.Date(6),
    };

    /// <summary>assetGiven with assetId null: album-level activity only; assetGiven false: everything in the album.</summary>
    public List<ActivityRow> Search(string albumId, bool assetGiven, string? assetId, string? userId, bool? isLiked) => db.Read(s => s.List($"""
        SELECT {Cols} {From} AND ac.albumId = $al
          AND ($given = 0 OR ($asset IS NULL AND ac.assetId IS NULL) OR ac.assetId = $asset)
          AND ($user IS NULL OR ac.userId = $user)
          AND ($liked IS NULL OR ac.isLiked = $liked)
        ORDER BY ac.createdAt, ac.rowid
        """, Map, ("$al", albumId), ("$given", assetGiven), ("$asset", assetId), ("$user", userId), ("$liked", isLiked)));

    /// <summary>Comments on the album (all of them, or those on one asset).</summary>
    public int CountComments(string albumId, string? assetId) => db.Read(s => (int)s.Long($"""
        SELECT COUNT(*) {From} AND ac.albumId = $al AND ac.isLiked = 0 AND ($asset IS NULL OR ac.assetId = $asset)
        """, ("$al", albumId), ("$asset", assetId)));

    /// <summary>Inserts; a like that already exists (a race) is returned instead, with false.</summary>
    public Task<(ActivityRow Row, bool Created)> InsertAsync(ActivityRow row) => db.WriteAsync(s =>
    {
        if (row.IsLiked && s.One($"SELECT {Cols} FROM activity ac WHERE ac.albumId = $al AND ac.userId = $u AND ac.isLiked = 1 AND COALESCE(ac.assetId, '') = COALESCE($asset, '')",
                Map, ("$al", row.AlbumId), ("$u", row.UserId), ("$asset", row.AssetId)) is { } existing)
            return (existing, false);
        s.Exec("""
            INSERT INTO activity (id, albumId, userId, assetId, comment, isLiked, createdAt, updatedAt, updateId)
            VALUES ($id, $al, $u, $asset, $c, $liked, $now, $now, $uid)
            """, ("$id", row.Id), ("$al", row.AlbumId), ("$u", row.UserId), ("$asset", row.AssetId), ("$c", row.Comment),
            ("$liked", row.IsLiked), ("$now", row.CreatedAt), ("$uid", Ids.NewUpdateId()));
        return (row, true);
    });

    public bool CanDelete(string userId, string id) => db.Read(s => s.Scalar(AccessSql.DeletableActivity, ("$u", userId), ("$id", id)) is not null);

    public Task DeleteAsync(string id) => db.WriteAsync(s => { s.Exec("DELETE FROM activity WHERE id = $id", ("$id", id)); });
}
