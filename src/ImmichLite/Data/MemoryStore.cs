using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

/// <summary>A memory. Data is the JSON of its type's data ({"year": 2019} for on_this_day).</summary>
public sealed record MemoryRow
{
    public required string Id { get; init; }
    public required string OwnerId { get; init; }
    public string Type { get; init; } = "on_this_day";
    public string Data { get; init; } = "{}";
    public bool IsSaved { get; init; }
    public DateTime MemoryAt { get; init; }
    public DateTime? SeenAt { get; init; }
    public DateTime? ShowAt { get; init; }
    public DateTime? HideAt { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public DateTime? DeletedAt { get; init; }
}

/// <summary>Memories and their assets, and the reads the nightly "on this day" generation needs.</summary>
public sealed class MemoryStore(Database db)
{
    const string Cols = "m.id, m.ownerId, m.type, m.data, m.isSaved, m.memoryAt, m.seenAt, m.showAt, m.hideAt, m.createdAt, m.updatedAt, m.deletedAt";

    static MemoryRow Map(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), OwnerId = r.GetString(1), Type = r.GetString(2), Data = r.GetString(3), IsSaved = r.Bool(4), MemoryAt = r.Date(5),
        SeenAt = r.DateOrNull(6), ShowAt = r.DateOrNull(7), HideAt = r.DateOrNull(8), CreatedAt = r.Date(9), UpdatedAt = r.Date(10), DeletedAt = r.DateOrNull(11),
    };

    public MemoryRow? Get(string id) => db.Read(s => s.One($"SELECT {Cols} FROM memories m WHERE m.id = $id AND m.deletedAt IS NULL", Map, ("$id", id)));

    /// <summary>The owner's memories, newest memoryAt first. With <paramref name="at"/>: only those whose show window
    /// (showAt..hideAt, either end open when unset) contains it.</summary>
    public List<MemoryRow> Search(string ownerId, DateTime? at, bool? isSaved, bool isTrashed, string? type) => db.Read(s => s.List($"""
        SELECT {Cols} FROM memories m
        WHERE m.ownerId = $o AND (CASE WHEN $trashed = 1 THEN m.deletedAt IS NOT NULL ELSE m.deletedAt IS NULL END)
          AND ($saved IS NULL OR m.isSaved = $saved) AND ($type IS NULL OR m.type = $type)
          AND ($at IS NULL OR ((m.showAt IS NULL OR m.showAt <= $at) AND (m.hideAt IS NULL OR m.hideAt >= $at)))
        ORDER BY m.memoryAt DESC, m.id
        """, Map, ("$o", ownerId), ("$trashed", isTrashed), ("$saved", isSaved), ("$type", type), ("$at", at)));

    /// <summary>What each memory shows: its assets in the timeline and not trashed, oldest first.</summary>
    public Dictionary<string, List<string>> AssetIds(IReadOnlyCollection<string> memoryIds) => db.Read(s => s.List("""
        SELECT ma.memoryId, a.id FROM memory_assets ma JOIN assets a ON a.id = ma.assetId
        WHERE ma.memoryId IN (SELECT value FROM json_each($ids)) AND a.status = 'active' AND a.visibility = 'timeline'
        ORDER BY a.fileCreatedAt, a.id
        """, r => (Memory: r.GetString(0), Asset: r.GetString(1)), ("$ids", AssetStore.JsonIds(memoryIds))))
        .GroupBy(x => x.Memory).ToDictionary(g => g.Key, g => g.Select(x => x.Asset).ToList());

    /// <summary>Ids among those given that are in the memory (whatever their state).</summary>
    public HashSet<string> Contained(string memoryId, IReadOnlyCollection<string> assetIds) => db.Read(s => s.List(
        "SELECT assetId FROM memory_assets WHERE memoryId = $m AND assetId IN (SELECT value FROM json_each($ids))", r => r.GetString(0),
        ("$m", memoryId), ("$ids", AssetStore.JsonIds(assetIds))).ToHashSet());

    public Task CreateAsync(MemoryRow m, IReadOnlyCollection<string> assetIds) => db.WriteAsync(s => Insert(s, m, assetIds));

    static void Insert(Sql s, MemoryRow m, IReadOnlyCollection<string> assetIds)
    {
        s.Exec("""
            INSERT INTO memories (id, ownerId, type, data, isSaved, memoryAt, seenAt, showAt, hideAt, createdAt, updatedAt, updateId)
            VALUES ($id, $o, $type, $data, $saved, $at, $seen, $show, $hide, $c, $c, $uid)
            """, ("$id", m.Id), ("$o", m.OwnerId), ("$type", m.Type), ("$data", m.Data), ("$saved", m.IsSaved), ("$at", m.MemoryAt),
            ("$seen", m.SeenAt), ("$show", m.ShowAt), ("$hide", m.HideAt), ("$c", m.CreatedAt), ("$uid", Ids.NewUpdateId()));
        InsertAssets(s, m.Id, assetIds);
    }

    static void InsertAssets(Sql s, string memoryId, IEnumerable<string> assetIds)
    {
        using var cmd = s.Command("INSERT OR IGNORE INTO memory_assets (memoryId, assetId) VALUES ($m, $a)", [("$m", memoryId), ("$a", "")]);
        foreach (var id in assetIds)
        {
            cmd.Parameters["$a"].Value = id;
            cmd.ExecuteNonQuery();
        }
    }

    static void Touch(Sql s, string id, DateTime now) =>
        s.Exec("UPDATE memories SET updatedAt = $now, updateId = $uid WHERE id = $id", ("$id", id), ("$now", now), ("$uid", Ids.NewUpdateId()));

    /// <summary>Applies the fields given (null: leave as is) and moves updatedAt.</summary>
    public Task UpdateAsync(string id, bool? isSaved, DateTime? memoryAt, DateTime? seenAt, DateTime now) => db.WriteAsync(s =>
    {
        s.Exec("""
            UPDATE memories SET isSaved = COALESCE($saved, isSaved), memoryAt = COALESCE($at, memoryAt), seenAt = COALESCE($seen, seenAt)
            WHERE id = $id
            """, ("$id", id), ("$saved", isSaved), ("$at", memoryAt), ("$seen", seenAt));
        Touch(s, id, now);
    });

    public Task DeleteAsync(string id) => db.WriteAsync(s => s.Exec("DELETE FROM memories WHERE id = $id", ("$id", id)));

    public Task AddAssetsAsync(string id, IReadOnlyCollection<string> assetIds, DateTime now) => db.WriteAsync(s =>
    {
        InsertAssets(s, id, assetIds);
        Touch(s, id, now);
    });

    public Task RemoveAssetsAsync(string id, IReadOnlyCollection<string> assetIds, DateTime now) => db.WriteAsync(s =>
    {
        s.Exec("DELETE FROM memory_assets WHERE memoryId = $m AND assetId IN (SELECT value FROM json_each($ids))",
            ("$m", id), ("$ids", AssetStore.JsonIds(assetIds)));
        Touch(s, id, now);
    });

    // ---- "on this day" generation ----

    /// <summary>The user and the partners who share with them into their timeline (upstream's memory owners), active users only.</summary>
    public List<string> TimelineOwners(string userId) => db.Read(s => s.List(AccessSql.TimelineOwners, r => r.GetString(0), ("$u", userId)));

    /// <summary>The first and last year (of localDateTime) among the owners' assets; null when they have none.</summary>
    public (int First, int Last)? YearRange(IReadOnlyCollection<string> ownerIds) => db.Read(s =>
    {
        using var cmd = s.Command("SELECT MIN(localDateTime), MAX(localDateTime) FROM assets WHERE ownerId IN (SELECT value FROM json_each($o))",
            [("$o", AssetStore.JsonIds(ownerIds))]);
        using var r = cmd.ExecuteReader();
        if (!r.Read() || r.IsDBNull(0)) return ((int, int)?)null;
        return (int.Parse(r.GetString(0)[..4]), int.Parse(r.GetString(1)[..4]));
    });

    /// <summary>Up to <paramref name="limit"/> of the owners' assets taken on the given day (localDateTime) that a memory
    /// may show: in the timeline, not trashed, with a preview made.</summary>
    public List<string> TakenOn(IReadOnlyCollection<string> ownerIds, DateOnly day, int limit) => db.Read(s => s.List("""
        SELECT a.id FROM assets a JOIN asset_job_status j ON j.assetId = a.id
        WHERE a.ownerId IN (SELECT value FROM json_each($o)) AND a.localDateTime >= $from AND a.localDateTime < $to
          AND a.visibility = 'timeline' AND a.status = 'active' AND j.previewAt IS NOT NULL
        ORDER BY a.localDateTime, a.id LIMIT $n
        """, r => r.GetString(0), ("$o", AssetStore.JsonIds(ownerIds)), ("$from", day.ToString("yyyy-MM-dd")),
        ("$to", day.AddDays(1).ToString("yyyy-MM-dd")), ("$n", limit)));

    public Task CreateManyAsync(IReadOnlyList<(MemoryRow Memory, List<string> AssetIds)> memories) => db.WriteAsync(s =>
    {
        foreach (var (m, ids) in memories) Insert(s, m, ids);
    });

    /// <summary>Upstream's memory cleanup: memories not saved that were made before the cutoff go.</summary>
    public Task<int> DeleteUnsavedBeforeAsync(DateTime cutoff) => db.WriteAsync(s =>
        s.Exec("DELETE FROM memories WHERE isSaved = 0 AND createdAt < $c", ("$c", cutoff)));
}
