using System.Text;

namespace ImmichLite.Data;

/// <summary>An EXIF equality filter of a search: the column must equal Value, or be NULL when Value is null
/// (upstream: a field sent as null searches for "unknown").</summary>
public sealed record ExifEquals(object? Value);

/// <summary>What POST /search/metadata and /search/random look for, in storage terms. Every property left null
/// filters nothing. The scope is always the user's own library plus the partners they show in their timeline.</summary>
public sealed record AssetSearchFilter
{
    public required string UserId { get; init; }
    /// <summary>ASSET visibility to match (upstream searches one visibility at a time; the endpoint defaults it).</summary>
    public required string Visibility { get; init; }
    /// <summary>A filter nothing can satisfy (people or tags, which this server does not have yet).</summary>
    public bool NoMatch { get; init; }
    public byte[]? Checksum { get; init; }
    public string? Id { get; init; }
    public string? DeviceAssetId { get; init; }
    public string? DeviceId { get; init; }
    public string? LibraryId { get; init; }
    public string? Type { get; init; }
    public string? EncodedVideoPath { get; init; }
    public string? PreviewPath { get; init; }
    public string? ThumbnailPath { get; init; }
    /// <summary>Substrings (case-insensitive for ASCII letters).</summary>
    public string? OriginalPath { get; init; }
    public string? OriginalFileName { get; init; }
    public string? Description { get; init; }
    public ExifEquals? City { get; init; }
    public ExifEquals? State { get; init; }
    public ExifEquals? Country { get; init; }
    public ExifEquals? Make { get; init; }
    public ExifEquals? Model { get; init; }
    public ExifEquals? LensModel { get; init; }
    public ExifEquals? Rating { get; init; }
    public DateTime? CreatedAfter { get; init; }
    public DateTime? CreatedBefore { get; init; }
    public DateTime? TakenAfter { get; init; }
    public DateTime? TakenBefore { get; init; }
    public DateTime? UpdatedAfter { get; init; }
    public DateTime? UpdatedBefore { get; init; }
    public DateTime? TrashedAfter { get; init; }
    public DateTime? TrashedBefore { get; init; }
    public bool? IsFavorite { get; init; }
    public bool? IsOffline { get; init; }
    public bool? IsEncoded { get; init; }
    public bool? IsMotion { get; init; }
    public bool IsNotInAlbum { get; init; }
    /// <summary>Assets that carry every one of these tags (each: the tag or one below it), as upstream's hasTags.</summary>
    public IReadOnlyList<string> TagIds { get; init; } = [];
    /// <summary>Trashed assets too (implied by the trashed dates and isOffline, as upstream).</summary>
    public bool WithDeleted { get; init; }
    /// <summary>Only assets that have an EXIF row (upstream joins it as an inner join).</summary>
    public bool WithExif { get; init; }
    public bool Ascending { get; init; }
}

/// <summary>What GET /map/markers shows: the user's own assets, optionally partners' and shared albums'.</summary>
public sealed record MapMarkerFilter(string UserId, bool? IsArchived, bool? IsFavorite, DateTime? FileCreatedAfter, DateTime? FileCreatedBefore,
    bool WithPartners, bool WithSharedAlbums);

public sealed record MapMarkerRow(string Id, double Lat, double Lon, string? City, string? State, string? Country);

/// <summary>The EXIF columns that search suggestions list.</summary>
public enum SuggestionField { Country, State, City, Make, Model }

/// <summary>SQL of the Search area (metadata and random search, suggestions, explore and places-by-city) and of the map
/// markers. Owner scopes come from <see cref="AccessSql"/>.</summary>
public sealed class SearchStore(Database db)
{
    /// <summary>Owners a search goes through: the user and their in-timeline partners, partners' locked assets never.</summary>
    const string SearchScope = $"a.ownerId IN ({AccessSql.TimelineOwners}) AND (a.ownerId = $u OR {AccessSql.PartnerAssetFilter})";

    /// <summary>LIKE pattern for "contains", with % _ and \ taken literally (ESCAPE '\').</summary>
    static string Contains(string s) => "%" + s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";

    static (string Where, List<(string, object?)> Params) Build(AssetSearchFilter f)
    {
        var w = new StringBuilder(SearchScope);
        var p = new List<(string, object?)> { ("$u", f.UserId) };
        void Add(string condition, object? value)
        {
            var name = "$p" + p.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            w.Append(" AND ").Append(condition.Replace("$v", name));
            p.Add((name, value));
        }
        void Flag(bool? value, string whenTrue)
        {
            if (value is { } v) w.Append(v ? " AND " : " AND NOT ").Append('(').Append(whenTrue).Append(')');
        }
        void Range(string column, DateTime? after, DateTime? before)
        {
            if (after is { } x) Add(column + " >= $v", x);
            if (before is { } y) Add(column + " <= $v", y);
        }
        void Exif(string column, ExifEquals? match)
        {
            if (match is null) return;
            if (match.Value is null) w.Append(" AND e.assetId IS NOT NULL AND ").Append(column).Append(" IS NULL");
            else Add(column + " = $v", match.Value);
        }

        if (f.NoMatch) w.Append(" AND 0");
        Add("a.visibility = $v", f.Visibility);
        if (!f.WithDeleted) w.Append(" AND a.status = 'active'");
        if (f.WithExif) w.Append(" AND e.assetId IS NOT NULL");
        if (f.Checksum is { } sum) Add("a.checksum = $v", sum);
        if (f.Id is { } id) Add("a.id = $v", id);
        if (f.DeviceAssetId is { } dai) Add("a.deviceAssetId = $v", dai);
        if (f.DeviceId is { } di) Add("a.deviceId = $v", di);
        if (f.LibraryId is { } lib) Add("a.libraryId = $v", lib);
        if (f.Type is { } type) Add("a.type = $v", type);
        if (f.EncodedVideoPath is { } enc) Add("a.encodedVideoPath = $v", enc);
        if (f.PreviewPath is { } pp) Add("EXISTS (SELECT 1 FROM asset_files af WHERE af.assetId = a.id AND af.type = 'preview' AND af.path = $v)", pp);
        if (f.ThumbnailPath is { } tp) Add("EXISTS (SELECT 1 FROM asset_files af WHERE af.assetId = a.id AND af.type = 'thumbnail' AND af.path = $v)", tp);
        if (f.OriginalPath is { } op) Add("a.originalPath LIKE $v ESCAPE '\\'", Contains(op));
        if (f.OriginalFileName is { } name) Add("a.originalFileName LIKE $v ESCAPE '\\'", Contains(name));
        if (f.Description is { } desc) Add("e.description LIKE $v ESCAPE '\\'", Contains(desc));
        Exif("e.city", f.City);
        Exif("e.state", f.State);
        Exif("e.country", f.Country);
        Exif("e.make", f.Make);
        Exif("e.model", f.Model);
        Exif("e.lensModel", f.LensModel);
        Exif("e.rating", f.Rating);
        Range("a.createdAt", f.CreatedAfter, f.CreatedBefore);
        Range("a.fileCreatedAt", f.TakenAfter, f.TakenBefore);
        Range("a.updatedAt", f.UpdatedAfter, f.UpdatedBefore);
        Range("a.deletedAt", f.TrashedAfter, f.TrashedBefore);
        if (f.IsFavorite is { } fav) Add("a.isFavorite = $v", fav);
        if (f.IsOffline is { } off) Add("a.isOffline = $v", off);
        Flag(f.IsEncoded, "a.encodedVideoPath IS NOT NULL AND a.encodedVideoPath <> ''");
        Flag(f.IsMotion, "a.livePhotoVideoId IS NOT NULL");
        if (f.IsNotInAlbum) w.Append(" AND NOT EXISTS (SELECT 1 FROM albums_assets aa WHERE aa.assetId = a.id)");
        for (var i = 0; i < f.TagIds.Count; i++)
        {
            w.Append($" AND EXISTS (SELECT 1 FROM tag_assets ta WHERE ta.assetId = a.id AND ta.tagId IN ({TagStore.WithDescendants.Replace("$tag", $"$tag{i}")}))");
            p.Add(($"$tag{i}", f.TagIds[i]));
        }
        return (w.ToString(), p);
    }

    /// <summary>One page in fileCreatedAt order (then id, so that pages never overlap).</summary>
    public List<(AssetRow Asset, ExifRow? Exif)> Search(AssetSearchFilter f, long offset, int limit)
    {
        var (where, p) = Build(f);
        var dir = f.Ascending ? "ASC" : "DESC";
        p.Add(("$limit", limit));
        p.Add(("$offset", offset));
        var sql = $"{AssetStore.SelectWithExif} WHERE {where} ORDER BY a.fileCreatedAt {dir}, a.id {dir} LIMIT $limit OFFSET $offset";
        return db.Read(s => s.List(sql, AssetStore.MapWithExif, p.ToArray()));
    }

    /// <summary>
    /// Smart search: one page of the filtered assets by cosine distance to <paramref name="embedding"/>, nearest first
    /// (then id). The candidates are vec0's k nearest (<c>MATCH ... AND k = N</c>), filtered here; k starts at 4× what
    /// the page needs and grows while filters leave the page short, up to vec0's limit of
    /// <see cref="SmartSearchStore.MaxK"/>: results beyond the 4,096 nearest embeddings of the whole server are not reached.
    /// </summary>
    public List<(AssetRow Asset, ExifRow? Exif)> SearchByEmbedding(AssetSearchFilter f, ReadOnlySpan<float> embedding, long offset, int limit)
    {
        var (where, p) = Build(f);
        p.Add(("$q", SmartSearchStore.Blob(embedding)));
        p.Add(("$limit", limit));
        p.Add(("$offset", offset));
        p.Add(("$k", 0));
        var ps = p.ToArray();
        var sql = $"""
            WITH knn AS (SELECT rowid, distance FROM smart_search_vec WHERE embedding MATCH $q AND k = $k)
            SELECT {AssetStore.Cols}, {AssetStore.ExifCols}
            FROM knn JOIN smart_search ss ON ss.id = knn.rowid JOIN assets a ON a.id = ss.assetId LEFT JOIN asset_exif e ON e.assetId = a.id
            WHERE {where} ORDER BY knn.distance, a.id LIMIT $limit OFFSET $offset
            """;
        return db.Read(s =>
        {
            var total = s.Long("SELECT count(*) FROM smart_search");
            var k = (int)Math.Clamp(Math.Max(100, (offset + limit) * 4), 1, SmartSearchStore.MaxK);
            while (true)
            {
                ps[^1] = ("$k", k);
                var rows = s.List(sql, AssetStore.MapWithExif, ps);
                if (rows.Count >= limit || k >= total || k >= SmartSearchStore.MaxK) return rows;
                k = (int)Math.Min(SmartSearchStore.MaxK, (long)k * 4);
            }
        });
    }

    public List<(AssetRow Asset, ExifRow? Exif)> Random(AssetSearchFilter f, int count)
    {
        var (where, p) = Build(f);
        p.Add(("$limit", count));
        return db.Read(s => s.List($"{AssetStore.SelectWithExif} WHERE {where} ORDER BY random() LIMIT $limit", AssetStore.MapWithExif, p.ToArray()));
    }

    /// <summary>Distinct non-empty values of one EXIF field over the timeline assets of the user and their in-timeline
    /// partners, narrowed by the other fields as upstream does (state by country; city by country and state; make by
    /// model; model by make), in order.</summary>
    public List<string> Suggestions(string userId, SuggestionField field, string? country, string? state, string? make, string? model)
    {
        var column = field switch
        {
            SuggestionField.Country => "e.country",
            SuggestionField.State => "e.state",
            SuggestionField.City => "e.city",
            SuggestionField.Make => "e.make",
            _ => "e.model",
        };
        var sql = new StringBuilder($"""
            SELECT DISTINCT {column} FROM assets a JOIN asset_exif e ON e.assetId = a.id
            WHERE a.ownerId IN ({AccessSql.TimelineOwners}) AND a.visibility = 'timeline' AND a.status = 'active'
              AND {column} IS NOT NULL AND {column} <> ''
            """);
        var p = new List<(string, object?)> { ("$u", userId) };
        void Narrow(bool applies, string col, string? value)
        {
            if (!applies || string.IsNullOrEmpty(value)) return;
            sql.Append($" AND {col} = ${col[2..]}");
            p.Add(("$" + col[2..], value));
        }
        Narrow(field is SuggestionField.State or SuggestionField.City, "e.country", country);
        Narrow(field is SuggestionField.City, "e.state", state);
        Narrow(field is SuggestionField.Make, "e.model", model);
        Narrow(field is SuggestionField.Model, "e.make", make);
        sql.Append(" ORDER BY 1");
        return db.Read(s => s.List(sql.ToString(), r => r.GetString(0), p.ToArray()));
    }

    /// <summary>One photo per city (its newest) among the timeline images of the user (and, withPartners, of their
    /// in-timeline partners), cities with at least minAssets such photos, in city order, at most maxCities.</summary>
    public List<(string City, AssetRow Asset, ExifRow? Exif)> CityAssets(string userId, bool withPartners, int minAssets, int maxCities)
    {
        var owners = withPartners ? $"a.ownerId IN ({AccessSql.TimelineOwners})" : "a.ownerId = $u";
        var sql = $"""
            WITH pick AS (
              SELECT a.id, e.city,
                     ROW_NUMBER() OVER (PARTITION BY e.city ORDER BY a.fileCreatedAt DESC, a.id) AS rn,
                     COUNT(*) OVER (PARTITION BY e.city) AS n
              FROM assets a JOIN asset_exif e ON e.assetId = a.id
              WHERE {owners} AND a.visibility = 'timeline' AND a.type = 'IMAGE' AND a.status = 'active'
                AND e.city IS NOT NULL AND e.city <> '')
            SELECT {AssetStore.Cols}, {AssetStore.ExifCols}, p.city
            FROM pick p JOIN assets a ON a.id = p.id LEFT JOIN asset_exif e ON e.assetId = a.id
            WHERE p.rn = 1 AND p.n >= $min ORDER BY p.city LIMIT $max
            """;
        return db.Read(s => s.List(sql, r =>
        {
            var (asset, exif) = AssetStore.MapWithExif(r);
            return (r.GetString(r.FieldCount - 1), asset, exif);
        }, ("$u", userId), ("$min", minAssets), ("$max", maxCities)));
    }

    /// <summary>Assets with coordinates, newest first. Visibility: timeline, or timeline and archive when isArchived
    /// is true (upstream); locked and hidden never, trashed never.</summary>
    public List<MapMarkerRow> MapMarkers(MapMarkerFilter f)
    {
        var sql = new StringBuilder("""
            SELECT a.id, e.latitude, e.longitude, e.city, e.state, e.country
            FROM assets a JOIN asset_exif e ON e.assetId = a.id
            WHERE e.latitude IS NOT NULL AND e.longitude IS NOT NULL AND a.status = 'active'
            """);
        var p = new List<(string, object?)> { ("$u", f.UserId) };
        sql.Append(f.IsArchived == true ? " AND a.visibility IN ('timeline', 'archive')" : " AND a.visibility = 'timeline'");
        if (f.IsFavorite is { } fav) { sql.Append(" AND a.isFavorite = $fav"); p.Add(("$fav", fav)); }
        if (f.FileCreatedAfter is { } after) { sql.Append(" AND a.fileCreatedAt >= $after"); p.Add(("$after", after)); }
        if (f.FileCreatedBefore is { } before) { sql.Append(" AND a.fileCreatedAt <= $before"); p.Add(("$before", before)); }
        sql.Append(f.WithPartners ? $" AND (a.ownerId IN ({AccessSql.TimelineOwners})" : " AND (a.ownerId = $u");
        if (f.WithSharedAlbums)
            sql.Append($" OR a.id IN (SELECT aa.assetId FROM albums_assets aa WHERE aa.albumId IN ({AccessSql.VisibleAlbums}))");
        sql.Append(") ORDER BY a.fileCreatedAt DESC, a.id");
        return db.Read(s => s.List(sql.ToString(),
            r => new MapMarkerRow(r.GetString(0), r.GetDouble(1), r.GetDouble(2), r.Str(3), r.Str(4), r.Str(5)), p.ToArray()));
    }
}
