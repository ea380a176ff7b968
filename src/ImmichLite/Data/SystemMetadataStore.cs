namespace ImmichLite.Data;

/// <summary>Key/value JSON documents about the server itself (admin onboarding, license, version checks).</summary>
public sealed class SystemMetadataStore(Database db)
{
    public string? Get(string key) => db.Read(s => (string?)s.Scalar("SELECT value FROM system_metadata WHERE key = $k", ("$k", key)));

    public Task SetAsync(string key, string? json) => db.WriteAsync(s =>
    {
        if (json is null) s.Exec("DELETE FROM system_metadata WHERE key = $k", ("$k", key));
        else Set(s, key, json);
    });

    /// <summary>Upserts one value inside a caller's transaction.</summary>
    public static void Set(Sql s, string key, string json) =>
        s.Exec("INSERT INTO system_metadata (key, value) VALUES ($k, $v) ON CONFLICT (key) DO UPDATE SET value = excluded.value", ("$k", key), ("$v", json));

    public List<(string Id, DateTime CreatedAt, string Version)> VersionHistory() => db.Read(s => s.List(
        "SELECT id, createdAt, version FROM version_history ORDER BY createdAt DESC", r => (r.GetString(0), r.Date(1), r.GetString(2))));

    /// <summary>Records this binary's version the first time it starts on this database.</summary>
    public void RecordVersion(string version) => db.Write(s =>
    {
        var last = (string?)s.Scalar("SELECT version FROM version_history ORDER BY createdAt DESC LIMIT 1");
        if (last != version)
            s.Exec("INSERT INTO version_history (id, createdAt, version) VALUES ($id, $c, $v)", ("$id", Ids.New()), ("$c", DateTime.UtcNow), ("$v", version));
        return true;
    });
}
