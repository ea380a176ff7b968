namespace ImmichLite.Data;

/// <summary>The old mobile sync (full-sync / delta-sync): keyset pages by id so a response of any size is
/// streamed in bounded batches.</summary>
public sealed class SyncStore(Database db)
{
    const string Select = "SELECT " + AssetStore.Cols + ", " + AssetStore.ExifCols + " FROM assets a LEFT JOIN asset_exif e ON e.assetId = a.id";

    /// <summary>One owner's assets for full sync: not hidden; partners see no locked assets.</summary>
    public List<(AssetRow Asset, ExifRow? Exif)> FullSyncPage(string ownerId, bool asPartner, DateTime updatedUntil, string afterId, int limit) => db.Read(s => s.List(
        Select + " WHERE a.ownerId = $o AND a.visibility <> 'hidden' AND ($p = 0 OR " + AccessSql.PartnerAssetFilter + ") AND a.updatedAt <= $until AND a.id > $after ORDER BY a.id LIMIT $n",
        r => (AssetStore.Map(r), AssetStore.MapExif(r, AssetStore.ColCount)),
        ("$o", ownerId), ("$p", asPartner), ("$until", updatedUntil), ("$after", afterId), ("$n", limit)));

    const string DeltaFilter = """
        a.updatedAt > $after AND a.visibility <> 'hidden'
        AND (a.ownerId = $me OR (a.ownerId IN (SELECT value FROM json_each($partners)) AND a.visibility = 'timeline'))
        """;

    public long DeltaCount(string me, IReadOnlyCollection<string> partners, DateTime after) => db.Read(s => s.Long(
        "SELECT COUNT(*) FROM assets a WHERE " + DeltaFilter, ("$me", me), ("$partners", AssetStore.JsonIds(partners)), ("$after", after)));

    public List<(AssetRow Asset, ExifRow? Exif)> DeltaPage(string me, IReadOnlyCollection<string> partners, DateTime after, string afterId, int limit) => db.Read(s => s.List(
        Select + " WHERE " + DeltaFilter + " AND a.id > $afterId ORDER BY a.id LIMIT $n",
        r => (AssetStore.Map(r), AssetStore.MapExif(r, AssetStore.ColCount)),
        ("$me", me), ("$partners", AssetStore.JsonIds(partners)), ("$after", after), ("$afterId", afterId), ("$n", limit)));

    /// <summary>What the app must drop: permanently deleted assets of these owners, and assets that became hidden
    /// (the video half of a live photo paired after upload) or, for partners, left the timeline.</summary>
    public List<string> DeltaDeleted(string me, IReadOnlyCollection<string> partners, DateTime after) => db.Read(s => s.List("""
        SELECT assetId FROM assets_audit WHERE deletedAt > $after AND (ownerId = $me OR ownerId IN (SELECT value FROM json_each($partners)))
        UNION
        SELECT a.id FROM assets a WHERE a.updatedAt > $after AND (
          (a.ownerId = $me AND a.visibility = 'hidden') OR
          (a.ownerId IN (SELECT value FROM json_each($partners)) AND a.visibility <> 'timeline'))
        """, r => r.GetString(0), ("$me", me), ("$partners", AssetStore.JsonIds(partners)), ("$after", after)));
}
