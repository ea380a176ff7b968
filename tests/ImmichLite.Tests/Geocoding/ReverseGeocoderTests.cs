using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using ImmichLite.Data;
using ImmichLite.Geocoding;
using ImmichLite.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace ImmichLite.Tests.Geocoding;

/// <summary>The real embedded geodata imported once into a fresh SQLite file, shared by the tests of a class.</summary>
public sealed class GeodataFixture : IDisposable
{
    public string Dir { get; } = TestPaths.NewTempDir("geodata");
    public Database Db { get; }
    public ReverseGeocoder Geocoder { get; }
    public GeodataImportOutcome Outcome { get; }
    public TimeSpan ImportTime { get; }
    /// <summary>Process CPU time during the import (the import is single-threaded; the figure is polluted by whatever else runs).</summary>
    public TimeSpan ImportCpu { get; }
    public long BytesAdded { get; }

    public GeodataFixture()
    {
        RequireGeodata();
        Db = new Database(Path.Combine(Dir, "immichlite.db"));
        var before = DbBytes(Db);
        Geocoder = new ReverseGeocoder(new GeodataStore(Db), NullLogger<ReverseGeocoder>.Instance);
        var sw = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        Outcome = Geocoder.EnsureImported();
        ImportTime = sw.Elapsed;
        ImportCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        BytesAdded = DbBytes(Db) - before;
    }

    static long DbBytes(Database db) => db.Read(s => s.Long("PRAGMA page_count") * s.Long("PRAGMA page_size"));

    /// <summary>Fails with the fix when the data was not fetched before the build.</summary>
    public static void RequireGeodata()
    {
        var file = Path.Combine(TestPaths.Repo, ".cache", "geodata", "geodata.tsv.gz");
        Assert.True(File.Exists(file), $"geodata missing: {file} — run `bash scripts/fetch-geodata.sh`, then rebuild");
        using var embedded = GeodataFile.OpenEmbedded();
        Assert.True(embedded is not null, $"the server was built without the geodata ({file} appeared after the build) — rebuild");
    }

    public void Dispose()
    {
        Db.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}

public sealed class ReverseGeocoderTests(GeodataFixture geo, ITestOutputHelper output) : IClassFixture<GeodataFixture>
{
    ReverseGeocoder Geocoder => geo.Geocoder;

    [Fact]
    public async Task Imports_the_embedded_places_and_records_the_state()
    {
        Assert.Equal(GeodataImportOutcome.Imported, geo.Outcome);
        Assert.True(Geocoder.IsAvailable);
        Assert.True(Geocoder.IsReady);
        Assert.True(Geocoder.Ready.IsCompletedSuccessfully && await Geocoder.Ready);
        var store = new GeodataStore(geo.Db);
        var rows = store.Count();
        Assert.InRange(rows, 150_000, 250_000);
        var state = store.GetImportState()!;
        Assert.Equal(rows, state.Rows);
        Assert.Equal(64, state.Sha256.Length);
        Assert.Equal("2023-03-05", state.DataDate);
        var upstream = JsonNode.Parse(new SystemMetadataStore(geo.Db).Get(SystemMetadata.SystemMetadataEndpoints.ReverseGeocodingStateKey)!)!;
        Assert.Equal("cities500.txt", upstream["lastImportFileName"]!.GetValue<string>());
        Assert.Equal("2023-03-05T00:00:00.000Z", upstream["lastUpdate"]!.GetValue<string>());
        var line = $"import: {rows} places in {geo.ImportTime.TotalSeconds:0.00} s ({geo.ImportCpu.TotalSeconds:0.00} s CPU); database grew by {geo.BytesAdded / 1048576.0:0.0} MiB";
        output.WriteLine(line);
        Console.WriteLine("[geodata] " + line);
    }

    [Theory]
    // The nearest cities500 place wins, as upstream (ORDER BY earth_distance LIMIT 1): the Eiffel Tower's nearest place
    // point is Neuilly-sur-Seine (3.4 km) rather than Paris's (4.0 km, at the Hôtel de Ville); upstream answers the same.
    [InlineData(48.8584, 2.2945, "Neuilly-sur-Seine", "Île-de-France", "France", "Europe/Paris")]
    [InlineData(48.8530, 2.3499, "Paris", "Île-de-France", "France", "Europe/Paris")] // Notre-Dame
    [InlineData(35.6896, 139.7006, "Tokyo", "Tokyo", "Japan", "Asia/Tokyo")] // Shinjuku
    [InlineData(40.7128, -74.0060, "New York City", "New York", "United States of America", "America/New_York")] // City Hall
    [InlineData(-33.8568, 151.2153, "The Rocks", "New South Wales", "Australia", "Australia/Sydney")] // Opera House: AU suburbs (PPLX) are kept
    [InlineData(51.5007, -0.1246, "City of Westminster", "England", "United Kingdom", "Europe/London")]
    [InlineData(52.5163, 13.3777, "Berlin", "State of Berlin", "Germany", "Europe/Berlin")]
    [InlineData(-22.9519, -43.2105, "Rio de Janeiro", "Rio de Janeiro", "Brazil", "America/Sao_Paulo")]
    [InlineData(1.2839, 103.8607, "Singapore", null, "Singapore", "Asia/Singapore")] // no admin1 in GeoNames
    public async Task Known_points(double lat, double lon, string city, string? state, string country, string timeZone)
    {
        var r = await Geocoder.ReverseAsync(lat, lon);
        Assert.NotNull(r);
        Assert.Equal((city, state, country, timeZone), (r.City, r.State, r.Country, r.TimeZone));
        Assert.InRange(r.DistanceKm, 0, ReverseGeocoder.MaxDistanceKm);
        Assert.Equal(timeZone, Geocoder.TimeZoneAt(lat, lon));
    }

    [Theory]
    [InlineData(30.0, -40.0, "Etc/GMT+3")] // mid-Atlantic, 1,300 km from the Azores: nautical zone
    [InlineData(-40.0, -120.0, "Etc/GMT+8")] // South Pacific
    [InlineData(-80.0, 0.0, "Etc/GMT")] // Antarctic ice
    [InlineData(37.0, -20.0, "Atlantic/Azores")] // 450 km out: still the nearest island's zone
    [InlineData(64.0, -42.0, "America/Nuuk")] // Greenland ice sheet, 270 km from Tasiilaq
    public void Far_from_any_place_there_is_no_city_but_a_time_zone(double lat, double lon, string timeZone)
    {
        Assert.Null(Geocoder.Reverse(lat, lon));
        Assert.Equal(timeZone, Geocoder.TimeZoneAt(lat, lon));
    }

    [Fact]
    public void Invalid_coordinates_answer_null()
    {
        Assert.Null(Geocoder.Reverse(91, 0));
        Assert.Null(Geocoder.Reverse(0, 180.5));
        Assert.Null(Geocoder.Reverse(double.NaN, 0));
        Assert.Null(Geocoder.TimeZoneAt(-90.1, 0));
    }

    [Fact]
    public void A_second_start_does_not_import_again()
    {
        var path = geo.Db.Path;
        var state = new GeodataStore(geo.Db).GetImportState()!;
        using var reopened = new Database(path);
        var again = new ReverseGeocoder(new GeodataStore(reopened), NullLogger<ReverseGeocoder>.Instance);
        Assert.False(again.IsReady);
        var sw = Stopwatch.StartNew();
        Assert.Equal(GeodataImportOutcome.UpToDate, again.EnsureImported());
        output.WriteLine($"up-to-date check: {sw.ElapsedMilliseconds} ms");
        Assert.True(again.IsReady);
        Assert.Equal(GeodataImportOutcome.UpToDate, again.EnsureImported());
        var after = new GeodataStore(reopened).GetImportState()!;
        Assert.Equal(state, after); // same hash, rows and importedAt: nothing was rewritten
        Assert.Equal(state.Rows, new GeodataStore(reopened).Count());
        Assert.Equal("Tokyo", again.Reverse(35.6896, 139.7006)?.City);
    }

    [Fact]
    public void Lookups_are_fast()
    {
        var rnd = new Random(1234);
        // Points uniform over the sphere (mostly sea: empty boxes) and points near real places (photos).
        var sphere = Enumerable.Range(0, 10_000).Select(_ => (Math.Asin(2 * rnd.NextDouble() - 1) * 180 / Math.PI, rnd.NextDouble() * 360 - 180)).ToArray();
        var places = geo.Db.Read(s => s.List("SELECT latitude, longitude FROM geodata_places ORDER BY id", r => (r.GetDouble(0), r.GetDouble(1))));
        var near = Enumerable.Range(0, 10_000).Select(_ =>
        {
            var (la, lo) = places[rnd.Next(places.Count)];
            return (Math.Clamp(la + (rnd.NextDouble() - 0.5) * 0.3, -90, 90), Math.Clamp(lo + (rnd.NextDouble() - 0.5) * 0.3, -180, 180));
        }).ToArray();
        foreach (var (la, lo) in near.Take(500)) Geocoder.Reverse(la, lo); // warm up

        var found = 0;
        var sphereT = Measure(sphere, p => Geocoder.Reverse(p.Item1, p.Item2));
        var nearT = Measure(near, p => { if (Geocoder.Reverse(p.Item1, p.Item2) is not null) found++; });
        var zoneT = Measure(sphere.Take(2_000).ToArray(), p => Geocoder.TimeZoneAt(p.Item1, p.Item2));
        var line = $"Reverse, 10k random points on the sphere: {sphereT}; Reverse, 10k points within ~15 km of a place ({found} found): {nearT}; " +
            $"TimeZoneAt, 2k points on the sphere: {zoneT}";
        output.WriteLine(line);
        Console.WriteLine("[geodata] " + line);
        Assert.True(found > 9_000, $"only {found} of 10k near-place points found a place");
        // Wall-clock tails on a shared 2-core machine are scheduler slices; thread CPU time is what a lookup costs.
        Assert.True(nearT.WallP50 < 2, line);
        Assert.True(nearT.WallP99 < 250, line);
        if (OperatingSystem.IsLinux()) Assert.True(nearT.CpuP99 < 2, line);
    }

    sealed record Timing(double WallP50, double WallP99, double CpuP50, double CpuP99)
    {
        public override string ToString() => $"wall p50 {WallP50:0.000} ms, p99 {WallP99:0.000} ms; thread CPU p50 {CpuP50:0.000} ms, p99 {CpuP99:0.000} ms";
    }

    static Timing Measure<T>(T[] points, Action<T> lookup)
    {
        var wall = new double[points.Length];
        var cpu = new double[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            var c = ThreadCpuNs();
            var t = Stopwatch.GetTimestamp();
            lookup(points[i]);
            wall[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            cpu[i] = (ThreadCpuNs() - c) / 1e6;
        }
        Array.Sort(wall);
        Array.Sort(cpu);
        int p50 = points.Length / 2, p99 = (int)(points.Length * 0.99);
        return new Timing(wall[p50], wall[p99], cpu[p50], cpu[p99]);
    }

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGetTime(int clock, out TimeSpec ts);

    /// <summary>CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID); 0 off Linux.</summary>
    static long ThreadCpuNs() => OperatingSystem.IsLinux() && ClockGetTime(3, out var ts) == 0 ? ts.Seconds * 1_000_000_000 + ts.Nanoseconds : 0;
}

/// <summary>Import rules and edge cases on small synthetic data (fast, each on its own database).</summary>
public sealed class GeodataImportTests : IDisposable
{
    readonly string _dir = TestPaths.NewTempDir("geodata-small");

    static byte[] Gzip(string tsv)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(Encoding.UTF8.GetBytes(tsv));
        return ms.ToArray();
    }

    const string Header = "#immichlite-geodata\tformat=1\tdataDate=2024-01-02\n#geonameid\tlatitude\tlongitude\tname\tcountryCode\tcountryName\tadmin1Name\tadmin2Name\ttimezone\n";
    static readonly string Small = Header +
        "1\t-16.80000\t179.95000\tEast Side\tFJ\tFiji\tNorthern\t\tPacific/Fiji\n" +
        "2\t-16.80000\t-179.90000\tWest Side\tFJ\tFiji\t\t\tPacific/Fiji\n" +
        "3\t89.90000\t10.00000\tNorth Camp\tXX\t\t\t\t\n" +
        "4\t10.00000\t10.00000\tTen Ten\tNG\tNigeria\tState\tDistrict\tAfrica/Lagos\n";

    ReverseGeocoder New(Database db, byte[]? data) =>
        new(new GeodataStore(db), () => data is null ? null : new MemoryStream(data), NullLogger.Instance);

    [Fact]
    public void Antimeridian_poles_and_missing_fields()
    {
        using var db = new Database(Path.Combine(_dir, "a.db"));
        var g = New(db, Gzip(Small));
        Assert.Equal(GeodataImportOutcome.Imported, g.EnsureImported());
        Assert.Equal(4, new GeodataStore(db).Count());
        // 0.05° east of the line finds the place 0.05° west of it (5 km), and the other way round.
        Assert.Equal("East Side", g.Reverse(-16.8, 179.999)?.City);
        Assert.Equal("West Side", g.Reverse(-16.8, -179.95)?.City);
        Assert.Equal("East Side", g.Reverse(-16.8, -179.99)?.City);
        // Near the pole the box spans every longitude.
        var north = g.Reverse(89.95, -170);
        Assert.NotNull(north);
        Assert.Equal(("North Camp", null, null, null), (north.City, north.State, north.Country, north.TimeZone));
        Assert.Equal("Etc/GMT+11", g.TimeZoneAt(89.95, -170)); // the place has no zone: nautical
        var ten = g.Reverse(10.1, 10.1)!;
        Assert.Equal(("Ten Ten", "State", "Nigeria", "District", "NG"), (ten.City, ten.State, ten.Country, ten.Admin2, ten.CountryCode));
        Assert.InRange(ten.DistanceKm, 15.0, 16.0);
        Assert.Null(g.Reverse(10.3, 10.0)); // 33 km: beyond 25 km
        Assert.Equal("Africa/Lagos", g.TimeZoneAt(13, 10)); // 333 km: within 500 km
        Assert.Equal("Etc/GMT-1", g.TimeZoneAt(15, 10)); // 555 km
    }

    [Fact]
    public void New_data_replaces_the_old_and_an_interrupted_import_is_redone()
    {
        var path = Path.Combine(_dir, "b.db");
        using var db = new Database(path);
        Assert.Equal(GeodataImportOutcome.Imported, New(db, Gzip(Small)).EnsureImported());
        Assert.Equal(GeodataImportOutcome.UpToDate, New(db, Gzip(Small)).EnsureImported());

        var changed = Header + "7\t1.00000\t1.00000\tSeven\tGH\tGhana\t\t\tAfrica/Accra\n";
        var g = New(db, Gzip(changed));
        Assert.Equal(GeodataImportOutcome.Imported, g.EnsureImported());
        Assert.Equal(1, new GeodataStore(db).Count());
        Assert.Null(g.Reverse(10, 10));
        Assert.Equal("Seven", g.Reverse(1, 1)?.City);

        // Cancelled before completion: no state is left, so the next start imports again.
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var stopped = New(db, Gzip(Small));
        Assert.Equal(GeodataImportOutcome.Cancelled, stopped.EnsureImported(cts.Token));
        Assert.False(stopped.IsReady);
        Assert.Null(new GeodataStore(db).GetImportState());
        Assert.Equal(GeodataImportOutcome.Imported, New(db, Gzip(Small)).EnsureImported());
    }

    [Fact]
    public async Task Without_embedded_data_the_geocoder_is_unavailable_and_does_not_throw()
    {
        using var db = new Database(Path.Combine(_dir, "c.db"));
        var g = New(db, null);
        Assert.Equal(GeodataImportOutcome.NotAvailable, g.EnsureImported());
        Assert.False(g.IsAvailable);
        Assert.False(g.IsReady);
        Assert.False(await g.Ready);
        Assert.False(await g.WaitUntilReadyAsync(TimeSpan.FromSeconds(1)));
        Assert.Null(g.Reverse(48.85, 2.35));
        Assert.Null(g.TimeZoneAt(48.85, 2.35));

        var broken = New(db, Gzip(Header + "x\tnot a line\n"));
        Assert.Equal(GeodataImportOutcome.Failed, broken.EnsureImported());
        Assert.False(broken.IsAvailable);
    }

    [Fact]
    public void Boxes_split_at_the_antimeridian_and_open_at_the_poles()
    {
        Assert.Single(GeoMath.BoxesAround(0, 0, 25));
        var split = GeoMath.BoxesAround(0, 179.9, 25);
        Assert.Equal(2, split.Length);
        Assert.Contains(split, b => b.MaxLon == 180);
        Assert.Contains(split, b => b.MinLon == -180 && b.MaxLon < -179.8);
        var polar = Assert.Single(GeoMath.BoxesAround(89.9, 0, 25));
        Assert.Equal((-180.0, 180.0, 90.0), (polar.MinLon, polar.MaxLon, polar.MaxLat));
        Assert.Equal(111.195, GeoMath.HaversineKm(0, 0, 1, 0), 2);
        Assert.Equal("Etc/GMT-12", GeoMath.NauticalTimeZone(179));
        Assert.Equal("Etc/GMT+12", GeoMath.NauticalTimeZone(-179));
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}

/// <summary>GET /api/map/reverse-geocode through the real server (which imports in the background after start).</summary>
public sealed class MapReverseGeocodeHttpTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    static async Task<JsonArray> WaitForGeodata(TestClient c)
    {
        GeodataFixture.RequireGeodata();
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var body = (await c.Get("/api/map/reverse-geocode?lat=48.853&lon=2.3499")).AsArray();
            if (body.Count > 0) return body;
            Assert.True(sw.Elapsed < TimeSpan.FromMinutes(3), "the server did not finish importing the geodata in 3 minutes");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Reverse_geocodes_like_upstream()
    {
        var admin = await server.Admin();
        var paris = await WaitForGeodata(admin);
        SpecValidator.AssertValidArray(paris, "MapReverseGeocodeResponseDto");
        var hit = Assert.Single(paris)!.AsObject();
        Assert.Equal(3, hit.Count);
        Assert.Equal(("Paris", "Île-de-France", "France"), (hit["city"]!.GetValue<string>(), hit["state"]!.GetValue<string>(), hit["country"]!.GetValue<string>()));

        var tokyo = await admin.Get("/api/map/reverse-geocode?lat=35.6896&lon=139.7006");
        SpecValidator.AssertValidArray(tokyo, "MapReverseGeocodeResponseDto");
        Assert.Equal("Japan", tokyo[0]!["country"]!.GetValue<string>());

        var singapore = await admin.Get("/api/map/reverse-geocode?lat=1.2839&lon=103.8607");
        SpecValidator.AssertValidArray(singapore, "MapReverseGeocodeResponseDto");
        Assert.True(singapore[0]!.AsObject().ContainsKey("state"));
        Assert.Null(singapore[0]!["state"]);

        // Nothing within 25 km: an empty list.
        var ocean = await admin.Get("/api/map/reverse-geocode?lat=30&lon=-40");
        SpecValidator.AssertValidArray(ocean, "MapReverseGeocodeResponseDto");
        Assert.Empty(ocean.AsArray());

        // Boundaries are valid
        Assert.IsType<JsonArray>(await admin.Get("/api/map/reverse-geocode?lat=-90&lon=180"));

        // the import is recorded where upstream keeps it
        var state = await admin.Get("/api/system-metadata/reverse-geocoding-state");
        SpecValidator.AssertValid(state, "ReverseGeocodingStateResponseDto");
        Assert.Equal("cities500.txt", state["lastImportFileName"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("lon=2.35", "lat must be a latitude string or number")]
    [InlineData("lat=48.85", "lon must be a longitude string or number")]
    [InlineData("lat=91&lon=0", "lat must be a latitude string or number")]
    [InlineData("lat=0&lon=-180.01", "lon must be a longitude string or number")]
    [InlineData("lat=abc&lon=xyz", "lat must be a latitude string or number; lon must be a longitude string or number")]
    [InlineData("lat=NaN&lon=Infinity", "lat must be a latitude string or number; lon must be a longitude string or number")]
    [InlineData("", "lat must be a latitude string or number; lon must be a longitude string or number")]
    public async Task Bad_coordinates_are_400(string query, string message)
    {
        var admin = await server.Admin();
        Assert.Equal(message, await TestClient.ExpectError(await admin.Http.GetAsync("/api/map/reverse-geocode?" + query), 400));
    }

    [Fact]
    public async Task Needs_authentication()
    {
        var r = await server.Anonymous().Http.GetAsync("/api/map/reverse-geocode?lat=48.85&lon=2.35");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        await TestClient.ExpectError(r, 401);
    }
}
