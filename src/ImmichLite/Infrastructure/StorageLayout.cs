namespace ImmichLite.Infrastructure;

/// <summary>The media folder, laid out as Immich lays it out (upload/, thumbs/, encoded-video/, profile/,
/// library/, backups/, each with a .immich marker), plus .tmp/ for uploads in flight.</summary>
public sealed class StorageLayout
{
    public static readonly string[] Folders = ["upload", "thumbs", "encoded-video", "profile", "library", "backups"];

    public string Root { get; }
    public string TempDir => Path.Combine(Root, ".tmp");

    public StorageLayout(AppConfig config)
    {
        Root = config.MediaLocation;
        Directory.CreateDirectory(Root);
        foreach (var f in Folders)
        {
            var dir = Path.Combine(Root, f);
            Directory.CreateDirectory(dir);
            var marker = Path.Combine(dir, ".immich");
            if (!File.Exists(marker)) File.WriteAllText(marker, "");
        }
        Directory.CreateDirectory(TempDir);
    }

    static string Shard(string root, string folder, string owner, string id) =>
        Path.Combine(root, folder, owner, id[..2], id[2..4]);

    public string UploadPath(string userId, string fileId, string ext) => Path.Combine(Shard(Root, "upload", userId, fileId), fileId + ext);
    public string ThumbnailDir(string userId, string assetId) => Shard(Root, "thumbs", userId, assetId);
    public string EncodedVideoDir(string userId, string assetId) => Shard(Root, "encoded-video", userId, assetId);
    public string ProfileImagePath(string userId, string fileId, string ext) => Path.Combine(Root, "profile", userId, fileId + ext);

    /// <summary>A new temporary file name inside the data folder (same file system as the final place, so the move is a rename).</summary>
    public string NewTempPath() => Path.Combine(TempDir, Guid.NewGuid().ToString("N") + ".part");

    /// <summary>Writes through a temporary file, flushes it to disk and renames it into place.</summary>
    public static async Task WriteAtomicallyAsync(string path, Func<Stream, Task> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await write(fs);
                await fs.FlushAsync();
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    public static void TryDelete(string? path)
    {
        if (string.IsNullOrEmpty(path)) return;
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
