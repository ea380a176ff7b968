namespace ImmichLite.Data;

/// <summary>Housekeeping SQL of the nightly maintenance.</summary>
public sealed class MaintenanceStore(Database db)
{
    /// <summary>Drops sync tombstones (the *_audit tables) older than the cutoff: past it, a client is told to sync
    /// in full anyway. Returns how many rows went.</summary>
    public Task<int> DropTombstonesAsync(DateTime cutoff) => db.WriteAsync(s =>
        s.Exec("DELETE FROM assets_audit WHERE deletedAt < $c", ("$c", cutoff)) +
        s.Exec("DELETE FROM albums_audit WHERE deletedAt < $c", ("$c", cutoff)) +
        s.Exec("DELETE FROM album_users_audit WHERE deletedAt < $c", ("$c", cutoff)) +
        s.Exec("DELETE FROM users_audit WHERE deletedAt < $c", ("$c", cutoff)) +
        s.Exec("DELETE FROM partners_audit WHERE deletedAt < $c", ("$c", cutoff)));
}
