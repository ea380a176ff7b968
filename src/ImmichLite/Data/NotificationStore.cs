using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

public sealed record NotificationRow(string Id, string UserId, string Level, string Type, string Title, string? Description,
    string? Data, DateTime? ReadAt, DateTime CreatedAt);

/// <summary>A user's notifications (the web's bell menu). Every read and write is scoped to the user.</summary>
public sealed class NotificationStore(Database db)
{
    const string Cols = "id, userId, level, type, title, description, data, readAt, createdAt";

    static NotificationRow Map(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.Str(5), r.Str(6), r.DateOrNull(7), r.Date(8));

    /// <summary>Newest first; every filter optional (unread: readAt is null).</summary>
    public List<NotificationRow> Search(string userId, string? id, string? level, string? type, bool? unread) => db.Read(s => s.List($"""
        SELECT {Cols} FROM notifications
        WHERE userId = $u AND ($id IS NULL OR id = $id) AND ($level IS NULL OR level = $level) AND ($type IS NULL OR type = $type)
          AND ($unread IS NULL OR (readAt IS NULL) = $unread)
        ORDER BY createdAt DESC, rowid DESC
        """, Map, ("$u", userId), ("$id", id), ("$level", level), ("$type", type), ("$unread", unread)));

    public NotificationRow? Get(string userId, string id) => db.Read(s =>
        s.One($"SELECT {Cols} FROM notifications WHERE id = $id AND userId = $u", Map, ("$id", id), ("$u", userId)));

    /// <summary>How many of the ids are the user's (all must be, for a bulk change).</summary>
    public int CountOwned(string userId, IReadOnlyCollection<string> ids) => db.Read(s => (int)s.Long(
        "SELECT COUNT(*) FROM notifications WHERE userId = $u AND id IN (SELECT DISTINCT value FROM json_each($ids))",
        ("$u", userId), ("$ids", AssetStore.JsonIds(ids))));

    public Task InsertAsync(NotificationRow n) => db.WriteAsync(s => { s.Exec($"""
        INSERT INTO notifications ({Cols}, updatedAt) VALUES ($id, $u, $level, $type, $title, $desc, $data, $readAt, $now, $now)
        """, ("$id", n.Id), ("$u", n.UserId), ("$level", n.Level), ("$type", n.Type), ("$title", n.Title), ("$desc", n.Description),
        ("$data", n.Data), ("$readAt", n.ReadAt), ("$now", n.CreatedAt)); });

    public Task SetReadAtAsync(string userId, IReadOnlyCollection<string> ids, DateTime? readAt, DateTime now) => db.WriteAsync(s => { s.Exec(
        "UPDATE notifications SET readAt = $r, updatedAt = $now WHERE userId = $u AND id IN (SELECT value FROM json_each($ids))",
        ("$u", userId), ("$ids", AssetStore.JsonIds(ids)), ("$r", readAt), ("$now", now)); });

    public Task DeleteAsync(string userId, IReadOnlyCollection<string> ids) => db.WriteAsync(s => { s.Exec(
        "DELETE FROM notifications WHERE userId = $u AND id IN (SELECT value FROM json_each($ids))", ("$u", userId), ("$ids", AssetStore.JsonIds(ids))); });
}
