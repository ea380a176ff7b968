using System.Runtime.InteropServices;

namespace ImmichLite.Data;

/// <summary>
/// CLIP embeddings in a sqlite-vec <c>vec0</c> table with cosine distance (1 − cosine similarity, upstream's
/// <c>&lt;=&gt;</c>), keyed by smart_search.id (one row per asset). Nearest-neighbour queries use vec0's KNN form
/// <c>embedding MATCH $q AND k = N</c> (an exact scan; <c>ORDER BY vec_distance_*</c> is orders of magnitude slower).
/// Needs the extension loaded on every connection (<see cref="Database"/>'s extensionPath).
/// </summary>
public sealed class SmartSearchStore(Database db)
{
    /// <summary>vec0's upper bound on k.</summary>
    public const int MaxK = 4096;
    const string VecTable = "smart_search_vec";
    const string Trigger = "smart_search_vec_delete";
    sealed record ModelRow(string Name, long Dimension);

    /// <summary>Makes the vec0 table fit <paramref name="modelName"/> and its width. A new model or width drops every
    /// stored embedding (as upstream does on a CLIP model change); returns true when that happened.</summary>
    public bool EnsureModel(string modelName, int dimension) => db.Write(s =>
    {
        var current = s.One("SELECT modelName, dimension FROM smart_search_model WHERE id = 1", r => new ModelRow(r.GetString(0), r.GetInt64(1)));
        var exists = s.Long($"SELECT count(*) FROM sqlite_master WHERE name = '{VecTable}'") > 0;
        var reset = current is null || current.Name != modelName || current.Dimension != dimension || !exists;
        if (reset)
        {
            s.Exec($"DROP TRIGGER IF EXISTS {Trigger}");
            s.Exec($"DROP TABLE IF EXISTS {VecTable}");
            s.Exec("DELETE FROM smart_search");
            s.Exec($"CREATE VIRTUAL TABLE {VecTable} USING vec0(embedding float[{dimension}] distance_metric=cosine)");
            s.Exec("INSERT INTO smart_search_model (id, modelName, dimension) VALUES (1, $m, $d) ON CONFLICT (id) DO UPDATE SET modelName = excluded.modelName, dimension = excluded.dimension",
                ("$m", modelName), ("$d", dimension));
        }
        else if (s.Long($"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = '{Trigger}'") == 0)
        {
            // rows deleted while the extension was missing (the trigger dropped then) left vectors behind
            s.Exec($"DELETE FROM {VecTable} WHERE rowid NOT IN (SELECT id FROM smart_search)");
        }
        s.Exec($"CREATE TRIGGER IF NOT EXISTS {Trigger} AFTER DELETE ON smart_search BEGIN DELETE FROM {VecTable} WHERE rowid = old.id; END");
        return reset && current is not null;
    });

    /// <summary>Path of vec0.so (bundled, or beside the app); null when it is not there, and smart search is off.</summary>
    public static string? ExtensionPath()
    {
        var p = Infrastructure.NativeLibraries.PathOf("vec0");
        return File.Exists(p) ? p : null;
    }

    /// <summary>Without the extension the trigger could not run (every asset delete would fail): drop it.</summary>
    public static void DisableTrigger(Database db) => db.Write(s => s.Exec($"DROP TRIGGER IF EXISTS {Trigger}"));

    public Task UpsertAsync(string assetId, ReadOnlyMemory<float> embedding, DateTime now) => db.WriteAsync(s =>
    {
        var id = s.Long("""
            INSERT INTO smart_search (assetId, createdAt) VALUES ($a, $t)
            ON CONFLICT (assetId) DO UPDATE SET createdAt = excluded.createdAt
            RETURNING id
            """, ("$a", assetId), ("$t", now));
        s.Exec($"DELETE FROM {VecTable} WHERE rowid = $id", ("$id", id));
        s.Exec($"INSERT INTO {VecTable} (rowid, embedding) VALUES ($id, $e)", ("$id", id), ("$e", Blob(embedding.Span)));
    });

    public bool Has(string assetId) => db.Read(s => s.Long("SELECT count(*) FROM smart_search WHERE assetId = $a", ("$a", assetId)) > 0);

    public long Count() => db.Read(s => s.Long($"SELECT count(*) FROM {VecTable}"));

    /// <summary>The <paramref name="k"/> nearest assets to <paramref name="query"/>, nearest first, with their cosine distance.</summary>
    public List<(string AssetId, double Distance)> Nearest(ReadOnlySpan<float> query, int k)
    {
        var blob = Blob(query);
        return db.Read(s => s.List($"""
            WITH knn AS (SELECT rowid, distance FROM {VecTable} WHERE embedding MATCH $q AND k = $k)
            SELECT ss.assetId, knn.distance FROM knn JOIN smart_search ss ON ss.id = knn.rowid ORDER BY knn.distance, ss.assetId
            """, r => (r.GetString(0), r.GetDouble(1)), ("$q", blob), ("$k", Math.Clamp(k, 1, MaxK))));
    }

    /// <summary>float32 little-endian, vec0's blob format.</summary>
    public static byte[] Blob(ReadOnlySpan<float> v)
    {
        var bytes = MemoryMarshal.AsBytes(v).ToArray();
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian");
        return bytes;
    }
}
