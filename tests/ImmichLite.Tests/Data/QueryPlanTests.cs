using ImmichLite.Data;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.DataLayer;

/// <summary>Queries on the path of every asset change must not walk a library: their plans are checked on a real
/// database both without statistics (a server whose library grew since its last clean shutdown) and after ANALYZE.</summary>
public sealed class QueryPlanTests() : TempDatabase("query-plans")
{

    void Seed()
    {
        Db.Write(s =>
        {
            foreach (var u in new[] { "u1", "u2" })
                s.Exec("INSERT INTO users (id, email, profileChangedAt, createdAt, updatedAt, updateId) VALUES ($id, $id || '@x', 'now', 'now', 'now', $id)", ("$id", u));
            for (var i = 0; i < 3000; i++)
                s.Exec("""
                    INSERT INTO assets (id, ownerId, deviceAssetId, deviceId, type, originalPath, originalFileName, checksum, fileCreatedAt,
                      fileModifiedAt, localDateTime, createdAt, updatedAt, updateId)
                    VALUES ($id, $o, $id, 'd', 'IMAGE', '/lib/upload/' || $id || '.jpg', 'x.jpg', randomblob(20), 't', 't', '2020-01-01', 't', 't', $id)
                    """, ("$id", $"a{i:D5}"), ("$o", i % 10 == 0 ? "u2" : "u1"));
            return 0;
        });
    }

    List<string> Plan(string sql, params (string, object?)[] ps) => Db.Read(s => s.List("EXPLAIN QUERY PLAN " + sql, r => r.GetString(3), ps));

    public static TheoryData<bool> Statistics => new() { false, true };

    [Theory]
    [MemberData(nameof(Statistics))]
    public void Ownership_checks_and_file_references_use_the_keys(bool analyzed)
    {
        Seed();
        if (analyzed) Db.Write(s => s.Exec("ANALYZE"));
        Assert.Equal(analyzed, Db.Read(s => s.Long("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")) == 1);
        var ids = ("$ids", (object?)"[\"a00001\",\"a00002\"]");
        var user = ("$u", (object?)"u1");

        var owned = Plan(AssetStore.OwnedSql, ids, user);
        Assert.Contains(owned, l => l.Contains("SEARCH assets USING INDEX sqlite_autoindex_assets_1 (id=?)"));
        Assert.DoesNotContain(owned, l => l.StartsWith("SCAN assets") || l.Contains("(ownerId=?)"));

        var paths = Plan(AssetStore.PathReferencedSql, ("$p", "/lib/upload/a00001.jpg"));
        Assert.Contains(paths, l => l.Contains("assets_original_path_idx"));
        Assert.Contains(paths, l => l.Contains("assets_sidecar_path_idx"));
        Assert.Contains(paths, l => l.Contains("assets_encoded_video_path_idx"));
        Assert.DoesNotContain(paths, l => l.StartsWith("SCAN assets"));

        // and they answer correctly
        Assert.Equal(["a00001", "a00002"], Db.Read(s => s.List(AssetStore.OwnedSql, r => r.GetString(0), ids, user)).Order());
        Assert.Equal(["a00001"], Db.Read(s => s.List(AssetStore.OwnedSql, r => r.GetString(0), ("$ids", "[\"a00001\",\"a00010\"]"), user)));
        Assert.Equal(1, Db.Read(s => s.Long(AssetStore.PathReferencedSql, ("$p", "/lib/upload/a00010.jpg"))));
        Assert.Equal(0, Db.Read(s => s.Long(AssetStore.PathReferencedSql, ("$p", "/lib/upload/nope.jpg"))));
    }
}
