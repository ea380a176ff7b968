using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;
using ImmichLite.Tests.Pipeline;

namespace ImmichLite.Tests.Api;

public sealed class TagsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    static async Task<JsonNode> CreateTag(TestClient c, string name, string? parentId = null, string? color = null)
    {
        var body = new JsonObject { ["name"] = name };
        if (parentId is not null) body["parentId"] = parentId;
        if (color is not null) body["color"] = color;
        var tag = await c.Post("/api/tags", body);
        SpecValidator.AssertValid(tag, "TagResponseDto");
        return tag;
    }

    static string Id(JsonNode n) => n["id"]!.GetValue<string>();
    static string Value(JsonNode n) => n["value"]!.GetValue<string>();

    static async Task<List<string>> AssetTagValues(TestClient c, string assetId)
    {
        var info = await c.Get($"/api/assets/{assetId}");
        SpecValidator.AssertValid(info, "AssetResponseDto");
        return info["tags"]!.AsArray().Select(t => Value(t!)).ToList();
    }

    static async Task<List<string>> AllTagValues(TestClient c)
    {
        var all = await c.Get("/api/tags");
        SpecValidator.AssertValidArray(all, "TagResponseDto");
        return all.AsArray().Select(t => Value(t!)).ToList();
    }

    [Fact]
    public async Task Create_upsert_get_update_and_delete_follow_upstream()
    {
        var owner = await server.NewUser("tagger");
        var stranger = await server.NewUser("stranger");

        // a root, then a child through parentId: value is the path, name its last part
        var places = await CreateTag(owner, "Places", color: "ff0000");
        Assert.Equal("Places", places["name"]!.GetValue<string>());
        Assert.Equal("ff0000", places["color"]!.GetValue<string>()); // create keeps the color as given
        Assert.False(places.AsObject().ContainsKey("parentId"));
        var paris = await CreateTag(owner, "Paris", parentId: Id(places));
        Assert.Equal("Places/Paris", Value(paris));
        Assert.Equal("Paris", paris["name"]!.GetValue<string>());
        Assert.Equal(Id(places), paris["parentId"]!.GetValue<string>());
        Assert.False(paris.AsObject().ContainsKey("color"));

        Assert.Equal("A tag with that name already exists",
            await AlbumKit.Error(owner, HttpMethod.Post, "/api/tags", new JsonObject { ["name"] = "Paris", ["parentId"] = Id(places) }, 400));
        Assert.Equal("Not found or no tag.read access",
            await AlbumKit.Error(stranger, HttpMethod.Post, "/api/tags", new JsonObject { ["name"] = "Mine", ["parentId"] = Id(places) }, 400));
        // the same value is another user's own tag
        await CreateTag(stranger, "Places");

        // upsert makes every missing level and answers the deepest tag of each value, once
        var upserted = await owner.Put("/api/tags", new JsonObject { ["tags"] = new JsonArray("Trips/2024/Summer", "Places", "Trips/2024/Summer", "//Solo//") });
        SpecValidator.AssertValidArray(upserted, "TagResponseDto");
        Assert.Equal(["Trips/2024/Summer", "Places", "Solo"], upserted.AsArray().Select(t => Value(t!)).ToArray());
        Assert.Equal(Id(places), Id(upserted[1]!));
        Assert.Equal(["Places", "Places/Paris", "Solo", "Trips", "Trips/2024", "Trips/2024/Summer"], await AllTagValues(owner));
        var all = (await owner.Get("/api/tags")).AsArray();
        var trips = all.Single(t => Value(t!) == "Trips")!;
        var y2024 = all.Single(t => Value(t!) == "Trips/2024")!;
        Assert.Equal(Id(trips), y2024["parentId"]!.GetValue<string>());
        Assert.Equal(Id(y2024), upserted[0]!["parentId"]!.GetValue<string>());
        Assert.Equal(["Places"], await AllTagValues(stranger));

        // get: own only
        var got = await owner.Get($"/api/tags/{Id(paris)}");
        SpecValidator.AssertValid(got, "TagResponseDto");
        Assert.Equal("Places/Paris", Value(got));
        Assert.Equal("Not found or no tag.read access", await TestClient.ExpectError(await stranger.Http.GetAsync($"/api/tags/{Id(paris)}"), 400));
        Assert.Equal("Not found or no tag.read access", await TestClient.ExpectError(await owner.Http.GetAsync($"/api/tags/{Guid.NewGuid()}"), 400));

        // update: the color gets its "#"; null or "" clears it; nothing given leaves it
        var green = await owner.Put($"/api/tags/{Id(paris)}", new JsonObject { ["color"] = "00FF00" });
        SpecValidator.AssertValid(green, "TagResponseDto");
        Assert.Equal("#00FF00", green["color"]!.GetValue<string>());
        Assert.Equal("#00FF00", (await owner.Put($"/api/tags/{Id(paris)}", new JsonObject()))["color"]!.GetValue<string>());
        var cleared = await owner.Put($"/api/tags/{Id(paris)}", new JsonObject { ["color"] = null });
        Assert.False(cleared.AsObject().ContainsKey("color"));
        Assert.Equal("#abc", (await owner.Put($"/api/tags/{Id(paris)}", new JsonObject { ["color"] = "#abc" }))["color"]!.GetValue<string>());
        Assert.False((await owner.Put($"/api/tags/{Id(paris)}", new JsonObject { ["color"] = "" })).AsObject().ContainsKey("color"));
        Assert.Equal("Not found or no tag.update access",
            await AlbumKit.Error(stranger, HttpMethod.Put, $"/api/tags/{Id(paris)}", new JsonObject { ["color"] = "#000000" }, 400));

        // delete: the tag and everything below it; someone else's: no
        Assert.Equal("Not found or no tag.delete access", await AlbumKit.Error(stranger, HttpMethod.Delete, $"/api/tags/{Id(trips)}", null, 400));
        await owner.Delete($"/api/tags/{Id(trips)}", expect: 204);
        Assert.Equal(["Places", "Places/Paris", "Solo"], await AllTagValues(owner));
        Assert.Equal("Not found or no tag.read access", await TestClient.ExpectError(await owner.Http.GetAsync($"/api/tags/{Id(y2024)}"), 400));
    }

    [Fact]
    public async Task Invalid_input_is_a_400_in_the_envelope()
    {
        var c = await server.NewUser("validator");
        var tag = await CreateTag(c, "Valid");
        var cases = new (HttpMethod Method, string Path, JsonNode? Body, string Message)[]
        {
            (HttpMethod.Post, "/api/tags", new JsonObject(), "name"),
            (HttpMethod.Post, "/api/tags", new JsonObject { ["name"] = "" }, "name should not be empty"),
            (HttpMethod.Post, "/api/tags", new JsonObject { ["name"] = "x", ["parentId"] = "nope" }, "parentId must be a UUID"),
            (HttpMethod.Post, "/api/tags", new JsonObject { ["name"] = "x", ["color"] = "red" }, "color must be a hexadecimal color"),
            (HttpMethod.Post, "/api/tags", new JsonObject { ["name"] = 5 }, "name"),
            (HttpMethod.Put, "/api/tags", new JsonObject(), "tags"),
            (HttpMethod.Put, "/api/tags", new JsonObject { ["tags"] = new JsonArray("ok", "") }, "each value in tags should not be empty"),
            (HttpMethod.Put, "/api/tags/assets", new JsonObject { ["tagIds"] = new JsonArray("x"), ["assetIds"] = new JsonArray() }, "each value in tagIds must be a UUID"),
            (HttpMethod.Put, "/api/tags/assets", new JsonObject { ["tagIds"] = new JsonArray() }, "assetIds"),
            (HttpMethod.Get, "/api/tags/not-a-uuid", null, "id must be a UUID"),
            (HttpMethod.Put, $"/api/tags/{Id(tag)}", new JsonObject { ["color"] = "#12345" }, "color must be a hexadecimal color"),
            (HttpMethod.Put, $"/api/tags/{Id(tag)}/assets", new JsonObject(), "ids"),
            (HttpMethod.Put, $"/api/tags/{Id(tag)}/assets", new JsonObject { ["ids"] = new JsonArray("bad") }, "each value in ids must be a UUID"),
            (HttpMethod.Delete, $"/api/tags/{Id(tag)}/assets", new JsonObject { ["ids"] = "bad" }, "ids"),
            (HttpMethod.Get, "/api/timeline/buckets?tagId=nope", null, "tagId must be a UUID"),
        };
        foreach (var (method, path, body, message) in cases)
            Assert.Contains(message, await AlbumKit.Error(c, method, path, body, 400));
    }

    [Fact]
    public async Task Tagging_assets_reaches_asset_info_sync_and_the_timeline()
    {
        var owner = await server.NewUser("photographer");
        var stranger = await server.NewUser("stranger");
        var a1 = await AlbumKit.Photo(owner, "2023-07-01T10:00:00.000Z");
        var a2 = await AlbumKit.Photo(owner, "2023-08-01T10:00:00.000Z");
        var a3 = await AlbumKit.Photo(owner, "2023-09-01T10:00:00.000Z");
        var foreign = await AlbumKit.Photo(stranger);
        var summer = (await owner.Put("/api/tags", new JsonObject { ["tags"] = new JsonArray("Trips/Summer") }))[0]!;
        var trips = (await owner.Put("/api/tags", new JsonObject { ["tags"] = new JsonArray("Trips") }))[0]!;
        var other = await CreateTag(owner, "Other");
        var strangers = await CreateTag(stranger, "Theirs");
        await PipelineTests.WaitForJobs(await server.Admin()); // thumbnails done: nothing else moves the assets
        var checkpoint = DateTime.UtcNow;
        await Task.Delay(20);

        // per id: duplicate when already tagged (also within the request), no_permission for what is not one's own
        var tagged = await owner.Put($"/api/tags/{Id(summer)}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(a1, a1, foreign, Guid.NewGuid().ToString()) });
        SpecValidator.AssertValidArray(tagged, "BulkIdResponseDto");
        var results = AlbumKit.Results(tagged);
        Assert.Equal((a1, true, (string?)null), results[0]);
        Assert.Equal((a1, false, "duplicate"), results[1]);
        Assert.Equal((foreign, false, "no_permission"), results[2]);
        Assert.Equal("no_permission", results[3].Error);
        Assert.Equal("Not found or no tag.asset access",
            await AlbumKit.Error(stranger, HttpMethod.Put, $"/api/tags/{Id(summer)}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(foreign) }, 400));

        // asset info carries the tags (TagResponseDto, by value); the stranger's asset has none
        Assert.Equal(["Trips/Summer"], await AssetTagValues(owner, a1));
        var tagDto = (await owner.Get($"/api/assets/{a1}"))["tags"]![0]!;
        SpecValidator.AssertValid(tagDto, "TagResponseDto");
        Assert.Equal("Summer", tagDto["name"]!.GetValue<string>());
        Assert.Empty(await AssetTagValues(stranger, foreign));

        // the old mobile sync sees the tagged asset as changed, with its tags
        var delta = await owner.Post("/api/sync/delta-sync", new JsonObject { ["updatedAfter"] = checkpoint.ToString("o"), ["userIds"] = AlbumKit.Ids(owner.UserId) }, expect: 200);
        SpecValidator.AssertValid(delta, "AssetDeltaSyncResponseDto");
        Assert.False(delta["needsFullSync"]!.GetValue<bool>());
        var upserted = delta["upserted"]!.AsArray();
        Assert.Equal([a1], upserted.Select(a => a!["id"]!.GetValue<string>()).ToArray());
        Assert.Equal("Trips/Summer", Value(upserted[0]!["tags"]![0]!));
        var full = await owner.Post("/api/sync/full-sync", new JsonObject { ["limit"] = 10, ["updatedUntil"] = DateTime.UtcNow.AddMinutes(1).ToString("o") }, expect: 200);
        SpecValidator.AssertValidArray(full, "AssetResponseDto");
        Assert.Equal(["Trips/Summer"], full.AsArray().Single(a => a!["id"]!.GetValue<string>() == a1)!["tags"]!.AsArray().Select(t => Value(t!)).ToArray());

        // bulk: only own tags on own assets count; pairs already there are not counted again
        var bulk = await owner.Put("/api/tags/assets", new JsonObject
        {
            ["tagIds"] = AlbumKit.Ids(Id(other), Id(strangers), Id(summer)),
            ["assetIds"] = AlbumKit.Ids(a1, a2, foreign),
        });
        SpecValidator.AssertValid(bulk, "TagBulkAssetsResponseDto");
        Assert.Equal(3, bulk["count"]!.GetValue<int>()); // other×a1, other×a2, summer×a2
        Assert.Equal(["Other", "Trips/Summer"], await AssetTagValues(owner, a2));
        Assert.Empty(await AssetTagValues(stranger, foreign));
        Assert.Equal(0, (await owner.Put("/api/tags/assets", new JsonObject { ["tagIds"] = AlbumKit.Ids(Id(other)), ["assetIds"] = AlbumKit.Ids(a1) }))["count"]!.GetValue<int>());

        // an album shows its assets with their tags
        var album = await AlbumKit.Create(owner, "Tagged", [a2]);
        Assert.Equal(["Other", "Trips/Summer"], album["assets"]![0]!["tags"]!.AsArray().Select(t => Value(t!)).ToArray());

        // the timeline by tag takes the tag and every tag below it
        async Task<List<string>> Bucket(string tagId, string month)
        {
            var buckets = await owner.Get($"/api/timeline/buckets?tagId={tagId}");
            SpecValidator.AssertValidArray(buckets, "TimeBucketsResponseDto");
            var bucket = await owner.Get($"/api/timeline/bucket?tagId={tagId}&timeBucket={month}");
            SpecValidator.AssertValid(bucket, "TimeBucketAssetResponseDto");
            return bucket["id"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();
        }
        var tripBuckets = (await owner.Get($"/api/timeline/buckets?tagId={Id(trips)}")).AsArray();
        Assert.Equal(["2023-08-01", "2023-07-01"], tripBuckets.Select(b => b!["timeBucket"]!.GetValue<string>()).ToArray());
        Assert.All(tripBuckets, b => Assert.Equal(1, b!["count"]!.GetValue<int>()));
        Assert.Equal([a1], await Bucket(Id(trips), "2023-07-01"));
        Assert.Equal([a2], await Bucket(Id(other), "2023-08-01"));
        Assert.Empty(await Bucket(Id(other), "2023-09-01"));
        Assert.Empty((await owner.Get($"/api/timeline/buckets?tagId={Id(other)}&isTrashed=true")).AsArray());
        Assert.Equal("Not found or no tag.read access", await TestClient.ExpectError(await owner.Http.GetAsync($"/api/timeline/buckets?tagId={Id(strangers)}"), 400));
        Assert.Equal(3, (await owner.Get("/api/timeline/buckets")).AsArray().Sum(b => b!["count"]!.GetValue<int>()));

        // untag: not_found for assets without the tag; the owner takes it off any asset that has it
        var untagged = await owner.Delete($"/api/tags/{Id(summer)}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(a1, a3, a1) });
        SpecValidator.AssertValidArray(untagged, "BulkIdResponseDto");
        Assert.Equal([(a1, true, (string?)null), (a3, false, "not_found"), (a1, false, "not_found")], AlbumKit.Results(untagged));
        Assert.Equal(["Other"], await AssetTagValues(owner, a1));

        // deleting a tag takes it off its assets (and they count as changed for sync)
        var beforeDelete = DateTime.UtcNow;
        await Task.Delay(20);
        await owner.Delete($"/api/tags/{Id(trips)}", expect: 204);
        Assert.Equal(["Other"], await AssetTagValues(owner, a2));
        var delta2 = await owner.Post("/api/sync/delta-sync", new JsonObject { ["updatedAfter"] = beforeDelete.ToString("o"), ["userIds"] = AlbumKit.Ids(owner.UserId) }, expect: 200);
        Assert.Equal([a2], delta2["upserted"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).ToArray());
    }

    [Fact]
    public async Task Metadata_extraction_imports_keywords_as_tags()
    {
        var admin = await server.Admin();
        var user = await server.NewUser("keywords");
        var id = await Uploads.UploadOk(user, Uploads.CorpusFile("jpeg/canon-eos7d_iptc-keywords.jpg"));
        var picasa = await Uploads.UploadOk(user, Uploads.CorpusFile("jpeg/canon-sd1100is_picasa-tags.jpg"));
        await PipelineTests.WaitForJobs(admin);

        // IPTC Keywords (cactus, ever, lang, alo, sonne) become the owner's tags, shown by value
        Assert.Equal(["alo", "cactus", "ever", "lang", "sonne"], await AssetTagValues(user, id));
        Assert.Equal(["Frost", "Yard"], await AssetTagValues(user, picasa));
        Assert.Equal(["Frost", "Yard", "alo", "cactus", "ever", "lang", "sonne"], await AllTagValues(user));
        // tags are per user: another user's upload of the same file makes their own tags
        var other = await server.NewUser("keywords-too");
        var otherId = await Uploads.UploadOk(other, Uploads.CorpusFile("jpeg/canon-eos7d_iptc-keywords.jpg"));
        await PipelineTests.WaitForJobs(admin);
        Assert.Equal(["alo", "cactus", "ever", "lang", "sonne"], await AssetTagValues(other, otherId));
        var mine = (await user.Get("/api/tags")).AsArray().Select(t => Id(t!)).ToHashSet();
        Assert.DoesNotContain((await other.Get("/api/tags")).AsArray(), t => mine.Contains(Id(t!)));

        // a tag added through the API survives re-extraction (ImmichLite writes no sidecar for upstream to read it back from)
        var extra = await CreateTag(user, "Extra");
        await user.Put($"/api/tags/{Id(extra)}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(id) });
        await user.PostRaw("/api/assets/jobs", new JsonObject { ["assetIds"] = AlbumKit.Ids(id), ["name"] = "refresh-metadata" });
        await PipelineTests.WaitForJobs(admin);
        Assert.Equal(["Extra", "alo", "cactus", "ever", "lang", "sonne"], await AssetTagValues(user, id));
    }
}
