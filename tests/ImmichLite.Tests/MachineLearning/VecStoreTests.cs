using ImmichLite.Data;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.MachineLearning;

/// <summary>The real sqlite-vec extension (vec0.so from scripts/fetch-sqlite-vec.sh, copied beside the test build)
/// behind <see cref="SmartSearchStore"/>: known vectors give known neighbours and cosine distances.</summary>
public sealed class VecStoreTests : IDisposable
{
    readonly string _dir = TestPaths.NewTempDir("vec");
    readonly Database _db;
    readonly SmartSearchStore _store;

    public VecStoreTests()
    {
        var ext = SmartSearchStore.ExtensionPath();
        Assert.True(ext is not null, "vec0.so is not beside the test build: run scripts/fetch-sqlite-vec.sh, then build again");
        _db = new Database(Path.Combine(_dir, "db.sqlite"), ext);
        _store = new SmartSearchStore(_db);
        _db.Write(s =>
        {
            s.Exec("INSERT INTO users (id, email, profileChangedAt, createdAt, updatedAt, updateId) VALUES ('u1', 'u1@x', 't', 't', 't', 'u1')");
            foreach (var id in new[] { "a", "b", "c", "d" })
                s.Exec("""
                    INSERT INTO assets (id, ownerId, deviceAssetId, deviceId, type, originalPath, originalFileName, checksum, fileCreatedAt,
                      fileModifiedAt, localDateTime, createdAt, updatedAt, updateId)
                    VALUES ($id, 'u1', $id, 'd', 'IMAGE', '/x/' || $id, 'x.jpg', randomblob(20), 't', 't', '2020-01-01', 't', 't', $id)
                    """, ("$id", id));
            return 0;
        });
    }

    public void Dispose()
    {
        _db.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    static float[] Unit(int dim, params (int Index, float Value)[] parts)
    {
        var v = new float[dim];
        foreach (var (i, x) in parts) v[i] = x;
        var n = MathF.Sqrt(v.Sum(x => x * x));
        for (var i = 0; i < dim; i++) v[i] /= n;
        return v;
    }

    [Fact]
    public async Task Vec_knn_returns_the_known_nearest_neighbours_with_cosine_distance()
    {
        Assert.False(_store.EnsureModel("ViT-B-32__openai", 512));
        var now = DateTime.UtcNow;
        await _store.UpsertAsync("a", Unit(512, (0, 1)), now);              // e0
        await _store.UpsertAsync("b", Unit(512, (0, 1), (1, 1)), now);      // 45° from e0
        await _store.UpsertAsync("c", Unit(512, (0, 0.2f), (1, 1)), now); // mostly e1
        await _store.UpsertAsync("d", Unit(512, (2, 1)), now);              // e2, orthogonal to both

        var hits = _store.Nearest(Unit(512, (0, 1)), 3);
        Assert.Equal(["a", "b", "c"], hits.Select(h => h.AssetId));
        Assert.Equal(0, hits[0].Distance, 5);
        Assert.Equal(1 - Math.Sqrt(0.5), hits[1].Distance, 5);
        Assert.Equal(1 - 0.2 / Math.Sqrt(1.04), hits[2].Distance, 5);

        // re-embedding replaces the vector; deleting the asset removes it (cascade + trigger)
        await _store.UpsertAsync("a", Unit(512, (2, 1)), now);
        Assert.Equal(["a", "d"], _store.Nearest(Unit(512, (2, 1)), 4).Take(2).Select(h => h.AssetId).Order());
        await _db.WriteAsync(s => s.Exec("DELETE FROM assets WHERE id = 'd'"));
        Assert.Equal(3, _store.Count());
        Assert.Equal("a", _store.Nearest(Unit(512, (2, 1)), 1).Single().AssetId);
    }

    [Fact]
    public async Task Vec_a_new_model_or_width_empties_the_store()
    {
        _store.EnsureModel("ViT-B-32__openai", 512);
        await _store.UpsertAsync("a", Unit(512, (0, 1)), DateTime.UtcNow);
        Assert.False(_store.EnsureModel("ViT-B-32__openai", 512));
        Assert.Equal(1, _store.Count());
        Assert.True(_store.EnsureModel("ViT-L-14__openai", 768));
        Assert.Equal(0, _store.Count());
        await _store.UpsertAsync("a", Unit(768, (700, 1)), DateTime.UtcNow);
        Assert.Equal("a", _store.Nearest(Unit(768, (700, 1)), 5).Single().AssetId);
    }

    [Fact]
    public async Task Vec_vectors_of_assets_deleted_while_the_extension_was_missing_go_at_the_next_load()
    {
        _store.EnsureModel("ViT-B-32__openai", 512);
        await _store.UpsertAsync("a", Unit(512, (0, 1)), DateTime.UtcNow);
        await _store.UpsertAsync("b", Unit(512, (1, 1)), DateTime.UtcNow);
        SmartSearchStore.DisableTrigger(_db); // what a start without vec0.so does
        await _db.WriteAsync(s => s.Exec("DELETE FROM assets WHERE id = 'a'"));
        Assert.Equal(2, _store.Count());
        Assert.False(_store.EnsureModel("ViT-B-32__openai", 512));
        Assert.Equal(1, _store.Count());
        Assert.Equal("b", _store.Nearest(Unit(512, (0, 1)), 5).Single().AssetId);
    }
}
