namespace ImmichLite.Data;

/// <summary>The web's folder view: a user's timeline assets grouped by the folder of their original file.
/// A folder is the original path up to its last "/" (without it); only the user's own timeline assets that are
/// not in the trash count, as upstream.</summary>
public sealed class ViewStore(Database db)
{
    const string Own = "a.ownerId = $u AND a.visibility = 'timeline' AND a.status = 'active'";

    /// <summary>Every folder holding at least one such asset, sorted.</summary>
    public List<string> Folders(string userId) => db.Read(s => s.List($"""
        SELECT DISTINCT rtrim(a.originalPath, replace(a.originalPath, '/', '')) AS dir FROM assets a
        WHERE {Own} AND instr(a.originalPath, '/') > 0 ORDER BY dir
        """, r => r.GetString(0).TrimEnd('/'), ("$u", userId)));

    /// <summary>The assets directly in the folder (not in its sub-folders), by file name, with their EXIF.</summary>
    public List<(AssetRow Asset, ExifRow? Exif)> InFolder(string userId, string folder) => db.Read(s => s.List($"""
        {AssetStore.SelectWithExif}
        WHERE {Own} AND substr(a.originalPath, 1, length($dir)) = $dir AND instr(substr(a.originalPath, length($dir) + 1), '/') = 0
          AND length(a.originalPath) > length($dir)
        ORDER BY substr(a.originalPath, length($dir) + 1), a.id
        """, AssetStore.MapWithExif, ("$u", userId), ("$dir", folder.TrimEnd('/') + "/")));
}
