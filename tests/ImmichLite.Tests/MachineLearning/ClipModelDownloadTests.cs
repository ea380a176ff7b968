using ImmichLite.MachineLearning;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.MachineLearning;

/// <summary>The real download code against a local server with Hugging Face's URL layout.</summary>
public sealed class ClipModelDownloadTests : IDisposable
{
    readonly string _dir = TestPaths.NewTempDir("model-dl");
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    static Dictionary<string, byte[]> Repo(string model, bool withOptional)
    {
        var files = new Dictionary<string, byte[]>();
        var i = 0;
        foreach (var f in ClipModels.OpenClipFiles)
        {
            if (f.Optional && !withOptional) continue;
            var bytes = new byte[f.Path.EndsWith(".onnx") ? 300_000 + i : 100 + i];
            new Random(i++).NextBytes(bytes);
            files[$"/immich-app/{model}/resolve/main/{f.Path}"] = bytes;
        }
        return files;
    }

    [Fact]
    public async Task Clip_model_downloads_into_upstreams_cache_layout_and_resumes_a_cut_transfer()
    {
        var model = ClipModels.DefaultModel;
        var repo = Repo(model, withOptional: false); // the optional tokenizer.json is missing upstream-side: fine
        using var server = new FakeModelServer(repo);
        server.CutOnce($"/immich-app/{model}/resolve/main/visual/model.onnx");
        using var http = new HttpClient();
        var dl = new ModelDownloader(http, server.BaseUrl + "/") { RetryDelay = TimeSpan.FromMilliseconds(10) };
        var modelDir = Path.Combine(_dir, "clip", model);

        await dl.EnsureAsync(ClipModels.Organisation, model, ClipModels.OpenClipFiles, modelDir, CancellationToken.None);

        foreach (var f in ClipModels.OpenClipFiles.Where(f => !f.Optional))
            Assert.Equal(repo[$"/immich-app/{model}/resolve/main/{f.Path}"], await File.ReadAllBytesAsync(Path.Combine(modelDir, f.Path)));
        Assert.Empty(Directory.GetFiles(modelDir, "*.part", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(modelDir, "textual", "tokenizer.json")));
        var visual = server.Requests.Where(r => r.Path.EndsWith("visual/model.onnx")).ToList();
        Assert.Equal(2, visual.Count);
        Assert.Null(visual[0].Range);
        Assert.Equal($"bytes={repo[visual[0].Path].Length / 2}-", visual[1].Range); // resumed, not restarted
        Assert.Equal(206, visual[1].Status);

        // present files are not fetched again
        var before = server.Requests.Count;
        await dl.EnsureAsync(ClipModels.Organisation, model, ClipModels.OpenClipFiles, modelDir, CancellationToken.None);
        Assert.Equal(before + 2, server.Requests.Count); // only the two optional files, still missing, are asked for
    }

    [Fact]
    public async Task Clip_model_missing_required_file_fails_with_its_url_and_leaves_nothing_half_written()
    {
        var repo = Repo("ViT-B-32__openai", withOptional: true);
        repo.Remove("/immich-app/ViT-B-32__openai/resolve/main/textual/model.onnx");
        using var server = new FakeModelServer(repo);
        using var http = new HttpClient();
        var dl = new ModelDownloader(http, server.BaseUrl) { RetryDelay = TimeSpan.FromMilliseconds(10) };
        var modelDir = Path.Combine(_dir, "clip", "ViT-B-32__openai");
        var e = await Assert.ThrowsAsync<ModelDownloadException>(() =>
            dl.EnsureAsync(ClipModels.Organisation, "ViT-B-32__openai", ClipModels.OpenClipFiles, modelDir, CancellationToken.None));
        Assert.Contains("/immich-app/ViT-B-32__openai/resolve/main/textual/model.onnx", e.Message);
        Assert.False(File.Exists(Path.Combine(modelDir, "textual", "model.onnx")));
    }

    [Fact]
    public void Clip_model_facts_match_upstream()
    {
        Assert.Equal(512, ClipModels.Dimension("ViT-B-32__openai"));
        Assert.Equal(512, ClipModels.Dimension("immich-app/ViT-B-32__openai"));
        Assert.Equal(768, ClipModels.Dimension("ViT-L-14__openai"));
        Assert.Null(ClipModels.Dimension("not-a-model"));
        Assert.Equal("ViT-B-32__openai", ClipModels.CleanName("immich-app/ViT-B-32__openai"));
        Assert.Equal("https://huggingface.co/immich-app/ViT-B-32__openai/resolve/main/visual/model.onnx",
            new ModelDownloader(new HttpClient(), ModelDownloader.DefaultBaseUrl).UrlOf("immich-app", "ViT-B-32__openai", "visual/model.onnx"));
    }
}
