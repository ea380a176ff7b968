namespace ImmichLite.Tests.Infrastructure;

public static class TestPaths
{
    /// <summary>The repository root (the folder holding ImmichLite.sln).</summary>
    public static string Repo { get; } = FindRepo();

    /// <summary>../shared beside the repository (the contract, research and test media). Tests that need it fail when it is missing.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Repo, "..", "shared"));

    public static string Spec => Path.Combine(Shared, "openapi", "immich-openapi-specs.json");
    public static string Media => Path.Combine(Shared, "testdata", "media");

    static string FindRepo()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ImmichLite.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ImmichLite.sln not found above " + AppContext.BaseDirectory);
    }

    public static string RequireShared(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"test input missing: {path} (../shared must sit beside the repository)");
        return path;
    }

    public static string NewTempDir(string prefix)
    {
        var d = Path.Combine(Path.GetTempPath(), "immichlite-tests", prefix + "-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(d);
        return d;
    }
}

/// <summary>A real database file with every migration applied, in its own temporary folder (removed on dispose).
/// Tests of the data layer derive from it.</summary>
public abstract class TempDatabase(string prefix) : IDisposable
{
    readonly string _dir = TestPaths.NewTempDir(prefix);
    ImmichLite.Data.Database? _db;

    protected ImmichLite.Data.Database Db => _db ??= new ImmichLite.Data.Database(Path.Combine(_dir, "immichlite.db"));

    public void Dispose()
    {
        _db?.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
