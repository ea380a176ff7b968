using System.Text;

namespace ImmichLite.Data;

/// <summary>Which assets a timeline shows. Exactly one scope: a user's own (optionally with partners in their
/// timeline), an album, or a shared link.</summary>
public sealed record TimelineFilter
{
    public string? UserId { get; init; }
    public bool WithPartners { get; init; }
    public string? AlbumId { get; init; }
    public string? SharedLinkId { get; init; }
    /// <summary>Only assets with this tag or a tag below it.</summary>
    public string? TagId { get; init; }
    public bool? IsFavorite { get; init; }
    public bool IsTrashed { get; init; }
    public string? Visibility { get; init; }
    public bool Ascending { get; init; }
    /// <summary>withStacked: a stack shows as its primary asset only (with the stack's id and size).</summary>
    public bool WithStacked { get; init; }
}

public sealed record TimelineRow(string Id, string OwnerId, string LocalDateTime, bool IsFavorite, bool IsImage, bool IsTrashed,
    string? Thumbhash, string? Duration, string? LivePhotoVideoId, string Visibility, string? City, string? Country, string? ProjectionType, double Ratio,
    string? StackId = null, int StackCount = 0);

/// <summary>GET /timeline/buckets and /timeline/bucket: month buckets of localDateTime.</summary>
public sealed class TimelineStore(Database db)
{
    static (string Where, List<(string, object?)> Params) Build(TimelineFilter f, string viewer)
    {
        var w = new StringBuilder("1 = 1");
        var p = new List<(string, object?)> { ("$viewer", viewer) };
        if (f.AlbumId is { } album)
        {
            w.Append(" AND a.id IN (SELECT assetId FROM albums_assets WHERE albumId = $album) AND ").Append(AccessSql.AlbumAssetFilter);
            p.Add(("$album", album));
        }
        else if (f.SharedLinkId is { } link)
        {
            w.Append(" AND (a.id IN (SELECT assetId FROM shared_link_assets WHERE sharedLinkId = $link) OR a.id IN (SELECT aa.assetId FROM shared_links sl JOIN albums_assets aa ON aa.albumId = sl.albumId WHERE sl.id = $link)) AND ")
             .Append(AccessSql.AlbumAssetFilter);
            p.Add(("$link", link));
        }
        else
        {
            var owner = f.UserId ?? viewer;
            if (f.WithPartners)
                w.Append(" AND (a.ownerId = $owner OR (a.ownerId IN (SELECT p.sharedById FROM partners p JOIN users o ON o.id = p.sharedById AND o.deletedAt IS NULL WHERE p.sharedWithId = $owner AND p.inTimeline = 1) AND a.visibility = 'timeline'))");
            else w.Append(" AND a.ownerId = $owner");
            if (owner != viewer) w.Append(" AND ").Append(AccessSql.PartnerAssetFilter);
            p.Add(("$owner", owner));
        }
        if (f.TagId is { } tag)
        {
            w.Append($" AND a.id IN (SELECT ta.assetId FROM tag_assets ta WHERE ta.tagId IN ({TagStore.WithDescendants}))");
            p.Add(("$tag", tag));
        }
        w.Append(f.IsTrashed ? " AND a.status = 'trashed'" : " AND a.status = 'active'");
        if (f.IsFavorite is { } fav) { w.Append(" AND a.isFavorite = $fav"); p.Add(("$fav", fav)); }
        if (f.Visibility is { } vis) { w.Append(" AND a.visibility = $vis"); p.Add(("$vis", vis)); }
        else w.Append(" AND a.visibility IN ('timeline', 'archive')");
        return (w.ToString(), p);
    }

    public bool CanSeeAlbum(string userId, string albumId) => db.Read(s =>
        s.Long($"SELECT EXISTS(SELECT 1 FROM ({AccessSql.VisibleAlbums}) v WHERE v.id = $a)", ("$u", userId), ("$a", albumId)) != 0);

    /// <summary>An asset that a stacked view does not show: a member of a stack other than its primary.</summary>
    const string NotHiddenInStack = "(a.stackId IS NULL OR a.id = (SELECT st.primaryAssetId FROM stacks st WHERE st.id = a.stackId))";
    const string HiddenInStack = "NOT " + NotHiddenInStack;

    public List<(string Month, int Count)> Buckets(TimelineFilter f, string viewer)
    {
        var (where, p) = Build(f, viewer);
        var order = f.Ascending ? "ASC" : "DESC";
        // A user's timeline filters only on columns the per-month counters keep (migration 009): sum them.
        // Album, shared-link and tag timelines depend on membership and count their (few) assets.
        // withStacked hides stack members other than the primary: the counters count every asset, so the hidden
        // members (few: only stacked assets are read, through their stacks) are subtracted month by month.
        var sql = f.AlbumId is null && f.SharedLinkId is null && f.TagId is null
            ? f.WithStacked
                ? $"""
                  SELECT m, SUM(n) FROM (
                    SELECT a.month AS m, SUM(a.n) AS n FROM asset_month_counts a WHERE {where} GROUP BY a.month
                    UNION ALL
                    SELECT substr(a.localDateTime, 1, 7), -COUNT(*) FROM stacks st JOIN assets a ON a.stackId = st.id AND a.id <> st.primaryAssetId
                    WHERE {where} GROUP BY 1)
                  GROUP BY m HAVING SUM(n) > 0 ORDER BY m {order}
                  """
                : $"SELECT a.month, SUM(a.n) FROM asset_month_counts a WHERE {where} GROUP BY a.month HAVING SUM(a.n) > 0 ORDER BY a.month {order}"
            : $"SELECT substr(a.localDateTime, 1, 7) AS m, COUNT(*) FROM assets a WHERE {where}{(f.WithStacked ? " AND " + HiddenInStack : "")} GROUP BY m ORDER BY m {order}";
        return db.Read(s => s.List(sql, r => (r.GetString(0), r.GetInt32(1)), p.ToArray()));
    }

    public List<TimelineRow> Bucket(TimelineFilter f, string viewer, DateTime from, DateTime to, int offset, int limit)
    {
        var (where, p) = Build(f, viewer);
        p.Add(("$from", from)); p.Add(("$to", to)); p.Add(("$offset", offset)); p.Add(("$limit", limit));
        var sql = $"""
            SELECT a.id, a.ownerId, a.localDateTime, a.isFavorite, a.type = 'IMAGE', a.status = 'trashed', a.thumbhash, a.duration, a.livePhotoVideoId,
                   a.visibility, e.city, e.country, e.projectionType, e.exifImageWidth, e.exifImageHeight, e.orientation,
                   a.stackId, CASE WHEN a.stackId IS NULL THEN 0 ELSE (SELECT COUNT(*) FROM assets m WHERE m.stackId = a.stackId) END
            FROM assets a LEFT JOIN asset_exif e ON e.assetId = a.id
            WHERE {where} AND a.localDateTime >= $from AND a.localDateTime < $to{(f.WithStacked ? " AND " + NotHiddenInStack : "")}
            ORDER BY a.localDateTime {(f.Ascending ? "ASC" : "DESC")}, a.id LIMIT $limit OFFSET $offset
            """;
        return db.Read(s => s.List(sql, r =>
        {
            double ratio = 1;
            if (!r.IsDBNull(13) && !r.IsDBNull(14) && r.GetInt32(13) > 0 && r.GetInt32(14) > 0)
            {
                var (w, h) = (r.GetInt32(13), r.GetInt32(14));
                if (r.Str(15) is "5" or "6" or "7" or "8") (w, h) = (h, w);
                ratio = (double)w / h;
            }
            return new TimelineRow(r.GetString(0), r.GetString(1), r.GetString(2), r.Bool(3), r.Bool(4), r.Bool(5),
                r.IsDBNull(6) ? null : Convert.ToBase64String((byte[])r.GetValue(6)), r.Str(7), r.Str(8), r.GetString(9), r.Str(10), r.Str(11), r.Str(12), ratio,
                r.Str(16), r.GetInt32(17));
        }, p.ToArray()));
    }
}
