using System.Net;
using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.Api;

/// <summary>Small helpers shared by the album, shared-link and activity tests.</summary>
static class AlbumKit
{
    /// <summary>A distinct photo (a JPEG without EXIF, so nothing later rewrites its dates) taken at the given time.</summary>
    public static async Task<string> Photo(TestClient c, string taken = "2024-03-01T10:00:00.000Z", string? url = null, int expect = 201)
    {
        var r = await Upload(c, UniqueJpeg(), taken, url ?? "/api/assets");
        return (await TestClient.Expect(r, expect))["id"]!.GetValue<string>();
    }

    /// <summary>A JPEG no other test has uploaded (trailing bytes after the image change its checksum, not the picture).</summary>
    public static byte[] UniqueJpeg() =>
        File.ReadAllBytes(Uploads.CorpusFile("jpeg/no-exif_progressive.jpg")).Concat(Guid.NewGuid().ToByteArray()).ToArray();

    /// <summary>POST /api/assets as the app sends it, with the given bytes and capture time.</summary>
    public static Task<HttpResponseMessage> Upload(TestClient c, byte[] bytes, string taken = "2024-03-01T10:00:00.000Z", string url = "/api/assets")
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent("album-kit-" + Guid.NewGuid().ToString("N")[..8]), "deviceAssetId" },
            { new StringContent("test-device"), "deviceId" },
            { new StringContent(taken), "fileCreatedAt" },
            { new StringContent(taken), "fileModifiedAt" },
            { new StringContent("false"), "isFavorite" },
            { new StringContent("0:00:00.000000"), "duration" },
        };
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "assetData", $"photo-{Guid.NewGuid():N}.jpg");
        return c.Http.PostAsync(url, form);
    }

    public static JsonArray Ids(params string[] ids) => new(ids.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray());

    public static async Task<JsonNode> Create(TestClient c, string name, string[]? assets = null, params (TestClient User, string Role)[] members)
    {
        var body = new JsonObject { ["albumName"] = name };
        if (assets is not null) body["assetIds"] = Ids(assets);
        if (members.Length > 0)
            body["albumUsers"] = new JsonArray(members.Select(m => (JsonNode)new JsonObject { ["userId"] = m.User.UserId, ["role"] = m.Role }).ToArray());
        var album = await c.Post("/api/albums", body);
        SpecValidator.AssertValid(album, "AlbumResponseDto");
        return album;
    }

    public static string Id(JsonNode n) => n["id"]!.GetValue<string>();

    /// <summary>The field is there (the contract requires it) and null.</summary>
    public static void AssertNullField(JsonNode n, string field)
    {
        Assert.True(n.AsObject().ContainsKey(field), $"{field} missing");
        Assert.Null(n[field]);
    }

    public static List<string> AssetIdsOf(JsonNode album) => album["assets"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).ToList();

    public static List<(string Id, bool Success, string? Error)> Results(JsonNode n, string idField = "id") =>
        n.AsArray().Select(x => (x![idField]!.GetValue<string>(), x["success"]!.GetValue<bool>(), x["error"]?.GetValue<string>())).ToList();

    public static async Task<string> Error(TestClient c, HttpMethod method, string path, JsonNode? body, int status) =>
        await TestClient.ExpectError(await c.Send(method, path, body), status);
}

public sealed class AlbumsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Create_list_get_update_statistics_and_delete_follow_upstream()
    {
        var owner = await server.NewUser("owner");
        var editor = await server.NewUser("Zed");
        var viewer = await server.NewUser("Amy");
        var stranger = await server.NewUser("stranger");
        var a1 = await AlbumKit.Photo(owner, "2024-03-01T10:00:00.000Z");
        var a2 = await AlbumKit.Photo(owner, "2024-03-05T23:30:00.000Z");
        var foreign = await AlbumKit.Photo(stranger);

        // foreign assets are left out silently; the first asset given becomes the thumbnail
        var album = await AlbumKit.Create(owner, "Holidays", [a1, a2, foreign], (editor, "editor"), (viewer, "viewer"));
        var id = AlbumKit.Id(album);
        Assert.Equal("Holidays", album["albumName"]!.GetValue<string>());
        Assert.Equal("", album["description"]!.GetValue<string>());
        Assert.Equal(owner.UserId, album["ownerId"]!.GetValue<string>());
        Assert.Equal(owner.UserId, album["owner"]!["id"]!.GetValue<string>());
        Assert.Equal(2, album["assetCount"]!.GetValue<int>());
        Assert.Equal([a2, a1], AlbumKit.AssetIdsOf(album)); // newest first
        Assert.Equal(a1, album["albumThumbnailAssetId"]!.GetValue<string>());
        Assert.True(album["shared"]!.GetValue<bool>());
        Assert.False(album["hasSharedLink"]!.GetValue<bool>());
        Assert.True(album["isActivityEnabled"]!.GetValue<bool>());
        Assert.Equal("desc", album["order"]!.GetValue<string>());
        Assert.Equal("2024-03-01T00:00:00.000Z", album["startDate"]!.GetValue<string>());
        Assert.Equal("2024-03-05T00:00:00.000Z", album["endDate"]!.GetValue<string>());
        Assert.NotNull(album["lastModifiedAssetTimestamp"]);
        // members: viewers first, then editors; each by name
        var members = album["albumUsers"]!.AsArray();
        Assert.Equal(["viewer", "editor"], members.Select(m => m!["role"]!.GetValue<string>()).ToArray());
        Assert.Equal([viewer.UserId, editor.UserId], members.Select(m => m!["user"]!["id"]!.GetValue<string>()).ToArray());

        var solo = AlbumKit.Id(await AlbumKit.Create(owner, "Solo"));

        // lists: owned (no assets, but counts), shared, not shared, by asset
        var owned = await owner.Get("/api/albums");
        SpecValidator.AssertValidArray(owned, "AlbumResponseDto");
        Assert.Equal([solo, id], owned.AsArray().Select(a => AlbumKit.Id(a!)).ToArray()); // newest first
        var listed = owned.AsArray().Single(a => AlbumKit.Id(a!) == id)!;
        Assert.Empty(listed["assets"]!.AsArray());
        Assert.Equal(2, listed["assetCount"]!.GetValue<int>());
        Assert.Equal("2024-03-05T00:00:00.000Z", listed["endDate"]!.GetValue<string>());
        Assert.Equal([id], (await owner.Get("/api/albums?shared=true")).AsArray().Select(a => AlbumKit.Id(a!)).ToArray());
        Assert.Equal([solo], (await owner.Get("/api/albums?shared=false")).AsArray().Select(a => AlbumKit.Id(a!)).ToArray());
        Assert.Equal([id], (await editor.Get("/api/albums?shared=true")).AsArray().Select(a => AlbumKit.Id(a!)).ToArray());
        Assert.Empty((await editor.Get("/api/albums")).AsArray());
        Assert.Equal([id], (await viewer.Get($"/api/albums?assetId={a1}")).AsArray().Select(a => AlbumKit.Id(a!)).ToArray());
        Assert.Empty((await stranger.Get($"/api/albums?assetId={a1}")).AsArray());
        await owner.Get("/api/albums?shared=maybe", expect: 400);

        // one album, with or without its assets
        var full = await viewer.Get($"/api/albums/{id}");
        SpecValidator.AssertValid(full, "AlbumResponseDto");
        Assert.Equal(2, full["assets"]!.AsArray().Count);
        var bare = await viewer.Get($"/api/albums/{id}?withoutAssets=true");
        Assert.Empty(bare["assets"]!.AsArray());
        Assert.Equal(2, bare["assetCount"]!.GetValue<int>());

        // statistics
        var stats = await owner.Get("/api/albums/statistics");
        SpecValidator.AssertValid(stats, "AlbumStatisticsResponseDto");
        Assert.Equal((2, 1, 1), (stats["owned"]!.GetValue<int>(), stats["shared"]!.GetValue<int>(), stats["notShared"]!.GetValue<int>()));
        var editorStats = await editor.Get("/api/albums/statistics");
        Assert.Equal((0, 1, 0), (editorStats["owned"]!.GetValue<int>(), editorStats["shared"]!.GetValue<int>(), editorStats["notShared"]!.GetValue<int>()));

        // update: the owner only; the thumbnail must be in the album
        Assert.Equal("Not found or no album.update access", await AlbumKit.Error(editor, HttpMethod.Patch, $"/api/albums/{id}", new JsonObject { ["albumName"] = "x" }, 400));
        Assert.Equal("Invalid album thumbnail", await AlbumKit.Error(owner, HttpMethod.Patch, $"/api/albums/{id}", new JsonObject { ["albumThumbnailAssetId"] = foreign }, 400));
        var updated = await owner.Send(HttpMethod.Patch, $"/api/albums/{id}", new JsonObject
        {
            ["albumName"] = "Summer", ["description"] = "Sea", ["albumThumbnailAssetId"] = a2, ["isActivityEnabled"] = false, ["order"] = "asc",
        });
        var u = await TestClient.Expect(updated, 200);
        SpecValidator.AssertValid(u, "AlbumResponseDto");
        Assert.Equal(("Summer", "Sea", a2, false, "asc"), (u["albumName"]!.GetValue<string>(), u["description"]!.GetValue<string>(),
            u["albumThumbnailAssetId"]!.GetValue<string>(), u["isActivityEnabled"]!.GetValue<bool>(), u["order"]!.GetValue<string>()));
        Assert.Equal(2, u["assetCount"]!.GetValue<int>());
        Assert.Empty(u["assets"]!.AsArray());
        Assert.True(string.CompareOrdinal(u["updatedAt"]!.GetValue<string>(), album["updatedAt"]!.GetValue<string>()) > 0);

        // create: who can be a member
        Assert.Equal("Cannot share album with owner", await AlbumKit.Error(owner, HttpMethod.Post, "/api/albums",
            new JsonObject { ["albumName"] = "x", ["albumUsers"] = new JsonArray(new JsonObject { ["userId"] = owner.UserId, ["role"] = "editor" }) }, 400));
        Assert.Equal("User not found", await AlbumKit.Error(owner, HttpMethod.Post, "/api/albums",
            new JsonObject { ["albumName"] = "x", ["albumUsers"] = new JsonArray(new JsonObject { ["userId"] = Guid.NewGuid().ToString(), ["role"] = "editor" }) }, 400));
        await owner.Post("/api/albums", new JsonObject(), expect: 400);

        // delete: the owner only; the assets stay
        Assert.Equal("Not found or no album.delete access", await AlbumKit.Error(editor, HttpMethod.Delete, $"/api/albums/{id}", null, 400));
        await owner.Delete($"/api/albums/{id}");
        Assert.Equal("Not found or no album.read access", await TestClient.ExpectError(await owner.Http.GetAsync($"/api/albums/{id}"), 400));
        Assert.Empty((await editor.Get("/api/albums?shared=true")).AsArray());
        await owner.Get($"/api/assets/{a1}");
    }

    [Fact]
    public async Task Access_matrix_owner_editor_viewer_stranger_and_admin()
    {
        var owner = await server.NewUser("owner");
        var editor = await server.NewUser("editor");
        var viewer = await server.NewUser("viewer");
        var stranger = await server.NewUser("stranger");
        var admin = await server.Admin();
        var ownerAsset = await AlbumKit.Photo(owner);
        var editorAsset = await AlbumKit.Photo(editor);
        var viewerAsset = await AlbumKit.Photo(viewer);
        var strangerAsset = await AlbumKit.Photo(stranger);
        var id = AlbumKit.Id(await AlbumKit.Create(owner, "Matrix", [ownerAsset], (editor, "editor"), (viewer, "viewer")));

        // reading: members yes, the stranger and the admin no (an admin has no standing in other people's albums)
        foreach (var c in new[] { owner, editor, viewer })
        {
            await c.Get($"/api/albums/{id}");
            SpecValidator.AssertValid(await c.Get($"/api/assets/{ownerAsset}"), "AssetResponseDto");
            var original = await c.Http.GetAsync($"/api/assets/{ownerAsset}/original");
            Assert.Equal(HttpStatusCode.OK, original.StatusCode);
            var info = await c.Post("/api/download/info", new JsonObject { ["albumId"] = id });
            SpecValidator.AssertValid(info, "DownloadResponseDto");
            Assert.Equal([ownerAsset], info["archives"]![0]!["assetIds"]!.AsArray().Select(x => x!.GetValue<string>()).ToArray());
            var zip = await c.Send(HttpMethod.Post, "/api/download/archive", new JsonObject { ["assetIds"] = AlbumKit.Ids(ownerAsset) });
            Assert.Equal(HttpStatusCode.OK, zip.StatusCode);
        }
        foreach (var c in new[] { stranger, admin })
        {
            Assert.Equal("Not found or no album.read access", await TestClient.ExpectError(await c.Http.GetAsync($"/api/albums/{id}"), 400));
            Assert.Contains("asset.read", await TestClient.ExpectError(await c.Http.GetAsync($"/api/assets/{ownerAsset}"), 400));
            await TestClient.ExpectError(await c.Http.GetAsync($"/api/assets/{ownerAsset}/original"), 400);
            Assert.Equal("Not found or no album.download access", await AlbumKit.Error(c, HttpMethod.Post, "/api/download/info", new JsonObject { ["albumId"] = id }, 400));
            await AlbumKit.Error(c, HttpMethod.Post, "/api/download/archive", new JsonObject { ["assetIds"] = AlbumKit.Ids(ownerAsset) }, 400);
            Assert.DoesNotContain(id, (await c.Get("/api/albums?shared=true")).AsArray().Select(a => AlbumKit.Id(a!)));
        }
        // members only read: the owner's asset stays the owner's
        await AlbumKit.Error(editor, HttpMethod.Put, $"/api/assets/{ownerAsset}", new JsonObject { ["isFavorite"] = true }, 400);
        await AlbumKit.Error(viewer, HttpMethod.Delete, "/api/assets", new JsonObject { ["ids"] = AlbumKit.Ids(ownerAsset) }, 400);

        // adding: owner and editor; a viewer or a stranger cannot
        var added = AlbumKit.Results(await editor.Put($"/api/albums/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(editorAsset, ownerAsset, strangerAsset) }));
        Assert.Equal([(editorAsset, true, null), (ownerAsset, false, "duplicate"), (strangerAsset, false, "no_permission")], added);
        Assert.Equal("Not found or no album.addAsset access", await AlbumKit.Error(viewer, HttpMethod.Put, $"/api/albums/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(viewerAsset) }, 400));
        Assert.Equal("Not found or no album.addAsset access", await AlbumKit.Error(stranger, HttpMethod.Put, $"/api/albums/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(strangerAsset) }, 400));
        Assert.Equal("Not found or no album.addAsset access", await AlbumKit.Error(admin, HttpMethod.Put, $"/api/albums/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(strangerAsset) }, 400));
        Assert.Equal("Album not found", await AlbumKit.Error(owner, HttpMethod.Put, $"/api/albums/{Guid.NewGuid()}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(ownerAsset) }, 400));
        // the editor's asset is now readable by the viewer and the owner
        await viewer.Get($"/api/assets/{editorAsset}");
        await owner.Get($"/api/assets/{editorAsset}");

        // removing: an editor only their own; the owner anything; a viewer nothing
        Assert.Equal([(ownerAsset, false, "no_permission")],
            AlbumKit.Results(await editor.Delete($"/api/albums/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(ownerAsset) })));
        Assert.Equal("Not found or no album.removeAsset access", await AlbumKit.Error(viewer, HttpMethod.Delete, $"/api/albums/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(ownerAsset) }, 400));
        Assert.Equal([(editorAsset, true, null)],
            AlbumKit.Results(await owner.Delete($"/api/albums/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(editorAsset) })));
        Assert.Contains("asset.read", await TestClient.ExpectError(await viewer.Http.GetAsync($"/api/assets/{editorAsset}"), 400));

        // sharing and the album itself: the owner's alone
        foreach (var c in new[] { editor, viewer, stranger, admin })
        {
            Assert.Equal("Not found or no album.share access", await AlbumKit.Error(c, HttpMethod.Put, $"/api/albums/{id}/users",
                new JsonObject { ["albumUsers"] = new JsonArray(new JsonObject { ["userId"] = stranger.UserId }) }, 400));
            await AlbumKit.Error(c, HttpMethod.Patch, $"/api/albums/{id}", new JsonObject { ["description"] = "x" }, 400);
            await AlbumKit.Error(c, HttpMethod.Delete, $"/api/albums/{id}", null, 400);
        }

        // a trashed asset leaves what members see (the owner still has it in trash)
        await owner.Send(HttpMethod.Delete, "/api/assets", new JsonObject { ["ids"] = AlbumKit.Ids(ownerAsset) });
        Assert.Contains("asset.read", await TestClient.ExpectError(await viewer.Http.GetAsync($"/api/assets/{ownerAsset}"), 400));
        var afterTrash = await viewer.Get($"/api/albums/{id}");
        Assert.Equal(0, afterTrash["assetCount"]!.GetValue<int>());
        AlbumKit.AssertNullField(afterTrash, "albumThumbnailAssetId");
        await owner.Post("/api/trash/restore/assets", new JsonObject { ["ids"] = AlbumKit.Ids(ownerAsset) }, expect: 200);
        Assert.Equal(1, (await viewer.Get($"/api/albums/{id}"))["assetCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task Bulk_add_and_remove_answer_per_asset()
    {
        var owner = await server.NewUser("bulk");
        var other = await server.NewUser("other");
        var inAlbum = await AlbumKit.Photo(owner);
        var fresh = await AlbumKit.Photo(owner);
        var fresh2 = await AlbumKit.Photo(owner);
        var foreign = await AlbumKit.Photo(other);
        var missing = Guid.NewGuid().ToString();
        var id = AlbumKit.Id(await AlbumKit.Create(owner, "Bulk", [inAlbum]));

        var add = await owner.Put($"/api/albums/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(fresh, fresh, inAlbum, foreign, missing, fresh2) });
        SpecValidator.AssertValidArray(add, "BulkIdResponseDto");
        Assert.Equal([(fresh, true, null), (fresh, false, "duplicate"), (inAlbum, false, "duplicate"), (foreign, false, "no_permission"),
            (missing, false, "no_permission"), (fresh2, true, null)], AlbumKit.Results(add));
        Assert.Equal(3, (await owner.Get($"/api/albums/{id}?withoutAssets=true"))["assetCount"]!.GetValue<int>());
        Assert.Contains("each value in ids must be a UUID", await AlbumKit.Error(owner, HttpMethod.Put, $"/api/albums/{id}/assets", new JsonObject { ["ids"] = new JsonArray("nope") }, 400));

        var remove = await owner.Delete($"/api/albums/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(fresh, foreign, fresh, inAlbum) });
        SpecValidator.AssertValidArray(remove, "BulkIdResponseDto");
        Assert.Equal([(fresh, true, null), (foreign, false, "not_found"), (fresh, false, "not_found"), (inAlbum, true, null)], AlbumKit.Results(remove));
        var after = await owner.Get($"/api/albums/{id}");
        Assert.Equal([fresh2], AlbumKit.AssetIdsOf(after));
    }

    [Fact]
    public async Task Thumbnail_and_dates_follow_the_assets()
    {
        var owner = await server.NewUser("thumbs");
        var older = await AlbumKit.Photo(owner, "2023-01-10T08:00:00.000Z");
        var newer = await AlbumKit.Photo(owner, "2023-06-20T20:00:00.000Z");
        var newest = await AlbumKit.Photo(owner, "2023-12-31T23:59:00.000Z");

        var album = await AlbumKit.Create(owner, "Empty");
        var id = AlbumKit.Id(album);
        AlbumKit.AssertNullField(album, "albumThumbnailAssetId");
        Assert.Null(album["startDate"]);
        Assert.Equal(0, album["assetCount"]!.GetValue<int>());
        Assert.False(album["shared"]!.GetValue<bool>());

        // the first asset added becomes the thumbnail
        await owner.Put($"/api/albums/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(newer, older) });
        await owner.Put($"/api/albums/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(newest) });
        var info = await owner.Get($"/api/albums/{id}");
        Assert.Equal(newer, info["albumThumbnailAssetId"]!.GetValue<string>());
        Assert.Equal("2023-01-10T00:00:00.000Z", info["startDate"]!.GetValue<string>());
        Assert.Equal("2023-12-31T00:00:00.000Z", info["endDate"]!.GetValue<string>());
        Assert.Equal([newest, newer, older], AlbumKit.AssetIdsOf(info));

        // when the thumbnail leaves, the newest asset stands in
        await owner.Delete($"/api/albums/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(newer) });
        Assert.Equal(newest, (await owner.Get($"/api/albums/{id}"))["albumThumbnailAssetId"]!.GetValue<string>());
        await owner.Delete($"/api/albums/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(newest, older) });
        var emptied = await owner.Get($"/api/albums/{id}");
        AlbumKit.AssertNullField(emptied, "albumThumbnailAssetId");
        Assert.Null(emptied["endDate"]);
    }

    [Fact]
    public async Task Members_roles_and_leaving()
    {
        var owner = await server.NewUser("owner");
        var bob = await server.NewUser("bob");
        var carol = await server.NewUser("carol");
        var id = AlbumKit.Id(await AlbumKit.Create(owner, "Members"));

        var withBob = await owner.Put($"/api/albums/{id}/users", new JsonObject { ["albumUsers"] = new JsonArray(new JsonObject { ["userId"] = bob.UserId }) });
        SpecValidator.AssertValid(withBob, "AlbumResponseDto");
        Assert.Equal("editor", withBob["albumUsers"]![0]!["role"]!.GetValue<string>()); // the default role
        Assert.True(withBob["shared"]!.GetValue<bool>());
        Assert.Equal("User already added", await AlbumKit.Error(owner, HttpMethod.Put, $"/api/albums/{id}/users",
            new JsonObject { ["albumUsers"] = new JsonArray(new JsonObject { ["userId"] = bob.UserId }) }, 400));
        Assert.Equal("Cannot be shared with owner", await AlbumKit.Error(owner, HttpMethod.Put, $"/api/albums/{id}/users",
            new JsonObject { ["albumUsers"] = new JsonArray(new JsonObject { ["userId"] = owner.UserId }) }, 400));
        Assert.Equal("User not found", await AlbumKit.Error(owner, HttpMethod.Put, $"/api/albums/{id}/users",
            new JsonObject { ["albumUsers"] = new JsonArray(new JsonObject { ["userId"] = Guid.NewGuid().ToString() }) }, 400));
        await owner.Put($"/api/albums/{id}/users", new JsonObject { ["albumUsers"] = new JsonArray() }, expect: 400);
        await owner.Put($"/api/albums/{id}/users", new JsonObject { ["albumUsers"] = new JsonArray(new JsonObject { ["userId"] = carol.UserId, ["role"] = "viewer" }) });

        // the role decides what bob may do
        var bobs = await AlbumKit.Photo(bob);
        await owner.Put($"/api/albums/{id}/user/{bob.UserId}", new JsonObject { ["role"] = "viewer" });
        await AlbumKit.Error(bob, HttpMethod.Put, $"/api/albums/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(bobs) }, 400);
        await owner.Put($"/api/albums/{id}/user/{bob.UserId}", new JsonObject { ["role"] = "editor" });
        Assert.True(AlbumKit.Results(await bob.Put($"/api/albums/{id}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(bobs) }))[0].Success);
        Assert.Equal("Not found or no album.share access", await AlbumKit.Error(bob, HttpMethod.Put, $"/api/albums/{id}/user/{carol.UserId}", new JsonObject { ["role"] = "editor" }, 400));
        Assert.Equal("Album not shared with user", await AlbumKit.Error(owner, HttpMethod.Put, $"/api/albums/{id}/user/{owner.UserId}", new JsonObject { ["role"] = "editor" }, 400));
        await owner.Put($"/api/albums/{id}/user/{bob.UserId}", new JsonObject { ["role"] = "owner" }, expect: 400);

        // removing: a member may not remove another; anyone may leave ("me"); the owner cannot be removed
        Assert.Equal("Not found or no album.share access", await AlbumKit.Error(bob, HttpMethod.Delete, $"/api/albums/{id}/user/{carol.UserId}", null, 400));
        Assert.Equal("Cannot remove album owner", await AlbumKit.Error(bob, HttpMethod.Delete, $"/api/albums/{id}/user/{owner.UserId}", null, 400));
        await carol.Delete($"/api/albums/{id}/user/me");
        Assert.Equal("Album not shared with user", await AlbumKit.Error(owner, HttpMethod.Delete, $"/api/albums/{id}/user/{carol.UserId}", null, 400));
        await TestClient.ExpectError(await carol.Http.GetAsync($"/api/albums/{id}"), 400);
        await owner.Delete($"/api/albums/{id}/user/{bob.UserId}");
        var alone = await owner.Get($"/api/albums/{id}");
        Assert.Empty(alone["albumUsers"]!.AsArray());
        Assert.False(alone["shared"]!.GetValue<bool>());
        // bob's asset stays in the album (he gave it), but he no longer sees the album
        Assert.Equal([bobs], AlbumKit.AssetIdsOf(alone));
        await TestClient.ExpectError(await bob.Http.GetAsync($"/api/albums/{id}"), 400);
        await AlbumKit.Error(owner, HttpMethod.Delete, $"/api/albums/{id}/user/not-a-uuid", null, 400);
    }

    [Fact]
    public async Task Permanently_deleted_assets_leave_their_albums()
    {
        var owner = await server.NewUser("purge");
        var member = await server.NewUser("member");
        var keep = await AlbumKit.Photo(owner, "2022-01-01T00:00:00.000Z");
        var gone = await AlbumKit.Photo(owner, "2022-02-01T00:00:00.000Z");
        var id = AlbumKit.Id(await AlbumKit.Create(owner, "Purge", [gone, keep], (member, "viewer")));

        await owner.Send(HttpMethod.Delete, "/api/assets", new JsonObject { ["ids"] = AlbumKit.Ids(gone), ["force"] = true });
        var album = await member.Get($"/api/albums/{id}");
        Assert.Equal([keep], AlbumKit.AssetIdsOf(album));
        Assert.Equal(1, album["assetCount"]!.GetValue<int>());
        Assert.Equal(keep, album["albumThumbnailAssetId"]!.GetValue<string>());
        Assert.Empty((await owner.Get($"/api/albums?assetId={gone}")).AsArray());
    }

    [Fact]
    public async Task Deleting_a_user_hands_nothing_over()
    {
        var admin = await server.Admin();
        var leaving = await server.NewUser("leaving");
        var staying = await server.NewUser("staying");
        var theirs = AlbumKit.Id(await AlbumKit.Create(leaving, "Theirs", [await AlbumKit.Photo(leaving)], (staying, "editor")));
        var mine = AlbumKit.Id(await AlbumKit.Create(staying, "Mine", [await AlbumKit.Photo(staying)], (leaving, "editor")));

        await admin.Send(HttpMethod.Delete, $"/api/admin/users/{leaving.UserId}", null);

        // their album is gone for everyone (nobody inherits it); they are gone from the other's album
        Assert.Equal([mine], (await staying.Get("/api/albums?shared=true")).AsArray().Select(a => AlbumKit.Id(a!)).ToArray());
        Assert.Equal("Not found or no album.read access", await TestClient.ExpectError(await staying.Http.GetAsync($"/api/albums/{theirs}"), 400));
        await TestClient.ExpectError(await admin.Http.GetAsync($"/api/albums/{theirs}"), 400);
        Assert.Empty((await admin.Get("/api/albums")).AsArray());
        var stayingAlbum = await staying.Get($"/api/albums/{mine}");
        Assert.Empty(stayingAlbum["albumUsers"]!.AsArray());
        Assert.False(stayingAlbum["shared"]!.GetValue<bool>());
        Assert.Equal(1, stayingAlbum["assetCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task Cli_album_flow_over_http()
    {
        // what @immich/cli --album does: list, create the missing album, then add the uploads in bulk
        var user = await server.NewUser("cli");
        var ids = new[] { await AlbumKit.Photo(user), await AlbumKit.Photo(user), await AlbumKit.Photo(user) };
        var existing = await user.Get("/api/albums");
        Assert.DoesNotContain(existing.AsArray(), a => a!["albumName"]!.GetValue<string>() == "Trip");
        var created = await user.Post("/api/albums", new JsonObject { ["albumName"] = "Trip" });
        SpecValidator.AssertValid(created, "AlbumResponseDto");
        var results = await user.Put($"/api/albums/{AlbumKit.Id(created)}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(ids) });
        Assert.All(AlbumKit.Results(results), r => Assert.True(r.Success));
        // a second run finds the album by name and gets duplicates back
        var again = (await user.Get("/api/albums")).AsArray().Single(a => a!["albumName"]!.GetValue<string>() == "Trip")!;
        Assert.Equal(3, again["assetCount"]!.GetValue<int>());
        Assert.All(AlbumKit.Results(await user.Put($"/api/albums/{AlbumKit.Id(again)}/assets", new JsonObject { ["ids"] = AlbumKit.Ids(ids) })),
            r => Assert.Equal("duplicate", r.Error));
    }

    [Fact]
    public async Task Official_cli_upload_with_album_option()
    {
        var user = await server.NewUser("cli-album");
        var admin = await server.Admin();
        // the CLI authenticates with an API key of the user who uploads
        var key = (await user.Post("/api/api-keys", new JsonObject { ["name"] = "cli", ["permissions"] = new JsonArray("all") }))["secret"]!.GetValue<string>();
        var root = TestPaths.NewTempDir("cli-album");
        var folder = Path.Combine(root, "Vacation 2024");
        Directory.CreateDirectory(folder);
        var sources = Directory.GetFiles(Path.Combine(TestPaths.RequireShared(TestPaths.Media), "jpeg")).Take(4).ToList();
        foreach (var f in sources) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        var config = TestPaths.NewTempDir("cli-album-config");

        await OfficialCli.Run(config, "login", new Uri(server.BaseUri, "/api").ToString(), key);
        await OfficialCli.Run(config, "upload", "--recursive", "--album", folder);
        await OfficialCli.Run(config, "upload", "--recursive", "--album", folder); // again: duplicates, the same album

        var albums = (await user.Get("/api/albums")).AsArray().Where(a => a!["albumName"]!.GetValue<string>() == "Vacation 2024").ToList();
        Assert.Single(albums);
        Assert.Equal(sources.Count, albums[0]!["assetCount"]!.GetValue<int>());
        Assert.Empty((await admin.Get("/api/albums")).AsArray().Where(a => a!["albumName"]!.GetValue<string>() == "Vacation 2024"));
    }
}
