using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

public sealed class SessionStore(Database db)
{
    const string Cols = "id, userId, deviceType, deviceOS, createdAt, updatedAt, expiresAt, pinExpiresAt";

    static SessionRow Map(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), UserId = r.GetString(1), DeviceType = r.GetString(2), DeviceOS = r.GetString(3),
        CreatedAt = r.Date(4), UpdatedAt = r.Date(5), ExpiresAt = r.DateOrNull(6), PinExpiresAt = r.DateOrNull(7),
    };

    public SessionRow? GetByTokenHash(string tokenHash) => db.Read(s => s.One($"SELECT {Cols} FROM sessions WHERE token = $t", Map, ("$t", tokenHash)));

    public SessionRow? Get(string id) => db.Read(s => s.One($"SELECT {Cols} FROM sessions WHERE id = $id", Map, ("$id", id)));

    public List<SessionRow> ListForUser(string userId) => db.Read(s => s.List(
        $"SELECT {Cols} FROM sessions WHERE userId = $u AND (expiresAt IS NULL OR expiresAt > $now) ORDER BY updatedAt DESC", Map,
        ("$u", userId), ("$now", DateTime.UtcNow)));

    public Task InsertAsync(SessionRow row, string tokenHash, string? parentId = null) => db.WriteAsync(s => s.Exec(
        $"INSERT INTO sessions ({Cols}, token, parentId, updateId) VALUES ($id, $u, $dt, $os, $c, $up, $exp, $pin, $tok, $parent, $uid)",
        ("$id", row.Id), ("$u", row.UserId), ("$dt", row.DeviceType), ("$os", row.DeviceOS), ("$c", row.CreatedAt),
        ("$up", row.UpdatedAt), ("$exp", row.ExpiresAt), ("$pin", row.PinExpiresAt), ("$tok", tokenHash), ("$parent", parentId),
        ("$uid", Ids.NewUpdateId())));

    public Task TouchAsync(string id, DateTime now) => db.WriteAsync(s =>
        s.Exec("UPDATE sessions SET updatedAt = $now WHERE id = $id", ("$id", id), ("$now", now)));

    public Task SetPinExpiresAsync(string id, DateTime? pinExpiresAt) => db.WriteAsync(s =>
        s.Exec("UPDATE sessions SET pinExpiresAt = $p, updatedAt = $now, updateId = $uid WHERE id = $id",
            ("$id", id), ("$p", pinExpiresAt), ("$now", DateTime.UtcNow), ("$uid", Ids.NewUpdateId())));

    public Task<int> DeleteAsync(string id) => db.WriteAsync(s => s.Exec("DELETE FROM sessions WHERE id = $id", ("$id", id)));

    /// <summary>Deletes all of a user's sessions but one (null: all). Returns the ids deleted.</summary>
    public Task<List<string>> DeleteAllForUserAsync(string userId, string? exceptId) => db.WriteAsync(s =>
    {
        var ids = s.List("SELECT id FROM sessions WHERE userId = $u AND ($x IS NULL OR id <> $x)", r => r.GetString(0), ("$u", userId), ("$x", exceptId));
        s.Exec("DELETE FROM sessions WHERE userId = $u AND ($x IS NULL OR id <> $x)", ("$u", userId), ("$x", exceptId));
        return ids;
    });

    public Task<int> DeleteExpiredAsync(DateTime now) => db.WriteAsync(s =>
        s.Exec("DELETE FROM sessions WHERE expiresAt IS NOT NULL AND expiresAt <= $now", ("$now", now)));
}
