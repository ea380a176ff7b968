using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Jobs;

namespace ImmichLite.Maintenance;

/// <summary>Upstream's nightly work that has a place here, checked every hour (first an hour after start): once per
/// local day, deleted users whose delay has passed are queued for removal and sync tombstones older than 100 days
/// are dropped; from 02:00 local time, a database backup when the newest is a day old (unless backups are off).</summary>
public sealed class NightlyMaintenance(UserStore users, MaintenanceStore store, JobQueue queue, DatabaseBackupJob backups,
    ServerSettings settings, TimeProvider clock, ILogger<NightlyMaintenance> log) : BackgroundService
{
    public static readonly TimeSpan TombstoneAge = Sync.SyncEndpoints.TombstoneAge;
    DateOnly _lastNightly;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        while (await timer.WaitForNextTickAsync(stop))
        {
            try { await TickAsync(); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "nightly maintenance failed"); }
        }
    }

    async Task TickAsync()
    {
        var local = clock.GetLocalNow();
        var today = DateOnly.FromDateTime(local.DateTime);
        if (today != _lastNightly)
        {
            _lastNightly = today;
            await QueueUserDeletionsAsync();
            var dropped = await store.DropTombstonesAsync(clock.GetUtcNow().UtcDateTime - TombstoneAge);
            if (dropped > 0) log.LogInformation("Dropped {Count} sync tombstones older than {Days} days", dropped, TombstoneAge.TotalDays);
        }
        if (settings.BackupKeep > 0 && local.Hour >= 2)
        {
            var newest = backups.Backups().FirstOrDefault();
            if (newest is null || File.GetLastWriteTimeUtc(newest) < clock.GetUtcNow().UtcDateTime.AddHours(-23))
                await queue.EnqueueAsync(DatabaseBackupJob.JobName, "");
        }
    }

    /// <summary>Queues the removal of every deleted user who is due now. Returns how many.</summary>
    public async Task<int> QueueUserDeletionsAsync()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = users.List(withDeleted: true).Where(u => UserDeletionJob.IsDue(u, now, settings.UserDeleteDelay)).Select(u => u.Id).ToList();
        return due.Count == 0 ? 0 : await queue.EnqueueManyAsync(UserDeletionJob.JobName, due);
    }
}
