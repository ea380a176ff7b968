using System.Runtime.InteropServices;
using ImmichLite.Infrastructure;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.Packaging;

/// <summary>The native-library payload publish.sh appends to the AOT binary, and its extraction at start-up,
/// exercised on real .so files from the test output.</summary>
public sealed class NativeLibrariesTests : IDisposable
{
    readonly string _dir = TestPaths.NewTempDir("native");
    readonly string _libs;
    readonly string _cache;

    public NativeLibrariesTests()
    {
        _libs = Path.Combine(_dir, "libs");
        _cache = Path.Combine(_dir, "cache");
        Directory.CreateDirectory(_libs);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>Two real shared objects from the test output (SQLitePCLRaw's libe_sqlite3.so for two RIDs), under distinct names.</summary>
    string[] RealLibraries()
    {
        var native = Path.Combine(AppContext.BaseDirectory, "runtimes");
        var x64 = Path.Combine(native, "linux-x64", "native", "libe_sqlite3.so");
        var arm64 = Path.Combine(native, "linux-arm64", "native", "libe_sqlite3.so");
        Assert.True(File.Exists(x64), x64);
        Assert.True(File.Exists(arm64), arm64);
        var a = Path.Combine(_libs, "libe_sqlite3.so");
        var b = Path.Combine(_libs, "libe_sqlite3_arm64.so");
        File.Copy(x64, a);
        File.Copy(arm64, b);
        return [a, b];
    }

    /// <summary>A copy of a real executable-ish file to carry the payload.</summary>
    string HostCopy()
    {
        var host = Path.Combine(_dir, "immichlite");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "immichlite.dll"), host);
        return host;
    }

    [Fact]
    public void Payload_round_trips_and_the_second_start_reuses_the_folder()
    {
        var libs = RealLibraries();
        var host = HostCopy();
        var original = File.ReadAllBytes(host);

        var written = NativePayload.Append(host, libs);

        // the carrier is untouched up to the payload, and the trailer finds it again
        var bytes = File.ReadAllBytes(host);
        Assert.Equal(original, bytes.AsSpan(0, original.Length).ToArray());
        var info = NativePayload.ReadTrailer(host);
        Assert.NotNull(info);
        Assert.Equal(original.Length, info.Offset);
        Assert.Equal(written.Hash, info.Hash);
        Assert.Equal(2, info.FileCount);
        Assert.Equal(bytes.Length, info.Offset + info.Length + NativePayload.TrailerSize);
        Assert.True(info.Length < libs.Sum(l => new FileInfo(l).Length), "payload is compressed");

        var first = NativePayload.EnsureExtracted(info, _cache);
        Assert.True(first.Extracted);
        Assert.Equal(Path.Combine(_cache, info.Hash), first.Directory);
        Assert.Equal(["libe_sqlite3.so", "libe_sqlite3_arm64.so"], first.Files.Order(StringComparer.Ordinal));
        foreach (var lib in libs)
            Assert.Equal(File.ReadAllBytes(lib), File.ReadAllBytes(Path.Combine(first.Directory, Path.GetFileName(lib))));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_cache));
            Assert.True(File.GetUnixFileMode(Path.Combine(first.Directory, "libe_sqlite3.so")).HasFlag(UnixFileMode.UserExecute | UnixFileMode.UserRead));
        }
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(first.Directory, "libe_sqlite3.so"));

        var second = NativePayload.EnsureExtracted(info, _cache);
        Assert.False(second.Extracted);
        Assert.Equal(first.Directory, second.Directory);
        Assert.Equal(first.Files.Order(StringComparer.Ordinal), second.Files.Order(StringComparer.Ordinal));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(second.Directory, "libe_sqlite3.so")));
        Assert.Equal([info.Hash], Directory.GetFileSystemEntries(_cache).Select(Path.GetFileName)); // no leftovers
    }

    [Fact]
    public void Extracted_library_loads_from_the_cache_folder()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        var host = HostCopy();
        NativePayload.Append(host, RealLibraries());
        var result = NativePayload.EnsureExtracted(NativePayload.ReadTrailer(host)!, _cache);
        var handle = NativeLibrary.Load(Path.Combine(result.Directory, "libe_sqlite3.so"));
        Assert.NotEqual(IntPtr.Zero, NativeLibrary.GetExport(handle, "sqlite3_libversion"));
    }

    [Fact]
    public void Appending_again_replaces_the_payload()
    {
        var libs = RealLibraries();
        var host = HostCopy();
        var size = new FileInfo(host).Length;
        var one = NativePayload.Append(host, libs);
        var afterOne = new FileInfo(host).Length;
        var two = NativePayload.Append(host, [libs[0]]);
        Assert.Equal(size, two.Offset);
        Assert.Equal(1, NativePayload.ReadTrailer(host)!.FileCount);
        Assert.NotEqual(one.Hash, two.Hash);
        Assert.True(new FileInfo(host).Length < afterOne);
    }

    [Fact]
    public void Corrupt_payload_is_rejected_and_nothing_is_left_behind()
    {
        var host = HostCopy();
        var info = NativePayload.Append(host, RealLibraries());
        using (var fs = new FileStream(host, FileMode.Open, FileAccess.ReadWrite))
        {
            fs.Position = info.Offset + info.Length / 2;
            var b = fs.ReadByte();
            fs.Position--;
            fs.WriteByte((byte)(b ^ 0x5a));
        }

        var damaged = NativePayload.ReadTrailer(host)!; // the trailer itself is intact
        var e = Assert.Throws<InvalidDataException>(() => NativePayload.EnsureExtracted(damaged, _cache));
        Assert.Contains("corrupt", e.Message);
        Assert.Contains("SHA-256", e.Message);
        Assert.Contains(host, e.Message);
        Assert.False(Directory.Exists(Path.Combine(_cache, info.Hash)));
        Assert.Empty(Directory.Exists(_cache) ? Directory.GetFileSystemEntries(_cache) : []);
    }

    [Fact]
    public void Damaged_trailer_is_rejected_with_a_clear_error()
    {
        var host = HostCopy();
        NativePayload.Append(host, RealLibraries());
        using (var fs = new FileStream(host, FileMode.Open, FileAccess.ReadWrite))
        {
            fs.Position = fs.Length - NativePayload.TrailerSize; // payload offset
            fs.Write(BitConverter.GetBytes(12345L));
        }
        var e = Assert.Throws<InvalidDataException>(() => NativePayload.ReadTrailer(host));
        Assert.Contains("trailer is corrupt", e.Message);
    }

    [Fact]
    public void A_file_without_payload_has_no_trailer()
    {
        Assert.Null(NativePayload.ReadTrailer(HostCopy()));
        var tiny = Path.Combine(_dir, "tiny");
        File.WriteAllBytes(tiny, [1, 2, 3]);
        Assert.Null(NativePayload.ReadTrailer(tiny));
    }

    [Fact]
    public void Incomplete_cache_folder_is_extracted_again()
    {
        var host = HostCopy();
        NativePayload.Append(host, RealLibraries());
        var info = NativePayload.ReadTrailer(host)!;
        var first = NativePayload.EnsureExtracted(info, _cache);
        File.Delete(Path.Combine(first.Directory, "libe_sqlite3_arm64.so")); // e.g. a tmp cleaner

        var again = NativePayload.EnsureExtracted(info, _cache);
        Assert.True(again.Extracted);
        Assert.Equal(first.Directory, again.Directory);
        Assert.True(File.Exists(Path.Combine(again.Directory, "libe_sqlite3_arm64.so")));
        Assert.Equal([info.Hash], Directory.GetFileSystemEntries(_cache).Select(Path.GetFileName));
    }

    [Fact]
    public void Concurrent_first_starts_agree_on_one_folder()
    {
        var host = HostCopy();
        NativePayload.Append(host, RealLibraries());
        var info = NativePayload.ReadTrailer(host)!;
        var results = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4)
            .Select(_ => NativePayload.EnsureExtracted(info, _cache)).ToList();
        Assert.Single(results.Select(r => r.Directory).Distinct());
        Assert.NotNull(NativePayload.ReadComplete(results[0].Directory));
        Assert.Equal([info.Hash], Directory.GetFileSystemEntries(_cache).Select(Path.GetFileName));
    }

    [Fact]
    public void Cache_roots_follow_xdg_then_home_then_data()
    {
        var env = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = "/x/cache", ["HOME"] = "/home/u" };
        Assert.Equal(["/x/cache/immichlite/native", "/home/u/.cache/immichlite/native", "/data/.cache/native"],
            NativeLibraries.CacheRoots(env.GetValueOrDefault, "/data"));
        env["XDG_CACHE_HOME"] = "relative/ignored";
        env["HOME"] = "/";
        Assert.Equal(["/data/.cache/native"], NativeLibraries.CacheRoots(env.GetValueOrDefault, "/data"));
    }

    [Fact]
    public void Library_names_map_like_dllimport_and_fall_back_to_the_app_folder()
    {
        Assert.Equal(["e_sqlite3", "e_sqlite3.so", "libe_sqlite3.so", "libe_sqlite3"], NativeLibraries.CandidateNames("e_sqlite3"));
        Assert.Equal(["libSkiaSharp", "libSkiaSharp.so"], NativeLibraries.CandidateNames("libSkiaSharp"));
        Assert.Equal(["vec0.so", "libvec0.so"], NativeLibraries.CandidateNames("vec0.so"));

        // tests run without a payload: the library is found where the build put it
        Assert.Null(NativeLibraries.LibraryDirectory);
        if (OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64)
            Assert.Equal(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libe_sqlite3.so"), NativeLibraries.PathOf("e_sqlite3"));
        var vec0 = NativeLibraries.PathOf("vec0");
        Assert.StartsWith(AppContext.BaseDirectory, vec0);
        Assert.EndsWith("vec0.so", vec0);
    }
}
