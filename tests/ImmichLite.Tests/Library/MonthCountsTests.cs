using ImmichLite.Data;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.Library;

/// <summary>The per-month counters of migration 009 (timeline buckets, asset statistics) against the assets
/// they count, on a real database file after thousands of random inserts, updates and deletes.</summary>
public sealed class MonthCountsTests() : TempDatabase("month-counts")
{

    static readonly string[] Owners = ["u1", "u2", "u3"];
    static readonly string[] Statuses = ["active", "trashed"];
    static readonly string[] Visibilities = ["timeline", "archive", "hidden", "locked"];
    static readonly string[] Types = ["IMAGE", "VIDEO"];

    static string Pick(Random r, string[] xs) => xs[r.Next(xs.Length)];
    static string Date(Random r) => new DateTime(2015 + r.Next(3), 1 + r.Next(12), 1 + r.Next(28), r.Next(24), 0, 0).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    List<string> Counters() => Db.Read(s => s.List(
        "SELECT ownerId || '|' || month || '|' || status || '|' || visibility || '|' || isFavorite || '|' || type || '=' || n FROM asset_month_counts ORDER BY 1",
        r => r.GetString(0)));

    List<string> Truth() => Db.Read(s => s.List("""
        SELECT ownerId || '|' || substr(localDateTime, 1, 7) || '|' || status || '|' || visibility || '|' || isFavorite || '|' || type || '=' || COUNT(*)
        FROM assets GROUP BY ownerId, substr(localDateTime, 1, 7), status, visibility, isFavorite, type ORDER BY 1
        """, r => r.GetString(0)));

    [Fact]
    public void Counters_follow_every_insert_update_and_delete()
    {
        var r = new Random(20261127);
        Db.Write(s =>
        {
            foreach (var u in Owners)
                s.Exec("INSERT INTO users (id, email, profileChangedAt, createdAt, updatedAt, updateId) VALUES ($id, $id || '@x', 'now', 'now', 'now', $id)", ("$id", u));
            return 0;
        });
        var ids = new List<string>();
        for (var round = 0; round < 20; round++)
        {
            Db.Write(s =>
            {
                for (var i = 0; i < 100; i++)
                {
                    var op = ids.Count < 50 ? 0 : r.Next(8);
                    var id = ids.Count > 0 ? ids[r.Next(ids.Count)] : null;
                    switch (op)
                    {
                        case 0:
                            id = Guid.NewGuid().ToString();
                            s.Exec("""
                                INSERT INTO assets (id, ownerId, deviceAssetId, deviceId, type, originalPath, originalFileName, checksum, fileCreatedAt,
                                  fileModifiedAt, localDateTime, isFavorite, visibility, status, createdAt, updatedAt, updateId)
                                VALUES ($id, $o, $id, 'd', $t, '/x', 'x.jpg', randomblob(20), $d, $d, $d, $f, $v, $s, $d, $d, $id)
                                """, ("$id", id), ("$o", Pick(r, Owners)), ("$t", Pick(r, Types)), ("$d", Date(r)), ("$f", r.Next(2) == 1),
                                ("$v", Pick(r, Visibilities)), ("$s", Pick(r, Statuses)));
                            ids.Add(id);
                            break;
                        case 1: s.Exec("UPDATE assets SET isFavorite = NOT isFavorite WHERE id = $id", ("$id", id)); break;
                        case 2: s.Exec("UPDATE assets SET status = $s WHERE id = $id", ("$id", id), ("$s", Pick(r, Statuses))); break;
                        case 3: s.Exec("UPDATE assets SET visibility = $v WHERE id = $id", ("$id", id), ("$v", Pick(r, Visibilities))); break;
                        case 4: s.Exec("UPDATE assets SET localDateTime = $d WHERE id = $id", ("$id", id), ("$d", Date(r))); break;
                        case 5: s.Exec("UPDATE assets SET ownerId = $o, type = $t WHERE id = $id", ("$id", id), ("$o", Pick(r, Owners)), ("$t", Pick(r, Types))); break;
                        case 6: s.Exec("UPDATE assets SET updatedAt = 'later', isFavorite = isFavorite WHERE id = $id", ("$id", id)); break;
                        default:
                            s.Exec("DELETE FROM assets WHERE id = $id", ("$id", id));
                            ids.Remove(id!);
                            break;
                    }
                }
                return 0;
            });
            Assert.Equal(Truth(), Counters());
        }
        Assert.NotEmpty(Counters());
        // no counter is left at zero or below
        Assert.Equal(0, Db.Read(s => s.Long("SELECT COUNT(*) FROM asset_month_counts WHERE n <= 0")));
        // deleting a user removes their assets (ON DELETE CASCADE) and with them their counters
        Db.Write(s => s.Exec("DELETE FROM users WHERE id = 'u1'"));
        Assert.Equal(Truth(), Counters());
        Assert.DoesNotContain(Counters(), c => c.StartsWith("u1|"));
    }
}

/// <summary>SyncStore's delta pages on a real database: keyset order survives many assets sharing one updatedAt
/// (a bulk edit stamps them all alike), and a partner's changes are read under the partner's rules.</summary>
public sealed class DeltaPagesTests() : TempDatabase("delta-pages")
{

    [Fact]
    public void Pages_cover_every_change_once_even_when_updatedAt_ties()
    {
        var checkpoint = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        string Stamp(int i) => Sql.Iso(i < 1100 ? checkpoint.AddSeconds(5) : i < 1150 ? checkpoint.AddSeconds(-5) : checkpoint.AddSeconds(6 + i % 7));
        var expected = new HashSet<string>();
        Db.Write(s =>
        {
            foreach (var u in new[] { "me", "partner" })
                s.Exec("INSERT INTO users (id, email, profileChangedAt, createdAt, updatedAt, updateId) VALUES ($id, $id || '@x', 'now', 'now', 'now', $id)", ("$id", u));
            for (var i = 0; i < 1300; i++)
            {
                var id = Guid.NewGuid().ToString();
                var owner = i % 10 == 0 ? "partner" : "me";
                var visibility = i % 13 == 0 ? "hidden" : i % 17 == 0 ? "archive" : "timeline";
                s.Exec("""
                    INSERT INTO assets (id, ownerId, deviceAssetId, deviceId, type, originalPath, originalFileName, checksum, fileCreatedAt,
                      fileModifiedAt, localDateTime, visibility, createdAt, updatedAt, updateId)
                    VALUES ($id, $o, $id, 'd', 'IMAGE', '/x', 'x.jpg', randomblob(20), $t, $t, $t, $v, $t, $t, $id)
                    """, ("$id", id), ("$o", owner), ("$v", visibility), ("$t", Stamp(i)));
                var changed = i < 1100 || i >= 1150;
                var shown = owner == "me" ? visibility != "hidden" : visibility == "timeline";
                if (changed && shown) expected.Add(id);
            }
            return 0;
        });
        var sync = new SyncStore(Db);
        var seen = new List<string>();
        foreach (var (owner, asPartner) in new[] { ("me", false), ("partner", true) })
        {
            var from = (Sql.Iso(checkpoint), long.MaxValue);
            while (true)
            {
                var (page, next) = sync.DeltaPage(owner, asPartner, from, 100);
                seen.AddRange(page.Select(p => p.Asset.Id));
                if (page.Count < 100) break;
                from = next;
            }
        }
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(expected.Order(), seen.Order());
        Assert.Equal(expected.Count, sync.DeltaCount("me", false, checkpoint, 100_000) + sync.DeltaCount("partner", true, checkpoint, 100_000));
        Assert.Equal(100, sync.DeltaCount("me", false, checkpoint, 100));
        // what the app must drop: my hidden assets, and the partner's that are not in the timeline
        var dropped = sync.DeltaDeleted("me", false, checkpoint).Concat(sync.DeltaDeleted("partner", true, checkpoint)).ToHashSet();
        Assert.NotEmpty(dropped);
        Assert.Empty(dropped.Intersect(expected));
    }
}