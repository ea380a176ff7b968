using Microsoft.Data.Sqlite;

namespace ImmichLite.Data;

public sealed record TagRow(string Id, string UserId, string Value, string? ParentId, string? Color, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A user's tags (a tree by value: "a/b/c" is the child of "a/b") and the assets they are on. Whenever the
/// tags on an asset change, the asset's updatedAt and updateId move, so the app's delta sync picks it up again.</summary>
public sealed class TagStore(Database db)
{
    const string Cols = "t.id, t.userId, t.value, t.parentId, t.color, t.createdAt, t.updatedAt";
    const string Returning = "RETURNING id, userId, value, parentId, color, createdAt, updatedAt";

    static TagRow Map(SqliteDataReader r, int o = 0) =>
        new(r.GetString(o), r.GetString(o + 1), r.GetString(o + 2), r.Str(o + 3), r.Str(o + 4), r.Date(o + 5), r.Date(o + 6));

    /// <summary>The tag $tag and all tags below it (as a subquery of ids).</summary>
    public const string WithDescendants = """
        WITH RECURSIVE tree(id) AS (SELECT $tag UNION SELECT c.id FROM tags c JOIN tree ON c.parentId = tree.id) SELECT id FROM tree
        """;

    /// <summary>Upstream's tag clean-up: removes every tag that is neither on an asset nor above one that is.
    /// Returns how many went.</summary>
    public Task<int> DeleteEmptyAsync() => db.WriteAsync(s => s.Exec("""
        WITH RECURSIVE used(id) AS (
          SELECT DISTINCT tagId FROM tag_assets
          UNION SELECT t.parentId FROM tags t JOIN used ON t.id = used.id WHERE t.parentId IS NOT NULL)
        DELETE FROM tags WHERE id NOT IN (SELECT id FROM used)
        """));

    public TagRow? Get(string id) => db.Read(s => s.One($"SELECT {Cols} FROM tags t WHERE t.id = $id", r => Map(r), ("$id", id)));

    public TagRow? GetByValue(string userId, string value) => db.Read(s => s.One(
        $"SELECT {Cols} FROM tags t WHERE t.userId = $u AND t.value = $v", r => Map(r), ("$u", userId), ("$v", value)));

    /// <summary>All of the user's tags, by value (so parents come before their children).</summary>
    public List<TagRow> List(string userId) => db.Read(s => s.List(
        $"SELECT {Cols} FROM tags t WHERE t.userId = $u ORDER BY t.value", r => Map(r), ("$u", userId)));

    public HashSet<string> Owned(string userId, IReadOnlyCollection<string> ids) => db.Read(s => s.List(
        AccessSql.OwnedTags, r => r.GetString(0), ("$u", userId), ("$ids", AssetStore.JsonIds(ids))).ToHashSet());

    /// <summary>The tags on each of the given assets, by value.</summary>
    public Dictionary<string, List<TagRow>> ForAssets(IReadOnlyCollection<string> assetIds)
    {
        if (assetIds.Count == 0) return [];
        return db.Read(s => s.List($"""
            SELECT ta.assetId, {Cols} FROM tag_assets ta JOIN tags t ON t.id = ta.tagId
            WHERE ta.assetId IN (SELECT value FROM json_each($ids)) ORDER BY t.value
            """, r => (Asset: r.GetString(0), Tag: Map(r, 1)), ("$ids", AssetStore.JsonIds(assetIds))))
            .GroupBy(x => x.Asset).ToDictionary(g => g.Key, g => g.Select(x => x.Tag).ToList());
    }

    /// <summary>Ids among those given that carry the tag.</summary>
    public HashSet<string> Tagged(string tagId, IReadOnlyCollection<string> assetIds) => db.Read(s => s.List(
        "SELECT assetId FROM tag_assets WHERE tagId = $t AND assetId IN (SELECT value FROM json_each($ids))", r => r.GetString(0),
        ("$t", tagId), ("$ids", AssetStore.JsonIds(assetIds))).ToHashSet());

    public Task<TagRow> CreateAsync(string userId, string value, string? parentId, string? color, DateTime now) => db.WriteAsync(s => s.One($"""
        INSERT INTO tags (id, userId, value, parentId, color, createdAt, updatedAt, updateId) VALUES ($id, $u, $v, $p, $c, $now, $now, $uid)
        {Returning}
        """, r => Map(r), ("$id", Ids.New()), ("$u", userId), ("$v", value), ("$p", parentId), ("$c", color), ("$now", now), ("$uid", Ids.NewUpdateId()))!);

    /// <summary>Sets (or, with null, clears) the color.</summary>
    public Task<TagRow> SetColorAsync(string id, string? color, DateTime now) => db.WriteAsync(s => s.One($"""
        UPDATE tags SET color = $c, updatedAt = $now, updateId = $uid WHERE id = $id {Returning}
        """, r => Map(r), ("$id", id), ("$c", color), ("$now", now), ("$uid", Ids.NewUpdateId()))!);

    public Task TouchAsync(string id, DateTime now) => db.WriteAsync(s =>
        s.Exec("UPDATE tags SET updatedAt = $now, updateId = $uid WHERE id = $id", ("$id", id), ("$now", now), ("$uid", Ids.NewUpdateId())));

    /// <summary>Deletes the tag with everything below it; the assets that carried any of them count as changed.</summary>
    public Task DeleteAsync(string id, DateTime now) => db.WriteAsync(s =>
    {
        var assets = s.List($"SELECT DISTINCT assetId FROM tag_assets WHERE tagId IN ({WithDescendants})", r => r.GetString(0), ("$tag", id));
        AssetStore.Touch(s, assets, now);
        s.Exec("DELETE FROM tags WHERE id = $id", ("$id", id));
    });

    /// <summary>Upstream's upsertTags: each value's path is created part by part ("a/b/c" makes "a", "a/b" and "a/b/c",
    /// empty parts ignored); the deepest tag of each value is returned, once per distinct value.</summary>
    public Task<List<TagRow>> UpsertAsync(string userId, IEnumerable<string> values, DateTime now) =>
        db.WriteAsync(s => Upsert(s, userId, values, now));

    public static List<TagRow> Upsert(Sql s, string userId, IEnumerable<string> values, DateTime now)
    {
        var result = new List<TagRow>();
        foreach (var value in values.Distinct(StringComparer.Ordinal))
        {
            TagRow? parent = null;
            foreach (var part in value.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                parent = s.One($"""
                    INSERT INTO tags (id, userId, value, parentId, createdAt, updatedAt, updateId) VALUES ($id, $u, $v, $p, $now, $now, $uid)
                    ON CONFLICT (userId, value) DO UPDATE SET parentId = excluded.parentId
                    {Returning}
                    """, r => Map(r), ("$id", Ids.New()), ("$u", userId), ("$v", parent is null ? part : parent.Value + "/" + part),
                    ("$p", parent?.Id), ("$now", now), ("$uid", Ids.NewUpdateId()));
            }
            if (parent is not null && result.All(t => t.Id != parent.Id)) result.Add(parent);
        }
        return result;
    }

    /// <summary>Puts each tag on each asset (pairs already there are left alone); returns how many pairs were new.
    /// Every asset that got a tag counts as changed.</summary>
    public Task<int> TagAsync(IReadOnlyCollection<string> tagIds, IReadOnlyCollection<string> assetIds, DateTime now) =>
        db.WriteAsync(s => Tag(s, tagIds, assetIds, now));

    public static int Tag(Sql s, IReadOnlyCollection<string> tagIds, IReadOnlyCollection<string> assetIds, DateTime now)
    {
        var added = 0;
        var changed = new HashSet<string>();
        using var cmd = s.Command("INSERT OR IGNORE INTO tag_assets (tagId, assetId) VALUES ($t, $a)", [("$t", ""), ("$a", "")]);
        foreach (var tagId in tagIds)
            foreach (var assetId in assetIds)
            {
                cmd.Parameters["$t"].Value = tagId;
                cmd.Parameters["$a"].Value = assetId;
                if (cmd.ExecuteNonQuery() == 0) continue;
                added++;
                changed.Add(assetId);
            }
        AssetStore.Touch(s, changed, now);
        return added;
    }

    public Task UntagAsync(string tagId, IReadOnlyCollection<string> assetIds, DateTime now) => db.WriteAsync(s =>
    {
        s.Exec("DELETE FROM tag_assets WHERE tagId = $t AND assetId IN (SELECT value FROM json_each($ids))",
            ("$t", tagId), ("$ids", AssetStore.JsonIds(assetIds)));
        AssetStore.Touch(s, assetIds, now);
    });
}
