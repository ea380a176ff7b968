using ImmichLite.Assets;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Trash;

/// <summary>Empties trash older than the configured number of days (30 by default), hourly.</summary>
public sealed class TrashPurger(AssetStore assets, AssetService service, ServerSettings settings, TimeProvider clock, ILogger<TrashPurger> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try { await PurgeAsync(); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "trash purge failed"); }
        } while (await timer.WaitForNextTickAsync(stop));
    }

    public async Task<int> PurgeAsync()
    {
        var ids = assets.TrashedBefore(clock.GetUtcNow().UtcDateTime.AddDays(-settings.TrashDays));
        if (ids.Count == 0) return 0;
        var n = await service.DeletePermanentlyAsync(ids);
        log.LogInformation("Purged {Count} assets trashed more than {Days} days ago", n, settings.TrashDays);
        return n;
    }
}
