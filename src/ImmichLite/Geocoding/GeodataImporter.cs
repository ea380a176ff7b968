namespace ImmichLite.Geocoding;

/// <summary>Runs <see cref="ReverseGeocoder.EnsureImported"/> on a pool thread after start, so that start-up (and the
/// first request) never waits for the import; stopping the host stops the import between two batches.</summary>
public sealed class GeodataImporter(ReverseGeocoder geocoder) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stop) => Task.Run(() => geocoder.EnsureImported(stop), CancellationToken.None);
}
