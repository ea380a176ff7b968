using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.Api;

/// <summary>The folder view over HTTP: folders of the caller's originals, and one folder's assets.</summary>
public sealed class ViewTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Folders_list_the_callers_timeline_originals_and_each_folder_its_assets()
    {
        var user = await server.NewUser("folders");
        var other = await server.NewUser("folders-other");
        var ids = new List<string>();
        foreach (var f in new[] { "jpeg/apple-iphone4_gps.jpg", "jpeg/no-exif_progressive.jpg", "orientation/landscape_orientation-1_normal.jpg" })
            ids.Add(await Uploads.UploadOk(user, Uploads.CorpusFile(f)));
        var theirs = await Uploads.UploadOk(other, Uploads.CorpusFile("jpeg/apple-iphone4_gps.jpg"));
        string Dir(JsonNode asset) => Path.GetDirectoryName(asset["originalPath"]!.GetValue<string>())!;
        var dirs = new List<string>();
        foreach (var id in ids) dirs.Add(Dir(await user.Get($"/api/assets/{id}")));
        var theirDir = Dir(await other.Get($"/api/assets/{theirs}"));

        var folders = (await user.Get("/api/view/folder/unique-paths")).AsArray().Select(x => x!.GetValue<string>()).ToList();
        Assert.Equal(dirs.Distinct().Order(StringComparer.Ordinal), folders);
        Assert.DoesNotContain(theirDir, folders);

        var inFirst = await user.Get($"/api/view/folder?path={Uri.EscapeDataString(dirs[0])}");
        SpecValidator.AssertValidArray(inFirst, "AssetResponseDto");
        Assert.Contains(ids[0], inFirst.AsArray().Select(a => a!["id"]!.GetValue<string>()));
        Assert.All(inFirst.AsArray(), a => Assert.Equal(dirs[0], Dir(a!)));
        // a trailing slash names the same folder; a parent folder holds none of them directly
        Assert.Equal(inFirst.AsArray().Count, (await user.Get($"/api/view/folder?path={Uri.EscapeDataString(dirs[0] + "/")}")).AsArray().Count);
        Assert.Empty((await user.Get($"/api/view/folder?path={Uri.EscapeDataString(Path.GetDirectoryName(dirs[0])!)}")).AsArray());
        // another user's folder shows nothing of theirs
        Assert.Empty((await user.Get($"/api/view/folder?path={Uri.EscapeDataString(theirDir)}")).AsArray());
        Assert.Contains(theirs, (await other.Get($"/api/view/folder?path={Uri.EscapeDataString(theirDir)}")).AsArray().Select(a => a!["id"]!.GetValue<string>()));

        // archived and trashed assets leave the view
        await user.Put("/api/assets", new JsonObject { ["ids"] = new JsonArray(ids[1]), ["visibility"] = "archive" }, expect: 204);
        await user.Delete("/api/assets", new JsonObject { ["ids"] = new JsonArray(ids[2]) }, expect: 204);
        var left = (await user.Get("/api/view/folder/unique-paths")).AsArray().Select(x => x!.GetValue<string>()).ToList();
        Assert.Equal([dirs[0]], left);

        await TestClient.ExpectError(await user.Http.GetAsync("/api/view/folder"), 400);
    }
}
