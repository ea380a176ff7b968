using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;
using ImmichLite.Tests.Pipeline;

namespace ImmichLite.Tests.Library;

/// <summary>The sync stream (POST /sync/stream) and its per-session acks, through HTTP.</summary>
public sealed class SyncStreamTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    static readonly string[] AllTypes = ["AlbumUsersV1", "AssetExifsV1", "UsersV1", "PartnerAssetExifsV1", "AssetsV1", "AlbumsV1", "PartnersV1", "PartnerAssetsV1"];

    /// <summary>Entity types in the order the stream must emit them (request-type order; per type deletes first).</summary>
    static readonly string[] EntityOrder =
    [
        "UserDeleteV1", "UserV1", "PartnerDeleteV1", "PartnerV1", "AssetDeleteV1", "AssetV1", "AssetExifV1",
        "PartnerAssetDeleteV1", "PartnerAssetV1", "PartnerAssetExifV1", "AlbumDeleteV1", "AlbumV1", "AlbumUserDeleteV1", "AlbumUserV1",
    ];

    static readonly Dictionary<string, string> Schema = new()
    {
        ["UserV1"] = "SyncUserV1", ["UserDeleteV1"] = "SyncUserDeleteV1",
        ["PartnerV1"] = "SyncPartnerV1", ["PartnerDeleteV1"] = "SyncPartnerDeleteV1",
        ["AssetV1"] = "SyncAssetV1", ["AssetDeleteV1"] = "SyncAssetDeleteV1", ["AssetExifV1"] = "SyncAssetExifV1",
        ["PartnerAssetV1"] = "SyncAssetV1", ["PartnerAssetDeleteV1"] = "SyncAssetDeleteV1", ["PartnerAssetExifV1"] = "SyncAssetExifV1",
        ["AlbumV1"] = "SyncAlbumV1", ["AlbumDeleteV1"] = "SyncAlbumDeleteV1",
        ["AlbumUserV1"] = "SyncAlbumUserV1", ["AlbumUserDeleteV1"] = "SyncAlbumUserDeleteV1",
    };

    /// <summary>The spec says integer for these, but upstream sends the real (fractional) EXIF values.</summary>
    static readonly string[] WidenedExif = ["fNumber", "focalLength", "fps", "latitude", "longitude"];

    sealed record Line(string Type, JsonObject Data, string Ack)
    {
        public string UpdateId => Ack[(Ack.IndexOf('|') + 1)..];
        public string? S(string field) => Data[field]?.GetValue<string>();
    }

    static async Task<HttpResponseMessage> StreamRaw(TestClient c, params string[] types)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, "/api/sync/stream")
        {
            Content = new StringContent(new JsonObject { ["types"] = new JsonArray(types.Select(t => (JsonNode)t!).ToArray()) }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        req.Headers.Add("Accept", "application/jsonlines+json");
        return await c.Http.SendAsync(req);
    }

    /// <summary>Streams, checks every line (shape by type, ack format, order of types, ascending ids per type).</summary>
    static async Task<List<Line>> Stream(TestClient c, params string[] types)
    {
        var r = await StreamRaw(c, types);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("application/jsonlines+json", r.Content.Headers.ContentType?.MediaType);
        var lines = new List<Line>();
        foreach (var raw in text.Split('\n'))
        {
            if (raw.Length == 0) continue;
            var node = JsonNode.Parse(raw)!.AsObject();
            Assert.Equal(3, node.Count);
            var type = node["type"]!.GetValue<string>();
            var data = node["data"]!.AsObject();
            var ack = node["ack"]!.GetValue<string>();
            Assert.True(Schema.ContainsKey(type), "unknown type " + type);
            var parts = ack.Split('|');
            Assert.Equal(2, parts.Length);
            Assert.Equal(type, parts[0]);
            Assert.True(Guid.TryParse(parts[1], out _), ack);
            var check = data.DeepClone().AsObject();
            if (Schema[type] == "SyncAssetExifV1")
                foreach (var f in WidenedExif)
                    if (check[f] is JsonValue v)
                    {
                        Assert.Equal(System.Text.Json.JsonValueKind.Number, v.GetValueKind());
                        check[f] = null;
                    }
            SpecValidator.AssertValid(check, Schema[type]);
            lines.Add(new Line(type, data, ack));
        }
        for (var i = 1; i < lines.Count; i++)
        {
            var (prev, cur) = (Array.IndexOf(EntityOrder, lines[i - 1].Type), Array.IndexOf(EntityOrder, lines[i].Type));
            Assert.True(prev <= cur, $"{lines[i - 1].Type} before {lines[i].Type}");
            if (prev == cur) Assert.True(string.CompareOrdinal(lines[i - 1].UpdateId, lines[i].UpdateId) < 0, $"{lines[i].Type} ids not ascending");
        }
        return lines;
    }

    /// <summary>Acks the last line of each type, as the app does after applying a batch.</summary>
    static async Task AckAll(TestClient c, IEnumerable<Line> lines)
    {
        var acks = lines.GroupBy(l => l.Type).Select(g => (JsonNode)g.Last().Ack!).ToArray();
        if (acks.Length == 0) return;
        await c.Post("/api/sync/ack", new JsonObject { ["acks"] = new JsonArray(acks) }, expect: 204);
    }

    async Task<TestClient> SecondSession(TestClient c)
    {
        var me = await c.Get("/api/users/me");
        return await server.Login(me["email"]!.GetValue<string>(), "user-password");
    }

    [Fact]
    public async Task SyncStream_fresh_session_gets_everything_then_only_changes()
    {
        var admin = await server.Admin();
        var me = await server.NewUser("me");
        var partner = await server.NewUser("partner");
        var friend = await server.NewUser("friend");
        var keepFile = Uploads.CorpusFile("jpeg/apple-iphone4_gps.jpg");
        var keep = await Uploads.UploadOk(me, keepFile);
        var gone = await Uploads.UploadOk(me, Uploads.CorpusFile("jpeg/canon-eos7d_iptc-keywords.jpg"));
        var theirs = await Uploads.UploadOk(partner, Uploads.CorpusFile("jpeg/canon-eos500d_xmp-rating.jpg"));
        await partner.Post($"/api/partners/{me.UserId}", expect: 201);
        var album = (await me.Post("/api/albums", new JsonObject
        {
            ["albumName"] = "Holidays",
            ["assetIds"] = new JsonArray(keep),
            ["albumUsers"] = new JsonArray(new JsonObject { ["userId"] = friend.UserId, ["role"] = "editor" }),
        }))["id"]!.GetValue<string>();
        await PipelineTests.WaitForJobs(admin);

        // a fresh session: everything, in order, with valid shapes
        var first = await Stream(me, AllTypes);
        Assert.DoesNotContain(first, l => l.Type.EndsWith("DeleteV1") && l.Type != "PartnerAssetDeleteV1");
        var users = first.Where(l => l.Type == "UserV1").ToList();
        foreach (var u in new[] { me, partner, friend }) Assert.Contains(users, l => l.S("id") == u.UserId);
        var meLine = users.Single(l => l.S("id") == me.UserId);
        Assert.Equal((await me.Get("/api/users/me"))["email"]!.GetValue<string>(), meLine.S("email"));
        Assert.Null(meLine.Data["deletedAt"]);
        var partnerLine = Assert.Single(first, l => l.Type == "PartnerV1");
        Assert.Equal(partner.UserId, partnerLine.S("sharedById"));
        Assert.Equal(me.UserId, partnerLine.S("sharedWithId"));
        Assert.False(partnerLine.Data["inTimeline"]!.GetValue<bool>());
        var assets = first.Where(l => l.Type == "AssetV1").ToList();
        Assert.Equal(new[] { keep, gone }.Order(), assets.Select(l => l.S("id")!).Order());
        var keepLine = assets.Single(l => l.S("id") == keep);
        Assert.Equal(Uploads.Sha1Base64(await File.ReadAllBytesAsync(keepFile)), keepLine.S("checksum"));
        Assert.Equal(me.UserId, keepLine.S("ownerId"));
        Assert.Equal("IMAGE", keepLine.S("type"));
        Assert.Equal("timeline", keepLine.S("visibility"));
        Assert.False(keepLine.Data["isFavorite"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(keepLine.S("thumbhash")));
        var exifs = first.Where(l => l.Type == "AssetExifV1").ToList();
        Assert.Equal(new[] { keep, gone }.Order(), exifs.Select(l => l.S("assetId")!).Order());
        var keepExif = exifs.Single(l => l.S("assetId") == keep);
        Assert.Equal("Apple", keepExif.S("make"));
        Assert.NotNull(keepExif.Data["latitude"]);
        Assert.True(keepExif.Data["fileSizeInByte"]!.GetValue<long>() > 0);
        Assert.Equal([theirs], first.Where(l => l.Type == "PartnerAssetV1").Select(l => l.S("id")));
        Assert.Equal([theirs], first.Where(l => l.Type == "PartnerAssetExifV1").Select(l => l.S("assetId")));
        var albumLine = Assert.Single(first, l => l.Type == "AlbumV1");
        Assert.Equal(album, albumLine.S("id"));
        Assert.Equal("Holidays", albumLine.S("name"));
        Assert.Equal(me.UserId, albumLine.S("ownerId"));
        Assert.Equal(keep, albumLine.S("thumbnailAssetId"));
        var memberLine = Assert.Single(first, l => l.Type == "AlbumUserV1");
        Assert.Equal((album, friend.UserId, "editor"), (memberLine.S("albumId"), memberLine.S("userId"), memberLine.S("role")));
        // the album's member sees it too; a stranger sees none of it
        var friendLines = await Stream(friend, "AlbumsV1", "AlbumUsersV1", "AssetsV1", "PartnerAssetsV1");
        Assert.Equal([("AlbumV1", album), ("AlbumUserV1", album)], friendLines.Select(l => (l.Type, l.S("id") ?? l.S("albumId"))));

        // ack the last of each type: the acks are kept for this session, and nothing old comes back
        await AckAll(me, first);
        var acks = await me.Get("/api/sync/ack");
        SpecValidator.AssertValidArray(acks, "SyncAckDto");
        Assert.Equal(first.Select(l => l.Type).Distinct().Order(), acks.AsArray().Select(a => a!["type"]!.GetValue<string>()).Order());
        Assert.All(acks.AsArray(), a => Assert.Equal(first.Last(l => l.Type == a!["type"]!.GetValue<string>()).Ack, a!["ack"]!.GetValue<string>()));
        Assert.Empty(await Stream(me, AllTypes));

        // changes: exactly those come back, deletes before upserts
        await me.Put($"/api/assets/{keep}", new JsonObject { ["isFavorite"] = true });
        await me.Delete("/api/assets", new JsonObject { ["ids"] = new JsonArray(gone), ["force"] = true }, expect: 204);
        await partner.Delete($"/api/partners/{me.UserId}");
        await me.Delete($"/api/albums/{album}");
        var second = await Stream(me, AllTypes);
        Assert.Equal(
            [("PartnerDeleteV1", partner.UserId), ("AssetDeleteV1", gone), ("AssetV1", keep), ("AlbumDeleteV1", album)],
            second.Select(l => (l.Type, l.S("sharedById") ?? l.S("assetId") ?? l.S("id") ?? l.S("albumId"))));
        Assert.Equal(me.UserId, second[0].S("sharedWithId"));
        Assert.True(second[2].Data["isFavorite"]!.GetValue<bool>());
        await AckAll(me, second);
        Assert.Empty(await Stream(me, AllTypes));
        // the former member is told the album is gone
        Assert.Equal([("AlbumDeleteV1", album)], (await Stream(friend, "AlbumsV1")).Where(l => l.Type.StartsWith("AlbumDelete")).Select(l => (l.Type, l.S("albumId"))));

        // DELETE /sync/ack resets one type, then all of them
        await me.Delete("/api/sync/ack", new JsonObject { ["types"] = new JsonArray("AssetV1") }, expect: 204);
        Assert.Equal([("AssetV1", keep)], (await Stream(me, AllTypes)).Select(l => (l.Type, l.S("id"))));
        Assert.DoesNotContain((await me.Get("/api/sync/ack")).AsArray(), a => a!["type"]!.GetValue<string>() == "AssetV1");
        await me.Delete("/api/sync/ack", new JsonObject(), expect: 204);
        Assert.Empty((await me.Get("/api/sync/ack")).AsArray());
        var again = await Stream(me, AllTypes);
        Assert.Contains(again, l => l.Type == "AssetDeleteV1" && l.S("assetId") == gone);
        Assert.Contains(again, l => l.Type == "UserV1" && l.S("id") == me.UserId);
    }

    [Fact]
    public async Task SyncStream_acks_are_per_session_and_pages_are_seamless()
    {
        var a = await server.NewUser("sessions");
        var b = await SecondSession(a);
        // more albums than one page of the stream holds
        var albums = new List<string>();
        for (var i = 0; i < 520; i++)
            albums.Add((await a.Post("/api/albums", new JsonObject { ["albumName"] = $"a{i}" }))["id"]!.GetValue<string>());
        var lines = await Stream(a, "AlbumsV1");
        Assert.Equal(albums, lines.Select(l => l.S("id")));
        await AckAll(a, lines);
        Assert.Empty(await Stream(a, "AlbumsV1"));
        // the other session of the same user has its own (no) acks
        Assert.Empty((await b.Get("/api/sync/ack")).AsArray());
        Assert.Equal(520, (await Stream(b, "AlbumsV1")).Count);
        await TestClient.Expect(await a.Send(HttpMethod.Patch, $"/api/albums/{albums[3]}", new JsonObject { ["albumName"] = "renamed" }), 200);
        Assert.Equal(["renamed"], (await Stream(a, "AlbumsV1")).Select(l => l.S("name")));
        Assert.Equal(520, (await Stream(b, "AlbumsV1")).Count);
        Assert.Equal(albums[3], (await Stream(b, "AlbumsV1"))[^1].S("id"));
    }

    [Fact]
    public async Task SyncStream_needs_a_session_and_valid_types_and_acks()
    {
        var user = await server.NewUser("keys");
        var key = await user.Post("/api/api-keys", new JsonObject { ["name"] = "k", ["permissions"] = new JsonArray("all") });
        var k = new TestClient(new HttpClient { BaseAddress = server.BaseUri });
        k.Http.DefaultRequestHeaders.Add("x-api-key", key["secret"]!.GetValue<string>());
        const string msg = "Sync endpoints cannot be used with API keys";
        Assert.Equal(msg, await TestClient.ExpectError(await StreamRaw(k, "UsersV1"), 403));
        Assert.Equal(msg, await TestClient.ExpectError(await k.Http.GetAsync("/api/sync/ack"), 403));
        Assert.Equal(msg, await TestClient.ExpectError(await k.PostRaw("/api/sync/ack", new JsonObject { ["acks"] = new JsonArray() }), 403));
        Assert.Equal(msg, await TestClient.ExpectError(await k.Send(HttpMethod.Delete, "/api/sync/ack", new JsonObject()), 403));
        Assert.Equal(401, (int)(await StreamRaw(server.Anonymous(), "UsersV1")).StatusCode);

        // unknown request types (a v2 app's, say) and a missing list are 400
        await TestClient.ExpectError(await StreamRaw(user, "UsersV1", "AuthUsersV1"), 400);
        await TestClient.ExpectError(await user.PostRaw("/api/sync/stream", new JsonObject()), 400);
        // acks: "<SyncEntityType>|<uuid>", one per type
        var id = Guid.NewGuid().ToString();
        foreach (var bad in new[] { "AssetV1", "AssetV1|nope", "Nope|" + id, "|" + id, $"AssetV1|{id}|x", "" })
            await TestClient.ExpectError(await user.PostRaw("/api/sync/ack", new JsonObject { ["acks"] = new JsonArray(bad) }), 400);
        Assert.Equal("Only one ack per type is allowed", await TestClient.ExpectError(
            await user.PostRaw("/api/sync/ack", new JsonObject { ["acks"] = new JsonArray($"AssetV1|{id}", $"AssetV1|{id}") }), 400));
        await TestClient.ExpectError(await user.Send(HttpMethod.Delete, "/api/sync/ack", new JsonObject { ["types"] = new JsonArray("Nope") }), 400);
        Assert.Empty((await user.Get("/api/sync/ack")).AsArray());
        await user.Post("/api/sync/ack", new JsonObject { ["acks"] = new JsonArray($"AssetV1|{id}", $"UserV1|{id}") }, expect: 204);
        Assert.Equal(2, (await user.Get("/api/sync/ack")).AsArray().Count);
        await user.Post("/api/sync/ack", new JsonObject { ["acks"] = new JsonArray() }, expect: 204);
        Assert.Equal(2, (await user.Get("/api/sync/ack")).AsArray().Count);
    }
}
