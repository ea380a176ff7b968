using System.Text;
using System.Text.Json.Nodes;
using ImmichLite.Infrastructure;
using ImmichLite.Tests.Infrastructure;
using ImmichLite.Tests.Pipeline;
using ImmichLite.Tests.Realtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace ImmichLite.Tests.Api;

/// <summary>The admin's system config through HTTP: upstream's defaults, the storage-template options, updates that
/// are checked, stored (surviving a restart), applied live and broadcast; settings of absent features refused.</summary>
public sealed class SystemConfigTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    static T V<T>(JsonNode n, string path)
    {
        JsonNode? cur = n;
        foreach (var part in path.Split('.')) cur = cur![part];
        return cur!.GetValue<T>();
    }

    static void Set(JsonNode n, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var cur = n;
        foreach (var part in parts[..^1]) cur = cur[part]!;
        cur[parts[^1]] = value;
    }

    [Fact]
    public async Task Defaults_are_upstreams_and_valid_against_the_spec()
    {
        var admin = await server.Admin();
        var d = await admin.Get("/api/system-config/defaults");
        SpecValidator.AssertValid(d, "SystemConfigDto");
        Assert.True(V<bool>(d, "backup.database.enabled"));
        Assert.Equal("0 02 * * *", V<string>(d, "backup.database.cronExpression"));
        Assert.Equal(14, V<int>(d, "backup.database.keepLastAmount"));
        Assert.Equal(23, V<int>(d, "ffmpeg.crf"));
        Assert.Equal("ultrafast", V<string>(d, "ffmpeg.preset"));
        Assert.Equal("h264", V<string>(d, "ffmpeg.targetVideoCodec"));
        Assert.Equal("aac", V<string>(d, "ffmpeg.targetAudioCodec"));
        Assert.Equal("720", V<string>(d, "ffmpeg.targetResolution"));
        Assert.Equal("required", V<string>(d, "ffmpeg.transcode"));
        Assert.Equal("disabled", V<string>(d, "ffmpeg.accel"));
        Assert.Equal("hable", V<string>(d, "ffmpeg.tonemap"));
        Assert.Equal(-1, V<int>(d, "ffmpeg.bframes"));
        Assert.Equal(["aac", "mp3", "libopus", "pcm_s16le"], d["ffmpeg"]!["acceptedAudioCodecs"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(3, V<int>(d, "job.thumbnailGeneration.concurrency"));
        Assert.Equal(5, V<int>(d, "job.metadataExtraction.concurrency"));
        Assert.Equal(1, V<int>(d, "job.videoConversion.concurrency"));
        Assert.Equal(2, V<int>(d, "job.smartSearch.concurrency"));
        Assert.Equal(2, V<int>(d, "job.faceDetection.concurrency"));
        Assert.Equal(5, V<int>(d, "job.backgroundTask.concurrency"));
        Assert.Equal("webp", V<string>(d, "image.thumbnail.format"));
        Assert.Equal(250, V<int>(d, "image.thumbnail.size"));
        Assert.Equal("jpeg", V<string>(d, "image.preview.format"));
        Assert.Equal(1440, V<int>(d, "image.preview.size"));
        Assert.Equal(80, V<int>(d, "image.preview.quality"));
        Assert.Equal("p3", V<string>(d, "image.colorspace"));
        Assert.False(V<bool>(d, "image.fullsize.enabled"));
        Assert.True(V<bool>(d, "trash.enabled"));
        Assert.Equal(30, V<int>(d, "trash.days"));
        Assert.Equal(7, V<int>(d, "user.deleteDelay"));
        Assert.True(V<bool>(d, "map.enabled"));
        Assert.Equal("https://tiles.immich.cloud/v1/style/light.json", V<string>(d, "map.lightStyle"));
        Assert.True(V<bool>(d, "reverseGeocoding.enabled"));
        Assert.True(V<bool>(d, "newVersionCheck.enabled"));
        Assert.True(V<bool>(d, "passwordLogin.enabled"));
        Assert.False(V<bool>(d, "oauth.enabled"));
        Assert.Equal("openid email profile", V<string>(d, "oauth.scope"));
        Assert.Equal("client_secret_post", V<string>(d, "oauth.tokenEndpointAuthMethod"));
        Assert.Equal(30000, V<int>(d, "oauth.timeout"));
        Assert.True(V<bool>(d, "machineLearning.enabled"));
        Assert.Equal("http://immich-machine-learning:3003", d["machineLearning"]!["urls"]![0]!.GetValue<string>());
        Assert.Equal("ViT-B-32__openai", V<string>(d, "machineLearning.clip.modelName"));
        Assert.Equal(0.01, V<double>(d, "machineLearning.duplicateDetection.maxDistance"));
        Assert.Equal(0.7, V<double>(d, "machineLearning.facialRecognition.minScore"));
        Assert.Equal(3, V<int>(d, "machineLearning.facialRecognition.minFaces"));
        Assert.False(V<bool>(d, "storageTemplate.enabled"));
        Assert.Equal("{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}", V<string>(d, "storageTemplate.template"));
        Assert.True(V<bool>(d, "library.scan.enabled"));
        Assert.Equal("0 0 * * *", V<string>(d, "library.scan.cronExpression"));
        Assert.False(V<bool>(d, "library.watch.enabled"));
        Assert.Equal(587, V<int>(d, "notifications.smtp.transport.port"));
        Assert.True(V<bool>(d, "server.publicUsers"));
        Assert.Equal("log", V<string>(d, "logging.level"));
        Assert.Equal("", V<string>(d, "theme.customCss"));
        // nothing saved yet: the config is the defaults
        Assert.Equal(d.ToJsonString(), (await admin.Get("/api/system-config")).ToJsonString());
    }

    [Fact]
    public async Task Storage_template_options_are_upstreams()
    {
        var o = await (await server.Admin()).Get("/api/system-config/storage-template-options");
        SpecValidator.AssertValid(o, "SystemConfigTemplateStorageOptionDto");
        string[] L(string k) => o[k]!.AsArray().Select(x => x!.GetValue<string>()).ToArray();
        Assert.Equal(["y", "yy"], L("yearOptions"));
        Assert.Equal(["M", "MM", "MMM", "MMMM"], L("monthOptions"));
        Assert.Equal(["W", "WW"], L("weekOptions"));
        Assert.Equal(["d", "dd"], L("dayOptions"));
        Assert.Equal(["h", "hh", "H", "HH"], L("hourOptions"));
        Assert.Equal(["m", "mm"], L("minuteOptions"));
        Assert.Equal(["s", "ss", "SSS"], L("secondOptions"));
        Assert.Equal("{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}", L("presetOptions")[0]);
        Assert.Equal("{{album}}/{{filename}}", L("presetOptions")[^1]);
        Assert.Equal(20, L("presetOptions").Length);
    }

    [Fact]
    public async Task Bad_values_and_absent_features_are_400_and_non_admins_403()
    {
        var admin = await server.Admin();
        var user = await server.NewUser("config-user");
        var d = await admin.Get("/api/system-config/defaults");

        async Task<string> Refused(string path, JsonNode? value)
        {
            var body = d.DeepClone();
            Set(body, path, value);
            return await TestClient.ExpectError(await admin.Send(HttpMethod.Put, "/api/system-config", body), 400);
        }

        Assert.Contains("trash.days must not be less than 0", await Refused("trash.days", -1));
        Assert.Contains("user.deleteDelay must not be less than 1", await Refused("user.deleteDelay", 0));
        Assert.Contains("ffmpeg.crf must not be greater than 51", await Refused("ffmpeg.crf", 52));
        Assert.Contains("image.preview.quality must not be greater than 100", await Refused("image.preview.quality", 101));
        Assert.Contains("job.thumbnailGeneration.concurrency must not be less than 1", await Refused("job.thumbnailGeneration.concurrency", 0));
        Assert.Contains("accel", await Refused("ffmpeg.accel", "v4l2"));  // not in the enum
        Assert.Contains("trash", await Refused("trash", null));
        foreach (var (path, value) in new (string, JsonNode?)[]
        {
            ("oauth.enabled", true), ("storageTemplate.enabled", true), ("notifications.smtp.enabled", true), ("library.watch.enabled", true),
            ("metadata.faces.import", true), ("image.fullsize.enabled", true), ("image.thumbnail.format", "jpeg"),
            ("machineLearning.urls", new JsonArray("http://ml.local:3003")), ("backup.database.cronExpression", "0 4 * * *"),
            // smart search is set up at start-up: on/off and the model are start-up settings here
            ("machineLearning.enabled", false), ("machineLearning.clip.enabled", false), ("machineLearning.clip.modelName", "ViT-L-14__openai"),
        })
        {
            var msg = await Refused(path, value);
            Assert.Contains(path, msg);
            Assert.Contains("not supported by this server", msg);
        }
        // turning an absent feature off, or leaving the defaults, is fine
        var off = d.DeepClone();
        Set(off, "oauth.enabled", false);
        Set(off, "storageTemplate.enabled", false);
        Set(off, "machineLearning.facialRecognition.enabled", false);
        SpecValidator.AssertValid(await admin.Put("/api/system-config", off), "SystemConfigDto");
        await admin.Put("/api/system-config", d);
        Assert.Equal(d.ToJsonString(), (await admin.Get("/api/system-config")).ToJsonString());

        await TestClient.ExpectError(await user.Http.GetAsync("/api/system-config"), 403);
        await TestClient.ExpectError(await user.Http.GetAsync("/api/system-config/defaults"), 403);
        await TestClient.ExpectError(await user.Http.GetAsync("/api/system-config/storage-template-options"), 403);
        await TestClient.ExpectError(await user.Send(HttpMethod.Put, "/api/system-config", d), 403);
    }

    [Fact]
    public async Task An_update_applies_live_is_broadcast_and_survives_a_restart()
    {
        var dir = TestPaths.NewTempDir("sysconfig");
        try
        {
            var app = await Start(dir);
            var baseUri = new Uri(app.Urls.First());
            using var http = new HttpClient { BaseAddress = baseUri };
            var admin = await SignUpAdmin(baseUri);
            await using var socket = await SocketIoTestClient.ConnectAsync(baseUri, admin.Token);
            await socket.JoinAsync();

            var c = await admin.Get("/api/system-config");
            Set(c, "trash.days", 12);
            Set(c, "user.deleteDelay", 3);
            Set(c, "server.loginPageMessage", "Family photos only");
            Set(c, "server.externalDomain", "https://photos.example.com");
            Set(c, "server.publicUsers", false);
            Set(c, "theme.customCss", "body { color: red; }");
            Set(c, "map.enabled", false);
            Set(c, "map.darkStyle", "https://tiles.example.com/dark.json");
            Set(c, "image.thumbnail.size", 100);
            Set(c, "ffmpeg.crf", 28);
            Set(c, "ffmpeg.targetResolution", "480");
            Set(c, "backup.database.keepLastAmount", 3);
            Set(c, "job.thumbnailGeneration.concurrency", 1);
            Set(c, "newVersionCheck.enabled", false);
            var saved = await admin.Put("/api/system-config", c);
            SpecValidator.AssertValid(saved, "SystemConfigDto");
            Assert.Equal(12, V<int>(saved, "trash.days"));
            Assert.Null(await socket.ExpectEventAsync("on_config_update", TimeSpan.FromSeconds(5)));  // no argument, as upstream

            // live: /server/config, /server/features, /server/theme and the settings the background work reads
            var cfg = await admin.Get("/api/server/config");
            Assert.Equal(12, V<int>(cfg, "trashDays"));
            Assert.Equal(3, V<int>(cfg, "userDeleteDelay"));
            Assert.Equal("Family photos only", V<string>(cfg, "loginPageMessage"));
            Assert.Equal("https://photos.example.com", V<string>(cfg, "externalDomain"));
            Assert.False(V<bool>(cfg, "publicUsers"));
            await admin.Post("/api/admin/users", new JsonObject { ["email"] = "u@example.com", ["password"] = "user-password", ["name"] = "U" });
            var user = await TestClient.Login(baseUri, "u@example.com", "user-password");
            Assert.Equal([user.UserId], (await user.Get("/api/users")).AsArray().Select(u => u!["id"]!.GetValue<string>()));
            Assert.Equal(2, (await admin.Get("/api/users")).AsArray().Count);
            Assert.Equal("https://tiles.example.com/dark.json", V<string>(cfg, "mapDarkStyleUrl"));
            Assert.False(V<bool>(await admin.Get("/api/server/features"), "map"));
            Assert.Equal("body { color: red; }", V<string>(await admin.Get("/api/server/theme"), "customCss"));
            var settings = app.Services.GetRequiredService<ServerSettings>();
            Assert.Equal(28, settings.Transcoding.Ffmpeg.Crf);
            Assert.Equal("480", settings.Transcoding.Ffmpeg.TargetResolution);
            Assert.Equal(3, settings.BackupKeep);

            // a photo uploaded now gets a 100 px thumbnail (short side)
            var id = await Uploads.UploadOk(admin, Uploads.CorpusFile("orientation/landscape_orientation-1_normal.jpg"));
            await PipelineTests.WaitForJobs(admin);
            var thumb = await admin.Http.GetByteArrayAsync($"/api/assets/{id}/thumbnail?size=thumbnail");
            using (var bmp = SKBitmap.Decode(thumb)) Assert.Equal(100, Math.Min(bmp.Width, bmp.Height));

            // trash off: /server/features says so and a delete is permanent
            var noTrash = await admin.Get("/api/system-config");
            Set(noTrash, "trash.enabled", false);
            await admin.Put("/api/system-config", noTrash);
            Assert.False(V<bool>(await admin.Get("/api/server/features"), "trash"));
            await admin.Delete("/api/assets", new JsonObject { ["ids"] = new JsonArray(id) }, 204);
            await TestClient.ExpectError(await admin.Http.GetAsync($"/api/assets/{id}"), 400);

            // password login off: refused (the admin's session still works to turn it back on)
            var noPassword = await admin.Get("/api/system-config");
            Set(noPassword, "passwordLogin.enabled", false);
            await admin.Put("/api/system-config", noPassword);
            Assert.False(V<bool>(await admin.Get("/api/server/features"), "passwordLogin"));
            Assert.Contains("Password login has been disabled", await TestClient.ExpectError(await http.PostAsync("/api/auth/login",
                new StringContent(Creds.ToJsonString(), Encoding.UTF8, "application/json")), 401));
            Set(noPassword, "passwordLogin.enabled", true);
            var final = await admin.Put("/api/system-config", noPassword);

            await app.StopAsync();
            await app.DisposeAsync();

            // a second server on the same data folder starts with the saved config
            app = await Start(dir);
            try
            {
                var again = await TestClient.Login(new Uri(app.Urls.First()), "admin@example.com", "admin-password");
                Assert.Equal(final.ToJsonString(), (await again.Get("/api/system-config")).ToJsonString());
                Assert.Equal(12, V<int>(await again.Get("/api/server/config"), "trashDays"));
                Assert.Equal(100, app.Services.GetRequiredService<ServerSettings>().Thumbnails.ThumbnailSize);
                Assert.Equal(1, app.Services.GetRequiredService<ServerSettings>().JobConcurrency[ImmichLite.Contract.JobName.ThumbnailGeneration]);
                Assert.NotEqual(final.ToJsonString(), (await again.Get("/api/system-config/defaults")).ToJsonString());
            }
            finally { await app.StopAsync(); await app.DisposeAsync(); }
        }
        finally { try { Directory.Delete(dir, true); } catch (IOException) { } }
    }

    [Fact]
    public async Task Start_up_flags_are_this_servers_defaults()
    {
        var dir = TestPaths.NewTempDir("sysconfig-flags");
        var config = AppConfig.Load(["--transcode-crf", "30", "--transcode-codec", "hevc", "--backup-keep", "5"]) with
        {
            Host = "127.0.0.1", Port = 0, MediaLocation = dir, LogLevel = "warn",
        };
        var app = ImmichLiteHost.Build([], config);
        await app.StartAsync();
        try
        {
            var admin = await SignUpAdmin(new Uri(app.Urls.First()));
            var d = await admin.Get("/api/system-config/defaults");
            SpecValidator.AssertValid(d, "SystemConfigDto");
            Assert.Equal(30, V<int>(d, "ffmpeg.crf"));
            Assert.Equal("hevc", V<string>(d, "ffmpeg.targetVideoCodec"));
            Assert.Equal(5, V<int>(d, "backup.database.keepLastAmount"));
            Assert.Equal(30, app.Services.GetRequiredService<ServerSettings>().Transcoding.Ffmpeg.Crf);
        }
        finally { await app.StopAsync(); await app.DisposeAsync(); try { Directory.Delete(dir, true); } catch (IOException) { } }
    }

    static readonly JsonObject Creds = new() { ["email"] = "admin@example.com", ["password"] = "admin-password", ["name"] = "Admin" };

    static async Task<TestClient> SignUpAdmin(Uri baseUri)
    {
        await TestClient.Expect(await new TestClient(new HttpClient { BaseAddress = baseUri }).PostRaw("/api/auth/admin-sign-up", Creds.DeepClone()), 201);
        return await TestClient.Login(baseUri, "admin@example.com", "admin-password");
    }

    static async Task<WebApplication> Start(string dir)
    {
        var app = ImmichLiteHost.Build([], new AppConfig { Host = "127.0.0.1", Port = 0, MediaLocation = dir, LogLevel = "warn" });
        await app.StartAsync();
        return app;
    }
}
