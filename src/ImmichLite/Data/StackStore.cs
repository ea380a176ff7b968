using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

public sealed record StackRow(string Id, string OwnerId, string PrimaryAssetId, int AssetCount);

/// <summary>Stacks and their members. Every change moves the members' updatedAt/updateId, so the app's delta sync
/// (which carries each asset's `stack`) picks it up.</summary>
public sealed class StackStore(Database db)
{
    const string Select = """
        SELECT s.id, s.ownerId, s.primaryAssetId, (SELECT COUNT(*) FROM assets m WHERE m.stackId = s.id) FROM stacks s
        """;

    static StackRow Map(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3));

    public StackRow? Get(string id) => db.Read(s => s.One(Select + " WHERE s.id = $id", Map, ("$id", id)));

    public List<StackRow> Search(string ownerId, string? primaryAssetId) => db.Read(s => s.List(
        Select + " WHERE s.ownerId = $o AND ($p IS NULL OR s.primaryAssetId = $p) ORDER BY s.createdAt, s.id", Map, ("$o", ownerId), ("$p", primaryAssetId)));

    /// <summary>The stacks of these ids that $u owns.</summary>
    public HashSet<string> Owned(string userId, IReadOnlyCollection<string> ids) => db.Read(s => s.List(
        "SELECT id FROM stacks WHERE id IN (SELECT value FROM json_each($ids)) AND +ownerId = $u", r => r.GetString(0),
        ("$u", userId), ("$ids", AssetStore.JsonIds(ids))).ToHashSet());

    /// <summary>Stack info by stack id, for AssetResponseDto.stack.</summary>
    public Dictionary<string, StackRow> ByIds(IEnumerable<string?> stackIds)
    {
        var ids = stackIds.OfType<string>().Distinct().ToList();
        if (ids.Count == 0) return [];
        return db.Read(s => s.List(Select + " WHERE s.id IN (SELECT value FROM json_each($ids))", Map, ("$ids", AssetStore.JsonIds(ids))))
            .ToDictionary(x => x.Id);
    }

    /// <summary>Member ids, primary first, then by date taken.</summary>
    public List<string> Members(string stackId) => db.Read(s => s.List("""
        SELECT a.id FROM assets a JOIN stacks s ON s.id = a.stackId WHERE a.stackId = $id
        ORDER BY a.id = s.primaryAssetId DESC, a.fileCreatedAt, a.id
        """, r => r.GetString(0), ("$id", stackId)));

    static void Touch(Sql s, string stackId, DateTime now) => s.Exec(
        "UPDATE assets SET updatedAt = $now, updateId = $uid WHERE stackId = $id", ("$id", stackId), ("$now", now), ("$uid", Ids.NewUpdateId()));

    /// <summary>Upstream's create: the given assets, plus every member of stacks any of them is in already (those
    /// stacks merge into the new one), the first given asset as primary.</summary>
    public Task<string> CreateAsync(string ownerId, IReadOnlyList<string> assetIds, DateTime now) => db.WriteAsync(s =>
    {
        var json = AssetStore.JsonIds(assetIds);
        var old = s.List("SELECT DISTINCT stackId FROM assets WHERE id IN (SELECT value FROM json_each($ids)) AND stackId IS NOT NULL",
            r => r.GetString(0), ("$ids", json));
        var id = Ids.New();
        s.Exec("INSERT INTO stacks (id, ownerId, primaryAssetId, createdAt, updatedAt, updateId) VALUES ($id, $o, $p, $now, $now, $uid)",
            ("$id", id), ("$o", ownerId), ("$p", assetIds[0]), ("$now", now), ("$uid", Ids.NewUpdateId()));
        s.Exec("UPDATE assets SET stackId = $id WHERE id IN (SELECT value FROM json_each($ids)) OR stackId IN (SELECT value FROM json_each($old))",
            ("$id", id), ("$ids", json), ("$old", AssetStore.JsonIds(old)));
        s.Exec("DELETE FROM stacks WHERE id IN (SELECT value FROM json_each($old))", ("$old", AssetStore.JsonIds(old)));
        Touch(s, id, now);
        return id;
    });

    public Task SetPrimaryAsync(string stackId, string primaryAssetId, DateTime now) => db.WriteAsync(s =>
    {
        s.Exec("UPDATE stacks SET primaryAssetId = $p, updatedAt = $now, updateId = $uid WHERE id = $id",
            ("$id", stackId), ("$p", primaryAssetId), ("$now", now), ("$uid", Ids.NewUpdateId()));
        Touch(s, stackId, now);
    });

    /// <summary>Dissolves the stacks: their assets stand alone again.</summary>
    public Task DeleteAsync(IReadOnlyCollection<string> stackIds, DateTime now) => db.WriteAsync(s =>
    {
        var json = AssetStore.JsonIds(stackIds);
        s.Exec("UPDATE assets SET stackId = NULL, updatedAt = $now, updateId = $uid WHERE stackId IN (SELECT value FROM json_each($ids))",
            ("$ids", json), ("$now", now), ("$uid", Ids.NewUpdateId()));
        s.Exec("DELETE FROM stacks WHERE id IN (SELECT value FROM json_each($ids))", ("$ids", json));
    });
}
