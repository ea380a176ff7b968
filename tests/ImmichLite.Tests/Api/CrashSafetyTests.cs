using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ImmichLite.Tests.Api;

/// <summary>kill -9 during uploads: after a restart no row lacks its file, no file lacks its row, and every
/// upload that was answered 201 is there, byte for byte.</summary>
public sealed class CrashSafetyTests
{
    [Fact]
    public async Task Kill_9_during_uploads_loses_nothing_acknowledged_and_leaves_no_orphans()
    {
        var data = TestPaths.NewTempDir("crash");
        var port = ServerProcess.FreePort();
        var acknowledged = new ConcurrentDictionary<string, byte[]>();
        string token;
        using (var server = await ServerProcess.StartAsync(data, port))
        {
            token = await SignUpAndLogin(server.BaseUri);
            using var cts = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                var http = Client(server.BaseUri, token);
                var rnd = new Random(w);
                var n = 0;
                while (!cts.IsCancellationRequested)
                {
                    var bytes = new byte[rnd.Next(200_000, 3_000_000)];
                    rnd.NextBytes(bytes);
                    try
                    {
                        var form = new MultipartFormDataContent
                        {
                            { new StringContent($"w{w}-{n++}"), "deviceAssetId" }, { new StringContent("crash"), "deviceId" },
                            { new StringContent("2024-01-01T00:00:00Z"), "fileCreatedAt" }, { new StringContent("2024-01-01T00:00:00Z"), "fileModifiedAt" },
                            { new ByteArrayContent(bytes), "assetData", $"f{w}-{n}.jpg" },
                        };
                        var r = await http.PostAsync("/api/assets", form);
                        if (r.StatusCode == HttpStatusCode.Created)
                            acknowledged[JsonNode.Parse(await r.Content.ReadAsStringAsync())!["id"]!.GetValue<string>()] = SHA1.HashData(bytes);
                    }
                    catch (HttpRequestException) { return; } // the server is gone
                    catch (TaskCanceledException) { return; }
                }
            })).ToArray();
            await Task.Delay(2500);
            server.KillHard(); // mid-upload, several requests in flight
            cts.Cancel();
            await Task.WhenAll(workers);
        }
        Assert.True(acknowledged.Count > 3, $"only {acknowledged.Count} uploads finished before the kill");

        using (var server = await ServerProcess.StartAsync(data, port))
        {
            var http = Client(server.BaseUri, token);
            foreach (var (id, sha) in acknowledged)
            {
                var r = await http.GetAsync($"/api/assets/{id}/original");
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal(sha, SHA1.HashData(await r.Content.ReadAsByteArrayAsync()));
            }
            AssertConsistent(data);
        }
    }

    [Fact]
    public async Task A_commit_without_its_rename_is_rolled_forward_at_start()
    {
        var data = TestPaths.NewTempDir("rollforward");
        var port = ServerProcess.FreePort();
        string id, token, path;
        var bytes = await File.ReadAllBytesAsync(Uploads.CorpusFile("jpeg/apple-iphone4_gps.jpg"));
        using (var server = await ServerProcess.StartAsync(data, port))
        {
            token = await SignUpAndLogin(server.BaseUri);
            var http = Client(server.BaseUri, token);
            var form = new MultipartFormDataContent
            {
                { new StringContent("x"), "deviceAssetId" }, { new StringContent("d"), "deviceId" },
                { new StringContent("2024-01-01T00:00:00Z"), "fileCreatedAt" }, { new StringContent("2024-01-01T00:00:00Z"), "fileModifiedAt" },
                { new ByteArrayContent(bytes), "assetData", "a.jpg" },
            };
            var body = JsonNode.Parse(await (await http.PostAsync("/api/assets", form)).Content.ReadAsStringAsync())!;
            id = body["id"]!.GetValue<string>();
            path = JsonNode.Parse(await http.GetStringAsync($"/api/assets/{id}"))!["originalPath"]!.GetValue<string>();
            server.KillHard();
        }
        // the state a crash right after the commit leaves: row committed, file still in .tmp; plus an unfinished upload
        File.Move(path, Path.Combine(data, ".tmp", id + ".part"));
        await File.WriteAllBytesAsync(Path.Combine(data, ".tmp", Guid.NewGuid() + ".part"), [1, 2, 3]);

        using (var server = await ServerProcess.StartAsync(data, port))
        {
            Assert.Equal(bytes, await Client(server.BaseUri, token).GetByteArrayAsync($"/api/assets/{id}/original"));
            AssertConsistent(data);
        }
    }

    [Fact]
    public async Task Kill_9_with_jobs_pending_resumes_them_after_restart()
    {
        var data = TestPaths.NewTempDir("jobs-resume");
        var port = ServerProcess.FreePort();
        var ids = new List<string>();
        string token;
        using (var server = await ServerProcess.StartAsync(data, port))
        {
            token = await SignUpAndLogin(server.BaseUri);
            var admin = new TestClient(Client(server.BaseUri, token));
            // hold the thumbnail queue so that work is certainly pending at the kill
            await admin.Put("/api/jobs/thumbnailGeneration", new JsonObject { ["command"] = "pause" });
            var files = Uploads.Corpus().Where(f => f.Contains("/jpeg/") || f.Contains("/orientation/")).Take(12).ToList();
            foreach (var f in files)
            {
                var form = new MultipartFormDataContent
                {
                    { new StringContent(Path.GetFileName(f)), "deviceAssetId" }, { new StringContent("d"), "deviceId" },
                    { new StringContent("2024-01-01T00:00:00Z"), "fileCreatedAt" }, { new StringContent("2024-01-01T00:00:00Z"), "fileModifiedAt" },
                    { new ByteArrayContent(await File.ReadAllBytesAsync(f)), "assetData", Path.GetFileName(f) },
                };
                ids.Add(JsonNode.Parse(await (await admin.Http.PostAsync("/api/assets", form)).Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
            }
            var jobs = await admin.Get("/api/jobs");
            Assert.True(jobs["thumbnailGeneration"]!["jobCounts"]!["paused"]!.GetValue<int>() +
                        jobs["metadataExtraction"]!["jobCounts"]!["waiting"]!.GetValue<int>() +
                        jobs["metadataExtraction"]!["jobCounts"]!["active"]!.GetValue<int>() > 0);
            server.KillHard();
        }
        using (var server = await ServerProcess.StartAsync(data, port))
        {
            var admin = new TestClient(Client(server.BaseUri, token));
            await admin.Put("/api/jobs/thumbnailGeneration", new JsonObject { ["command"] = "resume" });
            await ImmichLite.Tests.Pipeline.PipelineTests.WaitForJobs(admin);
            foreach (var id in ids)
                Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync($"/api/assets/{id}/thumbnail")).StatusCode);
            var after = await admin.Get("/api/jobs");
            Assert.Equal(0, after["thumbnailGeneration"]!["jobCounts"]!["failed"]!.GetValue<int>());
        }
    }

    static void AssertConsistent(string data)
    {
        Assert.Empty(Directory.GetFiles(Path.Combine(data, ".tmp")));
        using var db = new SqliteConnection($"Data Source={Path.Combine(data, "immichlite.db")};Mode=ReadOnly");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT originalPath FROM assets";
        var rows = new HashSet<string>();
        using (var r = cmd.ExecuteReader()) while (r.Read()) rows.Add(r.GetString(0));
        foreach (var p in rows) Assert.True(File.Exists(p), $"row without file: {p}");
        var files = Directory.GetFiles(Path.Combine(data, "upload"), "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != ".immich");
        foreach (var f in files) Assert.True(rows.Contains(f), $"file without row: {f}");
    }

    static HttpClient Client(Uri uri, string token)
    {
        var c = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(30) };
        c.DefaultRequestHeaders.Add("x-immich-user-token", token);
        return c;
    }

    static async Task<string> SignUpAndLogin(Uri uri)
    {
        var anon = new TestClient(new HttpClient { BaseAddress = uri });
        await anon.Post("/api/auth/admin-sign-up", new JsonObject { ["email"] = "a@b.co", ["password"] = "password", ["name"] = "A" });
        return (await anon.Post("/api/auth/login", new JsonObject { ["email"] = "a@b.co", ["password"] = "password" }))["accessToken"]!.GetValue<string>();
    }
}
