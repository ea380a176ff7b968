using System.Net;
using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;
using ImmichLite.Tests.Pipeline;
using ImmichLite.Tests.Realtime;

namespace ImmichLite.Tests.Library;

/// <summary>The v1.134 app's sequence after login, then live changes from a second client.</summary>
public sealed class MobileAppSequenceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    static JsonArray Ids(params string[] ids) => new(ids.Select(i => (JsonNode)i!).ToArray());

    [Fact]
    public async Task App_sequence_then_changes_arrive_by_socket_and_delta_sync()
    {
        var admin = await server.Admin();
        var phone = await server.NewUser("phone");
        var partner = await server.NewUser("partner");
        var phoneMe = await phone.Get("/api/users/me");
        // library: three of my own, one partner asset shared with me
        var mine = new List<string>();
        foreach (var f in new[] { "jpeg/apple-iphone4_gps.jpg", "jpeg/canon-eos7d_iptc-keywords.jpg", "video/android-6.0.1_h264_gps.mp4" })
            mine.Add(await Uploads.UploadOk(phone, Uploads.CorpusFile(f)));
        var partnerAsset = await Uploads.UploadOk(partner, Uploads.CorpusFile("jpeg/canon-eos500d_xmp-rating.jpg"));
        await partner.Post($"/api/partners/{phone.UserId}", expect: 201);
        await PipelineTests.WaitForJobs(admin);

        // well-known → ping → version/features/config
        var anon = server.Anonymous();
        await anon.Get("/.well-known/immich");
        await anon.Get("/api/server/ping");
        await anon.Get("/api/server/version");
        await anon.Get("/api/server/features");
        await anon.Get("/api/server/config");
        // users/me + preferences, users, partners both ways
        SpecValidator.AssertValid(await phone.Get("/api/users/me"), "UserAdminResponseDto");
        await phone.Get("/api/users/me/preferences");
        // the memory lane: what is to be shown today (00:00 UTC)
        SpecValidator.AssertValidArray(await phone.Get($"/api/memories?for={DateTime.UtcNow:yyyy-MM-dd}T00:00:00.000Z"), "MemoryResponseDto");
        SpecValidator.AssertValidArray(await phone.Get("/api/users"), "UserResponseDto");
        var sharedBy = await phone.Get("/api/partners?direction=shared-by");
        Assert.Empty(sharedBy.AsArray());
        var sharedWith = await phone.Get("/api/partners?direction=shared-with");
        SpecValidator.AssertValidArray(sharedWith, "PartnerResponseDto");
        Assert.Equal(partner.UserId, sharedWith[0]!["id"]!.GetValue<string>());
        Assert.False(sharedWith[0]!["inTimeline"]!.GetValue<bool>());

        // delta-sync without a checkpoint the app trusts: needs full sync
        var syncStart = DateTime.UtcNow.AddSeconds(-1);
        var delta0 = await phone.Post("/api/sync/delta-sync", new JsonObject { ["updatedAfter"] = DateTime.UtcNow.AddDays(-200).ToString("o"), ["userIds"] = Ids(phone.UserId, partner.UserId) }, expect: 200);
        SpecValidator.AssertValid(delta0, "AssetDeltaSyncResponseDto");
        Assert.True(delta0["needsFullSync"]!.GetValue<bool>());
        // full sync: pages of 2 by id ascending, for me and for the partner
        var all = new List<JsonNode>();
        string? lastId = null;
        while (true)
        {
            var body = new JsonObject { ["limit"] = 2, ["updatedUntil"] = DateTime.UtcNow.ToString("o"), ["userId"] = phone.UserId };
            if (lastId is not null) body["lastId"] = lastId;
            var page = (await phone.Post("/api/sync/full-sync", body, expect: 200)).AsArray();
            SpecValidator.AssertValidArray(page, "AssetResponseDto");
            all.AddRange(page.Select(x => x!));
            if (page.Count < 2) break;
            lastId = page[^1]!["id"]!.GetValue<string>();
        }
        var syncedIds = all.Select(a => a["id"]!.GetValue<string>()).ToList();
        Assert.Equal(mine.Order(StringComparer.Ordinal), syncedIds);
        Assert.All(all, a => Assert.NotNull(a["exifInfo"]));
        // the IPTC keywords came in as tags, and the app gets them with the asset
        Assert.Equal(["alo", "cactus", "ever", "lang", "sonne"],
            all.Single(a => a["id"]!.GetValue<string>() == mine[1])["tags"]!.AsArray().Select(t => t!["value"]!.GetValue<string>()));
        var partnerPage = await phone.Post("/api/sync/full-sync", new JsonObject { ["limit"] = 10, ["updatedUntil"] = DateTime.UtcNow.ToString("o"), ["userId"] = partner.UserId }, expect: 200);
        Assert.Equal([partnerAsset], partnerPage.AsArray().Select(a => a!["id"]!.GetValue<string>()));
        Assert.False(partnerPage[0]!["isFavorite"]!.GetValue<bool>());
        // a user who does not share with me cannot be synced
        var stranger = await server.NewUser("stranger");
        await TestClient.ExpectError(await phone.PostRaw("/api/sync/full-sync", new JsonObject { ["limit"] = 10, ["updatedUntil"] = DateTime.UtcNow.ToString("o"), ["userId"] = stranger.UserId }), 400);
        SpecValidator.AssertValidArray(await phone.Get("/api/albums?shared=true"), "AlbumResponseDto");
        SpecValidator.AssertValidArray(await phone.Get("/api/albums"), "AlbumResponseDto");

        // the phone's socket; a second client of the same user changes things
        await using var socket = await SocketIoTestClient.ConnectAsync(server.BaseUri, phone.Token);
        await socket.JoinAsync();
        var web = await server.Login(phoneMe["email"]!.GetValue<string>(), "user-password");
        var checkpoint = DateTime.UtcNow;
        await Task.Delay(20);

        var uploaded = await Uploads.UploadOk(web, Uploads.CorpusFile("orientation/landscape_orientation-1_normal.jpg"));
        var partnerNew = await Uploads.UploadOk(partner, Uploads.CorpusFile("jpeg/canon-eos7d_iptc-keywords.jpg"));
        await web.Put("/api/assets", new JsonObject { ["ids"] = Ids(mine[0]), ["isFavorite"] = true }, expect: 204);
        var updated = await socket.ExpectEventAsync("on_asset_update", TimeSpan.FromSeconds(1));
        Assert.Equal(mine[0], updated!["id"]!.GetValue<string>());
        await web.Delete("/api/assets", new JsonObject { ["ids"] = Ids(mine[1]) }, expect: 204);
        Assert.Equal(mine[1], (await socket.ExpectEventAsync("on_asset_trash", TimeSpan.FromSeconds(1)))![0]!.GetValue<string>());
        await web.Delete("/api/assets", new JsonObject { ["ids"] = Ids(mine[2]), ["force"] = true }, expect: 204);
        Assert.Equal(mine[2], (await socket.ExpectEventAsync("on_asset_delete", TimeSpan.FromSeconds(1)))!.GetValue<string>());
        // the upload is announced once its thumbnails exist
        socket.Background.Clear();
        await PipelineTests.WaitForJobs(admin);

        var delta = await phone.Post("/api/sync/delta-sync", new JsonObject { ["updatedAfter"] = checkpoint.ToString("o"), ["userIds"] = Ids(phone.UserId, partner.UserId) }, expect: 200);
        SpecValidator.AssertValid(delta, "AssetDeltaSyncResponseDto");
        Assert.False(delta["needsFullSync"]!.GetValue<bool>());
        var upserted = delta["upserted"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(new[] { uploaded, mine[0], mine[1], partnerNew }.Order().ToList(), upserted);
        Assert.True(delta["upserted"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == mine[0])!["isFavorite"]!.GetValue<bool>());
        Assert.True(delta["upserted"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == mine[1])!["isTrashed"]!.GetValue<bool>());
        Assert.Equal([mine[2]], delta["deleted"]!.AsArray().Select(x => x!.GetValue<string>()));

        // a different user set than me ∪ partners means a full sync
        var wrongSet = await phone.Post("/api/sync/delta-sync", new JsonObject { ["updatedAfter"] = checkpoint.ToString("o"), ["userIds"] = Ids(phone.UserId) }, expect: 200);
        Assert.True(wrongSet["needsFullSync"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Full_sync_page_after_the_last_asset_is_an_empty_array()
    {
        var user = await server.NewUser("emptypage");
        var a = await Uploads.UploadOk(user, Uploads.CorpusFile("jpeg/apple-iphone4_gps.jpg"));
        var b = await Uploads.UploadOk(user, Uploads.CorpusFile("jpeg/no-exif_progressive.jpg"));
        var until = DateTime.UtcNow.AddMinutes(1).ToString("o");
        var page = await user.Post("/api/sync/full-sync", new JsonObject { ["limit"] = 2, ["updatedUntil"] = until }, expect: 200);
        Assert.Equal(2, page.AsArray().Count);
        var last = new[] { a, b }.Max(StringComparer.Ordinal)!;
        var empty = await user.Post("/api/sync/full-sync", new JsonObject { ["limit"] = 2, ["updatedUntil"] = until, ["lastId"] = last }, expect: 200);
        Assert.Empty(empty.AsArray());
    }

    [Fact]
    public async Task Partners_can_be_created_updated_and_removed_and_share_read_access()
    {
        var a = await server.NewUser("pa");
        var b = await server.NewUser("pb");
        var photo = await Uploads.UploadOk(a, Uploads.CorpusFile("jpeg/nikon-d5000_xmp-createdate-with-tz.jpg"));
        await TestClient.ExpectError(await b.Http.GetAsync($"/api/assets/{photo}"), 400);
        var created = await a.Post($"/api/partners/{b.UserId}", expect: 201);
        SpecValidator.AssertValid(created, "PartnerResponseDto");
        await TestClient.ExpectError(await a.PostRaw($"/api/partners/{b.UserId}"), 400);
        await TestClient.ExpectError(await a.PostRaw($"/api/partners/{a.UserId}"), 400);
        Assert.Equal(HttpStatusCode.OK, (await b.Http.GetAsync($"/api/assets/{photo}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.Http.GetAsync($"/api/assets/{photo}/original")).StatusCode);
        // a partner can look, not change
        await TestClient.ExpectError(await b.Send(HttpMethod.Put, $"/api/assets/{photo}", new JsonObject { ["isFavorite"] = true }), 400);

        var upd = await b.Put($"/api/partners/{a.UserId}", new JsonObject { ["inTimeline"] = true });
        Assert.True(upd["inTimeline"]!.GetValue<bool>());
        var buckets = await b.Get("/api/timeline/buckets?withPartners=true");
        SpecValidator.AssertValidArray(buckets, "TimeBucketsResponseDto");
        Assert.Equal(1, buckets.AsArray().Sum(x => x!["count"]!.GetValue<int>()));
        Assert.Empty((await b.Get("/api/timeline/buckets")).AsArray());

        await a.Delete($"/api/partners/{b.UserId}");
        await TestClient.ExpectError(await b.Http.GetAsync($"/api/assets/{photo}"), 400);
        await TestClient.ExpectError(await a.Send(HttpMethod.Delete, $"/api/partners/{b.UserId}"), 400);
        await TestClient.ExpectError(await a.Http.GetAsync("/api/partners?direction=sideways"), 400);
    }

    [Fact]
    public async Task Timeline_buckets_agree_with_the_assets()
    {
        var admin = await server.Admin();
        var user = await server.NewUser("timeline");
        var files = Uploads.Corpus().Where(f => f.Contains("/jpeg/") || f.Contains("/orientation/") || f.Contains("/video/")).ToList();
        foreach (var f in files) await Uploads.UploadOk(user, f);
        await PipelineTests.WaitForJobs(admin);
        var buckets = await user.Get("/api/timeline/buckets");
        SpecValidator.AssertValidArray(buckets, "TimeBucketsResponseDto");
        var stats = await user.Get("/api/assets/statistics");
        Assert.Equal(stats["total"]!.GetValue<int>(), buckets.AsArray().Sum(b => b!["count"]!.GetValue<int>()));
        var months = buckets.AsArray().Select(b => b!["timeBucket"]!.GetValue<string>()).ToList();
        Assert.Equal(months.OrderDescending(StringComparer.Ordinal), months);

        var seen = new HashSet<string>();
        foreach (var b in buckets.AsArray())
        {
            var month = b!["timeBucket"]!.GetValue<string>();
            var bucket = await user.Get($"/api/timeline/bucket?timeBucket={month}");
            SpecValidator.AssertValid(bucket, "TimeBucketAssetResponseDto");
            var ids = bucket["id"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
            Assert.Equal(b["count"]!.GetValue<int>(), ids.Count);
            var dates = bucket["localDateTime"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
            Assert.Equal(dates.OrderDescending(StringComparer.Ordinal), dates);
            Assert.All(dates, d => Assert.StartsWith(month[..7], d));
            foreach (var id in ids)
            {
                Assert.True(seen.Add(id));
                var info = await user.Get($"/api/assets/{id}");
                Assert.Equal(info["localDateTime"]!.GetValue<string>(), dates[ids.IndexOf(id)]);
            }
            Assert.All(bucket["ratio"]!.AsArray(), r => Assert.True(r!.GetValue<double>() > 0));
        }
        // filters: favorites, trash, asc order, paging
        var first = seen.First();
        await user.Put("/api/assets", new JsonObject { ["ids"] = Ids(first), ["isFavorite"] = true }, expect: 204);
        Assert.Equal(1, (await user.Get("/api/timeline/buckets?isFavorite=true")).AsArray().Sum(b => b!["count"]!.GetValue<int>()));
        await user.Delete("/api/assets", new JsonObject { ["ids"] = Ids(first) }, expect: 204);
        Assert.Equal(1, (await user.Get("/api/timeline/buckets?isTrashed=true")).AsArray().Sum(b => b!["count"]!.GetValue<int>()));
        var asc = (await user.Get("/api/timeline/buckets?order=asc")).AsArray().Select(b => b!["timeBucket"]!.GetValue<string>()).ToList();
        Assert.Equal(asc.Order(StringComparer.Ordinal), asc);
        var big = buckets.AsArray().OrderByDescending(b => b!["count"]!.GetValue<int>()).First()!["timeBucket"]!.GetValue<string>();
        var p1 = await user.Get($"/api/timeline/bucket?timeBucket={big}&page=1&pageSize=1");
        Assert.Single(p1["id"]!.AsArray());
        // the locked folder needs a PIN-elevated session (401, as upstream's requireElevatedPermission)
        Assert.Equal("Elevated permission is required", await TestClient.ExpectError(await user.Http.GetAsync("/api/timeline/buckets?visibility=locked"), 401));
        // other users' timelines are closed
        var other = await server.NewUser("timeline-other");
        await TestClient.ExpectError(await other.Http.GetAsync($"/api/timeline/buckets?userId={user.UserId}"), 400);
        await TestClient.ExpectError(await other.Http.GetAsync("/api/timeline/bucket"), 400);
    }
}
