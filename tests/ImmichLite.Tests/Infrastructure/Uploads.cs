using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace ImmichLite.Tests.Infrastructure;

public static class Uploads
{
    /// <summary>POST /api/assets as the mobile app sends it: text fields first, then the file.</summary>
    public static async Task<HttpResponseMessage> Upload(TestClient c, string path, string? deviceAssetId = null, string? fileName = null,
        Dictionary<string, string>? extra = null, byte[]? bytes = null, string? checksumHeader = null, string field = "assetData", string url = "/api/assets", HttpMethod? method = null)
    {
        var form = new MultipartFormDataContent();
        form.Add(new StringContent(deviceAssetId ?? Path.GetFileName(path) + "-" + Guid.NewGuid().ToString("N")[..6]), "deviceAssetId");
        form.Add(new StringContent("test-device"), "deviceId");
        form.Add(new StringContent("2024-03-01T10:00:00.000Z"), "fileCreatedAt");
        form.Add(new StringContent("2024-03-01T10:00:00.000Z"), "fileModifiedAt");
        form.Add(new StringContent("false"), "isFavorite");
        form.Add(new StringContent("0:00:00.000000"), "duration");
        foreach (var (k, v) in extra ?? []) form.Add(new StringContent(v), k);
        var content = new ByteArrayContent(bytes ?? await File.ReadAllBytesAsync(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, field, fileName ?? Path.GetFileName(path));
        var req = new HttpRequestMessage(method ?? HttpMethod.Post, url) { Content = form };
        if (checksumHeader is not null) req.Headers.Add("x-immich-checksum", checksumHeader);
        return await c.Http.SendAsync(req);
    }

    public static async Task<string> UploadOk(TestClient c, string path, int expect = 201, string? fileName = null, Dictionary<string, string>? extra = null, byte[]? bytes = null)
    {
        var r = await Upload(c, path, fileName: fileName, extra: extra, bytes: bytes);
        var body = await TestClient.Expect(r, expect);
        return body["id"]!.GetValue<string>();
    }

    public static string Sha1Base64(byte[] b) => Convert.ToBase64String(SHA1.HashData(b));

    public static IEnumerable<string> Corpus() =>
        Directory.EnumerateFiles(TestPaths.RequireShared(TestPaths.Media), "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".md")).OrderBy(f => f, StringComparer.Ordinal);

    public static string CorpusFile(string relative) => TestPaths.RequireShared(Path.Combine(TestPaths.Media, relative));
}
