using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Jobs;

namespace ImmichLite.Maintenance;

/// <summary>A consistent copy of the database into backups/ (upstream dumps its Postgres there nightly at 02:00 and
/// keeps the last 14). SQLite's VACUUM INTO writes a compact snapshot from a read connection, so uploads and jobs go
/// on meanwhile; the copy is written under a temporary name and renamed when complete, then the oldest copies beyond
/// the number to keep are removed. Restoring is stopping the server and putting a copy in place of immichlite.db.</summary>
public sealed class DatabaseBackupJob(Database db, StorageLayout layout, ServerSettings settings, TimeProvider clock, ILogger<DatabaseBackupJob> log) : IJobHandler
{
    public const string JobName = "DatabaseBackup";
    public const string Prefix = "immichlite-db-backup-";
    public string Name => JobName;
    public Contract.JobName Queue => Contract.JobName.BackupDatabase;

    public string Folder => Path.Combine(layout.Root, "backups");

    /// <summary>Complete copies, newest first (the names sort by time).</summary>
    public List<string> Backups() => Directory.Exists(Folder)
        ? Directory.GetFiles(Folder, Prefix + "*.sqlite").OrderDescending(StringComparer.Ordinal).ToList()
        : [];

    public Task RunAsync(JobRow job, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        foreach (var stale in Directory.GetFiles(Folder, Prefix + "*.tmp")) File.Delete(stale);
        var final = Path.Combine(Folder, $"{Prefix}{clock.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmss}-v{Server.ServerInfo.Version}.sqlite");
        var tmp = final + ".tmp";
        db.Read(s => s.Exec("VACUUM INTO $p", ("$p", tmp)));
        File.Move(tmp, final, overwrite: true);
        foreach (var old in Backups().Skip(Math.Max(1, settings.BackupKeep))) File.Delete(old);
        log.LogInformation("Database backed up to {Path} ({Size:N0} bytes)", final, new FileInfo(final).Length);
        return Task.CompletedTask;
    }
}
