using System.Text;
using System.Text.Json;
using ImmichLite.Geocoding;
using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

/// <summary>One GeoNames place as stored in geodata_places.</summary>
public sealed record GeodataPlace(long Id, double Latitude, double Longitude, string Name, string CountryCode,
    string? CountryName, string? Admin1Name, string? Admin2Name, string? TimeZone);

/// <summary>What the last complete geodata import loaded (system_metadata 'immichlite-geodata').</summary>
public sealed record GeodataImportState(string Sha256, long Rows, string? DataDate, DateTime ImportedAt);

/// <summary>SQL for the reverse-geocoding tables (migration 005): bulk import in batches, and the nearest-place
/// query (R*Tree box, then exact great-circle distance over the candidates).</summary>
public sealed class GeodataStore(Database db)
{
    public const string ImportStateKey = "immichlite-geodata";

    public GeodataImportState? GetImportState()
    {
        var json = db.Read(s => (string?)s.Scalar("SELECT value FROM system_metadata WHERE key = $k", ("$k", ImportStateKey)));
        if (json is null) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            return new GeodataImportState(r.GetProperty("sha256").GetString() ?? "", r.GetProperty("rows").GetInt64(),
                r.TryGetProperty("dataDate", out var d) ? d.GetString() : null, Sql.ParseIso(r.GetProperty("importedAt").GetString()!));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null; // unreadable: import again
        }
    }

    const string SelectPlace = "SELECT id, latitude, longitude, name, countryCode, countryName, admin1Name, admin2Name, timeZone FROM geodata_places";

    static GeodataPlace MapPlace(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetDouble(1), r.GetDouble(2), r.GetString(3), r.GetString(4), r.Str(5), r.Str(6), r.Str(7), r.Str(8));

    public long Count() => db.Read(s => s.Long("SELECT count(*) FROM geodata_places"));

    /// <summary>Empties both tables and forgets the import state, so that an import cut short (stop, crash) is redone at
    /// the next start. Drops and re-creates the tables from their own DDL in sqlite_master: milliseconds, where deleting
    /// ~200k R*Tree rows one by one would hold the writer for seconds.</summary>
    public void Clear() => db.Write(s =>
    {
        s.Exec("DELETE FROM system_metadata WHERE key IN ($a, $b)", ("$a", ImportStateKey), ("$b", SystemMetadata.SystemMetadataEndpoints.ReverseGeocodingStateKey));
        foreach (var table in (ReadOnlySpan<string>)["geodata_places_rtree", "geodata_places"])
        {
            var ddl = (string?)s.Scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $n", ("$n", table))
                ?? throw new InvalidOperationException($"table {table} is missing (migration 005)");
            s.Exec("DROP TABLE " + table);
            s.Exec(ddl);
        }
        return true;
    });

    /// <summary>Inserts one batch in one transaction with prepared statements (one writer-gate hold per batch).</summary>
    public void InsertBatch(IReadOnlyList<GeodataPlace> rows) => db.Write(s =>
    {
        using var place = s.Command("INSERT INTO geodata_places (id, name, latitude, longitude, countryCode, countryName, admin1Name, admin2Name, timeZone, nameFolded) " +
            "VALUES ($id, $name, $lat, $lon, $cc, $cn, $a1, $a2, $tz, $folded)", []);
        var pId = place.Parameters.Add("$id", SqliteType.Integer);
        var pName = place.Parameters.Add("$name", SqliteType.Text);
        var pLat = place.Parameters.Add("$lat", SqliteType.Real);
        var pLon = place.Parameters.Add("$lon", SqliteType.Real);
        var pCc = place.Parameters.Add("$cc", SqliteType.Text);
        var pCn = place.Parameters.Add("$cn", SqliteType.Text);
        var pA1 = place.Parameters.Add("$a1", SqliteType.Text);
        var pA2 = place.Parameters.Add("$a2", SqliteType.Text);
        var pTz = place.Parameters.Add("$tz", SqliteType.Text);
        var pFolded = place.Parameters.Add("$folded", SqliteType.Text);
        using var tree = s.Command("INSERT INTO geodata_places_rtree (id, minLat, maxLat, minLon, maxLon) VALUES ($id, $lat, $lat, $lon, $lon)", []);
        var tId = tree.Parameters.Add("$id", SqliteType.Integer);
        var tLat = tree.Parameters.Add("$lat", SqliteType.Real);
        var tLon = tree.Parameters.Add("$lon", SqliteType.Real);
        place.Prepare();
        tree.Prepare();
        foreach (var r in rows)
        {
            pId.Value = r.Id; pName.Value = r.Name; pLat.Value = r.Latitude; pLon.Value = r.Longitude; pCc.Value = r.CountryCode;
            pCn.Value = (object?)r.CountryName ?? DBNull.Value; pA1.Value = (object?)r.Admin1Name ?? DBNull.Value;
            pA2.Value = (object?)r.Admin2Name ?? DBNull.Value; pTz.Value = (object?)r.TimeZone ?? DBNull.Value;
            pFolded.Value = Ascii.IsValid(r.Name) ? DBNull.Value : LatinFold.Fold(r.Name); // for SearchByName (migration 011)
            place.ExecuteNonQuery();
            tId.Value = r.Id; tLat.Value = r.Latitude; tLon.Value = r.Longitude;
            tree.ExecuteNonQuery();
        }
        return true;
    });

    /// <summary>Marks the import complete: our own state (hash, rows) and upstream's reverse-geocoding-state document.</summary>
    public void CompleteImport(GeodataImportState state, string reverseGeocodingStateJson) => db.Write(s =>
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("sha256", state.Sha256);
            w.WriteNumber("rows", state.Rows);
            if (state.DataDate is null) w.WriteNull("dataDate"); else w.WriteString("dataDate", state.DataDate);
            w.WriteString("importedAt", Sql.Iso(state.ImportedAt));
            w.WriteEndObject();
        }
        SystemMetadataStore.Set(s, ImportStateKey, System.Text.Encoding.UTF8.GetString(ms.ToArray()));
        SystemMetadataStore.Set(s, SystemMetadata.SystemMetadataEndpoints.ReverseGeocodingStateKey, reverseGeocodingStateJson);
        return true;
    });

    /// <summary>Places whose name, admin1 (state) or admin2 (county) name contains <paramref name="query"/>, ignoring case
    /// and, in place names, Latin diacritics ("zurich" finds Zürich, as upstream's f_unaccent; nameFolded, migration 011),
    /// best first: the name equal to the query, then starting with it, then a word of it starting with it, then
    /// containing it, then only an admin name matching; among equals, those whose admin names also match, then shorter
    /// names. Upstream ranks by trigram word similarity over the same names (and alternate names, which this table does
    /// not keep); this is the prefix/substring reading of it, without typo tolerance. One scan of the table.</summary>
    public List<GeodataPlace> SearchByName(string query, int limit)
    {
        var q = LatinFold.Fold(query).Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
        return db.Read(s => s.List($"""
            {SelectPlace}
            WHERE name LIKE $any ESCAPE '\' OR nameFolded LIKE $any ESCAPE '\' OR admin1Name LIKE $any ESCAPE '\' OR admin2Name LIKE $any ESCAPE '\'
            ORDER BY CASE WHEN COALESCE(nameFolded, name) LIKE $q ESCAPE '\' THEN 0 WHEN COALESCE(nameFolded, name) LIKE $prefix ESCAPE '\' THEN 1
                          WHEN COALESCE(nameFolded, name) LIKE $word ESCAPE '\' OR COALESCE(nameFolded, name) LIKE $dash ESCAPE '\' THEN 2
                          WHEN COALESCE(nameFolded, name) LIKE $any ESCAPE '\' THEN 3 ELSE 4 END,
                     (COALESCE(admin1Name LIKE $any ESCAPE '\', 0) + COALESCE(admin2Name LIKE $any ESCAPE '\', 0)) DESC,
                     length(name), name, id
            LIMIT $limit
            """, MapPlace,
            ("$q", q), ("$prefix", q + "%"), ("$word", "% " + q + "%"), ("$dash", "%-" + q + "%"), ("$any", "%" + q + "%"), ("$limit", limit)));
    }

    /// <summary>The place nearest to (lat, lon) among those inside the boxes, with its great-circle distance in km;
    /// null when the boxes hold no place. One read connection, two statements.</summary>
    public (GeodataPlace Place, double DistanceKm)? Nearest(double lat, double lon, GeoBox[] boxes) => db.Read(s =>
    {
        long bestId = -1;
        var best = double.MaxValue;
        using (var cmd = s.Command("SELECT id, minLat, maxLat, minLon, maxLon FROM geodata_places_rtree " +
            "WHERE minLat <= $maxLat AND maxLat >= $minLat AND minLon <= $maxLon AND maxLon >= $minLon", []))
        {
            var pMinLat = cmd.Parameters.Add("$minLat", SqliteType.Real);
            var pMaxLat = cmd.Parameters.Add("$maxLat", SqliteType.Real);
            var pMinLon = cmd.Parameters.Add("$minLon", SqliteType.Real);
            var pMaxLon = cmd.Parameters.Add("$maxLon", SqliteType.Real);
            foreach (var b in boxes)
            {
                pMinLat.Value = b.MinLat; pMaxLat.Value = b.MaxLat; pMinLon.Value = b.MinLon; pMaxLon.Value = b.MaxLon;
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    // R*Tree floats are rounded outwards; the midpoint is within a metre of the stored point.
                    var d = GeoMath.HaversineKm(lat, lon, (r.GetDouble(1) + r.GetDouble(2)) / 2, (r.GetDouble(3) + r.GetDouble(4)) / 2);
                    if (d < best) { best = d; bestId = r.GetInt64(0); }
                }
            }
        }
        if (bestId < 0) return ((GeodataPlace, double)?)null;
        var place = s.One(SelectPlace + " WHERE id = $id", MapPlace, ("$id", bestId));
        if (place is null) return null;
        return (place, GeoMath.HaversineKm(lat, lon, place.Latitude, place.Longitude));
    });
}
