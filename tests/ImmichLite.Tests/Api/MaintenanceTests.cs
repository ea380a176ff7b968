using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ImmichLite.Tests.Api;

/// <summary>Upstream's manual and nightly jobs that exist here, through HTTP: removing deleted users, database backups.</summary>
public sealed class MaintenanceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_forced_delete_removes_the_user_their_assets_and_files_and_a_plain_delete_waits()
    {
        var admin = await server.Admin();
        var gone = await server.NewUser("gone");
        var kept = await server.NewUser("kept");
        var photo = await Uploads.UploadOk(gone, Uploads.CorpusFile("jpeg/apple-iphone4_gps.jpg"));
        var original = (await gone.Get($"/api/assets/{photo}"))["originalPath"]!.GetValue<string>();
        Assert.True(File.Exists(original));
        await Uploads.UploadOk(kept, Uploads.CorpusFile("jpeg/apple-iphone4_gps.jpg"));
        await Pipeline.PipelineTests.WaitForJobs(admin);

        await admin.Delete($"/api/admin/users/{kept.UserId}", new JsonObject());
        await admin.Delete($"/api/admin/users/{gone.UserId}", new JsonObject { ["force"] = true });
        await Pipeline.PipelineTests.WaitForJobs(admin, TimeSpan.FromMinutes(1), "backgroundTask");
        // the forced one is gone for good, with its files; the other is only soft-deleted and can come back
        await TestClient.ExpectError(await admin.Http.GetAsync($"/api/admin/users/{gone.UserId}"), 400);
        Assert.False(File.Exists(original));
        Assert.False(Directory.Exists(Path.Combine(server.DataDir, "upload", gone.UserId)));
        await admin.Post("/api/jobs", new JsonObject { ["name"] = "user-cleanup" });
        await Pipeline.PipelineTests.WaitForJobs(admin, TimeSpan.FromMinutes(1), "backgroundTask");
        var restored = await admin.Post($"/api/admin/users/{kept.UserId}/restore", expect: 200);
        Assert.Equal("active", restored["status"]!.GetValue<string>());
        Assert.Equal(1, (await kept.Get("/api/assets/statistics"))["total"]!.GetValue<int>());
        // the removal is visible to sync as a user tombstone
        using var db = new SqliteConnection($"Data Source={Path.Combine(server.DataDir, "immichlite.db")};Mode=ReadOnly");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT (SELECT COUNT(*) FROM users_audit WHERE userId = $u) * 10 + (SELECT COUNT(*) FROM assets_audit WHERE assetId = $a)";
        cmd.Parameters.AddWithValue("$u", gone.UserId);
        cmd.Parameters.AddWithValue("$a", photo);
        Assert.Equal(11L, (long)cmd.ExecuteScalar()!);
    }

    [Fact]
    public async Task Backups_are_complete_databases_and_only_the_newest_are_kept()
    {
        var admin = await server.Admin();
        var folder = Path.Combine(server.DataDir, "backups");
        // fifteen older copies (names sort by time): after a backup the newest 14 remain, the new one among them
        Directory.CreateDirectory(folder);
        for (var i = 0; i < 15; i++) File.WriteAllText(Path.Combine(folder, $"immichlite-db-backup-2020010{i / 10}T0000{i % 10:D2}-v1.134.0.sqlite"), "old");
        File.WriteAllText(Path.Combine(folder, "immichlite-db-backup-20200101T000000-v1.134.0.sqlite.tmp"), "half-written");
        await admin.Post("/api/jobs", new JsonObject { ["name"] = "backup-database" });
        await Pipeline.PipelineTests.WaitForJobs(admin, TimeSpan.FromMinutes(1), "backupDatabase");
        var copies = Directory.GetFiles(folder, "immichlite-db-backup-*").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(14, copies.Count);
        Assert.DoesNotContain(copies, c => c.EndsWith(".tmp"));
        var newest = copies[^1];
        Assert.StartsWith($"immichlite-db-backup-{DateTime.UtcNow:yyyyMMdd}", Path.GetFileName(newest));
        using var db = new SqliteConnection($"Data Source={newest};Mode=ReadOnly");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", cmd.ExecuteScalar());
        cmd.CommandText = "SELECT COUNT(*) FROM users WHERE email = $e";
        cmd.Parameters.AddWithValue("$e", ServerFixture.AdminEmail);
        Assert.Equal(1L, (long)cmd.ExecuteScalar()!);
    }

    [Fact]
    public async Task Tag_cleanup_keeps_tags_on_assets_and_their_parents_only()
    {
        var admin = await server.Admin();
        var user = await server.NewUser("tagclean");
        var photo = await Uploads.UploadOk(user, Uploads.CorpusFile("jpeg/no-exif_progressive.jpg"));
        var made = await user.Put("/api/tags", new JsonObject { ["tags"] = new JsonArray("a/b/c", "x/y") });
        var ab = (await user.Get("/api/tags")).AsArray().Single(t => t!["value"]!.GetValue<string>() == "a/b")!["id"]!.GetValue<string>();
        await user.Put($"/api/tags/{ab}/assets", new JsonObject { ["ids"] = new JsonArray(photo) });
        Assert.Equal(5, (await user.Get("/api/tags")).AsArray().Count);
        await admin.Post("/api/jobs", new JsonObject { ["name"] = "tag-cleanup" });
        var left = (await user.Get("/api/tags")).AsArray().Select(t => t!["value"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(["a", "a/b"], left);
        Assert.NotEmpty(made.AsArray());
        await admin.Post("/api/jobs", new JsonObject { ["name"] = "memory-create" });
        await admin.Post("/api/jobs", new JsonObject { ["name"] = "memory-cleanup" });
    }

    [Fact]
    public async Task Manual_jobs_that_have_nothing_here_are_refused()
    {
        var admin = await server.Admin();
        var user = await server.NewUser("not-admin");
        await TestClient.ExpectError(await admin.PostRaw("/api/jobs", new JsonObject { ["name"] = "person-cleanup" }), 400);
        await TestClient.ExpectError(await admin.PostRaw("/api/jobs", new JsonObject { ["name"] = "nonsense" }), 400);
        await TestClient.ExpectError(await admin.PostRaw("/api/jobs", new JsonObject()), 400);
        await TestClient.ExpectError(await user.PostRaw("/api/jobs", new JsonObject { ["name"] = "backup-database" }), 403);
    }
}
