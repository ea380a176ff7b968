using System.Net;
using System.Net.Http.Headers;

namespace ImmichLite.MachineLearning;

/// <summary>
/// Fetches a model repository's files from Hugging Face (or a mirror: <see cref="BaseUrl"/>) into the model cache,
/// laid out as upstream's ML service does: <c>&lt;cache&gt;/&lt;task&gt;/&lt;model&gt;/&lt;path in repo&gt;</c>.
/// Each file is written to <c>&lt;file&gt;.part</c> and renamed into place only when complete (a file in place is
/// always whole); an interrupted download resumes from the .part with an HTTP Range request, and each file is tried
/// <see cref="Attempts"/> times. Files already in place are not fetched again.
/// </summary>
public sealed class ModelDownloader(HttpClient http, string baseUrl, ILogger? log = null)
{
    public const string DefaultBaseUrl = "https://huggingface.co";
    public string BaseUrl { get; } = baseUrl.TrimEnd('/');
    public int Attempts { get; init; } = 4;
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>URL of one file: <c>{base}/{org}/{model}/resolve/main/{path}</c>, Hugging Face's download route.</summary>
    public string UrlOf(string organisation, string model, string path) =>
        $"{BaseUrl}/{organisation}/{Uri.EscapeDataString(model)}/resolve/main/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}";

    /// <summary>Makes every file of <paramref name="files"/> present under <paramref name="modelDir"/>. Throws
    /// <see cref="ModelDownloadException"/> naming the file and the reason when a required one cannot be had.</summary>
    public async Task EnsureAsync(string organisation, string model, IReadOnlyList<ModelFile> files, string modelDir, CancellationToken ct)
    {
        foreach (var f in files)
        {
            var target = Path.Combine(modelDir, f.Path.Replace('/', Path.DirectorySeparatorChar));
            if (File.Exists(target)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var url = UrlOf(organisation, model, f.Path);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var outcome = await FetchAsync(url, target, ct);
                    if (outcome == HttpStatusCode.NotFound)
                    {
                        if (f.Optional) break;
                        throw new ModelDownloadException($"{url}: 404 Not Found (is '{model}' a model of {organisation}?)");
                    }
                    log?.LogInformation("Downloaded {Url} ({Bytes} bytes)", url, new FileInfo(target).Length);
                    break;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or RetryableException
                                          || (e is TaskCanceledException && !ct.IsCancellationRequested))
                {
                    if (attempt >= Attempts) throw new ModelDownloadException($"{url}: {e.Message} (gave up after {attempt} attempts)", e);
                    log?.LogWarning("Download of {Url} failed ({Reason}); attempt {Next} of {Max} resumes it", url, e.Message, attempt + 1, Attempts);
                    await Task.Delay(RetryDelay * attempt, ct);
                }
            }
        }
    }

    sealed class RetryableException(string message) : Exception(message);

    async Task<HttpStatusCode> FetchAsync(string url, string target, CancellationToken ct)
    {
        var part = target + ".part";
        long have = File.Exists(part) ? new FileInfo(part).Length : 0;
        using var req = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0) req.Headers.Range = new RangeHeaderValue(have, null);
        using var resp = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, ct);
        if (resp.StatusCode == HttpStatusCode.NotFound) return HttpStatusCode.NotFound;
        if (resp.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
        {
            // the .part already holds the whole file (the rename was what got interrupted)
            var total = resp.Content.Headers.ContentRange?.Length;
            if (total == have) { File.Move(part, target, overwrite: true); return HttpStatusCode.OK; }
            File.Delete(part);
            throw new RetryableException("416 for a partial file of another size: starting over");
        }
        if ((int)resp.StatusCode >= 500 || resp.StatusCode == HttpStatusCode.TooManyRequests)
            throw new RetryableException($"{(int)resp.StatusCode} {resp.ReasonPhrase}");
        if (!resp.IsSuccessStatusCode)
            throw new ModelDownloadException($"{url}: {(int)resp.StatusCode} {resp.ReasonPhrase}");

        var append = resp.StatusCode == HttpStatusCode.PartialContent && resp.Content.Headers.ContentRange?.From == have;
        long? expected = resp.Content.Headers.ContentLength is { } len ? (append ? have : 0) + len : null;
        await using (var fs = new FileStream(part, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            await using var body = await resp.Content.ReadAsStreamAsync(ct);
            await body.CopyToAsync(fs, 1 << 16, ct);
            await fs.FlushAsync(ct);
            fs.Flush(flushToDisk: true);
        }
        var got = new FileInfo(part).Length;
        if (expected is { } e && got != e) throw new IOException($"got {got} of {e} bytes");
        File.Move(part, target, overwrite: true);
        return HttpStatusCode.OK;
    }
}

public sealed class ModelDownloadException(string message, Exception? inner = null) : Exception(message, inner);
