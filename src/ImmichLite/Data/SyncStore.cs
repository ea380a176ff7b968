namespace ImmichLite.Data;

/// <summary>The old mobile sync (full-sync / delta-sync): keyset pages by id so a response of any size is
/// streamed in bounded batches.</summary>
public sealed class SyncStore(Database db)
{
    /// <summary>One owner's assets for full sync: not hidden; partners see no locked assets.</summary>
    public List<(AssetRow Asset, ExifRow? Exif)> FullSyncPage(string ownerId, bool asPartner, DateTime updatedUntil, string afterId, int limit) => db.Read(s => s.List(
        AssetStore.SelectWithExif + " WHERE a.ownerId = $o AND a.visibility <> 'hidden' AND ($p = 0 OR " + AccessSql.PartnerAssetFilter + ") AND a.updatedAt <= $until AND a.id > $after ORDER BY a.id LIMIT $n",
        AssetStore.MapWithExif,
        ("$o", ownerId), ("$p", asPartner), ("$until", updatedUntil), ("$after", afterId), ("$n", limit)));

    // Delta sync reads one owner at a time in (updatedAt, rowid) order, so every query is a range of
    // assets_owner_updated_idx (ownerId, updatedAt — the rowid is the index's last column): the cost follows the
    // number of changes, not the size of the library. The app's own assets: all but hidden ones; a partner's:
    // those in the timeline (what the app shows of a partner).
    static string Visible(bool asPartner) => asPartner ? "a.visibility = 'timeline'" : "a.visibility <> 'hidden'";

    /// <summary>How many of the owner's assets changed after the checkpoint, counting no further than cap.</summary>
    public long DeltaCount(string ownerId, bool asPartner, DateTime after, int cap) => db.Read(s => s.Long(
        $"SELECT COUNT(*) FROM (SELECT 1 FROM assets a WHERE a.ownerId = $o AND a.updatedAt > $after AND {Visible(asPartner)} LIMIT $cap)",
        ("$o", ownerId), ("$after", after), ("$cap", cap)));

    /// <summary>One keyset page of the owner's assets changed after the checkpoint; start with
    /// <c>from = (Sql.Iso(after), long.MaxValue)</c> and go on from the returned key.</summary>
    public (List<(AssetRow Asset, ExifRow? Exif)> Page, (string UpdatedAt, long RowId) Next) DeltaPage(
        string ownerId, bool asPartner, (string UpdatedAt, long RowId) from, int limit)
    {
        var next = from;
        var page = db.Read(s => s.List(
            AssetStore.SelectWithExif.Replace(" FROM assets a", ", a.updatedAt, a.rowid FROM assets a") +
            $" WHERE a.ownerId = $o AND a.updatedAt >= $u AND (a.updatedAt > $u OR a.rowid > $r) AND {Visible(asPartner)} ORDER BY a.updatedAt, a.rowid LIMIT $n",
            r =>
            {
                next = (r.GetString(r.FieldCount - 2), r.GetInt64(r.FieldCount - 1));
                return AssetStore.MapWithExif(r);
            },
            ("$o", ownerId), ("$u", from.UpdatedAt), ("$r", from.RowId), ("$n", limit)));
        return (page, next);
    }

    /// <summary>What the app must drop of this owner: assets deleted for good after the checkpoint, and assets
    /// that changed into something the app does not show (hidden: the video half of a live photo paired after
    /// upload; for a partner, anything that left the timeline).</summary>
    public List<string> DeltaDeleted(string ownerId, bool asPartner, DateTime after) => db.Read(s => s.List($"""
        SELECT assetId FROM assets_audit WHERE ownerId = $o AND deletedAt > $after
        UNION
        SELECT a.id FROM assets a WHERE a.ownerId = $o AND a.updatedAt > $after AND NOT ({Visible(asPartner)})
        """, r => r.GetString(0), ("$o", ownerId), ("$after", after)));
}
