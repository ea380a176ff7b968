using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

public sealed record PartnerRow(string SharedById, string SharedWithId, bool InTimeline);

public sealed class PartnerStore(Database db)
{
    static PartnerRow Map(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.Bool(2));

    public PartnerRow? Get(string sharedById, string sharedWithId) => db.Read(s => s.One(
        "SELECT sharedById, sharedWithId, inTimeline FROM partners WHERE sharedById = $b AND sharedWithId = $w", Map, ("$b", sharedById), ("$w", sharedWithId)));

    /// <summary>Partnerships where $u shares (sharedBy) or is shared with (sharedWith), the other side still active.</summary>
    public List<PartnerRow> List(string userId, bool sharedBy) => db.Read(s => s.List(sharedBy
        ? "SELECT p.sharedById, p.sharedWithId, p.inTimeline FROM partners p JOIN users u ON u.id = p.sharedWithId AND u.deletedAt IS NULL WHERE p.sharedById = $u ORDER BY p.createdAt"
        : "SELECT p.sharedById, p.sharedWithId, p.inTimeline FROM partners p JOIN users u ON u.id = p.sharedById AND u.deletedAt IS NULL WHERE p.sharedWithId = $u ORDER BY p.createdAt",
        Map, ("$u", userId)));

    /// <summary>Users who share their library with $u (for sync and the timeline).</summary>
    public List<string> SharingWith(string userId) => db.Read(s => s.List(AccessSql.PartnerOwners, r => r.GetString(0), ("$u", userId)));

    public Task InsertAsync(string sharedById, string sharedWithId, DateTime now) => db.WriteAsync(s => s.Exec(
        "INSERT INTO partners (sharedById, sharedWithId, inTimeline, createdAt, updatedAt, updateId) VALUES ($b, $w, 0, $now, $now, $uid)",
        ("$b", sharedById), ("$w", sharedWithId), ("$now", now), ("$uid", Ids.NewUpdateId())));

    public Task<int> SetInTimelineAsync(string sharedById, string sharedWithId, bool inTimeline, DateTime now) => db.WriteAsync(s => s.Exec(
        "UPDATE partners SET inTimeline = $t, updatedAt = $now, updateId = $uid WHERE sharedById = $b AND sharedWithId = $w",
        ("$b", sharedById), ("$w", sharedWithId), ("$t", inTimeline), ("$now", now), ("$uid", Ids.NewUpdateId())));

    public Task<int> DeleteAsync(string sharedById, string sharedWithId, DateTime now) => db.WriteAsync(s =>
    {
        var n = s.Exec("DELETE FROM partners WHERE sharedById = $b AND sharedWithId = $w", ("$b", sharedById), ("$w", sharedWithId));
        if (n > 0)
            s.Exec("INSERT INTO partners_audit (id, sharedById, sharedWithId, deletedAt) VALUES ($id, $b, $w, $now)",
                ("$id", Ids.NewUpdateId()), ("$b", sharedById), ("$w", sharedWithId), ("$now", now));
        return n;
    });
}
