using System.Net;
using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.Api;

public sealed class SharedLinksTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    static async Task<JsonNode> CreateLink(TestClient owner, JsonObject body)
    {
        var link = await owner.Post("/api/shared-links", body);
        SpecValidator.AssertValid(link, "SharedLinkResponseDto");
        return link;
    }

    static string Key(JsonNode link) => link["key"]!.GetValue<string>();

    static async Task<HttpResponseMessage> Get(TestClient c, string path) => await c.Http.GetAsync(path);

    [Fact]
    public async Task Album_link_shows_its_album_and_nothing_else()
    {
        var owner = await server.NewUser("owner");
        var stranger = await server.NewUser("stranger");
        var inAlbum = await AlbumKit.Photo(owner);
        var outside = await AlbumKit.Photo(owner);
        var album = AlbumKit.Id(await AlbumKit.Create(owner, "Linked", [inAlbum]));
        var other = AlbumKit.Id(await AlbumKit.Create(owner, "Other", [outside]));

        // only the owner shares an album
        Assert.Equal("Not found or no album.share access", await AlbumKit.Error(stranger, HttpMethod.Post, "/api/shared-links",
            new JsonObject { ["type"] = "ALBUM", ["albumId"] = album }, 400));
        Assert.Equal("Invalid albumId", await AlbumKit.Error(owner, HttpMethod.Post, "/api/shared-links", new JsonObject { ["type"] = "ALBUM" }, 400));

        var link = await CreateLink(owner, new JsonObject { ["type"] = "ALBUM", ["albumId"] = album, ["description"] = "For the family" });
        var key = Key(link);
        Assert.Matches("^[A-Za-z0-9_-]{67}$", key); // 50 random bytes, base64url
        Assert.Equal("ALBUM", link["type"]!.GetValue<string>());
        Assert.Equal(owner.UserId, link["userId"]!.GetValue<string>());
        Assert.Equal(album, link["album"]!["id"]!.GetValue<string>());
        Assert.Equal("For the family", link["description"]!.GetValue<string>());
        Assert.True(link["allowDownload"]!.GetValue<bool>());
        Assert.True(link["allowUpload"]!.GetValue<bool>()); // upstream's default
        Assert.True(link["showMetadata"]!.GetValue<bool>());
        AlbumKit.AssertNullField(link, "password");
        AlbumKit.AssertNullField(link, "expiresAt");

        // the owner's views of it
        var mine = await owner.Get("/api/shared-links");
        SpecValidator.AssertValidArray(mine, "SharedLinkResponseDto");
        Assert.Equal([AlbumKit.Id(link)], mine.AsArray().Select(l => AlbumKit.Id(l!)).ToArray());
        Assert.Single((await owner.Get($"/api/shared-links?albumId={album}")).AsArray());
        Assert.Empty((await owner.Get($"/api/shared-links?albumId={other}")).AsArray());
        SpecValidator.AssertValid(await owner.Get($"/api/shared-links/{AlbumKit.Id(link)}"), "SharedLinkResponseDto");
        Assert.Equal("Shared link not found", await TestClient.ExpectError(await Get(stranger, $"/api/shared-links/{AlbumKit.Id(link)}"), 400));
        Assert.Empty((await stranger.Get("/api/shared-links")).AsArray());
        var albumNow = await owner.Get($"/api/albums/{album}");
        Assert.True(albumNow["hasSharedLink"]!.GetValue<bool>());
        Assert.True(albumNow["shared"]!.GetValue<bool>());
        Assert.Contains(album, (await owner.Get("/api/albums?shared=true")).AsArray().Select(a => AlbumKit.Id(a!)));

        // what the key opens, without a login
        var anon = server.Anonymous();
        var me = await anon.Get($"/api/shared-links/me?key={key}");
        SpecValidator.AssertValid(me, "SharedLinkResponseDto");
        Assert.Equal([inAlbum], me["assets"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).ToArray());
        var viaKey = await anon.Get($"/api/albums/{album}?key={key}");
        SpecValidator.AssertValid(viaKey, "AlbumResponseDto");
        Assert.Equal([inAlbum], AlbumKit.AssetIdsOf(viaKey));
        SpecValidator.AssertValid(await anon.Get($"/api/assets/{inAlbum}?key={key}"), "AssetResponseDto");
        Assert.Equal(HttpStatusCode.OK, (await Get(anon, $"/api/assets/{inAlbum}/original?key={key}")).StatusCode);
        var info = await anon.Post($"/api/download/info?key={key}", new JsonObject { ["albumId"] = album });
        Assert.Equal([inAlbum], info["archives"]![0]!["assetIds"]!.AsArray().Select(x => x!.GetValue<string>()).ToArray());
        Assert.Equal(HttpStatusCode.OK, (await anon.Send(HttpMethod.Post, $"/api/download/archive?key={key}", new JsonObject { ["assetIds"] = AlbumKit.Ids(inAlbum) })).StatusCode);
        // the header works as the query does
        var header = server.Anonymous();
        header.Http.DefaultRequestHeaders.Add("x-immich-share-key", key);
        await header.Get($"/api/albums/{album}");

        // ...and nothing else: other albums and assets, other operations, the owner's library
        Assert.Equal("Not found or no album.read access", await TestClient.ExpectError(await Get(anon, $"/api/albums/{other}?key={key}"), 400));
        await TestClient.ExpectError(await Get(anon, $"/api/assets/{outside}?key={key}"), 400);
        await TestClient.ExpectError(await Get(anon, $"/api/assets/{outside}/original?key={key}"), 400);
        await AlbumKit.Error(anon, HttpMethod.Post, $"/api/download/info?key={key}", new JsonObject { ["albumId"] = other }, 400);
        await AlbumKit.Error(anon, HttpMethod.Post, $"/api/download/info?key={key}", new JsonObject { ["userId"] = owner.UserId }, 400);
        await AlbumKit.Error(anon, HttpMethod.Post, $"/api/download/archive?key={key}", new JsonObject { ["assetIds"] = AlbumKit.Ids(outside) }, 400);
        await TestClient.ExpectError(await Get(header, "/api/albums"), 403);
        await TestClient.ExpectError(await Get(header, "/api/users/me"), 403);
        await TestClient.ExpectError(await Get(header, "/api/shared-links"), 403);
        await AlbumKit.Error(header, HttpMethod.Delete, $"/api/albums/{album}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(inAlbum) }, 403);
        await AlbumKit.Error(header, HttpMethod.Post, "/api/activities", new JsonObject { ["albumId"] = album, ["type"] = "like" }, 403);
        await AlbumKit.Error(anon, HttpMethod.Put, $"/api/assets/{inAlbum}/original?key={key}", null, 400);
        Assert.Equal("Invalid share key", await TestClient.ExpectError(await Get(anon, $"/api/albums/{album}?key=not-a-key"), 401));
        Assert.Equal("Invalid share key", await TestClient.ExpectError(await Get(anon, $"/api/albums/{album}?key={new string('A', 67)}"), 401));
        // a logged-in user without a key has no "my shared link"
        Assert.Equal(403, (int)(await Get(stranger, "/api/shared-links/me")).StatusCode);

        // downloads follow allowDownload; viewing does not
        var edited = await owner.Send(HttpMethod.Patch, $"/api/shared-links/{AlbumKit.Id(link)}", new JsonObject { ["allowDownload"] = false });
        SpecValidator.AssertValid(await TestClient.Expect(edited, 200), "SharedLinkResponseDto");
        await anon.Get($"/api/assets/{inAlbum}?key={key}");
        await anon.Get($"/api/albums/{album}?key={key}");
        Assert.Equal("Not found or no asset.download access", await TestClient.ExpectError(await Get(anon, $"/api/assets/{inAlbum}/original?key={key}"), 400));
        Assert.Equal("Not found or no album.download access", await AlbumKit.Error(anon, HttpMethod.Post, $"/api/download/info?key={key}", new JsonObject { ["albumId"] = album }, 400));
        await AlbumKit.Error(anon, HttpMethod.Post, $"/api/download/info?key={key}", new JsonObject { ["assetIds"] = AlbumKit.Ids(inAlbum) }, 400);
        await AlbumKit.Error(anon, HttpMethod.Post, $"/api/download/archive?key={key}", new JsonObject { ["assetIds"] = AlbumKit.Ids(inAlbum) }, 400);

        // a trashed asset drops out of the link
        await owner.Send(HttpMethod.Delete, "/api/assets", new JsonObject { ["ids"] = AlbumKit.Ids(inAlbum) });
        await TestClient.ExpectError(await Get(anon, $"/api/assets/{inAlbum}?key={key}"), 400);
        await owner.Post("/api/trash/restore/assets", new JsonObject { ["ids"] = AlbumKit.Ids(inAlbum) }, expect: 200);

        // deleting the link (owner only) kills the key; deleting the album deletes its links
        Assert.Equal("Shared link not found", await AlbumKit.Error(stranger, HttpMethod.Delete, $"/api/shared-links/{AlbumKit.Id(link)}", null, 400));
        await owner.Delete($"/api/shared-links/{AlbumKit.Id(link)}");
        Assert.Equal("Invalid share key", await TestClient.ExpectError(await Get(anon, $"/api/albums/{album}?key={key}"), 401));
        var second = Key(await CreateLink(owner, new JsonObject { ["type"] = "ALBUM", ["albumId"] = album }));
        await owner.Delete($"/api/albums/{album}");
        Assert.Equal("Invalid share key", await TestClient.ExpectError(await Get(anon, $"/api/shared-links/me?key={second}"), 401));
        Assert.Empty((await owner.Get("/api/shared-links")).AsArray());
    }

    [Fact]
    public async Task Individual_link_holds_its_assets()
    {
        var owner = await server.NewUser("owner");
        var other = await server.NewUser("other");
        var a = await AlbumKit.Photo(owner);
        var b = await AlbumKit.Photo(owner);
        var c = await AlbumKit.Photo(owner);
        var foreign = await AlbumKit.Photo(other);

        Assert.Equal("Invalid assetIds", await AlbumKit.Error(owner, HttpMethod.Post, "/api/shared-links", new JsonObject { ["type"] = "INDIVIDUAL" }, 400));
        Assert.Equal("Not found or no asset.share access", await AlbumKit.Error(owner, HttpMethod.Post, "/api/shared-links",
            new JsonObject { ["type"] = "INDIVIDUAL", ["assetIds"] = AlbumKit.Ids(a, foreign) }, 400));
        await AlbumKit.Error(owner, HttpMethod.Post, "/api/shared-links", new JsonObject { ["type"] = "SOMETHING", ["assetIds"] = AlbumKit.Ids(a) }, 400);

        var link = await CreateLink(owner, new JsonObject { ["type"] = "INDIVIDUAL", ["assetIds"] = AlbumKit.Ids(a, b) });
        var id = AlbumKit.Id(link);
        var key = Key(link);
        Assert.Null(link["album"]);
        Assert.Equal(new[] { a, b }.Order().ToArray(), link["assets"]!.AsArray().Select(x => x!["id"]!.GetValue<string>()).Order().ToArray());

        var anon = server.Anonymous();
        await anon.Get($"/api/assets/{a}?key={key}");
        await TestClient.ExpectError(await Get(anon, $"/api/assets/{c}?key={key}"), 400);

        // the owner adds and removes, with a result per asset
        var added = await owner.Put($"/api/shared-links/{id}/assets", new JsonObject { ["assetIds"] = AlbumKit.Ids(c, a, foreign, c) });
        SpecValidator.AssertValidArray(added, "AssetIdsResponseDto");
        Assert.Equal([(c, true, null), (a, false, "duplicate"), (foreign, false, "no_permission"), (c, false, "duplicate")], AlbumKit.Results(added, "assetId"));
        await anon.Get($"/api/assets/{c}?key={key}");
        var removed = await owner.Delete($"/api/shared-links/{id}/assets", new JsonObject { ["assetIds"] = AlbumKit.Ids(b, foreign) });
        SpecValidator.AssertValidArray(removed, "AssetIdsResponseDto");
        Assert.Equal([(b, true, null), (foreign, false, "not_found")], AlbumKit.Results(removed, "assetId"));
        await TestClient.ExpectError(await Get(anon, $"/api/assets/{b}?key={key}"), 400);
        Assert.Equal(2, (await owner.Get($"/api/shared-links/{id}"))["assets"]!.AsArray().Count);

        // a key holder never removes; others never touch the link
        Assert.Equal(403, (int)(await anon.Send(HttpMethod.Delete, $"/api/shared-links/{id}/assets?key={key}", new JsonObject { ["assetIds"] = AlbumKit.Ids(a) })).StatusCode);
        Assert.Equal("Shared link not found", await AlbumKit.Error(other, HttpMethod.Put, $"/api/shared-links/{id}/assets", new JsonObject { ["assetIds"] = AlbumKit.Ids(foreign) }, 400));

        // album links hold no assets of their own
        var albumLink = await CreateLink(owner, new JsonObject { ["type"] = "ALBUM", ["albumId"] = AlbumKit.Id(await AlbumKit.Create(owner, "A")) });
        Assert.Equal("Invalid shared link type", await AlbumKit.Error(owner, HttpMethod.Put, $"/api/shared-links/{AlbumKit.Id(albumLink)}/assets",
            new JsonObject { ["assetIds"] = AlbumKit.Ids(a) }, 400));

        // an asset deleted for good leaves the link
        await owner.Send(HttpMethod.Delete, "/api/assets", new JsonObject { ["ids"] = AlbumKit.Ids(c), ["force"] = true });
        Assert.Equal([a], (await owner.Get($"/api/shared-links/{id}"))["assets"]!.AsArray().Select(x => x!["id"]!.GetValue<string>()).ToArray());
    }

    [Fact]
    public async Task Password_protected_link_needs_the_password_or_its_token()
    {
        var owner = await server.NewUser("owner");
        var asset = await AlbumKit.Photo(owner);
        var album = AlbumKit.Id(await AlbumKit.Create(owner, "Secret", [asset]));
        var link = await CreateLink(owner, new JsonObject { ["type"] = "ALBUM", ["albumId"] = album, ["password"] = "open sesame" });
        Assert.Equal("open sesame", link["password"]!.GetValue<string>()); // the owner's edit form shows it
        var key = Key(link);

        var anon = server.Anonymous();
        Assert.Equal("Invalid password", await TestClient.ExpectError(await Get(anon, $"/api/shared-links/me?key={key}"), 401));
        Assert.Equal("Invalid password", await TestClient.ExpectError(await Get(anon, $"/api/shared-links/me?key={key}&password=wrong"), 401));
        Assert.Equal("Invalid password", await TestClient.ExpectError(await Get(anon, $"/api/albums/{album}?key={key}"), 401));
        Assert.Equal("Invalid password", await TestClient.ExpectError(await Get(anon, $"/api/assets/{asset}/original?key={key}"), 401));

        // the right password gives a token, in the body and as a cookie, that opens the link from then on
        var ok = await Get(anon, $"/api/shared-links/me?key={key}&password=open%20sesame");
        var me = await TestClient.Expect(ok, 200);
        SpecValidator.AssertValid(me, "SharedLinkResponseDto");
        var token = me["token"]!.GetValue<string>();
        Assert.Contains(ok.Headers.GetValues("Set-Cookie"), c => c.StartsWith("immich_shared_link_token=") && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        await anon.Get($"/api/albums/{album}?key={key}"); // the cookie travels with the client
        await anon.Get($"/api/shared-links/me?key={key}");
        var fresh = server.Anonymous();
        await TestClient.ExpectError(await Get(fresh, $"/api/albums/{album}?key={key}"), 401);
        await fresh.Get($"/api/albums/{album}?key={key}&token={Uri.EscapeDataString(token)}");
        Assert.Equal(HttpStatusCode.OK, (await Get(fresh, $"/api/assets/{asset}/original?key={key}&password=open%20sesame")).StatusCode);

        // a new password invalidates the old token; removing it opens the link
        await owner.Send(HttpMethod.Patch, $"/api/shared-links/{AlbumKit.Id(link)}", new JsonObject { ["password"] = "another" });
        Assert.Equal("Invalid password", await TestClient.ExpectError(await Get(anon, $"/api/albums/{album}?key={key}"), 401));
        var cleared = await TestClient.Expect(await owner.Send(HttpMethod.Patch, $"/api/shared-links/{AlbumKit.Id(link)}", new JsonObject { ["password"] = "" }), 200);
        AlbumKit.AssertNullField(cleared, "password");
        var open = await server.Anonymous().Get($"/api/shared-links/me?key={key}");
        Assert.Null(open["token"]);
    }

    [Fact]
    public async Task Expired_links_are_invalid_keys()
    {
        var owner = await server.NewUser("owner");
        var asset = await AlbumKit.Photo(owner);
        var past = DateTime.UtcNow.AddMinutes(-1).ToString("O");
        var link = await CreateLink(owner, new JsonObject { ["type"] = "INDIVIDUAL", ["assetIds"] = AlbumKit.Ids(asset), ["expiresAt"] = past });
        var key = Key(link);
        var anon = server.Anonymous();
        Assert.Equal("Invalid share key", await TestClient.ExpectError(await Get(anon, $"/api/shared-links/me?key={key}"), 401));
        Assert.Equal("Invalid share key", await TestClient.ExpectError(await Get(anon, $"/api/assets/{asset}?key={key}"), 401));
        // the owner still sees (and can renew) it
        Assert.Single((await owner.Get("/api/shared-links")).AsArray());

        var future = DateTime.UtcNow.AddDays(1).ToString("O");
        var renewed = await TestClient.Expect(await owner.Send(HttpMethod.Patch, $"/api/shared-links/{AlbumKit.Id(link)}", new JsonObject { ["expiresAt"] = future }), 200);
        Assert.NotNull(renewed["expiresAt"]);
        await anon.Get($"/api/assets/{asset}?key={key}");
        // editing something else keeps the expiry; changeExpiryTime without a date clears it
        var kept = await TestClient.Expect(await owner.Send(HttpMethod.Patch, $"/api/shared-links/{AlbumKit.Id(link)}", new JsonObject { ["description"] = "d" }), 200);
        Assert.NotNull(kept["expiresAt"]);
        Assert.Equal("d", kept["description"]!.GetValue<string>());
        var never = await TestClient.Expect(await owner.Send(HttpMethod.Patch, $"/api/shared-links/{AlbumKit.Id(link)}", new JsonObject { ["changeExpiryTime"] = true }), 200);
        AlbumKit.AssertNullField(never, "expiresAt");
        await owner.Send(HttpMethod.Patch, $"/api/shared-links/{AlbumKit.Id(link)}", new JsonObject { ["expiresAt"] = past });
        await TestClient.ExpectError(await Get(anon, $"/api/assets/{asset}?key={key}"), 401);
        var cleared = await TestClient.Expect(await owner.Send(HttpMethod.Patch, $"/api/shared-links/{AlbumKit.Id(link)}", JsonNode.Parse("{\"expiresAt\":null}")), 200);
        AlbumKit.AssertNullField(cleared, "expiresAt");
        await anon.Get($"/api/assets/{asset}?key={key}");
    }

    [Fact]
    public async Task Uploads_through_a_link_go_to_its_owner_and_into_its_album()
    {
        var owner = await server.NewUser("owner");
        var album = AlbumKit.Id(await AlbumKit.Create(owner, "Drop box"));
        var closed = Key(await CreateLink(owner, new JsonObject { ["type"] = "ALBUM", ["albumId"] = album, ["allowUpload"] = false }));
        var open = Key(await CreateLink(owner, new JsonObject { ["type"] = "ALBUM", ["albumId"] = album, ["allowUpload"] = true }));
        var anon = server.Anonymous();

        var bytes = AlbumKit.UniqueJpeg();
        Assert.Equal("Not found or no asset.upload access", await TestClient.ExpectError(
            await AlbumKit.Upload(anon, bytes, url: $"/api/assets?key={closed}"), 400));
        var created = await TestClient.Expect(await AlbumKit.Upload(anon, bytes, url: $"/api/assets?key={open}"), 201);
        var id = created["id"]!.GetValue<string>();
        var asset = await owner.Get($"/api/assets/{id}");
        Assert.Equal(owner.UserId, asset["ownerId"]!.GetValue<string>());
        var info = await owner.Get($"/api/albums/{album}");
        Assert.Equal([id], AlbumKit.AssetIdsOf(info));
        Assert.Equal(id, info["albumThumbnailAssetId"]!.GetValue<string>());
        await anon.Get($"/api/assets/{id}?key={open}");

        // the web then adds the upload to the album with the key: already there
        var again = await anon.Put($"/api/albums/{album}/assets?key={open}", new JsonObject { ["ids"] = AlbumKit.Ids(id) });
        Assert.Equal([(id, false, "duplicate")], AlbumKit.Results(again));
        Assert.Equal("Not found or no album.addAsset access", await AlbumKit.Error(anon, HttpMethod.Put, $"/api/albums/{album}/assets?key={closed}",
            new JsonObject { ["ids"] = AlbumKit.Ids(id) }, 400));
        // the same bytes again: a duplicate, still in the album
        var dup = await TestClient.Expect(await AlbumKit.Upload(anon, bytes, url: $"/api/assets?key={open}"), 200);
        Assert.Equal("duplicate", dup["status"]!.GetValue<string>());
        Assert.Equal(id, dup["id"]!.GetValue<string>());

        // an individual link with uploads collects them
        var first = await AlbumKit.Photo(owner);
        var individual = await CreateLink(owner, new JsonObject { ["type"] = "INDIVIDUAL", ["assetIds"] = AlbumKit.Ids(first) });
        var ikey = Key(individual);
        var upload = (await TestClient.Expect(await AlbumKit.Upload(anon, AlbumKit.UniqueJpeg(), url: $"/api/assets?key={ikey}"), 201))["id"]!.GetValue<string>();
        var linkNow = await owner.Get($"/api/shared-links/{AlbumKit.Id(individual)}");
        Assert.Contains(upload, linkNow["assets"]!.AsArray().Select(x => x!["id"]!.GetValue<string>()));
        var extra = await AlbumKit.Photo(owner);
        var viaKey = await anon.Put($"/api/shared-links/{AlbumKit.Id(individual)}/assets?key={ikey}", new JsonObject { ["assetIds"] = AlbumKit.Ids(upload, extra) });
        Assert.Equal([(upload, false, "duplicate"), (extra, true, null)], AlbumKit.Results(viaKey, "assetId"));
        // a link holder reaches only its own link
        var otherLink = AlbumKit.Id(await CreateLink(owner, new JsonObject { ["type"] = "INDIVIDUAL", ["assetIds"] = AlbumKit.Ids(first) }));
        Assert.Equal("Shared link not found", await AlbumKit.Error(anon, HttpMethod.Put, $"/api/shared-links/{otherLink}/assets?key={ikey}",
            new JsonObject { ["assetIds"] = AlbumKit.Ids(extra) }, 400));
    }

    [Fact]
    public async Task Hidden_metadata_hides_metadata_and_downloads()
    {
        var owner = await server.NewUser("owner");
        var asset = await AlbumKit.Photo(owner);
        var link = await CreateLink(owner, new JsonObject { ["type"] = "INDIVIDUAL", ["assetIds"] = AlbumKit.Ids(asset), ["showMetadata"] = false, ["allowDownload"] = true });
        Assert.False(link["showMetadata"]!.GetValue<bool>());
        Assert.False(link["allowDownload"]!.GetValue<bool>()); // no metadata, no downloads
        Assert.NotEqual("", link["assets"]![0]!["originalFileName"]!.GetValue<string>()); // the owner sees everything

        var me = await server.Anonymous().Get($"/api/shared-links/me?key={Key(link)}");
        SpecValidator.AssertValid(me, "SharedLinkResponseDto");
        var shown = me["assets"]![0]!;
        Assert.Equal(asset, shown["id"]!.GetValue<string>());
        Assert.Null(shown["exifInfo"]);
        Assert.Equal("", shown["originalFileName"]!.GetValue<string>());
        Assert.False(shown["hasMetadata"]!.GetValue<bool>());
        await TestClient.ExpectError(await Get(server.Anonymous(), $"/api/assets/{asset}/original?key={Key(link)}"), 400);
    }
}
