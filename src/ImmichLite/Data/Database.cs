using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

/// <summary>The one SQLite file. WAL, busy_timeout and foreign keys on every connection; exactly one
/// writer connection (writes are serialised by a gate, each in its own transaction) and a small pool of
/// read-only connections. Numbered migrations embedded in the binary are applied at open.</summary>
public sealed class Database : IDisposable
{
    readonly string _readConnString;
    readonly SqliteConnection _writer;
    readonly SemaphoreSlim _writeGate = new(1, 1);
    readonly ConcurrentBag<SqliteConnection> _readers = new();
    readonly string? _extensionPath;
    int _disposed;

    public string Path { get; }

    public Database(string path, string? extensionPath = null)
    {
        Path = path;
        _extensionPath = extensionPath;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var b = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        _writer = Open(b.ToString(), writer: true);
        Migrate(_writer);
        _readConnString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
    }

    SqliteConnection Open(string cs, bool writer)
    {
        var c = new SqliteConnection(cs);
        c.Open();
        if (_extensionPath is not null)
        {
            c.EnableExtensions(true);
            c.LoadExtension(_extensionPath);
        }
        using var cmd = c.CreateCommand();
        cmd.CommandText = writer
            ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
            : "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";
        cmd.ExecuteNonQuery();
        return c;
    }

    /// <summary>Runs a read on a pooled read-only connection.</summary>
    public T Read<T>(Func<Sql, T> read)
    {
        if (!_readers.TryTake(out var c)) c = Open(_readConnString, writer: false);
        try { return read(new Sql(c, null)); }
        finally
        {
            if (_readers.Count < 8 && Volatile.Read(ref _disposed) == 0) _readers.Add(c); else c.Dispose();
        }
    }

    /// <summary>Runs a write in one transaction on the single writer connection.</summary>
    public async Task<T> WriteAsync<T>(Func<Sql, T> write, CancellationToken ct = default)
    {
        await _writeGate.WaitAsync(ct);
        try { return WriteLocked(write); }
        finally { _writeGate.Release(); }
    }

    public Task WriteAsync(Action<Sql> write, CancellationToken ct = default) =>
        WriteAsync<bool>(s => { write(s); return true; }, ct);

    /// <summary>Synchronous write, for start-up code and background loops that are not on a request.</summary>
    public T Write<T>(Func<Sql, T> write)
    {
        _writeGate.Wait();
        try { return WriteLocked(write); }
        finally { _writeGate.Release(); }
    }

    T WriteLocked<T>(Func<Sql, T> write)
    {
        using var tx = _writer.BeginTransaction();
        var result = write(new Sql(_writer, tx));
        tx.Commit();
        return result;
    }

    void Migrate(SqliteConnection c)
    {
        new Sql(c, null).Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, appliedAt TEXT NOT NULL)");
        var applied = new Sql(c, null).List("SELECT version FROM schema_migrations", r => r.GetInt32(0)).ToHashSet();
        foreach (var (version, name, sql) in Migrations())
        {
            if (applied.Contains(version)) continue;
            using var tx = c.BeginTransaction();
            var s = new Sql(c, tx);
            s.Exec(sql);
            s.Exec("INSERT INTO schema_migrations (version, name, appliedAt) VALUES ($v, $n, $t)", ("$v", version), ("$n", name), ("$t", DateTime.UtcNow));
            tx.Commit();
        }
    }

    /// <summary>Embedded Data/Migrations/NNN_name.sql files, in number order.</summary>
    public static IEnumerable<(int Version, string Name, string Sql)> Migrations()
    {
        var asm = typeof(Database).Assembly;
        const string prefix = "ImmichLite.Data.Migrations.";
        var list = new List<(int, string, string)>();
        foreach (var res in asm.GetManifestResourceNames())
        {
            if (!res.StartsWith(prefix) || !res.EndsWith(".sql")) continue;
            var name = res[prefix.Length..^4];
            var us = name.IndexOf('_');
            if (us <= 0 || !int.TryParse(name[..us].TrimStart('_'), out var version)) continue;
            using var s = asm.GetManifestResourceStream(res)!;
            using var rd = new StreamReader(s);
            list.Add((version, name, rd.ReadToEnd()));
        }
        return list.OrderBy(m => m.Item1);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        while (_readers.TryTake(out var c)) c.Dispose();
        // a background writer (an import, a job) may still be inside a transaction at shutdown: closing the
        // connection under it would pull native memory away from a running statement
        var gated = _writeGate.Wait(TimeSpan.FromSeconds(15));
        try { new Sql(_writer, null).Exec("PRAGMA optimize"); } catch (SqliteException) { }
        _writer.Dispose();
        if (gated) _writeGate.Release();
    }
}
