using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.Api;

public sealed class ActivitiesTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    static JsonObject Comment(string album, string text, string? asset = null)
    {
        var o = new JsonObject { ["albumId"] = album, ["type"] = "comment", ["comment"] = text };
        if (asset is not null) o["assetId"] = asset;
        return o;
    }

    static JsonObject Like(string album, string? asset = null)
    {
        var o = new JsonObject { ["albumId"] = album, ["type"] = "like" };
        if (asset is not null) o["assetId"] = asset;
        return o;
    }

    [Fact]
    public async Task Likes_and_comments_follow_album_membership()
    {
        var owner = await server.NewUser("owner");
        var viewer = await server.NewUser("viewer");
        var stranger = await server.NewUser("stranger");
        var admin = await server.Admin();
        var asset = await AlbumKit.Photo(owner);
        var outside = await AlbumKit.Photo(owner);
        var album = AlbumKit.Id(await AlbumKit.Create(owner, "Talk", [asset], (viewer, "viewer")));

        // members (even viewers) and the owner write; nobody else
        var c1 = await viewer.Post("/api/activities", Comment(album, "Nice album"));
        SpecValidator.AssertValid(c1, "ActivityResponseDto");
        Assert.Equal("comment", c1["type"]!.GetValue<string>());
        Assert.Equal("Nice album", c1["comment"]!.GetValue<string>());
        Assert.Equal(viewer.UserId, c1["user"]!["id"]!.GetValue<string>());
        AlbumKit.AssertNullField(c1, "assetId");
        var c2 = await owner.Post("/api/activities", Comment(album, "Thanks", asset));
        Assert.Equal(asset, c2["assetId"]!.GetValue<string>());
        var like = await viewer.Post("/api/activities", Like(album, asset));
        SpecValidator.AssertValid(like, "ActivityResponseDto");
        Assert.Equal("like", like["type"]!.GetValue<string>());
        Assert.Null(like["comment"]);
        // liking again gives the same like back, with 200
        var again = await viewer.Post("/api/activities", Like(album, asset), expect: 200);
        Assert.Equal(AlbumKit.Id(like), AlbumKit.Id(again));
        var albumLike = await viewer.Post("/api/activities", Like(album));
        Assert.NotEqual(AlbumKit.Id(like), AlbumKit.Id(albumLike));

        foreach (var c in new[] { stranger, admin })
        {
            Assert.Equal("Not found or no activity.create access", await AlbumKit.Error(c, HttpMethod.Post, "/api/activities", Comment(album, "hi"), 400));
            Assert.Equal("Not found or no album.read access", await TestClient.ExpectError(await c.Http.GetAsync($"/api/activities?albumId={album}"), 400));
            await TestClient.ExpectError(await c.Http.GetAsync($"/api/activities/statistics?albumId={album}"), 400);
        }
        Assert.Contains("comment should not be empty", await AlbumKit.Error(viewer, HttpMethod.Post, "/api/activities", new JsonObject { ["albumId"] = album, ["type"] = "comment" }, 400));
        await AlbumKit.Error(viewer, HttpMethod.Post, "/api/activities", new JsonObject { ["albumId"] = album, ["type"] = "love" }, 400);
        await AlbumKit.Error(viewer, HttpMethod.Post, "/api/activities", new JsonObject { ["type"] = "like" }, 400);
        // only assets in the album
        Assert.Equal("Not found or no activity.create access", await AlbumKit.Error(owner, HttpMethod.Post, "/api/activities", Comment(album, "x", outside), 400));

        // reading, with the filters the app and web use
        var all = await viewer.Get($"/api/activities?albumId={album}");
        SpecValidator.AssertValidArray(all, "ActivityResponseDto");
        Assert.Equal([AlbumKit.Id(c1), AlbumKit.Id(c2), AlbumKit.Id(like), AlbumKit.Id(albumLike)], all.AsArray().Select(a => AlbumKit.Id(a!)).ToArray());
        Assert.Equal([AlbumKit.Id(c2), AlbumKit.Id(like)], (await owner.Get($"/api/activities?albumId={album}&assetId={asset}")).AsArray().Select(a => AlbumKit.Id(a!)).ToArray());
        Assert.Equal([AlbumKit.Id(c1), AlbumKit.Id(albumLike)], (await owner.Get($"/api/activities?albumId={album}&level=album")).AsArray().Select(a => AlbumKit.Id(a!)).ToArray());
        Assert.Equal([AlbumKit.Id(like), AlbumKit.Id(albumLike)], (await owner.Get($"/api/activities?albumId={album}&type=like")).AsArray().Select(a => AlbumKit.Id(a!)).ToArray());
        Assert.Equal([AlbumKit.Id(c2)], (await owner.Get($"/api/activities?albumId={album}&type=comment&userId={owner.UserId}")).AsArray().Select(a => AlbumKit.Id(a!)).ToArray());
        await owner.Get("/api/activities", expect: 400);
        await owner.Get($"/api/activities?albumId={album}&level=photo", expect: 400);

        var stats = await viewer.Get($"/api/activities/statistics?albumId={album}");
        SpecValidator.AssertValid(stats, "ActivityStatisticsResponseDto");
        Assert.Equal(2, stats["comments"]!.GetValue<int>());
        Assert.Equal(1, (await viewer.Get($"/api/activities/statistics?albumId={album}&assetId={asset}"))["comments"]!.GetValue<int>());

        // deleting: the author, or the album's owner
        Assert.Equal("Not found or no activity.delete access", await AlbumKit.Error(viewer, HttpMethod.Delete, $"/api/activities/{AlbumKit.Id(c2)}", null, 400));
        await AlbumKit.Error(stranger, HttpMethod.Delete, $"/api/activities/{AlbumKit.Id(c1)}", null, 400);
        await viewer.Delete($"/api/activities/{AlbumKit.Id(albumLike)}", expect: 204);
        await owner.Delete($"/api/activities/{AlbumKit.Id(c1)}", expect: 204);
        Assert.Equal(2, (await owner.Get($"/api/activities?albumId={album}")).AsArray().Count);

        // a shared link never reaches activity
        var key = (await owner.Post("/api/shared-links", new JsonObject { ["type"] = "ALBUM", ["albumId"] = album }))["key"]!.GetValue<string>();
        var anon = server.Anonymous();
        Assert.Equal(403, (int)(await anon.Http.GetAsync($"/api/activities?albumId={album}&key={key}")).StatusCode);
        Assert.Equal(403, (int)(await anon.Send(HttpMethod.Post, $"/api/activities?key={key}", Like(album))).StatusCode);

        // a member who leaves can no longer write
        await viewer.Delete($"/api/albums/{album}/user/me");
        await AlbumKit.Error(viewer, HttpMethod.Post, "/api/activities", Comment(album, "back?"), 400);
    }

    [Fact]
    public async Task Disabled_activity_refuses_new_entries_and_deleted_assets_take_theirs()
    {
        var owner = await server.NewUser("owner");
        var member = await server.NewUser("member");
        var asset = await AlbumKit.Photo(owner);
        var album = AlbumKit.Id(await AlbumKit.Create(owner, "Quiet", [asset], (member, "editor")));
        await member.Post("/api/activities", Comment(album, "on the photo", asset));
        await member.Post("/api/activities", Comment(album, "on the album"));

        await owner.Send(HttpMethod.Patch, $"/api/albums/{album}", new JsonObject { ["isActivityEnabled"] = false });
        Assert.Equal("Not found or no activity.create access", await AlbumKit.Error(member, HttpMethod.Post, "/api/activities", Like(album), 400));
        Assert.Equal("Not found or no activity.create access", await AlbumKit.Error(owner, HttpMethod.Post, "/api/activities", Comment(album, "x"), 400));
        Assert.Equal(2, (await member.Get($"/api/activities?albumId={album}")).AsArray().Count); // what was said stays readable
        await owner.Send(HttpMethod.Patch, $"/api/albums/{album}", new JsonObject { ["isActivityEnabled"] = true });
        await member.Post("/api/activities", Like(album));

        // a trashed asset's activity is hidden; deleted for good, it goes
        await owner.Send(HttpMethod.Delete, "/api/assets", new JsonObject { ["ids"] = AlbumKit.Ids(asset) });
        Assert.Equal(1, (await member.Get($"/api/activities/statistics?albumId={album}"))["comments"]!.GetValue<int>());
        await owner.Send(HttpMethod.Delete, "/api/assets", new JsonObject { ["ids"] = AlbumKit.Ids(asset), ["force"] = true });
        var left = await member.Get($"/api/activities?albumId={album}");
        Assert.Equal(2, left.AsArray().Count);
        Assert.All(left.AsArray(), a => Assert.Null(a!["assetId"]));

        // deleting the album takes its activity along
        await owner.Delete($"/api/albums/{album}");
        await TestClient.ExpectError(await member.Http.GetAsync($"/api/activities?albumId={album}"), 400);
    }
}
