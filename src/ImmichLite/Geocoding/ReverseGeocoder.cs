using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using ImmichLite.Contract;
using ImmichLite.Data;

namespace ImmichLite.Geocoding;

/// <summary>A reverse-geocoding answer: the nearest GeoNames place (cities500) and where it lies.
/// City/State/Country are what upstream Immich stores in exif city/state/country.</summary>
public sealed record GeoResult(string City, string? State, string? Country, string? TimeZone, string CountryCode,
    string? Admin2, double Latitude, double Longitude, double DistanceKm);

/// <summary>How <see cref="ReverseGeocoder.EnsureImported"/> ended.</summary>
public enum GeodataImportOutcome { NotAvailable, UpToDate, Imported, Cancelled, Failed }

/// <summary>Offline reverse geocoding over GeoNames cities500, as upstream Immich does it: the nearest place within
/// <see cref="MaxDistanceKm"/> (upstream's reverseGeocodeMaxDistance, 25 km) gives city (the place's name),
/// state (its admin1 name) and country (English name of its ISO code). The data ships inside the binary
/// (<see cref="GeodataFile"/>) and is imported into SQLite once, in the background (<see cref="GeodataImporter"/>),
/// and again only when the embedded data's SHA-256 changes. Until then <see cref="IsReady"/> is false and lookups
/// answer null. Lookups are an R*Tree box query plus exact haversine over the few candidates.</summary>
public sealed class ReverseGeocoder
{
    /// <summary>Upstream's limit (constants.ts reverseGeocodeMaxDistance = 25_000 m). Upstream tests an earth_box
    /// (a cube, so corners reach ~43 km); here it is a true great-circle radius.</summary>
    public const double MaxDistanceKm = 25;

    /// <summary>How far <see cref="TimeZoneAt"/> looks for a place before falling back to the nautical zone.</summary>
    public const double TimeZoneMaxDistanceKm = 500;
    static readonly double[] TimeZoneRadiiKm = [MaxDistanceKm, 100, TimeZoneMaxDistanceKm];

    /// <summary>Upstream's lastImportFileName.</summary>
    public const string ImportFileName = "cities500.txt";
    const int BatchSize = 10_000;

    readonly GeodataStore _store;
    readonly Func<Stream?> _open;
    readonly ILogger _log;
    readonly Lock _importGate = new();
    readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    volatile bool _isReady;
    volatile bool _isAvailable = true;

    public ReverseGeocoder(GeodataStore store, ILogger<ReverseGeocoder> log) : this(store, GeodataFile.OpenEmbedded, log) { }

    /// <summary>With another source of the gzip'd TSV (tests).</summary>
    internal ReverseGeocoder(GeodataStore store, Func<Stream?> open, ILogger log)
    {
        _store = store;
        _open = open;
        _log = log;
    }

    /// <summary>False when this binary carries no geodata (a build without .cache/geodata) or the import failed.</summary>
    public bool IsAvailable => _isAvailable;

    /// <summary>True once the places are in the database; lookups before that answer null.</summary>
    public bool IsReady => _isReady;

    /// <summary>Completes with true when the data is ready, false when it will not be (not embedded, import failed).</summary>
    public Task<bool> Ready => _ready.Task;

    /// <summary>Waits for <see cref="Ready"/> at most <paramref name="timeout"/>; true when ready.</summary>
    public async Task<bool> WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        try { return await _ready.Task.WaitAsync(timeout, ct); }
        catch (TimeoutException) { return false; }
    }

    /// <summary>The nearest place within 25 km, or null (none that close, coordinates invalid, data not ready).</summary>
    public GeoResult? Reverse(double lat, double lon)
    {
        if (!_isReady || !GeoMath.IsValid(lat, lon)) return null;
        var hit = _store.Nearest(lat, lon, GeoMath.BoxesAround(lat, lon, MaxDistanceKm));
        if (hit is not { } h || h.DistanceKm > MaxDistanceKm) return null;
        var p = h.Place;
        return new GeoResult(p.Name, p.Admin1Name, p.CountryName, p.TimeZone, p.CountryCode, p.Admin2Name, p.Latitude, p.Longitude, h.DistanceKm);
    }

    /// <summary><see cref="Reverse"/> for async callers (the work is a sub-millisecond SQLite read).</summary>
    public Task<GeoResult?> ReverseAsync(double lat, double lon) => Task.FromResult(Reverse(lat, lon));

    /// <summary>The IANA time zone at a point, for photos whose timestamps carry no offset: the zone of the nearest
    /// place within 500 km (cities500 reaches that far from almost any inhabited land); beyond that (open ocean, polar
    /// ice) the nautical zone for the longitude (Etc/GMT±N, what timezone-boundary data gives international waters).
    /// Null only when the data is not ready or the coordinates are invalid.</summary>
    public string? TimeZoneAt(double lat, double lon)
    {
        if (!_isReady || !GeoMath.IsValid(lat, lon)) return null;
        foreach (var radius in TimeZoneRadiiKm)
        {
            var hit = _store.Nearest(lat, lon, GeoMath.BoxesAround(lat, lon, radius));
            // Only a hit inside the circle is surely the nearest overall; otherwise widen the search.
            if (hit is { } h && h.DistanceKm <= radius) return h.Place.TimeZone ?? GeoMath.NauticalTimeZone(lon);
        }
        return GeoMath.NauticalTimeZone(lon);
    }

    /// <summary>Imports the embedded data unless the database already holds this exact data. Safe to call more than
    /// once; batches of 10,000 rows, each its own transaction, so the single writer is never held for long.
    /// An import cut short leaves no completion record and is redone from scratch at the next call.</summary>
    public GeodataImportOutcome EnsureImported(CancellationToken ct = default)
    {
        lock (_importGate)
        {
            if (_isReady) return GeodataImportOutcome.UpToDate;
            try
            {
                var outcome = Import(ct);
                if (outcome is GeodataImportOutcome.UpToDate or GeodataImportOutcome.Imported)
                {
                    _isReady = true;
                    _ready.TrySetResult(true);
                }
                else if (outcome == GeodataImportOutcome.NotAvailable)
                {
                    _isAvailable = false;
                    _ready.TrySetResult(false);
                }
                return outcome;
            }
            catch (OperationCanceledException)
            {
                _log.LogInformation("Geodata import stopped; it starts over at the next start");
                return GeodataImportOutcome.Cancelled;
            }
            catch (Exception e)
            {
                _log.LogError(e, "Geodata import failed; reverse geocoding is off until the next start");
                _isAvailable = false;
                _ready.TrySetResult(false);
                return GeodataImportOutcome.Failed;
            }
        }
    }

    GeodataImportOutcome Import(CancellationToken ct)
    {
        using var source = _open();
        if (source is null)
        {
            _log.LogWarning("This build carries no geodata (run scripts/fetch-geodata.sh before building); reverse geocoding is off");
            return GeodataImportOutcome.NotAvailable;
        }
        Stream data = source;
        MemoryStream? copy = null;
        if (!source.CanSeek)
        {
            copy = new MemoryStream();
            source.CopyTo(copy);
            data = copy;
        }
        using var _ = copy;
        data.Position = 0;
        var hash = Convert.ToHexStringLower(SHA256.HashData(data));
        var state = _store.GetImportState();
        if (state is not null && state.Sha256 == hash)
        {
            _log.LogDebug("Geodata up to date ({Rows} places, data to {DataDate})", state.Rows, state.DataDate);
            return GeodataImportOutcome.UpToDate;
        }

        var sw = Stopwatch.StartNew();
        _log.LogInformation("Importing geodata (reverse geocoding) in the background");
        _store.Clear();
        data.Position = 0;
        var header = new Dictionary<string, string>(StringComparer.Ordinal);
        var batch = new List<GeodataPlace>(BatchSize);
        long rows = 0;
        foreach (var place in GeodataFile.Read(data, header))
        {
            batch.Add(place);
            if (batch.Count < BatchSize) continue;
            ct.ThrowIfCancellationRequested();
            _store.InsertBatch(batch);
            rows += batch.Count;
            batch.Clear();
        }
        ct.ThrowIfCancellationRequested();
        if (batch.Count > 0) { _store.InsertBatch(batch); rows += batch.Count; }

        var dataDate = header.GetValueOrDefault("dataDate");
        var lastUpdate = DateTime.TryParseExact(dataDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
            ? Sql.Iso(d) : Sql.Iso(DateTime.UtcNow);
        var upstreamState = JsonSerializer.Serialize(new ReverseGeocodingStateResponseDto { LastUpdate = lastUpdate, LastImportFileName = ImportFileName },
            ImmichJsonContext.Default.ReverseGeocodingStateResponseDto);
        _store.CompleteImport(new GeodataImportState(hash, rows, dataDate, DateTime.UtcNow), upstreamState);
        _log.LogInformation("Geodata imported: {Rows} places in {Seconds:0.0} s", rows, sw.Elapsed.TotalSeconds);
        // a one-time burst of ~200k rows: hand the memory back instead of idling on it (a Pi has little to spare)
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return GeodataImportOutcome.Imported;
    }
}
