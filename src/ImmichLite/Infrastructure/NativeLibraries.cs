using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace ImmichLite.Infrastructure;

/// <summary>
/// Makes the native libraries (libe_sqlite3.so, later libSkiaSharp.so, libonnxruntime.so, vec0.so) available to P/Invoke
/// when they travel inside the executable (see <see cref="NativePayload"/>; publish.sh appends them).
/// <para>
/// <see cref="Initialize"/> runs first thing in Program.cs. Without a payload (dev and test runs, where the .so files sit
/// next to the dll or under runtimes/&lt;rid&gt;/native) it only reads the executable's last 64 bytes and returns. With one it
/// extracts the libraries once per payload hash to <c>$XDG_CACHE_HOME/immichlite/native/&lt;hash&gt;/</c> (else
/// <c>~/.cache/...</c>, else <c>&lt;data dir&gt;/.cache/native/</c>, else a private temporary folder removed at exit) and
/// hooks <see cref="AssemblyLoadContext.ResolvingUnmanagedDll"/>, which the runtime (Native AOT included) raises when its
/// own probing of the app folder and the system paths found nothing. Libraries load lazily, on their first P/Invoke, so
/// ONNX Runtime and Skia cost nothing until used.
/// </para>
/// <para>
/// Why the event and not <see cref="NativeLibrary.SetDllImportResolver"/>: an assembly can have only one resolver, and
/// Microsoft.ML.OnnxRuntime sets its own in a static constructor — setting ours first would make ORT's type initializer throw.
/// The event is multicast, needs no reference to the P/Invoking assemblies, and works for libraries added later.
/// </para>
/// </summary>
public static class NativeLibraries
{
    /// <summary>Hidden tool command used by publish.sh: <c>--append-native-payload &lt;binary&gt; &lt;folder with *.so&gt; [--quality 0-11]</c>.</summary>
    public const string AppendFlag = "--append-native-payload";
    /// <summary>Hidden tool command: <c>--extract-native-payload &lt;binary&gt; &lt;new folder&gt;</c> (verifies and unpacks; publish.sh checks the result).</summary>
    public const string ExtractFlag = "--extract-native-payload";

    static readonly Lock Gate = new();
    static bool _initialized;
    static HashSet<string> _files = new(StringComparer.Ordinal);

    /// <summary>The folder the bundled libraries were extracted to; null when the executable carries no payload.</summary>
    public static string? LibraryDirectory { get; private set; }

    /// <summary>Set when this start had to unpack the payload (first start of a version): how long it took.</summary>
    public static TimeSpan? ExtractionTime { get; private set; }

    /// <summary>Call before anything touches SQLite (first line of Program.cs). Idempotent. Runs the hidden tool
    /// commands and exits when one is given.</summary>
    public static void Initialize()
    {
        var args = Environment.GetCommandLineArgs().AsSpan(1).ToArray();
        if (args.Length > 0 && args[0] is AppendFlag or ExtractFlag)
            Environment.Exit(RunTool(args));

        lock (Gate)
        {
            if (_initialized) return;
            _initialized = true;
            var exe = Environment.ProcessPath;
            if (exe is null) return;
            try
            {
                NativePayloadInfo? info;
                try { info = NativePayload.ReadTrailer(exe); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"immichlite: cannot read {exe} to look for bundled native libraries: {e.Message}");
                    return;
                }
                if (info is null) return;
                Use(info, CacheRoots(Environment.GetEnvironmentVariable, DataDirectory(args)));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"immichlite: {e.Message}");
                Environment.Exit(1);
            }
        }
    }

    /// <summary>Extracts (or reuses) the payload under the first cache root that works, then serves P/Invoke from it.</summary>
    static void Use(NativePayloadInfo info, IReadOnlyList<string> roots)
    {
        var sw = Stopwatch.StartNew();
        NativeExtraction? result = null;
        var failures = new List<string>();
        foreach (var root in roots)
        {
            try
            {
                result = NativePayload.EnsureExtracted(info, root);
                break;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add($"{root}: {e.Message}");
            }
        }
        if (result is null)
        {
            // last resort: a private folder of our own (mkdtemp, mode 0700), unpacked on every start and removed at exit
            var tmp = Directory.CreateTempSubdirectory("immichlite-native-").FullName;
            var files = NativePayload.ExtractInto(info, tmp);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => NativePayload.TryDeleteDirectory(tmp);
            result = new NativeExtraction(tmp, files, Extracted: true);
            Console.Error.WriteLine($"immichlite: no writable cache folder ({string.Join("; ", failures)}); native libraries go to {tmp} for this run. Set XDG_CACHE_HOME to avoid unpacking them on every start.");
        }
        else if (!result.Extracted)
        {
            // mark the folder as in use, so pruning after another version's first start leaves it alone
            try { Directory.SetLastWriteTimeUtc(result.Directory, DateTime.UtcNow); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }

        _files = new HashSet<string>(result.Files, StringComparer.Ordinal);
        LibraryDirectory = result.Directory;
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += Resolve;
        if (result.Extracted)
        {
            ExtractionTime = sw.Elapsed;
            Console.Out.WriteLine($"immichlite: unpacked {result.Files.Count} native libraries ({string.Join(", ", result.Files)}) to {result.Directory} in {sw.ElapsedMilliseconds} ms");
        }
    }

    static IntPtr Resolve(Assembly assembly, string libraryName)
    {
        var dir = LibraryDirectory;
        if (dir is null) return IntPtr.Zero;
        foreach (var candidate in CandidateNames(libraryName))
            if (_files.Contains(candidate))
                return NativeLibrary.Load(Path.Combine(dir, candidate)); // throws with dlerror's text when the file cannot be mapped (e.g. noexec mount)
        return IntPtr.Zero;
    }

    /// <summary>
    /// Full path of a native library by its DllImport-style name ("vec0", "e_sqlite3", "libSkiaSharp"), e.g. for
    /// <c>SqliteConnection.LoadExtension</c>. The extracted copy when the executable carries one; otherwise the file next
    /// to the app (AppContext.BaseDirectory, then runtimes/&lt;rid&gt;/native/), or, when none exists, the path it would have
    /// next to the app (so the caller's error names a sensible place).
    /// </summary>
    public static string PathOf(string name)
    {
        if (LibraryDirectory is { } dir)
            foreach (var candidate in CandidateNames(name))
                if (_files.Contains(candidate)) return Path.Combine(dir, candidate);

        var baseDir = AppContext.BaseDirectory;
        string[] folders = [baseDir, Path.Combine(baseDir, "runtimes", RuntimeInformation.RuntimeIdentifier, "native")];
        foreach (var folder in folders)
            foreach (var candidate in CandidateNames(name))
            {
                var p = Path.Combine(folder, candidate);
                if (File.Exists(p)) return p;
            }
        return Path.Combine(baseDir, CandidateNames(name).FirstOrDefault(n => n.EndsWith(".so", StringComparison.Ordinal)) ?? name);
    }

    /// <summary>File names a DllImport name may stand for on Linux: "e_sqlite3" → e_sqlite3, e_sqlite3.so, libe_sqlite3.so, libe_sqlite3.</summary>
    internal static IEnumerable<string> CandidateNames(string name)
    {
        var file = Path.GetFileName(name);
        yield return file;
        var hasLib = file.StartsWith("lib", StringComparison.Ordinal);
        if (!file.EndsWith(".so", StringComparison.Ordinal) && !file.Contains(".so.", StringComparison.Ordinal))
        {
            yield return file + ".so";
            if (!hasLib) yield return "lib" + file + ".so";
        }
        if (!hasLib) yield return "lib" + file;
    }

    /// <summary>Where extracted libraries may live, best first: $XDG_CACHE_HOME/immichlite/native, ~/.cache/immichlite/native,
    /// &lt;data dir&gt;/.cache/native. (Relative XDG_CACHE_HOME values are ignored, as the XDG spec asks.)</summary>
    internal static IReadOnlyList<string> CacheRoots(Func<string, string?> env, string? dataDirectory)
    {
        var roots = new List<string>();
        if (env("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
            roots.Add(Path.Combine(xdg, "immichlite", "native"));
        if (env("HOME") is { Length: > 0 } home && Path.IsPathRooted(home) && home != "/")
            roots.Add(Path.Combine(home, ".cache", "immichlite", "native"));
        if (dataDirectory is not null)
            roots.Add(Path.Combine(dataDirectory, ".cache", "native"));
        return roots;
    }

    static string? DataDirectory(string[] args)
    {
        try { return AppConfig.Load(args).MediaLocation; }
        catch (ArgumentException) { return null; } // a bad flag is reported by the host later
    }

    static int RunTool(string[] args)
    {
        try
        {
            if (args[0] == AppendFlag && args.Length is 3 or 5)
            {
                var quality = 9;
                if (args.Length == 5 && (args[3] != "--quality" || !int.TryParse(args[4], out quality) || quality is < 0 or > 11))
                    return Usage();
                var libs = Directory.GetFiles(args[2], "*.so").Order(StringComparer.Ordinal).ToList();
                if (libs.Count == 0)
                {
                    Console.Error.WriteLine($"no *.so files in {args[2]}");
                    return 1;
                }
                var sw = Stopwatch.StartNew();
                var info = NativePayload.Append(args[1], libs, quality);
                var raw = libs.Sum(l => new FileInfo(l).Length);
                foreach (var l in libs) Console.WriteLine($"  {Path.GetFileName(l),-40} {new FileInfo(l).Length,12:N0} bytes");
                Console.WriteLine($"appended {libs.Count} native libraries ({raw:N0} bytes) to {args[1]} as a {info.Length:N0}-byte Brotli (q{quality}) payload in {sw.ElapsedMilliseconds} ms; sha256 {info.Hash}");
                return 0;
            }
            if (args[0] == ExtractFlag && args.Length == 3)
            {
                var info = NativePayload.ReadTrailer(args[1]);
                if (info is null)
                {
                    Console.Error.WriteLine($"{args[1]} carries no native library payload");
                    return 1;
                }
                if (Directory.Exists(args[2]) && Directory.EnumerateFileSystemEntries(args[2]).Any())
                {
                    Console.Error.WriteLine($"{args[2]} is not empty");
                    return 1;
                }
                var files = NativePayload.ExtractInto(info, args[2]);
                Console.WriteLine($"verified and extracted {files.Count} native libraries (sha256 {info.Hash}) to {args[2]}");
                return 0;
            }
            return Usage();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
        {
            Console.Error.WriteLine($"{args[0]}: {e.Message}");
            return 1;
        }
    }

    static int Usage()
    {
        Console.Error.WriteLine($"usage: immichlite {AppendFlag} <binary> <folder with *.so> [--quality 0-11]");
        Console.Error.WriteLine($"       immichlite {ExtractFlag} <binary> <new folder>");
        return 2;
    }
}
