using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.Api;

/// <summary>The official @immich/cli (3.2.2, on Node 22 — installed by scripts/install-test-tools.sh) against the real server.</summary>
public sealed class OfficialCliTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Cli_uploads_a_folder_then_finds_only_duplicates_and_originals_match()
    {
        var admin = await server.Admin();
        var key = (await admin.Post("/api/api-keys", new JsonObject { ["name"] = "cli", ["permissions"] = new JsonArray("all") }))["secret"]!.GetValue<string>();
        var folder = TestPaths.NewTempDir("cli-photos");
        var sources = new[] { "jpeg", "heic", "video", "raw", "formats" }
            .SelectMany(d => Directory.GetFiles(Path.Combine(TestPaths.RequireShared(TestPaths.Media), d))).ToList();
        foreach (var f in sources) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        var config = TestPaths.NewTempDir("cli-config");

        Assert.Contains("Logged in as " + ServerFixture.AdminEmail, await OfficialCli.Run(config, "login", new Uri(server.BaseUri, "/api").ToString(), key));
        var first = await OfficialCli.Run(config, "upload", "--recursive", folder);
        Assert.Contains($"Successfully uploaded {sources.Count} new assets", first);
        var second = await OfficialCli.Run(config, "upload", "--recursive", folder);
        Assert.Contains($"Found 0 new files and {sources.Count} duplicates", second);

        // --album: every asset of the folder lands in the named album
        var album = await OfficialCli.Run(config, "upload", "--recursive", "--album-name", "Holiday", folder);
        var albums = await admin.Get("/api/albums");
        var holiday = albums.AsArray().Single(a => a!["albumName"]!.GetValue<string>() == "Holiday")!;
        Assert.Equal(sources.Count, holiday["assetCount"]!.GetValue<int>());

        // every original downloads byte-identical: look each file up by its checksum
        var check = new JsonObject
        {
            ["assets"] = new JsonArray(sources.Select(f => (JsonNode)new JsonObject { ["id"] = f, ["checksum"] = Convert.ToBase64String(SHA1.HashData(File.ReadAllBytes(f))) }).ToArray()),
        };
        var results = (await admin.Post("/api/assets/bulk-upload-check", check, expect: 200))["results"]!.AsArray();
        foreach (var r in results)
        {
            Assert.Equal("reject", r!["action"]!.GetValue<string>());
            var bytes = await admin.Http.GetByteArrayAsync($"/api/assets/{r["assetId"]}/original");
            Assert.Equal(File.ReadAllBytes(r["id"]!.GetValue<string>()), bytes);
        }
    }
}
