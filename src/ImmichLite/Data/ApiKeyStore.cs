using System.Text.Json;
using ImmichLite.Contract;
using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

public sealed class ApiKeyStore(Database db)
{
    const string Cols = "id, name, userId, permissions, createdAt, updatedAt";

    static ApiKeyRow Map(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), Name = r.GetString(1), UserId = r.GetString(2),
        Permissions = JsonSerializer.Deserialize(r.GetString(3), ImmichJsonContext.Default.ListString)?.ToArray() ?? [],
        CreatedAt = r.Date(4), UpdatedAt = r.Date(5),
    };

    static string PermissionsJson(string[] p) => JsonSerializer.Serialize(p.ToList(), ImmichJsonContext.Default.ListString);

    public ApiKeyRow? GetByKeyHash(string keyHash) => db.Read(s => s.One($"SELECT {Cols} FROM api_keys WHERE key = $k", Map, ("$k", keyHash)));

    public ApiKeyRow? Get(string userId, string id) => db.Read(s => s.One($"SELECT {Cols} FROM api_keys WHERE id = $id AND userId = $u", Map, ("$id", id), ("$u", userId)));

    public List<ApiKeyRow> List(string userId) => db.Read(s => s.List($"SELECT {Cols} FROM api_keys WHERE userId = $u ORDER BY createdAt", Map, ("$u", userId)));

    public Task InsertAsync(ApiKeyRow row, string keyHash) => db.WriteAsync(s => s.Exec(
        $"INSERT INTO api_keys ({Cols}, key, updateId) VALUES ($id, $n, $u, $p, $c, $up, $k, $uid)",
        ("$id", row.Id), ("$n", row.Name), ("$u", row.UserId), ("$p", PermissionsJson(row.Permissions)), ("$c", row.CreatedAt),
        ("$up", row.UpdatedAt), ("$k", keyHash), ("$uid", Ids.NewUpdateId())));

    public Task UpdateAsync(ApiKeyRow row) => db.WriteAsync(s => s.Exec(
        "UPDATE api_keys SET name = $n, permissions = $p, updatedAt = $up, updateId = $uid WHERE id = $id",
        ("$id", row.Id), ("$n", row.Name), ("$p", PermissionsJson(row.Permissions)), ("$up", row.UpdatedAt), ("$uid", Ids.NewUpdateId())));

    public Task<int> DeleteAsync(string userId, string id) => db.WriteAsync(s => s.Exec("DELETE FROM api_keys WHERE id = $id AND userId = $u", ("$id", id), ("$u", userId)));
}
