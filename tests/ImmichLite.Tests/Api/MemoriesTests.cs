using System.Text.Json.Nodes;
using ImmichLite.Memories;
using ImmichLite.Tests.Infrastructure;
using ImmichLite.Tests.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace ImmichLite.Tests.Api;

public sealed class MemoriesTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    static string Id(JsonNode n) => n["id"]!.GetValue<string>();
    static List<string> AssetIds(JsonNode memory) => memory["assets"]!.AsArray().Select(a => Id(a!)).ToList();

    static async Task<JsonNode> Create(TestClient c, int year, string memoryAt, params string[] assets)
    {
        var body = new JsonObject { ["type"] = "on_this_day", ["data"] = new JsonObject { ["year"] = year }, ["memoryAt"] = memoryAt };
        if (assets.Length > 0) body["assetIds"] = AlbumKit.Ids(assets);
        var m = await c.Post("/api/memories", body);
        SpecValidator.AssertValid(m, "MemoryResponseDto");
        return m;
    }

    static async Task<JsonArray> Search(TestClient c, string query = "")
    {
        var list = await c.Get("/api/memories" + query);
        SpecValidator.AssertValidArray(list, "MemoryResponseDto");
        return list.AsArray();
    }

    [Fact]
    public async Task Create_get_update_assets_search_and_delete_follow_upstream()
    {
        var owner = await server.NewUser("rememberer");
        var stranger = await server.NewUser("stranger");
        var a1 = await AlbumKit.Photo(owner, "2020-05-01T10:00:00.000Z");
        var a2 = await AlbumKit.Photo(owner, "2020-05-01T12:00:00.000Z");
        var foreign = await AlbumKit.Photo(stranger);

        // assets the caller does not own are left out silently
        var m = await Create(owner, 2020, "2020-05-01T00:00:00.000Z", a2, foreign, a1);
        var id = Id(m);
        Assert.Equal(owner.UserId, m["ownerId"]!.GetValue<string>());
        Assert.Equal("on_this_day", m["type"]!.GetValue<string>());
        Assert.Equal(2020, m["data"]!["year"]!.GetValue<int>());
        Assert.Equal("2020-05-01T00:00:00.000Z", m["memoryAt"]!.GetValue<string>());
        Assert.False(m["isSaved"]!.GetValue<bool>());
        foreach (var absent in new[] { "seenAt", "showAt", "hideAt", "deletedAt" }) Assert.False(m.AsObject().ContainsKey(absent), absent);
        Assert.Equal([a1, a2], AssetIds(m)); // oldest first

        // owner only
        var got = await owner.Get($"/api/memories/{id}");
        SpecValidator.AssertValid(got, "MemoryResponseDto");
        Assert.Equal([a1, a2], AssetIds(got));
        Assert.Equal("Not found or no memory.read access", await TestClient.ExpectError(await stranger.Http.GetAsync($"/api/memories/{id}"), 400));
        Assert.Equal("Not found or no memory.read access", await TestClient.ExpectError(await owner.Http.GetAsync($"/api/memories/{Guid.NewGuid()}"), 400));
        Assert.Empty(await Search(stranger));

        // update: isSaved, seenAt, memoryAt
        var updated = await owner.Put($"/api/memories/{id}", new JsonObject { ["isSaved"] = true, ["seenAt"] = "2024-01-02T03:04:05.000Z" });
        SpecValidator.AssertValid(updated, "MemoryResponseDto");
        Assert.True(updated["isSaved"]!.GetValue<bool>());
        Assert.Equal("2024-01-02T03:04:05.000Z", updated["seenAt"]!.GetValue<string>());
        Assert.True(DateTime.Parse(updated["updatedAt"]!.GetValue<string>()) >= DateTime.Parse(m["updatedAt"]!.GetValue<string>()));
        updated = await owner.Put($"/api/memories/{id}", new JsonObject { ["memoryAt"] = "2020-05-02T00:00:00.000Z" });
        Assert.Equal("2020-05-02T00:00:00.000Z", updated["memoryAt"]!.GetValue<string>());
        Assert.True(updated["isSaved"]!.GetValue<bool>()); // left as it was
        Assert.Equal("Not found or no memory.update access",
            await AlbumKit.Error(stranger, HttpMethod.Put, $"/api/memories/{id}", new JsonObject { ["isSaved"] = false }, 400));

        // remove: not_found for what is not in it
        var removed = await owner.Delete($"/api/memories/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(a1, foreign, a1) });
        SpecValidator.AssertValidArray(removed, "BulkIdResponseDto");
        Assert.Equal([(a1, true, (string?)null), (foreign, false, "not_found"), (a1, false, "not_found")], AlbumKit.Results(removed));
        Assert.Equal([a2], AssetIds(await owner.Get($"/api/memories/{id}")));
        Assert.Equal("Not found or no memory.update access",
            await AlbumKit.Error(stranger, HttpMethod.Delete, $"/api/memories/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(a2) }, 400));

        // add: duplicate, no_permission for what is not one's own
        var added = await owner.Put($"/api/memories/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(a1, a2, foreign, a1) });
        SpecValidator.AssertValidArray(added, "BulkIdResponseDto");
        Assert.Equal([(a1, true, (string?)null), (a2, false, "duplicate"), (foreign, false, "no_permission"), (a1, false, "duplicate")], AlbumKit.Results(added));
        Assert.Equal([a1, a2], AssetIds(await owner.Get($"/api/memories/{id}")));
        Assert.Equal("Not found or no memory.read access",
            await AlbumKit.Error(stranger, HttpMethod.Put, $"/api/memories/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(foreign) }, 400));

        // a trashed asset is not shown
        await owner.Delete("/api/assets", new JsonObject { ["ids"] = AlbumKit.Ids(a1) }, expect: 204);
        Assert.Equal([a2], AssetIds(await owner.Get($"/api/memories/{id}")));

        // search: newest memoryAt first; filters; a show window is honoured by ?for=
        var later = await Create(owner, 2021, "2021-05-01T00:00:00.000Z");
        Assert.Equal([Id(later), id], (await Search(owner)).Select(x => Id(x!)).ToArray());
        Assert.Equal([id], (await Search(owner, "?isSaved=true")).Select(x => Id(x!)).ToArray());
        Assert.Equal([Id(later)], (await Search(owner, "?isSaved=false")).Select(x => Id(x!)).ToArray());
        Assert.Equal(2, (await Search(owner, "?type=on_this_day")).Count);
        Assert.Empty(await Search(owner, "?isTrashed=true"));
        Assert.Equal(2, (await Search(owner, "?for=2030-01-01T00:00:00.000Z")).Count); // no window: always

        // delete: owner only, then gone
        Assert.Equal("Not found or no memory.delete access", await AlbumKit.Error(stranger, HttpMethod.Delete, $"/api/memories/{id}", null, 400));
        await owner.Delete($"/api/memories/{id}", expect: 204);
        Assert.Equal("Not found or no memory.read access", await TestClient.ExpectError(await owner.Http.GetAsync($"/api/memories/{id}"), 400));
        Assert.Equal([Id(later)], (await Search(owner)).Select(x => Id(x!)).ToArray());
    }

    [Fact]
    public async Task Invalid_input_is_a_400_in_the_envelope()
    {
        var c = await server.NewUser("validator");
        var m = await Create(c, 2019, "2019-01-01T00:00:00.000Z");
        JsonObject Body(Action<JsonObject> change)
        {
            var b = new JsonObject { ["type"] = "on_this_day", ["data"] = new JsonObject { ["year"] = 2019 }, ["memoryAt"] = "2019-01-01T00:00:00.000Z" };
            change(b);
            return b;
        }
        var cases = new (HttpMethod Method, string Path, JsonNode? Body, string Message)[]
        {
            (HttpMethod.Post, "/api/memories", new JsonObject(), "should not be empty"),
            (HttpMethod.Post, "/api/memories", Body(b => b["type"] = "someday"), "type"),
            (HttpMethod.Post, "/api/memories", Body(b => b.Remove("data")), "data"),
            (HttpMethod.Post, "/api/memories", Body(b => b["data"] = new JsonObject { ["year"] = 0 }), "data.year"),
            (HttpMethod.Post, "/api/memories", Body(b => b["data"] = new JsonObject { ["year"] = 2019.5 }), "data.year must be an integer number"),
            (HttpMethod.Post, "/api/memories", Body(b => b["memoryAt"] = "yesterday"), "memoryAt"),
            (HttpMethod.Post, "/api/memories", Body(b => b["assetIds"] = new JsonArray("nope")), "each value in assetIds must be a UUID"),
            (HttpMethod.Post, "/api/memories", Body(b => b["isSaved"] = "yes"), "isSaved"),
            (HttpMethod.Get, "/api/memories?for=soon", null, "for must be a Date instance"),
            (HttpMethod.Get, "/api/memories?type=someday", null, "type must be one of the following values: on_this_day"),
            (HttpMethod.Get, "/api/memories?isSaved=maybe", null, "isSaved must be a boolean value"),
            (HttpMethod.Get, "/api/memories/not-a-uuid", null, "id must be a UUID"),
            (HttpMethod.Put, $"/api/memories/{Id(m)}", new JsonObject { ["seenAt"] = "later" }, "seenAt"),
            (HttpMethod.Put, $"/api/memories/{Id(m)}/assets", new JsonObject(), "ids"),
            (HttpMethod.Delete, $"/api/memories/{Id(m)}/assets", new JsonObject { ["ids"] = new JsonArray("x") }, "each value in ids must be a UUID"),
        };
        foreach (var (method, path, body, message) in cases)
            Assert.Contains(message, await AlbumKit.Error(c, method, path, body, 400));
    }

    [Fact]
    public async Task On_this_day_memories_are_made_for_the_days_around_today_once()
    {
        var admin = await server.Admin();
        var user = await server.NewUser("nostalgic");
        var partner = await server.NewUser("partner");
        var stranger = await server.NewUser("stranger");
        var quiet = await server.NewUser("no-memories");

        // corpus photos whose EXIF dates are known: 2012-04-16 13:02 and 2010-02-13 14:55
        var keywords = await Uploads.UploadOk(user, Uploads.CorpusFile("jpeg/canon-eos7d_iptc-keywords.jpg"));
        var picasa = await Uploads.UploadOk(user, Uploads.CorpusFile("jpeg/canon-sd1100is_picasa-tags.jpg"));
        // JPEGs without EXIF, dated by the upload: the same day in other years, and what a memory must leave out
        var y2020a = await AlbumKit.Photo(user, "2020-04-16T18:00:00.000Z");
        var y2020b = await AlbumKit.Photo(user, "2020-04-16T07:00:00.000Z");
        var trashed = await AlbumKit.Photo(user, "2019-04-16T10:00:00.000Z");
        var archived = await AlbumKit.Photo(user, "2018-04-16T10:00:00.000Z");
        var nextDay = await AlbumKit.Photo(user, "2017-04-17T10:00:00.000Z");
        var partners = await AlbumKit.Photo(partner, "2015-04-16T10:00:00.000Z");
        var strangers = await AlbumKit.Photo(stranger, "2016-04-16T10:00:00.000Z");
        await AlbumKit.Photo(quiet, "2014-04-16T10:00:00.000Z");
        await user.Delete("/api/assets", new JsonObject { ["ids"] = AlbumKit.Ids(trashed) }, expect: 204);
        await user.Put($"/api/assets/{archived}", new JsonObject { ["visibility"] = "archive" });
        await partner.Post($"/api/partners/{user.UserId}", expect: 201);
        await user.Put($"/api/partners/{partner.UserId}", new JsonObject { ["inTimeline"] = true });
        await quiet.Put("/api/users/me/preferences", new JsonObject { ["memories"] = new JsonObject { ["enabled"] = false } });
        await PipelineTests.WaitForJobs(admin); // memories take only assets with a preview
        Assert.StartsWith("2012-04-16T13:02:13", (await user.Get($"/api/assets/{keywords}"))["localDateTime"]!.GetValue<string>());

        // "today" is a chosen day far ahead of the real one, so the start-up run (today's date) has not done it yet
        var generator = server.Services.GetRequiredService<MemoryGenerator>();
        Assert.True(await generator.RunAsync(new DateOnly(2100, 4, 14)) > 0);

        // 2100-04-16 is within three days of the 14th: one memory per past year with photos on 04-16, latest year first
        var onThe16th = await Search(user, "?for=2100-04-16T00:00:00.000Z");
        Assert.Equal([2020, 2015, 2012], onThe16th.Select(x => x!["data"]!["year"]!.GetValue<int>()).ToArray());
        Assert.Equal([y2020b, y2020a], AssetIds(onThe16th[0]!)); // oldest first
        Assert.Equal([partners], AssetIds(onThe16th[1]!));
        Assert.Equal([keywords], AssetIds(onThe16th[2]!));
        var first = onThe16th[0]!;
        Assert.Equal("on_this_day", first["type"]!.GetValue<string>());
        Assert.Equal("2020-04-16T00:00:00.000Z", first["memoryAt"]!.GetValue<string>());
        Assert.Equal("2100-04-16T00:00:00.000Z", first["showAt"]!.GetValue<string>());
        Assert.Equal("2100-04-16T23:59:59.999Z", first["hideAt"]!.GetValue<string>());
        Assert.Equal(user.UserId, first["ownerId"]!.GetValue<string>());
        Assert.False(first["isSaved"]!.GetValue<bool>());
        Assert.Equal(3, (await Search(user, "?for=2100-04-16T23:59:59.000Z")).Count);
        // the next day has its own memory; a day outside the window has none
        Assert.Equal([nextDay], AssetIds((await Search(user, "?for=2100-04-17T12:00:00.000Z")).Single()!));
        Assert.Empty(await Search(user, "?for=2100-02-13T12:00:00.000Z"));
        Assert.Equal(4, (await Search(user)).Count);
        // everyone gets their own: the partner (who shares with the user, not the other way round) and the stranger
        // only their own photos; a user who turned memories off none
        Assert.Equal([partners], AssetIds((await Search(partner)).Single()!));
        Assert.Equal([strangers], AssetIds((await Search(stranger)).Single()!));
        Assert.Empty(await Search(quiet));
        // what a memory shows is an asset the user may read
        await user.Get($"/api/assets/{partners}");

        // running again for the same day makes nothing new; a later day only adds the days not done yet
        Assert.Equal(0, await generator.RunAsync(new DateOnly(2100, 4, 14)));
        Assert.Equal(4, (await Search(user)).Count);
        Assert.Equal(0, await generator.RunAsync(new DateOnly(2100, 4, 15)));

        // the picasa photo's day comes round in its turn
        await generator.RunAsync(new DateOnly(2101, 2, 12));
        var feb = await Search(user, "?for=2101-02-13T08:00:00.000Z");
        Assert.Equal([picasa], AssetIds(feb.Single()!));
        Assert.Equal(2010, feb[0]!["data"]!["year"]!.GetValue<int>());
    }
}
