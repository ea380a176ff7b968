namespace ContractGen;

/// <summary>
/// Command line entry point: <c>ContractGen [specPath] [outDir]</c>.
/// Regenerates src/ImmichLite/Contract/Generated/*.g.cs from the Immich OpenAPI spec.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            string? root = null;
            string specPath;
            string outDir;
            if (args.Length >= 1)
            {
                specPath = Path.GetFullPath(args[0]);
            }
            else
            {
                root = RequireRepoRoot();
                specPath = Path.GetFullPath(Path.Combine(root, "..", "shared", "openapi", "immich-openapi-specs.json"));
            }
            if (args.Length >= 2)
            {
                outDir = Path.GetFullPath(args[1]);
            }
            else
            {
                root ??= RequireRepoRoot();
                outDir = Path.Combine(root, "src", "ImmichLite", "Contract", "Generated");
            }

            if (!File.Exists(specPath))
            {
                Console.Error.WriteLine($"ContractGen: spec not found: {specPath}");
                return 2;
            }

            var files = Generator.Generate(File.ReadAllText(specPath));
            Directory.CreateDirectory(outDir);

            var written = 0;
            foreach (var (name, content) in files)
            {
                var path = Path.Combine(outDir, name);
                if (File.Exists(path) && File.ReadAllText(path) == content) continue;
                File.WriteAllText(path, content);
                written++;
            }

            var deleted = 0;
            foreach (var stale in Directory.GetFiles(outDir, "*.g.cs").Concat(Directory.GetFiles(outDir, "*.json")))
            {
                if (files.ContainsKey(Path.GetFileName(stale))) continue;
                File.Delete(stale);
                deleted++;
            }

            Console.WriteLine($"ContractGen: {files.Count} files in {outDir} ({written} written, {deleted} stale deleted) from {specPath}");
            return 0;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"ContractGen: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Walks up from the current directory to the folder that holds ImmichLite.sln.</summary>
    public static string? FindRepoRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImmichLite.sln"))) return dir.FullName;
        }
        return null;
    }

    static string RequireRepoRoot() =>
        FindRepoRoot(Directory.GetCurrentDirectory())
        ?? throw new InvalidOperationException("could not find ImmichLite.sln above the current directory; pass [specPath] [outDir]");
}
