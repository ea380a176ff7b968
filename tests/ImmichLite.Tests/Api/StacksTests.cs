using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;
using ImmichLite.Tests.Realtime;

namespace ImmichLite.Tests.Api;

/// <summary>Stacks through HTTP: create (merging stacks), primary, the asset's `stack`, the collapsed timeline,
/// delta sync, members deleted for good, dissolving, and nobody else's reach.</summary>
public sealed class StacksTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    static JsonArray Ids(params string[] ids) => new(ids.Select(i => (JsonNode)i!).ToArray());

    static int Sum(JsonNode buckets) => buckets.AsArray().Sum(b => b!["count"]!.GetValue<int>());

    [Fact]
    public async Task Stacks_group_merge_collapse_the_timeline_and_reach_sync()
    {
        var admin = await server.Admin();
        var me = await server.NewUser("stacker");
        var files = new[] { "jpeg/apple-iphone4_gps.jpg", "jpeg/no-exif_progressive.jpg", "orientation/landscape_orientation-1_normal.jpg", "jpeg/canon-eos7d_iptc-keywords.jpg" };
        var ids = new List<string>();
        foreach (var f in files) ids.Add(await Uploads.UploadOk(me, Uploads.CorpusFile(f)));
        await Pipeline.PipelineTests.WaitForJobs(admin);
        var (a, b, c, d) = (ids[0], ids[1], ids[2], ids[3]);
        await using var socket = await SocketIoTestClient.ConnectAsync(server.BaseUri, me.Token);
        await socket.JoinAsync();

        var first = await me.Post("/api/stacks", new JsonObject { ["assetIds"] = Ids(a, b) });
        SpecValidator.AssertValid(first, "StackResponseDto");
        Assert.Equal(a, first["primaryAssetId"]!.GetValue<string>());
        Assert.Equal([a, b], first["assets"]!.AsArray().Select(x => x!["id"]!.GetValue<string>()));
        Assert.Null(await socket.ExpectEventAsync("on_asset_stack_update", TimeSpan.FromSeconds(2)));
        var stackOfB = (await me.Get($"/api/assets/{b}"))["stack"]!;
        SpecValidator.AssertValid(stackOfB, "AssetStackResponseDto");
        Assert.Equal(first["id"]!.GetValue<string>(), stackOfB["id"]!.GetValue<string>());
        Assert.Equal(2, stackOfB["assetCount"]!.GetValue<int>());

        // a new stack over a stacked asset takes that stack's members in; the first given asset leads
        var checkpoint = DateTime.UtcNow;
        await Task.Delay(20);
        var merged = await me.Post("/api/stacks", new JsonObject { ["assetIds"] = Ids(c, b) });
        var id = merged["id"]!.GetValue<string>();
        Assert.Equal(c, merged["primaryAssetId"]!.GetValue<string>());
        Assert.Equal(new[] { a, b, c }.Order(), merged["assets"]!.AsArray().Select(x => x!["id"]!.GetValue<string>()).Order());
        await TestClient.ExpectError(await me.Http.GetAsync($"/api/stacks/{first["id"]}"), 400);
        var delta = await me.Post("/api/sync/delta-sync", new JsonObject { ["updatedAfter"] = checkpoint.ToString("o"), ["userIds"] = Ids(me.UserId) }, expect: 200);
        var upserted = delta["upserted"]!.AsArray();
        Assert.Equal(new[] { a, b, c }.Order(), upserted.Select(x => x!["id"]!.GetValue<string>()).Order());
        Assert.All(upserted, x => Assert.Equal(id, x!["stack"]!["id"]!.GetValue<string>()));

        // primary: any member, nothing else
        var updated = await me.Put($"/api/stacks/{id}", new JsonObject { ["primaryAssetId"] = a });
        Assert.Equal(a, updated["primaryAssetId"]!.GetValue<string>());
        Assert.Equal(a, updated["assets"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("Primary asset must be in the stack", await TestClient.ExpectError(await me.Send(HttpMethod.Put, $"/api/stacks/{id}", new JsonObject { ["primaryAssetId"] = d }), 400));
        Assert.Single((await me.Get($"/api/stacks?primaryAssetId={a}")).AsArray());
        Assert.Empty((await me.Get($"/api/stacks?primaryAssetId={d}")).AsArray());
        SpecValidator.AssertValidArray(await me.Get("/api/stacks"), "StackResponseDto");

        // the collapsed timeline shows the primary with (stack id, size), not the other members
        Assert.Equal(4, Sum(await me.Get("/api/timeline/buckets")));
        Assert.Equal(2, Sum(await me.Get("/api/timeline/buckets?withStacked=true")));
        var month = (await me.Get($"/api/assets/{a}"))["localDateTime"]!.GetValue<string>()[..7] + "-01";
        var bucket = await me.Get($"/api/timeline/bucket?timeBucket={month}&withStacked=true");
        SpecValidator.AssertValid(bucket, "TimeBucketAssetResponseDto");
        var bucketIds = bucket["id"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
        Assert.Contains(a, bucketIds);
        Assert.DoesNotContain(b, bucketIds);
        Assert.DoesNotContain(c, bucketIds);
        var stackCell = bucket["stack"]![bucketIds.IndexOf(a)]!.AsArray().Select(x => x!.GetValue<string>());
        Assert.Equal([id, "3"], stackCell);
        Assert.Contains(b, (await me.Get($"/api/timeline/bucket?timeBucket={(await me.Get($"/api/assets/{b}"))["localDateTime"]!.GetValue<string>()[..7]}-01"))["id"]!.AsArray().Select(x => x!.GetValue<string>()));

        // a primary deleted for good hands over; a stack left with one asset is dissolved
        await me.Delete("/api/assets", new JsonObject { ["ids"] = Ids(a), ["force"] = true }, expect: 204);
        var after = await me.Get($"/api/stacks/{id}");
        Assert.NotEqual(a, after["primaryAssetId"]!.GetValue<string>());
        Assert.Equal(2, after["assets"]!.AsArray().Count);
        await me.Delete("/api/assets", new JsonObject { ["ids"] = Ids(b), ["force"] = true }, expect: 204);
        await TestClient.ExpectError(await me.Http.GetAsync($"/api/stacks/{id}"), 400);
        Assert.Null((await me.Get($"/api/assets/{c}"))["stack"]);
    }

    [Fact]
    public async Task Stacks_are_the_owners_alone_and_dissolve_on_delete()
    {
        var me = await server.NewUser("stack-owner");
        var other = await server.NewUser("stack-other");
        var mine = new List<string>();
        foreach (var f in new[] { "jpeg/apple-iphone4_gps.jpg", "jpeg/no-exif_progressive.jpg", "orientation/landscape_orientation-1_normal.jpg", "jpeg/canon-eos7d_iptc-keywords.jpg" })
            mine.Add(await Uploads.UploadOk(me, Uploads.CorpusFile(f)));
        var theirs = await Uploads.UploadOk(other, Uploads.CorpusFile("jpeg/apple-iphone4_gps.jpg"));
        var s1 = (await me.Post("/api/stacks", new JsonObject { ["assetIds"] = Ids(mine[0], mine[1]) }))["id"]!.GetValue<string>();
        var s2 = (await me.Post("/api/stacks", new JsonObject { ["assetIds"] = Ids(mine[2], mine[3]) }))["id"]!.GetValue<string>();

        await TestClient.ExpectError(await other.Http.GetAsync($"/api/stacks/{s1}"), 400);
        await TestClient.ExpectError(await other.Send(HttpMethod.Put, $"/api/stacks/{s1}", new JsonObject { ["primaryAssetId"] = mine[1] }), 400);
        await TestClient.ExpectError(await other.Send(HttpMethod.Delete, $"/api/stacks/{s1}"), 400);
        await TestClient.ExpectError(await other.Send(HttpMethod.Delete, "/api/stacks", new JsonObject { ["ids"] = Ids(s1) }), 400);
        Assert.Empty((await other.Get("/api/stacks")).AsArray());
        await TestClient.ExpectError(await me.PostRaw("/api/stacks", new JsonObject { ["assetIds"] = Ids(mine[0], theirs) }), 400);
        await TestClient.ExpectError(await me.PostRaw("/api/stacks", new JsonObject { ["assetIds"] = Ids(mine[0]) }), 400);
        await TestClient.ExpectError(await me.PostRaw("/api/stacks", new JsonObject { ["assetIds"] = Ids(mine[0], "nope") }), 400);
        await TestClient.ExpectError(await me.PostRaw("/api/stacks", new JsonObject()), 400);

        await me.Delete($"/api/stacks/{s1}", expect: 204);
        Assert.Null((await me.Get($"/api/assets/{mine[0]}"))["stack"]);
        await me.Delete("/api/stacks", new JsonObject { ["ids"] = Ids(s2) }, expect: 204);
        Assert.Null((await me.Get($"/api/assets/{mine[3]}"))["stack"]);
        Assert.Empty((await me.Get("/api/stacks")).AsArray());
    }
}
