using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace ImmichLite.Infrastructure;

/// <summary>Where a native-library payload sits inside a file, as read from its trailer.</summary>
public sealed record NativePayloadInfo(string File, long Offset, long Length, byte[] Sha256, int FileCount)
{
    /// <summary>Lower-case hex SHA-256 of the compressed payload: the name of its cache folder.</summary>
    public string Hash => Convert.ToHexStringLower(Sha256);
}

/// <summary>The outcome of <see cref="NativePayload.EnsureExtracted"/>.</summary>
public sealed record NativeExtraction(string Directory, IReadOnlyList<string> Files, bool Extracted);

/// <summary>
/// The native libraries (every <c>*.so</c> of an AOT publish) appended to the executable, so the
/// binary is a single file. The ELF loader only maps what the program headers name, so trailing bytes are ignored.
/// <code>
/// [executable][payload: Brotli stream][trailer: 64 bytes]
/// payload, decompressed:  "ILNP" u8 version=1,
///                         then per file: u16 name length, UTF-8 name, u64 size, bytes;  a name length of 0 ends it
/// trailer (little-endian): u64 payload offset, u64 payload length, 32 bytes SHA-256 of the compressed payload,
///                         u32 format version=1, u32 file count, 8 bytes magic "ILNATIVE"
/// </code>
/// The writer (publish.sh runs it through <c>immichlite --append-native-payload</c>) and the reader
/// (<see cref="NativeLibraries.Initialize"/>) are both here, so the tests cover the code publish.sh uses.
/// </summary>
public static class NativePayload
{
    public const int TrailerSize = 64;
    const int FormatVersion = 1;
    static ReadOnlySpan<byte> Magic => "ILNATIVE"u8;
    static ReadOnlySpan<byte> StreamMagic => "ILNP"u8;
    const string Manifest = ".complete";
    const long MaxFileSize = 1L << 31;
    const UnixFileMode DirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    const UnixFileMode LibMode = DirMode | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    // ---------------------------------------------------------------- writing

    /// <summary>Appends the given files as a payload to <paramref name="target"/> (replacing a payload already there).
    /// Returns the payload's trailer info.</summary>
    public static NativePayloadInfo Append(string target, IReadOnlyList<string> libraries, int quality = 9)
    {
        if (libraries.Count == 0) throw new ArgumentException("no native libraries to append", nameof(libraries));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var lib in libraries)
        {
            var name = Path.GetFileName(lib);
            ValidateName(name);
            if (!names.Add(name)) throw new ArgumentException($"two native libraries are called {name}");
        }

        var existing = ReadTrailer(target);
        using var fs = new FileStream(target, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        if (existing is not null) fs.SetLength(existing.Offset);
        var offset = fs.Seek(0, SeekOrigin.End);

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var hashing = new HashingWriteStream(fs, sha))
        using (var brotli = new BrotliStream(hashing, new BrotliCompressionOptions { Quality = Math.Clamp(quality, 0, 11) }, leaveOpen: true))
        {
            var header = new byte[5];
            StreamMagic.CopyTo(header);
            header[4] = FormatVersion;
            brotli.Write(header);
            Span<byte> num = stackalloc byte[8];
            foreach (var lib in libraries)
            {
                var name = Encoding.UTF8.GetBytes(Path.GetFileName(lib));
                using var input = File.OpenRead(lib);
                BinaryPrimitives.WriteUInt16LittleEndian(num, (ushort)name.Length);
                brotli.Write(num[..2]);
                brotli.Write(name);
                BinaryPrimitives.WriteUInt64LittleEndian(num, (ulong)input.Length);
                brotli.Write(num);
                input.CopyTo(brotli);
            }
            brotli.Write([0, 0]);
        }
        var length = fs.Position - offset;
        var hash = sha.GetHashAndReset();

        var trailer = new byte[TrailerSize];
        BinaryPrimitives.WriteInt64LittleEndian(trailer.AsSpan(0), offset);
        BinaryPrimitives.WriteInt64LittleEndian(trailer.AsSpan(8), length);
        hash.CopyTo(trailer.AsSpan(16));
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(48), FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(trailer.AsSpan(52), libraries.Count);
        Magic.CopyTo(trailer.AsSpan(56));
        fs.Write(trailer);
        fs.Flush(flushToDisk: true);
        return new NativePayloadInfo(Path.GetFullPath(target), offset, length, hash, libraries.Count);
    }

    // ---------------------------------------------------------------- reading

    /// <summary>The payload trailer at the end of <paramref name="file"/>, or null when the file carries none.
    /// Reads 64 bytes; cheap enough for every start.</summary>
    public static NativePayloadInfo? ReadTrailer(string file)
    {
        using var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        var size = fs.Length;
        if (size < TrailerSize) return null;
        Span<byte> t = stackalloc byte[TrailerSize];
        fs.Seek(size - TrailerSize, SeekOrigin.Begin);
        fs.ReadExactly(t);
        if (!t[56..].SequenceEqual(Magic)) return null;
        var version = BinaryPrimitives.ReadUInt32LittleEndian(t[48..]);
        if (version != FormatVersion)
            throw new InvalidDataException($"{file}: native library payload has format version {version}; this build reads version {FormatVersion}");
        var offset = BinaryPrimitives.ReadInt64LittleEndian(t);
        var length = BinaryPrimitives.ReadInt64LittleEndian(t[8..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(t[52..]);
        if (offset <= 0 || length <= 0 || count <= 0 || offset + length != size - TrailerSize)
            throw new InvalidDataException($"{file}: native library payload trailer is corrupt (offset {offset}, length {length}, file size {size}); the file is truncated or damaged — download it again");
        return new NativePayloadInfo(file, offset, length, t.Slice(16, 32).ToArray(), count);
    }

    /// <summary>Checks the payload's SHA-256 against its trailer. Throws <see cref="InvalidDataException"/> when they differ.</summary>
    public static void Verify(NativePayloadInfo info)
    {
        using var fs = OpenPayload(info);
        var actual = SHA256.HashData(fs);
        if (!actual.AsSpan().SequenceEqual(info.Sha256))
            throw new InvalidDataException($"{info.File}: native library payload is corrupt (SHA-256 {Convert.ToHexStringLower(actual)}, expected {info.Hash}); the file is damaged — download it again");
    }

    /// <summary>
    /// Makes sure the payload's libraries sit in <c>&lt;cacheRoot&gt;/&lt;hash&gt;/</c> and returns that folder.
    /// A complete folder (its manifest lists every file at the right size) is reused as is. Otherwise the payload is
    /// verified, extracted into a temporary sibling folder and renamed into place, so a crash, a concurrent start or a
    /// corrupt payload never leaves a half-filled folder under the final name.
    /// </summary>
    public static NativeExtraction EnsureExtracted(NativePayloadInfo info, string cacheRoot)
    {
        var final = Path.Combine(cacheRoot, info.Hash);
        if (ReadComplete(final) is { } files) return new NativeExtraction(final, files, Extracted: false);

        CreatePrivateDirectory(cacheRoot);
        var tmp = Path.Combine(cacheRoot, $".tmp-{info.Hash[..12]}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            files = ExtractInto(info, tmp);
            try
            {
                Directory.Move(tmp, final);
            }
            catch (IOException) when (Directory.Exists(final))
            {
                if (ReadComplete(final) is { } theirs)
                {
                    // another process finished first; theirs is as good as ours
                    TryDeleteDirectory(tmp);
                    return new NativeExtraction(final, theirs, Extracted: false);
                }
                // an incomplete or damaged folder (e.g. files removed by a cleaner): move it aside, then ours in
                var stale = Path.Combine(cacheRoot, $".stale-{info.Hash[..12]}-{Guid.NewGuid():N}");
                Directory.Move(final, stale);
                Directory.Move(tmp, final);
                TryDeleteDirectory(stale);
            }
        }
        catch
        {
            TryDeleteDirectory(tmp);
            throw;
        }
        PruneSiblings(cacheRoot, info.Hash, TimeSpan.FromDays(7));
        return new NativeExtraction(final, files, Extracted: true);
    }

    /// <summary>Verifies the payload, then writes its files (mode 0755, flushed to disk) and the manifest into a new
    /// folder <paramref name="directory"/>. On any failure the folder is deleted again.</summary>
    public static IReadOnlyList<string> ExtractInto(NativePayloadInfo info, string directory)
    {
        Verify(info); // before anything is written: a damaged payload leaves nothing behind
        CreatePrivateDirectory(directory);
        var files = new List<string>();
        var manifest = new StringBuilder();
        try
        {
            using var payload = OpenPayload(info);
            using var brotli = new BrotliStream(payload, CompressionMode.Decompress);
            Span<byte> head = stackalloc byte[8];
            brotli.ReadExactly(head[..5]);
            if (!head[..4].SequenceEqual(StreamMagic) || head[4] != FormatVersion)
                throw new InvalidDataException("unknown payload stream header");
            var buffer = new byte[81920];
            while (true)
            {
                brotli.ReadExactly(head[..2]);
                var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(head);
                if (nameLength == 0) break;
                var nameBytes = new byte[nameLength];
                brotli.ReadExactly(nameBytes);
                var name = Encoding.UTF8.GetString(nameBytes);
                ValidateName(name);
                brotli.ReadExactly(head);
                var size = BinaryPrimitives.ReadInt64LittleEndian(head);
                if (size is < 0 or > MaxFileSize) throw new InvalidDataException($"implausible size {size} for {name}");

                var path = Path.Combine(directory, name);
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, PreallocationSize = size };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = LibMode;
                using (var output = new FileStream(path, options))
                {
                    var left = size;
                    while (left > 0)
                    {
                        var n = brotli.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                        if (n == 0) throw new EndOfStreamException($"payload ends inside {name}");
                        output.Write(buffer, 0, n);
                        left -= n;
                    }
                    output.Flush(flushToDisk: true);
                }
                files.Add(name);
                manifest.Append(name).Append('\t').Append(size).Append('\n');
            }
            if (files.Count != info.FileCount)
                throw new InvalidDataException($"payload holds {files.Count} files, its trailer says {info.FileCount}");
            using (var m = new FileStream(Path.Combine(directory, Manifest), FileMode.CreateNew, FileAccess.Write))
            {
                m.Write(Encoding.UTF8.GetBytes(manifest.ToString()));
                m.Flush(flushToDisk: true);
            }
            return files;
        }
        catch (Exception e)
        {
            TryDeleteDirectory(directory);
            // I/O trouble at the destination (disk full, permissions) is reported as is; anything else means the
            // payload itself is bad (Brotli reports invalid data with InvalidOperationException or InvalidDataException).
            if ((e is IOException and not EndOfStreamException) || e is UnauthorizedAccessException) throw;
            throw new InvalidDataException($"{info.File}: native library payload is corrupt ({e.Message}); the file is damaged — download it again", e);
        }
    }

    /// <summary>The files of an extracted folder when its manifest is present and every file has the listed size; otherwise null.</summary>
    public static IReadOnlyList<string>? ReadComplete(string directory)
    {
        string text;
        try { text = File.ReadAllText(Path.Combine(directory, Manifest)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        var files = new List<string>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t');
            if (tab <= 0 || !long.TryParse(line.AsSpan(tab + 1), out var size)) return null;
            var name = line[..tab];
            var fi = new FileInfo(Path.Combine(directory, name));
            if (!fi.Exists || fi.Length != size) return null;
            files.Add(name);
        }
        return files.Count > 0 ? files : null;
    }

    static Stream OpenPayload(NativePayloadInfo info)
    {
        var fs = new FileStream(info.File, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        fs.Seek(info.Offset, SeekOrigin.Begin);
        return new SegmentStream(fs, info.Length);
    }

    /// <summary>Creates the folder (and missing parents) with mode 0700.</summary>
    static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, DirMode);
    }

    static void ValidateName(string name)
    {
        if (name.Length == 0 || name.Length > 255 || name[0] == '.' || name.Contains('/') || name.Contains('\\') || name.Contains('\0'))
            throw new InvalidDataException($"invalid native library name '{name}'");
    }

    /// <summary>Removes other payload folders and leftovers not touched for <paramref name="age"/> (old versions after an upgrade).
    /// A running older version keeps the libraries it has already loaded; only recent folders are kept in case one still loads lazily.</summary>
    static void PruneSiblings(string cacheRoot, string keep, TimeSpan age)
    {
        try
        {
            foreach (var dir in new DirectoryInfo(cacheRoot).EnumerateDirectories())
            {
                if (dir.Name == keep) continue;
                if (DateTime.UtcNow - dir.LastWriteTimeUtc < age) continue;
                TryDeleteDirectory(dir.FullName);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    internal static void TryDeleteDirectory(string path)
    {
        try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>A read-only window of <paramref name="length"/> bytes from the inner stream's current position.</summary>
    sealed class SegmentStream(Stream inner, long length) : Stream
    {
        long _left = length;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            if (_left <= 0) return 0;
            var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
            _left -= n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>Writes through to the inner stream (left open) and hashes what passes.</summary>
    sealed class HashingWriteStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
