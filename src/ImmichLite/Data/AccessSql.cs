namespace ImmichLite.Data;

/// <summary>The access rules as SQL, in one place. Parameters: $u (the user), $ids (a JSON array of asset ids).</summary>
public static class AccessSql
{
    public const string ReadableAssets = """
        SELECT id FROM assets WHERE id IN (SELECT value FROM json_each($ids)) AND ownerId = $u
        """;
}
