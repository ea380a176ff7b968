namespace ImmichLite.Data;

public sealed record JobRow(long Id, string Queue, string Name, string Payload, int Attempts);

public sealed record JobCounts(long Active, long Waiting, long Delayed, long Failed);

/// <summary>Jobs persisted in SQLite, so a restart (or kill -9) resumes them.</summary>
public sealed class JobStore(Database db)
{
    public const int MaxAttempts = 3;

    /// <summary>Queues a job unless the same one is already waiting. Returns whether a row was added.</summary>
    public static bool Insert(Sql s, string queue, string name, string payload, DateTime now) => s.Exec(
        "INSERT OR IGNORE INTO jobs (queue, name, payload, status, attempts, runAfter, createdAt, updatedAt) VALUES ($q, $n, $p, 'waiting', 0, $now, $now, $now)",
        ("$q", queue), ("$n", name), ("$p", payload), ("$now", now)) > 0;

    public Task<int> InsertManyAsync(string queue, string name, IEnumerable<string> payloads, DateTime now) => db.WriteAsync(s =>
        payloads.Count(p => Insert(s, queue, name, p, now)));

    /// <summary>Jobs that were running when the process died run again (nothing else runs them: there is one process).</summary>
    public int ResetActive() => db.Write(s =>
    {
        var n = s.Exec("UPDATE OR IGNORE jobs SET status = 'waiting' WHERE status = 'active'");
        s.Exec("DELETE FROM jobs WHERE status = 'active'"); // the same job is waiting already
        return n;
    });

    public List<JobRow> NextWaiting(string queue, IReadOnlyCollection<long> exclude, int limit, DateTime now) => db.Read(s => s.List(
        "SELECT id, queue, name, payload, attempts FROM jobs WHERE queue = $q AND status = 'waiting' AND runAfter <= $now " +
        "AND id NOT IN (SELECT value FROM json_each($ex)) ORDER BY id LIMIT $n",
        r => new JobRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4)),
        ("$q", queue), ("$now", now), ("$ex", "[" + string.Join(',', exclude) + "]"), ("$n", limit)));

    public DateTime? NextRunAfter(string queue) => db.Read<DateTime?>(s => s.Scalar(
        "SELECT MIN(runAfter) FROM jobs WHERE queue = $q AND status = 'waiting'", ("$q", queue)) is string t ? Sql.ParseIso(t) : null);

    public Task MarkActiveAsync(long id, DateTime now) => db.WriteAsync(s =>
        s.Exec("UPDATE jobs SET status = 'active', attempts = attempts + 1, updatedAt = $now WHERE id = $id", ("$id", id), ("$now", now)));

    public Task CompleteAsync(long id) => db.WriteAsync(s => s.Exec("DELETE FROM jobs WHERE id = $id", ("$id", id)));

    /// <summary>After a failure: retry later with backoff, or keep as failed with the reason once attempts run out.</summary>
    public Task<bool> FailAsync(long id, int attempts, string error, DateTime now) => db.WriteAsync(s =>
    {
        var retry = attempts < MaxAttempts;
        var runAfter = now.AddSeconds(5 * Math.Pow(4, attempts - 1));
        if (retry)
        {
            if (s.Exec("UPDATE OR IGNORE jobs SET status = 'waiting', runAfter = $ra, lastError = $e, updatedAt = $now WHERE id = $id",
                    ("$id", id), ("$ra", runAfter), ("$e", error), ("$now", now)) == 0)
                s.Exec("DELETE FROM jobs WHERE id = $id", ("$id", id)); // an identical job is already waiting
        }
        else
            s.Exec("UPDATE jobs SET status = 'failed', lastError = $e, updatedAt = $now WHERE id = $id", ("$id", id), ("$e", error), ("$now", now));
        return retry;
    });

    public JobCounts Counts(string queue, DateTime now) => db.Read(s =>
    {
        using var cmd = s.Command("""
            SELECT COALESCE(SUM(status = 'active'), 0), COALESCE(SUM(status = 'waiting' AND runAfter <= $now), 0),
                   COALESCE(SUM(status = 'waiting' AND runAfter > $now), 0), COALESCE(SUM(status = 'failed'), 0)
            FROM jobs WHERE queue = $q
            """, [("$q", queue), ("$now", now)]);
        using var r = cmd.ExecuteReader();
        r.Read();
        return new JobCounts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
    });

    public Task<int> DeleteAsync(string queue, string status) => db.WriteAsync(s =>
        s.Exec("DELETE FROM jobs WHERE queue = $q AND status = $s", ("$q", queue), ("$s", status)));

    public bool IsPaused(string queue) => db.Read(s => s.Long("SELECT COALESCE(MAX(paused), 0) FROM job_queue_state WHERE queue = $q", ("$q", queue)) != 0);

    public Task SetPausedAsync(string queue, bool paused) => db.WriteAsync(s => s.Exec(
        "INSERT INTO job_queue_state (queue, paused) VALUES ($q, $p) ON CONFLICT (queue) DO UPDATE SET paused = excluded.paused", ("$q", queue), ("$p", paused)));
}
