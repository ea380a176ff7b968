using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.MachineLearning;
using ImmichLite.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImmichLite.Tests.MachineLearning;

/// <summary>ClipService end to end: a missing model is downloaded from a local server with Hugging Face's layout (the
/// tiny model's real files), loaded in ONNX Runtime and used; a model that cannot be had turns smart search off with the reason.</summary>
public sealed class ClipServiceTests : IDisposable
{
    readonly string _dir = TestPaths.NewTempDir("clip-service");
    readonly Database _db;

    public ClipServiceTests() => _db = new Database(Path.Combine(_dir, "db.sqlite"), SmartSearchStore.ExtensionPath());

    public void Dispose()
    {
        _db.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    ClipService Service(string baseUrl) => new(
        new AppConfig { MediaLocation = Path.Combine(_dir, "media"), ModelBaseUrl = baseUrl },
        new SmartSearchStore(_db), NullLogger<ClipService>.Instance, TimeProvider.System);

    [Fact]
    public async Task Clip_service_downloads_a_missing_model_then_loads_and_runs_it()
    {
        var (src, _) = TinyClip.Write(Path.Combine(_dir, "upstream"));
        var files = Directory.GetFiles(src, "*", SearchOption.AllDirectories).ToDictionary(
            f => $"/immich-app/{ClipModels.DefaultModel}/resolve/main/{Path.GetRelativePath(src, f).Replace('\\', '/')}", File.ReadAllBytes);
        using var server = new FakeModelServer(files);
        using var clip = Service(server.BaseUrl);
        Assert.True(clip.Enabled);
        Assert.False(clip.Usable); // nothing in the cache yet

        var encoder = await clip.GetAsync(CancellationToken.None);
        Assert.NotNull(encoder);
        Assert.True(clip.Usable);
        Assert.True(File.Exists(Path.Combine(_dir, "media", "model-cache", "clip", ClipModels.DefaultModel, "visual", "model.onnx")));
        var red = TinyClip.ColourEmbedding(255, 0, 0);
        Assert.True(ClipEncoderTests.Cosine(red, encoder.EncodeText("red")) > 0.99999);
        Assert.Same(encoder, await clip.GetAsync(CancellationToken.None));
        Assert.Equal(0, new SmartSearchStore(_db).Count()); // the vec0 table exists for this model's width
    }

    sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task Clip_service_unloads_an_idle_model_after_its_ttl_and_loads_it_again_on_use()
    {
        TinyClip.Write(Path.Combine(_dir, "media", "model-cache"));
        var clock = new ManualClock();
        using var clip = new ClipService(new AppConfig { MediaLocation = Path.Combine(_dir, "media"), ModelBaseUrl = "http://127.0.0.1:9", ModelTtlSeconds = 300 },
            new SmartSearchStore(_db), NullLogger<ClipService>.Instance, clock);
        Assert.False(clip.Loaded);
        var red = await clip.EncodeAsync(e => e.EncodeText("red"), CancellationToken.None);
        Assert.True(clip.Loaded);
        clock.Now += TimeSpan.FromSeconds(299);
        Assert.False(clip.UnloadIfIdle());
        clock.Now += TimeSpan.FromSeconds(2);
        Assert.True(clip.UnloadIfIdle());
        Assert.False(clip.Loaded);
        Assert.True(clip.Usable); // still on: the files are there
        Assert.Equal(red, await clip.EncodeAsync(e => e.EncodeText("red"), CancellationToken.None));
        Assert.True(clip.Loaded);
    }

    [Fact]
    public async Task Clip_service_without_a_model_to_be_had_is_off_with_the_reason()
    {
        using var server = new FakeModelServer([]);
        using var clip = Service(server.BaseUrl);
        Assert.Null(await clip.GetAsync(CancellationToken.None));
        Assert.False(clip.Usable);
        Assert.Contains("404", clip.UnavailableReason);
        Assert.Contains($"/immich-app/{ClipModels.DefaultModel}/resolve/main/config.json", clip.UnavailableReason);
        var asked = server.Requests.Count;
        Assert.Null(await clip.GetAsync(CancellationToken.None)); // not asked again right away
        Assert.Equal(asked, server.Requests.Count);
    }

    [Fact]
    public void Clip_service_is_off_for_an_unknown_model_or_with_machine_learning_off()
    {
        using var unknown = new ClipService(new AppConfig { MediaLocation = _dir, ClipModel = "no-such-model" }, new SmartSearchStore(_db),
            NullLogger<ClipService>.Instance, TimeProvider.System);
        Assert.Equal("Unknown CLIP model: no-such-model", unknown.DisabledReason);
        using var off = new ClipService(new AppConfig { MediaLocation = _dir, MachineLearning = false }, new SmartSearchStore(_db),
            NullLogger<ClipService>.Instance, TimeProvider.System);
        Assert.False(off.Enabled);
        Assert.False(off.Usable);
    }
}
