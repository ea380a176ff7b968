using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

/// <summary>A connection (and, for writes, its transaction) with small helpers for hand-written SQL.
/// Parameters are (name, value) pairs; DateTime is stored as ISO-8601 UTC text with milliseconds,
/// bool as 0/1, null as NULL.</summary>
public readonly struct Sql(SqliteConnection connection, SqliteTransaction? transaction)
{
    public SqliteConnection Connection => connection;

    public SqliteCommand Command(string sql, ReadOnlySpan<(string Name, object? Value)> ps)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = transaction;
        foreach (var (n, v) in ps) cmd.Parameters.AddWithValue(n, ToDb(v));
        return cmd;
    }

    public int Exec(string sql, params ReadOnlySpan<(string Name, object? Value)> ps)
    {
        using var cmd = Command(sql, ps);
        return cmd.ExecuteNonQuery();
    }

    public object? Scalar(string sql, params ReadOnlySpan<(string Name, object? Value)> ps)
    {
        using var cmd = Command(sql, ps);
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }

    public long Long(string sql, params ReadOnlySpan<(string Name, object? Value)> ps) =>
        Scalar(sql, ps) is { } v ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : 0;

    public List<T> List<T>(string sql, Func<SqliteDataReader, T> map, params ReadOnlySpan<(string Name, object? Value)> ps)
    {
        using var cmd = Command(sql, ps);
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(map(r));
        return list;
    }

    public T? One<T>(string sql, Func<SqliteDataReader, T> map, params ReadOnlySpan<(string Name, object? Value)> ps) where T : class
    {
        using var cmd = Command(sql, ps);
        using var r = cmd.ExecuteReader();
        return r.Read() ? map(r) : null;
    }

    public static object ToDb(object? v) => v switch
    {
        null => DBNull.Value,
        DateTime d => Iso(d),
        DateTimeOffset d => Iso(d.UtcDateTime),
        bool b => b ? 1 : 0,
        Guid g => g.ToString(),
        _ => v,
    };

    public static string Iso(DateTime d)
    {
        if (d.Kind == DateTimeKind.Local) d = d.ToUniversalTime();
        return d.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    public static DateTime ParseIso(string s) =>
        DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}

public static class ReaderExtensions
{
    public static string? Str(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static long? LongOrNull(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
    public static bool Bool(this SqliteDataReader r, int i) => !r.IsDBNull(i) && r.GetInt64(i) != 0;
    public static DateTime Date(this SqliteDataReader r, int i) => Sql.ParseIso(r.GetString(i));
    public static DateTime? DateOrNull(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : Sql.ParseIso(r.GetString(i));
}
