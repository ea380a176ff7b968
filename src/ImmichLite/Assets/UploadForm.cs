using System.Buffers;
using System.Security.Cryptography;
using ImmichLite.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace ImmichLite.Assets;

/// <summary>A multipart upload read as it arrives: text fields into a dictionary, the `assetData` part
/// streamed into a temporary file inside the data folder while SHA-1 is computed (constant memory, any
/// size), `sidecarData` likewise. Temporary files are named after the asset id so a crash can be rolled
/// forward or cleaned at the next start. Dispose removes whatever was not claimed.</summary>
public sealed class UploadForm : IAsyncDisposable
{
    const int FieldLimit = 64 * 1024;
    const long SidecarLimit = 16 * 1024 * 1024;
    const int BufferSize = 256 * 1024;

    public Dictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);
    public string? FileName { get; private set; }
    public string? TempPath { get; private set; }
    public byte[]? Sha1 { get; private set; }
    public long Size { get; private set; }
    public string? SidecarTempPath { get; private set; }

    public static string TempFor(StorageLayout storage, string assetId) => Path.Combine(storage.TempDir, assetId + ".part");
    public static string SidecarTempFor(StorageLayout storage, string assetId) => Path.Combine(storage.TempDir, assetId + ".xmp.part");

    /// <summary>Reads the whole form. Throws 400 for anything malformed; temporary files are removed on failure.</summary>
    public static async Task<UploadForm> ReadAsync(HttpContext ctx, StorageLayout storage, string assetId, string fileField = "assetData")
    {
        var form = new UploadForm();
        try
        {
            await form.ReadCoreAsync(ctx, storage, assetId, fileField);
            return form;
        }
        catch
        {
            await form.DisposeAsync();
            throw;
        }
    }

    async Task ReadCoreAsync(HttpContext ctx, StorageLayout storage, string assetId, string fileField)
    {
        if (!MediaTypeHeaderValue.TryParse(ctx.Request.ContentType, out var mt) || !mt.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw ApiException.BadRequest("Request must be multipart/form-data");
        var boundary = HeaderUtilities.RemoveQuotes(mt.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200) throw ApiException.BadRequest("Missing multipart boundary");

        var reader = new MultipartReader(boundary, ctx.Request.Body, 256 * 1024) { HeadersLengthLimit = 16 * 1024, BodyLengthLimit = null };
        MultipartSection? section;
        try
        {
            while ((section = await reader.ReadNextSectionAsync(ctx.RequestAborted)) is not null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var cd) || !cd.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    throw ApiException.BadRequest("Malformed multipart section");
                var name = HeaderUtilities.RemoveQuotes(cd.Name).Value ?? "";
                if (cd.IsFileDisposition())
                {
                    var fileName = HeaderUtilities.RemoveQuotes(cd.FileNameStar.HasValue ? cd.FileNameStar : cd.FileName).Value ?? "";
                    if (name == fileField) await ReadAssetAsync(section.Body, fileName, TempFor(storage, assetId), ctx.RequestAborted);
                    else if (name == "sidecarData") await ReadSidecarAsync(section.Body, fileName, SidecarTempFor(storage, assetId), ctx.RequestAborted);
                    else await section.Body.CopyToAsync(Stream.Null, ctx.RequestAborted); // unknown files are ignored, like unknown fields
                }
                else
                {
                    if (Fields.ContainsKey(name)) throw ApiException.BadRequest($"{name} must be sent once");
                    Fields[name] = await ReadTextAsync(section.Body, name, ctx.RequestAborted);
                }
            }
        }
        catch (IOException e) when (e is not EndOfStreamException && !ctx.RequestAborted.IsCancellationRequested)
        {
            throw ApiException.BadRequest("Malformed multipart body: " + e.Message);
        }
        catch (InvalidDataException e)
        {
            throw ApiException.BadRequest("Malformed multipart body: " + e.Message);
        }
        if (TempPath is null) throw ApiException.Validation([$"{fileField} is required"]);
    }

    /// <summary>Only a plain file name is accepted: no folders, no "..", no control characters.</summary>
    public static string CheckFileName(string fileName)
    {
        if (fileName.Length == 0 || fileName.Length > 255 || fileName.Contains('/') || fileName.Contains('\\') || fileName is "." or ".." ||
            fileName.Any(char.IsControl))
            throw ApiException.BadRequest($"Invalid file name: {fileName}");
        return fileName;
    }

    async Task ReadAssetAsync(Stream body, string fileName, string tempPath, CancellationToken ct)
    {
        if (TempPath is not null) throw ApiException.BadRequest("assetData must be sent once");
        CheckFileName(fileName);
        if (MediaTypes.KindOf(fileName) is not (MediaKind.Image or MediaKind.Video)) throw ApiException.BadRequest($"Unsupported file type {fileName}");
        FileName = fileName;
        TempPath = tempPath;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        Size = await CopyHashingAsync(body, tempPath, sha, long.MaxValue, ct);
        Sha1 = sha.GetHashAndReset();
        if (Size == 0) throw ApiException.BadRequest("assetData is empty");
    }

    async Task ReadSidecarAsync(Stream body, string fileName, string tempPath, CancellationToken ct)
    {
        if (SidecarTempPath is not null) throw ApiException.BadRequest("sidecarData must be sent once");
        CheckFileName(fileName);
        if (MediaTypes.KindOf(fileName) != MediaKind.Sidecar) throw ApiException.BadRequest($"Unsupported file type {fileName}");
        SidecarTempPath = tempPath;
        await CopyHashingAsync(body, tempPath, null, SidecarLimit, ct);
    }

    static async Task<long> CopyHashingAsync(Stream body, string path, IncrementalHash? sha, long limit, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        try
        {
            await using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            int n;
            while ((n = await body.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
            {
                total += n;
                if (total > limit) throw ApiException.BadRequest("file is too large");
                sha?.AppendData(buffer, 0, n);
                await fs.WriteAsync(buffer.AsMemory(0, n), ct);
            }
            await fs.FlushAsync(ct);
            fs.Flush(flushToDisk: true); // durable before any row points at it
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return total;
    }

    static async Task<string> ReadTextAsync(Stream body, string name, CancellationToken ct)
    {
        using var sr = new StreamReader(body);
        var buf = new char[FieldLimit + 1];
        var total = 0;
        int n;
        while (total <= FieldLimit && (n = await sr.ReadAsync(buf.AsMemory(total, buf.Length - total), ct)) > 0) total += n;
        if (total > FieldLimit) throw ApiException.BadRequest($"{name} is too long");
        return new string(buf, 0, total);
    }

    /// <summary>The caller takes the files (they were moved into place); Dispose will not delete them.</summary>
    public void Claim() { TempPath = null; SidecarTempPath = null; }

    public ValueTask DisposeAsync()
    {
        StorageLayout.TryDelete(TempPath);
        StorageLayout.TryDelete(SidecarTempPath);
        return ValueTask.CompletedTask;
    }
}
