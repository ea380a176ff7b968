using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

public sealed class UserStore(Database db)
{
    const string Cols = "id, email, password, name, isAdmin, avatarColor, profileImagePath, profileChangedAt, shouldChangePassword, oauthId, storageLabel, quotaSizeInBytes, quotaUsageInBytes, status, pinCode, createdAt, updatedAt, deletedAt";

    static UserRow Map(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Email = r.GetString(1),
        Password = r.GetString(2),
        Name = r.GetString(3),
        IsAdmin = r.Bool(4),
        AvatarColor = r.Str(5),
        ProfileImagePath = r.GetString(6),
        ProfileChangedAt = r.Date(7),
        ShouldChangePassword = r.Bool(8),
        OauthId = r.GetString(9),
        StorageLabel = r.Str(10),
        QuotaSizeInBytes = r.LongOrNull(11),
        QuotaUsageInBytes = r.GetInt64(12),
        Status = r.GetString(13),
        PinCode = r.Str(14),
        CreatedAt = r.Date(15),
        UpdatedAt = r.Date(16),
        DeletedAt = r.DateOrNull(17),
    };

    public UserRow? Get(string id, bool withDeleted = false) => db.Read(s => s.One(
        $"SELECT {Cols} FROM users WHERE id = $id" + (withDeleted ? "" : " AND deletedAt IS NULL"), Map, ("$id", id)));

    public UserRow? GetByEmail(string email, bool withDeleted = false) => db.Read(s => s.One(
        $"SELECT {Cols} FROM users WHERE email = $e" + (withDeleted ? "" : " AND deletedAt IS NULL"), Map, ("$e", email)));

    public bool AdminExists() => db.Read(s => s.Long("SELECT EXISTS(SELECT 1 FROM users WHERE isAdmin = 1)") != 0);

    public List<UserRow> List(bool withDeleted = false, string? id = null) => db.Read(s => s.List(
        $"SELECT {Cols} FROM users WHERE ($id IS NULL OR id = $id)" + (withDeleted ? "" : " AND deletedAt IS NULL") + " ORDER BY createdAt",
        Map, ("$id", id)));

    public bool StorageLabelTaken(string label, string? exceptId) => db.Read(s =>
        s.Long("SELECT EXISTS(SELECT 1 FROM users WHERE storageLabel = $l AND ($x IS NULL OR id <> $x))", ("$l", label), ("$x", exceptId)) != 0);

    public bool EmailTaken(string email, string? exceptId) => db.Read(s =>
        s.Long("SELECT EXISTS(SELECT 1 FROM users WHERE email = $e AND ($x IS NULL OR id <> $x))", ("$e", email), ("$x", exceptId)) != 0);

    public static void Insert(Sql s, UserRow u) => s.Exec(
        $"INSERT INTO users ({Cols}, updateId) VALUES ($id, $email, $password, $name, $isAdmin, $avatarColor, $profileImagePath, $profileChangedAt, $shouldChangePassword, $oauthId, $storageLabel, $quota, $usage, $status, $pin, $createdAt, $updatedAt, $deletedAt, $updateId)",
        ("$id", u.Id), ("$email", u.Email), ("$password", u.Password), ("$name", u.Name), ("$isAdmin", u.IsAdmin),
        ("$avatarColor", u.AvatarColor), ("$profileImagePath", u.ProfileImagePath), ("$profileChangedAt", u.ProfileChangedAt),
        ("$shouldChangePassword", u.ShouldChangePassword), ("$oauthId", u.OauthId), ("$storageLabel", u.StorageLabel),
        ("$quota", u.QuotaSizeInBytes), ("$usage", u.QuotaUsageInBytes), ("$status", u.Status), ("$pin", u.PinCode),
        ("$createdAt", u.CreatedAt), ("$updatedAt", u.UpdatedAt), ("$deletedAt", u.DeletedAt), ("$updateId", Ids.NewUpdateId()));

    /// <summary>Writes every mutable column of the row back; updatedAt/updateId move.</summary>
    public Task<UserRow> UpdateAsync(UserRow u) => db.WriteAsync(s =>
    {
        var now = DateTime.UtcNow;
        s.Exec("""
            UPDATE users SET email = $email, password = $password, name = $name, isAdmin = $isAdmin, avatarColor = $avatarColor,
              profileImagePath = $profileImagePath, profileChangedAt = $profileChangedAt, shouldChangePassword = $shouldChangePassword,
              oauthId = $oauthId, storageLabel = $storageLabel, quotaSizeInBytes = $quota, status = $status, pinCode = $pin,
              deletedAt = $deletedAt, updatedAt = $now, updateId = $updateId
            WHERE id = $id
            """,
            ("$id", u.Id), ("$email", u.Email), ("$password", u.Password), ("$name", u.Name), ("$isAdmin", u.IsAdmin),
            ("$avatarColor", u.AvatarColor), ("$profileImagePath", u.ProfileImagePath), ("$profileChangedAt", u.ProfileChangedAt),
            ("$shouldChangePassword", u.ShouldChangePassword), ("$oauthId", u.OauthId), ("$storageLabel", u.StorageLabel),
            ("$quota", u.QuotaSizeInBytes), ("$status", u.Status), ("$pin", u.PinCode), ("$deletedAt", u.DeletedAt),
            ("$now", now), ("$updateId", Ids.NewUpdateId()));
        return u with { UpdatedAt = now };
    });

    public Task<bool> InsertAsync(UserRow u) => db.WriteAsync(s => { Insert(s, u); return true; });

    /// <summary>Removes the user row for good (cascade takes sessions, keys, metadata) and records the deletion for sync.</summary>
    public Task HardDeleteAsync(string id) => db.WriteAsync(s =>
    {
        s.Exec("DELETE FROM users WHERE id = $id", ("$id", id));
        s.Exec("INSERT INTO users_audit (id, userId, deletedAt) VALUES ($a, $id, $now)", ("$a", Ids.NewUpdateId()), ("$id", id), ("$now", DateTime.UtcNow));
    });

    public string? GetMetadata(string userId, string key) => db.Read(s => (string?)s.Scalar(
        "SELECT value FROM user_metadata WHERE userId = $u AND key = $k", ("$u", userId), ("$k", key)));

    public Task SetMetadataAsync(string userId, string key, string? json) => db.WriteAsync(s =>
    {
        if (json is null) s.Exec("DELETE FROM user_metadata WHERE userId = $u AND key = $k", ("$u", userId), ("$k", key));
        else s.Exec("INSERT INTO user_metadata (userId, key, value) VALUES ($u, $k, $v) ON CONFLICT (userId, key) DO UPDATE SET value = excluded.value",
            ("$u", userId), ("$k", key), ("$v", json));
        s.Exec("UPDATE users SET updatedAt = $now, updateId = $uid WHERE id = $u", ("$u", userId), ("$now", DateTime.UtcNow), ("$uid", Ids.NewUpdateId()));
    });
}
