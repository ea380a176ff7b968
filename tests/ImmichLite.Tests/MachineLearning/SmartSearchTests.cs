using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using ImmichLite.Data;
using ImmichLite.MachineLearning;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.MachineLearning;

/// <summary>A real server whose model cache holds <see cref="TinyClip"/> before it starts.</summary>
public sealed class SmartSearchFixture : IAsyncLifetime
{
    public ServerFixture Server { get; } = new();
    public string MediaDir { get; } = TestPaths.NewTempDir("smart-media");

    public Task InitializeAsync()
    {
        TinyClip.Write(Path.Combine(Server.DataDir, "model-cache"));
        return Server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        try { Directory.Delete(MediaDir, true); } catch (IOException) { }
    }
}

/// <summary>Upload → thumbnails → SMART_SEARCH (the tiny CLIP model on the preview) → POST /search/smart, over HTTP,
/// with rankings known in advance: a solid-colour photo embeds as its colour, and the word "red" embeds exactly as red.</summary>
public sealed class SmartSearchTests(SmartSearchFixture fx) : IClassFixture<SmartSearchFixture>
{
    static readonly string[] Queues = ["metadataExtraction", "thumbnailGeneration", "smartSearch"];

    async Task WaitForJobs()
    {
        var admin = await fx.Server.Admin();
        await Pipeline.PipelineTests.WaitForJobs(admin, TimeSpan.FromMinutes(3), Queues);
        Assert.Equal(0, (await admin.Get("/api/jobs"))["smartSearch"]!["jobCounts"]!["failed"]!.GetValue<int>());
    }

    async Task<string> UploadColour(TestClient c, string word, byte r, byte g, byte b, int width)
    {
        var path = Path.Combine(fx.MediaDir, $"{word}-{width}-{Guid.NewGuid():N}.jpg");
        TinyClip.WriteSolidJpeg(path, width, width * 3 / 4, r, g, b);
        return await Uploads.UploadOk(c, path);
    }

    static List<string> Ids(JsonNode res) => res["assets"]!["items"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task Smart_search_embeds_previews_after_thumbnails_and_ranks_by_cosine_distance_with_paging_and_partners()
    {
        var alice = await fx.Server.NewUser("alice");
        var bob = await fx.Server.NewUser("bob");
        var carol = await fx.Server.NewUser("carol");
        var mine = new Dictionary<string, string>();
        foreach (var (word, r, g, b) in TinyClip.Colours) mine[word] = await UploadColour(alice, word, r, g, b, 640);
        var bobsRed = await UploadColour(bob, "red", 255, 0, 0, 800);
        var carolsRed = await UploadColour(carol, "red", 255, 0, 0, 720);
        await WaitForJobs();

        // SMART_SEARCH stored each preview's embedding: the known colour vectors
        var store = fx.Server.Services.GetRequiredService<SmartSearchStore>();
        foreach (var (word, r, g, b) in TinyClip.Colours)
        {
            Assert.True(store.Has(mine[word]), word);
            var nearest = store.Nearest(TinyClip.ColourEmbedding(r, g, b), 1).Single();
            Assert.True(nearest.Distance < 1e-3, $"{word}: distance {nearest.Distance}");
        }

        Assert.True((await alice.Get("/api/server/features"))["smartSearch"]!.GetValue<bool>());

        // the ranking for each word, known in advance: that colour first, then the others by cosine to it
        foreach (var (word, r, g, b) in TinyClip.Colours)
        {
            var q = TinyClip.ColourEmbedding(r, g, b);
            var expected = TinyClip.Colours.OrderBy(c => 1 - ClipEncoderTests.Cosine(q, TinyClip.ColourEmbedding(c.R, c.G, c.B)))
                .Select(c => mine[c.Word]).ToList();
            var res = await alice.Post("/api/search/smart", new JsonObject { ["query"] = $"a photo of a {word.ToUpperInvariant()}" }, 200);
            Assert.Equal(expected, Ids(res)); // only alice's own: bob and carol are no partners of hers
            Assert.Null(res["assets"]!["nextPage"]);
            Assert.Equal(3, res["assets"]!["total"]!.GetValue<int>());
        }

        // paging: size 1, nextPage until the last
        var order = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            var res = await alice.Post("/api/search/smart", new JsonObject { ["query"] = "green", ["size"] = 1, ["page"] = page }, 200);
            order.AddRange(Ids(res));
            Assert.Equal(page < 3 ? (page + 1).ToString() : null, res["assets"]!["nextPage"]?.GetValue<string>());
        }
        Assert.Equal(mine["green"], order[0]);
        Assert.Equal(3, order.Distinct().Count());

        // metadata filters apply: favourites only
        await alice.Put($"/api/assets/{mine["blue"]}", new JsonObject { ["isFavorite"] = true });
        Assert.Equal([mine["blue"]], Ids(await alice.Post("/api/search/smart", new JsonObject { ["query"] = "red", ["isFavorite"] = true }, 200)));

        // bob shares with alice, who shows him in her timeline: his red photo ties with hers (distance ~0)
        await bob.Post($"/api/partners/{alice.UserId}");
        await alice.Put($"/api/partners/{bob.UserId}", new JsonObject { ["inTimeline"] = true });
        var withBob = Ids(await alice.Post("/api/search/smart", new JsonObject { ["query"] = "red" }, 200));
        Assert.Equal(4, withBob.Count);
        Assert.Equal(new[] { mine["red"], bobsRed }.Order(), withBob.Take(2).Order());
        Assert.DoesNotContain(carolsRed, withBob);
        // and bob does not see alice's
        Assert.Equal([bobsRed], Ids(await bob.Post("/api/search/smart", new JsonObject { ["query"] = "red" }, 200)));

        // a deleted (purged) asset leaves the vector store with it
        await carol.Delete("/api/assets", new JsonObject { ["ids"] = new JsonArray(carolsRed), ["force"] = true }, 204);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (store.Has(carolsRed) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.False(store.Has(carolsRed));
    }

    [Fact]
    public async Task Smart_search_queue_start_missing_embeds_what_has_none_and_all_re_embeds_every_preview()
    {
        var u = await fx.Server.NewUser("dave");
        var id = await UploadColour(u, "green", 0, 255, 0, 500);
        await WaitForJobs();
        var store = fx.Server.Services.GetRequiredService<SmartSearchStore>();
        Assert.True(store.Has(id));
        var db = fx.Server.Services.GetRequiredService<Database>();
        await db.WriteAsync(s => s.Exec("DELETE FROM smart_search WHERE assetId = $a", ("$a", id)));
        Assert.False(store.Has(id));
        var admin = await fx.Server.Admin();
        await admin.Put("/api/jobs/smartSearch", new JsonObject { ["command"] = "start", ["force"] = false });
        await WaitForJobs();
        Assert.True(store.Has(id));
        Assert.Equal([id], Ids(await u.Post("/api/search/smart", new JsonObject { ["query"] = "green" }, 200)));
        var before = (await admin.Get("/api/jobs"))["smartSearch"]!["jobCounts"]!["completed"]!.GetValue<int>();
        await admin.Put("/api/jobs/smartSearch", new JsonObject { ["command"] = "start", ["force"] = true });
        await WaitForJobs();
        var after = (await admin.Get("/api/jobs"))["smartSearch"]!["jobCounts"]!["completed"]!.GetValue<int>();
        Assert.True(after - before >= 1, $"completed {before} -> {after}");
    }

    [Fact]
    public async Task Smart_search_validates_like_upstream()
    {
        var u = await fx.Server.NewUser();
        Assert.Contains("size must not be greater than 1000",
            await TestClient.ExpectError(await u.PostRaw("/api/search/smart", new JsonObject { ["query"] = "x", ["size"] = 1001 }), 400));
        Assert.Contains("query should not be empty", await TestClient.ExpectError(await u.PostRaw("/api/search/smart", new JsonObject()), 400));
        Assert.Equal(401, (int)(await fx.Server.Anonymous().PostRaw("/api/search/smart", new JsonObject { ["query"] = "x" })).StatusCode);
    }
}
