using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.Api;

public sealed class AssetsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Whole_corpus_uploads_dedups_and_downloads_byte_identical()
    {
        var user = await server.NewUser("corpus");
        var ids = new Dictionary<string, string>();
        foreach (var file in Uploads.Corpus())
        {
            var bytes = await File.ReadAllBytesAsync(file);
            var r = await Uploads.Upload(user, file);
            if (bytes.Length == 0)
            {
                Assert.Contains("empty", await TestClient.ExpectError(r, 400));
                continue;
            }
            var body = await TestClient.Expect(r, (int)r.StatusCode);
            SpecValidator.AssertValid(body, "AssetMediaResponseDto");
            Assert.True(r.StatusCode is HttpStatusCode.Created || body["status"]!.GetValue<string>() == "duplicate", file);
            if (r.StatusCode == HttpStatusCode.Created) Assert.Equal("created", body["status"]!.GetValue<string>());
            ids[file] = body["id"]!.GetValue<string>();
        }
        Assert.True(ids.Count >= 70);

        // second run: everything is a duplicate, with the same ids
        foreach (var (file, id) in ids)
        {
            var r = await Uploads.Upload(user, file);
            var body = await TestClient.Expect(r, 200);
            Assert.Equal("duplicate", body["status"]!.GetValue<string>());
            Assert.Equal(id, body["id"]!.GetValue<string>());
        }

        // originals come back byte-identical, and asset info is complete and spec-valid
        foreach (var (file, id) in ids.Take(80))
        {
            var original = await user.Http.GetAsync($"/api/assets/{id}/original");
            Assert.Equal(HttpStatusCode.OK, original.StatusCode);
            Assert.Equal(await File.ReadAllBytesAsync(file), await original.Content.ReadAsByteArrayAsync());
            var info = await user.Get($"/api/assets/{id}");
            SpecValidator.AssertValid(info, "AssetResponseDto");
            Assert.Equal(Uploads.Sha1Base64(await File.ReadAllBytesAsync(file)), info["checksum"]!.GetValue<string>());
            Assert.Equal(new FileInfo(file).Length, info["exifInfo"]!["fileSizeInByte"]!.GetValue<long>());
        }
        var stats = await user.Get("/api/assets/statistics");
        SpecValidator.AssertValid(stats, "AssetStatsResponseDto");
        // statistics leave out hidden assets (the video half of a live photo is hidden once paired)
        int visible = 0, videos = 0;
        foreach (var id in ids.Values.Distinct())
        {
            var a = await user.Get($"/api/assets/{id}");
            if (a["visibility"]!.GetValue<string>() == "hidden") continue;
            visible++;
            if (a["type"]!.GetValue<string>() == "VIDEO") videos++;
        }
        Assert.Equal(visible, stats["total"]!.GetValue<int>());
        Assert.Equal(videos, stats["videos"]!.GetValue<int>());
        Assert.True(videos >= 9);
        // usage counts each stored original once
        var expectedUsage = ids.GroupBy(kv => kv.Value).Sum(g => new FileInfo(g.First().Key).Length);
        Assert.Equal(expectedUsage, (await user.Get("/api/users/me"))["quotaUsageInBytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task Upload_layout_and_asset_fields_follow_upstream()
    {
        var user = await server.NewUser("layout");
        var file = Uploads.CorpusFile("jpeg/no-exif_progressive.jpg"); // no date inside: the upload's dates stay
        var id = await Uploads.UploadOk(user, file);
        var info = await user.Get($"/api/assets/{id}");
        Assert.Equal("IMAGE", info["type"]!.GetValue<string>());
        Assert.Equal("timeline", info["visibility"]!.GetValue<string>());
        Assert.Equal("no-exif_progressive.jpg", info["originalFileName"]!.GetValue<string>());
        Assert.Equal("image/jpeg", info["originalMimeType"]!.GetValue<string>());
        Assert.Equal("2024-03-01T10:00:00.000Z", info["fileCreatedAt"]!.GetValue<string>());
        Assert.Equal("2024-03-01T10:00:00.000Z", info["localDateTime"]!.GetValue<string>());
        Assert.Equal(user.UserId, info["owner"]!["id"]!.GetValue<string>());
        var path = info["originalPath"]!.GetValue<string>();
        Assert.Equal(Path.Combine(server.DataDir, "upload", user.UserId, id[..2], id[2..4], id + ".jpg"), path);
        Assert.True(File.Exists(path));
        Assert.Equal(new DateTime(2024, 3, 1, 10, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(path));
        Assert.Empty(Directory.GetFiles(Path.Combine(server.DataDir, ".tmp")));

        // video by extension, and the device lookups the app uses
        var vid = await Uploads.UploadOk(user, Uploads.CorpusFile("video/android-6.0.1_h264_gps.mp4"));
        Assert.Equal("VIDEO", (await user.Get($"/api/assets/{vid}"))["type"]!.GetValue<string>());
        var deviceIds = await user.Get("/api/assets/device/test-device");
        Assert.Equal(2, deviceIds.AsArray().Count);
        var exist = await user.Post("/api/assets/exist", new JsonObject { ["deviceId"] = "test-device", ["deviceAssetIds"] = new JsonArray(deviceIds[0]!.GetValue<string>(), "nope") }, expect: 200);
        SpecValidator.AssertValid(exist, "CheckExistingAssetsResponseDto");
        Assert.Single(exist["existingIds"]!.AsArray());
    }

    [Fact]
    public async Task Cli_style_upload_without_device_fields_gets_defaults()
    {
        var user = await server.NewUser("cli");
        var file = Uploads.CorpusFile("jpeg/canon-eos7d_iptc-keywords.jpg");
        var form = new MultipartFormDataContent
        {
            { new StringContent("2024-01-01T00:00:00.000Z"), "fileCreatedAt" }, { new StringContent("2024-01-01T00:00:00.000Z"), "fileModifiedAt" },
            { new StringContent(new FileInfo(file).Length.ToString()), "fileSize" }, { new StringContent("false"), "isFavorite" },
            { new ByteArrayContent(await File.ReadAllBytesAsync(file)), "assetData", "my photo.jpg" },
        };
        var body = await TestClient.Expect(await user.Http.PostAsync("/api/assets", form), 201);
        var info = await user.Get($"/api/assets/{body["id"]}");
        Assert.Equal("CLI", info["deviceId"]!.GetValue<string>());
        Assert.Equal($"myphoto.jpg-{new FileInfo(file).Length}", info["deviceAssetId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Checksum_header_and_bulk_upload_check()
    {
        var user = await server.NewUser("checks");
        var file = Uploads.CorpusFile("jpeg/canon-eos500d_xmp-rating.jpg");
        var bytes = await File.ReadAllBytesAsync(file);
        var sha = System.Security.Cryptography.SHA1.HashData(bytes);

        var check = await user.Post("/api/assets/bulk-upload-check", new JsonObject
        {
            ["assets"] = new JsonArray(new JsonObject { ["id"] = "a", ["checksum"] = Convert.ToHexString(sha).ToLowerInvariant() }),
        }, expect: 200);
        SpecValidator.AssertValid(check, "AssetBulkUploadCheckResponseDto");
        Assert.Equal("accept", check["results"]![0]!["action"]!.GetValue<string>());

        var id = await Uploads.UploadOk(user, file);
        var again = await user.Post("/api/assets/bulk-upload-check", new JsonObject
        {
            ["assets"] = new JsonArray(
                new JsonObject { ["id"] = "hex", ["checksum"] = Convert.ToHexString(sha) },
                new JsonObject { ["id"] = "b64", ["checksum"] = Convert.ToBase64String(sha) },
                new JsonObject { ["id"] = "new", ["checksum"] = new string('0', 40) }),
        }, expect: 200);
        var results = again["results"]!.AsArray();
        Assert.Equal(["hex", "b64", "new"], results.Select(r => r!["id"]!.GetValue<string>()));
        Assert.Equal("reject", results[0]!["action"]!.GetValue<string>());
        Assert.Equal("duplicate", results[0]!["reason"]!.GetValue<string>());
        Assert.Equal(id, results[1]!["assetId"]!.GetValue<string>());
        Assert.False(results[1]!["isTrashed"]!.GetValue<bool>());
        Assert.Equal("accept", results[2]!["action"]!.GetValue<string>());

        // the header short-circuits before the body is read: a garbage body still answers duplicate
        var r = await Uploads.Upload(user, file, bytes: Encoding.ASCII.GetBytes("not the file"), checksumHeader: Convert.ToBase64String(sha));
        var body = await TestClient.Expect(r, 200);
        Assert.Equal("duplicate", body["status"]!.GetValue<string>());
        Assert.Equal(id, body["id"]!.GetValue<string>());
        await user.Post("/api/assets/bulk-upload-check", new JsonObject { ["assets"] = new JsonArray(new JsonObject { ["id"] = "x", ["checksum"] = "zz" }) }, expect: 400);
    }

    [Fact]
    public async Task Bad_uploads_are_400_and_leave_nothing_on_disk()
    {
        var user = await server.NewUser("bad");
        var file = Uploads.CorpusFile("jpeg/no-exif_progressive.jpg");
        var before = UploadedFiles(user.UserId);

        Assert.Contains("Unsupported file type", await TestClient.ExpectError(await Uploads.Upload(user, file, fileName: "notes.txt"), 400));
        Assert.Contains("Invalid file name", await TestClient.ExpectError(await Uploads.Upload(user, file, fileName: "../../../etc/evil.jpg"), 400));
        Assert.Contains("empty", await TestClient.ExpectError(await Uploads.Upload(user, file, bytes: []), 400));
        Assert.Contains("fileCreatedAt must be a Date instance", await TestClient.ExpectError(
            await Uploads.Upload(user, file, extra: new() { ["fileCreatedAt"] = "yesterday-ish" }) is var x ? await Replace(user, file, "fileCreatedAt", "yesterday-ish") : x, 400));
        Assert.Contains("assetData is required", await TestClient.ExpectError(await Uploads.Upload(user, file, field: "somethingElse"), 400));
        Assert.Contains("visibility", await TestClient.ExpectError(await Replace(user, file, "visibility", "public"), 400));

        var missing = new MultipartFormDataContent { { new StringContent(""), "deviceAssetId" }, { new StringContent("x"), "deviceId" }, { new ByteArrayContent([1, 2, 3]), "assetData", "a.jpg" } };
        var m = await TestClient.ExpectError(await user.Http.PostAsync("/api/assets", missing), 400);
        Assert.Contains("deviceAssetId should not be empty", m);
        Assert.Contains("fileCreatedAt should not be empty", m);

        var json = await user.Http.PostAsync("/api/assets", new StringContent("{}", Encoding.UTF8, "application/json"));
        await TestClient.ExpectError(json, 400);

        // a multipart body cut off in the middle
        var raw = new StringContent("--XYZ\r\nContent-Disposition: form-data; name=\"assetData\"; filename=\"a.jpg\"\r\n\r\nabcdef", Encoding.ASCII);
        raw.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=XYZ");
        await TestClient.ExpectError(await user.Http.PostAsync("/api/assets", raw), 400);

        Assert.Equal(before, UploadedFiles(user.UserId));
        Assert.Empty(Directory.GetFiles(Path.Combine(server.DataDir, ".tmp")));
        Assert.Equal(0, (await user.Get("/api/assets/statistics"))["total"]!.GetValue<int>());
    }

    /// <summary>Uploads with one form field replaced by another value (fields are sent once).</summary>
    static async Task<HttpResponseMessage> Replace(TestClient c, string file, string field, string value)
    {
        var form = new MultipartFormDataContent();
        var fields = new Dictionary<string, string>
        {
            ["deviceAssetId"] = "x", ["deviceId"] = "d", ["fileCreatedAt"] = "2024-01-01T00:00:00Z", ["fileModifiedAt"] = "2024-01-01T00:00:00Z",
        };
        fields[field] = value;
        foreach (var (k, v) in fields) form.Add(new StringContent(v), k);
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(file)), "assetData", Path.GetFileName(file));
        return await c.Http.PostAsync("/api/assets", form);
    }

    int UploadedFiles(string userId)
    {
        var dir = Path.Combine(server.DataDir, "upload", userId);
        return Directory.Exists(dir) ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Length : 0;
    }

    [Fact]
    public async Task Range_requests_on_originals()
    {
        var user = await server.NewUser("range");
        var file = Uploads.CorpusFile("video/apple-iphone6_h264_gps_rotation-90.mov");
        var bytes = await File.ReadAllBytesAsync(file);
        var id = await Uploads.UploadOk(user, file);
        var url = $"/api/assets/{id}/original";

        async Task<HttpResponseMessage> Get(string range)
        {
            var req = new HttpRequestMessage(HttpMethod.Get, url);
            req.Headers.Add("Range", range);
            return await user.Http.SendAsync(req);
        }

        var full = await user.Http.GetAsync(url);
        Assert.Equal("video/quicktime", full.Content.Headers.ContentType!.MediaType);
        Assert.Contains("apple-iphone6_h264_gps_rotation-90.mov", full.Content.Headers.ContentDisposition!.ToString());
        Assert.NotNull(full.Headers.ETag);
        Assert.NotNull(full.Content.Headers.LastModified);
        Assert.Equal("bytes", full.Headers.AcceptRanges.Single());

        var first = await Get("bytes=0-99");
        Assert.Equal(HttpStatusCode.PartialContent, first.StatusCode);
        Assert.Equal(bytes[..100], await first.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 0-99/{bytes.Length}", first.Content.Headers.ContentRange!.ToString());

        var middle = await Get("bytes=1000-1999");
        Assert.Equal(bytes[1000..2000], await middle.Content.ReadAsByteArrayAsync());

        var suffix = await Get("bytes=-500");
        Assert.Equal(bytes[^500..], await suffix.Content.ReadAsByteArrayAsync());

        var bad = await Get($"bytes={bytes.Length + 10}-{bytes.Length + 20}");
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, bad.StatusCode);

        // conditional request with the ETag
        var cond = new HttpRequestMessage(HttpMethod.Get, url);
        cond.Headers.IfNoneMatch.Add(full.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await user.Http.SendAsync(cond)).StatusCode);

        // video playback serves the original (no transcode yet) with ranges too
        var play = await Get("bytes=0-9");
        Assert.Equal(HttpStatusCode.PartialContent, play.StatusCode);
        var photo = await Uploads.UploadOk(user, Uploads.CorpusFile("jpeg/no-exif_progressive.jpg"));
        Assert.Equal("Asset is not a video", await TestClient.ExpectError(await user.Http.GetAsync($"/api/assets/{photo}/video/playback"), 400));
    }

    [Fact]
    public async Task Users_cannot_reach_each_others_assets()
    {
        var alice = await server.NewUser("alice");
        var bob = await server.NewUser("bob");
        var id = await Uploads.UploadOk(alice, Uploads.CorpusFile("jpeg/canon-sd1100is_picasa-tags.jpg"));

        Assert.Contains("asset.read", await TestClient.ExpectError(await bob.Http.GetAsync($"/api/assets/{id}"), 400));
        await TestClient.ExpectError(await bob.Http.GetAsync($"/api/assets/{id}/original"), 400);
        await TestClient.ExpectError(await bob.Http.GetAsync($"/api/assets/{id}/video/playback"), 400);
        await TestClient.ExpectError(await bob.Send(HttpMethod.Put, $"/api/assets/{id}", new JsonObject { ["isFavorite"] = true }), 400);
        await TestClient.ExpectError(await bob.Send(HttpMethod.Put, "/api/assets", new JsonObject { ["ids"] = new JsonArray(id), ["isFavorite"] = true }), 400);
        await TestClient.ExpectError(await bob.Send(HttpMethod.Delete, "/api/assets", new JsonObject { ["ids"] = new JsonArray(id), ["force"] = true }), 400);
        await TestClient.ExpectError(await bob.PostRaw("/api/trash/restore/assets", new JsonObject { ["ids"] = new JsonArray(id) }), 400);
        await TestClient.ExpectError(await bob.PostRaw("/api/download/info", new JsonObject { ["assetIds"] = new JsonArray(id) }), 400);
        await TestClient.ExpectError(await bob.PostRaw("/api/download/archive", new JsonObject { ["assetIds"] = new JsonArray(id) }), 400);
        await TestClient.ExpectError(await bob.Send(HttpMethod.Put, $"/api/assets/{id}/original", null), 400);

        // bob's duplicate of the same bytes is his own asset: checksums are per owner
        var bobs = await Uploads.UploadOk(bob, Uploads.CorpusFile("jpeg/canon-sd1100is_picasa-tags.jpg"));
        Assert.NotEqual(id, bobs);
        Assert.False((await alice.Get($"/api/assets/{id}"))["isFavorite"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Edits_trash_restore_and_permanent_delete()
    {
        var user = await server.NewUser("edits");
        var file = Uploads.CorpusFile("jpeg/kodak-dc240_unmodified-camera-original.jpg");
        var id = await Uploads.UploadOk(user, file);
        var before = await user.Get($"/api/assets/{id}");

        var edited = await user.Put($"/api/assets/{id}", new JsonObject
        {
            ["isFavorite"] = true, ["description"] = "A kodak", ["rating"] = 4, ["latitude"] = 48.8584, ["longitude"] = 2.2945,
            ["dateTimeOriginal"] = "2020-05-06T07:08:09.000+02:00",
        });
        SpecValidator.AssertValid(edited, "AssetResponseDto");
        Assert.True(edited["isFavorite"]!.GetValue<bool>());
        Assert.Equal("A kodak", edited["exifInfo"]!["description"]!.GetValue<string>());
        Assert.Equal(4, edited["exifInfo"]!["rating"]!.GetValue<double>());
        Assert.Equal(48.8584, edited["exifInfo"]!["latitude"]!.GetValue<double>());
        Assert.Equal("2020-05-06T05:08:09.000Z", edited["exifInfo"]!["dateTimeOriginal"]!.GetValue<string>());
        Assert.Equal("2020-05-06T07:08:09.000Z", edited["localDateTime"]!.GetValue<string>());
        Assert.True(string.CompareOrdinal(edited["updatedAt"]!.GetValue<string>(), before["updatedAt"]!.GetValue<string>()) >= 0);
        await user.Put($"/api/assets/{id}", new JsonObject { ["rating"] = 9 }, expect: 400);
        await user.Put($"/api/assets/{id}", new JsonObject { ["latitude"] = 91, ["longitude"] = 0 }, expect: 400);

        await user.Put("/api/assets", new JsonObject { ["ids"] = new JsonArray(id), ["visibility"] = "archive" }, expect: 204);
        var archived = await user.Get($"/api/assets/{id}");
        Assert.True(archived["isArchived"]!.GetValue<bool>());
        Assert.Equal("archive", archived["visibility"]!.GetValue<string>());

        // trash, restore, trash again, empty trash
        await user.Delete("/api/assets", new JsonObject { ["ids"] = new JsonArray(id) }, expect: 204);
        Assert.True((await user.Get($"/api/assets/{id}"))["isTrashed"]!.GetValue<bool>());
        Assert.Equal(1, (await user.Get("/api/assets/statistics?isTrashed=true"))["total"]!.GetValue<int>());
        var restored = await user.Post("/api/trash/restore/assets", new JsonObject { ["ids"] = new JsonArray(id) }, expect: 200);
        Assert.Equal(1, restored["count"]!.GetValue<int>());
        Assert.False((await user.Get($"/api/assets/{id}"))["isTrashed"]!.GetValue<bool>());
        await user.Delete("/api/assets", new JsonObject { ["ids"] = new JsonArray(id) }, expect: 204);
        var path = (await user.Get($"/api/assets/{id}"))["originalPath"]!.GetValue<string>();
        Assert.True(File.Exists(path));
        var emptied = await user.Post("/api/trash/empty", expect: 200);
        SpecValidator.AssertValid(emptied, "TrashResponseDto");
        Assert.Equal(1, emptied["count"]!.GetValue<int>());
        await TestClient.ExpectError(await user.Http.GetAsync($"/api/assets/{id}"), 400);
        Assert.False(File.Exists(path));
        Assert.Equal(0, (await user.Get("/api/users/me"))["quotaUsageInBytes"]!.GetValue<long>());

        // re-upload after delete creates a new asset
        var again = await Uploads.UploadOk(user, file);
        Assert.NotEqual(id, again);

        // force delete skips the trash
        await user.Delete("/api/assets", new JsonObject { ["ids"] = new JsonArray(again), ["force"] = true }, expect: 204);
        await TestClient.ExpectError(await user.Http.GetAsync($"/api/assets/{again}"), 400);
    }

    [Fact]
    public async Task Live_photo_pairing_hides_the_video()
    {
        var user = await server.NewUser("live");
        var video = await Uploads.UploadOk(user, Uploads.CorpusFile("livephoto/apple-iphone6s_livephoto.mov"));
        var photo = await Uploads.UploadOk(user, Uploads.CorpusFile("livephoto/apple-iphone6s_livephoto.jpg"), extra: new() { ["livePhotoVideoId"] = video });
        Assert.Equal(video, (await user.Get($"/api/assets/{photo}"))["livePhotoVideoId"]!.GetValue<string>());
        Assert.Equal("hidden", (await user.Get($"/api/assets/{video}"))["visibility"]!.GetValue<string>());
        Assert.DoesNotContain((await user.Get("/api/assets/device/test-device")).AsArray(), x => x!.GetValue<string>().Contains(".mov"));

        var other = await server.NewUser("live2");
        var notMine = await Uploads.Upload(other, Uploads.CorpusFile("jpeg/no-exif_progressive.jpg"), extra: new() { ["livePhotoVideoId"] = video });
        Assert.Equal("Live photo video does not belong to the user", await TestClient.ExpectError(notMine, 400));
        var notVideo = await Uploads.Upload(user, Uploads.CorpusFile("jpeg/canon-eos7d_iptc-keywords.jpg"), extra: new() { ["livePhotoVideoId"] = photo });
        Assert.Equal("Live photo video must be a video", await TestClient.ExpectError(notVideo, 400));
        var missing = await Uploads.Upload(user, Uploads.CorpusFile("jpeg/canon-eos7d_iptc-keywords.jpg"), extra: new() { ["livePhotoVideoId"] = Guid.NewGuid().ToString() });
        Assert.Equal("Live photo video not found", await TestClient.ExpectError(missing, 400));

        // deleting the photo for good takes its video part too
        await user.Delete("/api/assets", new JsonObject { ["ids"] = new JsonArray(photo), ["force"] = true }, expect: 204);
        await TestClient.ExpectError(await user.Http.GetAsync($"/api/assets/{video}"), 400);
    }

    [Fact]
    public async Task Server_and_user_statistics_count_photos_videos_and_bytes()
    {
        var admin = await server.Admin();
        var user = await server.NewUser("stats");
        var photo = Uploads.CorpusFile("jpeg/apple-iphone4_gps.jpg");
        var video = Uploads.CorpusFile("video/apple-iphone6_h264_gps_rotation-90.mov");
        await Uploads.UploadOk(user, photo);
        await Uploads.UploadOk(user, video);
        var stats = await admin.Get("/api/server/statistics");
        SpecValidator.AssertValid(stats, "ServerStatsResponseDto");
        var mine = stats["usageByUser"]!.AsArray().Single(u => u!["userId"]!.GetValue<string>() == user.UserId)!;
        Assert.Equal(1, mine["photos"]!.GetValue<int>());
        Assert.Equal(1, mine["videos"]!.GetValue<int>());
        Assert.Equal(new FileInfo(photo).Length, mine["usagePhotos"]!.GetValue<long>());
        Assert.Equal(new FileInfo(video).Length, mine["usageVideos"]!.GetValue<long>());
        Assert.Equal(stats["usageByUser"]!.AsArray().Sum(u => u!["usage"]!.GetValue<long>()), stats["usage"]!.GetValue<long>());
        var userStats = await admin.Get($"/api/admin/users/{user.UserId}/statistics");
        SpecValidator.AssertValid(userStats, "AssetStatsResponseDto");
        Assert.Equal(2, userStats["total"]!.GetValue<int>());
        await TestClient.ExpectError(await user.Http.GetAsync("/api/server/statistics"), 403);
    }

    [Fact]
    public async Task Quota_is_enforced()
    {
        var file = Uploads.CorpusFile("jpeg/nikon-coolpix-p6000_gps.jpg");
        var size = new FileInfo(file).Length;
        var user = await server.NewUser("quota", quota: size + 10);
        await Uploads.UploadOk(user, file);
        var r = await Uploads.Upload(user, Uploads.CorpusFile("jpeg/apple-iphone4_gps.jpg"));
        Assert.Equal("Quota has been exceeded!", await TestClient.ExpectError(r, 400));
        Assert.Equal(size, (await user.Get("/api/users/me"))["quotaUsageInBytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task Sidecar_is_saved_beside_the_original()
    {
        var user = await server.NewUser("sidecar");
        var form = new MultipartFormDataContent
        {
            { new StringContent("side-1"), "deviceAssetId" }, { new StringContent("d"), "deviceId" },
            { new StringContent("2024-01-01T00:00:00Z"), "fileCreatedAt" }, { new StringContent("2024-01-01T00:00:00Z"), "fileModifiedAt" },
            { new ByteArrayContent(await File.ReadAllBytesAsync(Uploads.CorpusFile("jpeg/no-exif_progressive.jpg"))), "assetData", "p.jpg" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes("<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")), "sidecarData", "p.jpg.xmp" },
        };
        var body = await TestClient.Expect(await user.Http.PostAsync("/api/assets", form), 201);
        var info = await user.Get($"/api/assets/{body["id"]}");
        Assert.True(File.Exists(info["originalPath"]!.GetValue<string>() + ".xmp"));
    }

    [Fact]
    public async Task Replace_keeps_the_id_and_trashes_a_copy_of_the_old_file()
    {
        var user = await server.NewUser("replace");
        var oldFile = Uploads.CorpusFile("jpeg/canon-eos40d_dslr-exif_gimp-resized.jpg");
        var newFile = Uploads.CorpusFile("jpeg/canon-eos7d_iptc-keywords.jpg");
        var id = await Uploads.UploadOk(user, oldFile);
        var r = await Uploads.Upload(user, newFile, url: $"/api/assets/{id}/original", method: HttpMethod.Put);
        var body = await TestClient.Expect(r, 200);
        Assert.Equal("replaced", body["status"]!.GetValue<string>());
        var copy = body["id"]!.GetValue<string>();
        Assert.NotEqual(id, copy);
        Assert.Equal(await File.ReadAllBytesAsync(newFile), await user.Http.GetByteArrayAsync($"/api/assets/{id}/original"));
        var old = await user.Get($"/api/assets/{copy}");
        Assert.True(old["isTrashed"]!.GetValue<bool>());
        Assert.Equal(await File.ReadAllBytesAsync(oldFile), await user.Http.GetByteArrayAsync($"/api/assets/{copy}/original"));
    }

    [Fact]
    public async Task Download_info_splits_and_archive_streams_the_originals()
    {
        var user = await server.NewUser("zip");
        var files = new[] { "jpeg/apple-iphone4_gps.jpg", "jpeg/nikon-coolpix-p6000_gps.jpg", "orientation/landscape_orientation-1_normal.jpg" }.Select(Uploads.CorpusFile).ToArray();
        var ids = new List<string>();
        foreach (var f in files) ids.Add(await Uploads.UploadOk(user, f));
        // the same name twice in one archive
        ids.Add(await Uploads.UploadOk(user, Uploads.CorpusFile("jpeg/canon-eos7d_iptc-keywords.jpg"), fileName: "apple-iphone4_gps.jpg"));

        var info = await user.Post("/api/download/info", new JsonObject { ["assetIds"] = new JsonArray(ids.Select(i => (JsonNode)i!).ToArray()), ["archiveSize"] = 200_000 });
        SpecValidator.AssertValid(info, "DownloadResponseDto");
        var archives = info["archives"]!.AsArray();
        Assert.True(archives.Count >= 2);
        Assert.Equal(ids.Order(), archives.SelectMany(a => a!["assetIds"]!.AsArray().Select(x => x!.GetValue<string>())).Order());
        Assert.Equal(archives.Sum(a => a!["size"]!.GetValue<long>()), info["totalSize"]!.GetValue<long>());

        var res = await user.Http.PostAsync("/api/download/archive", new StringContent(new JsonObject { ["assetIds"] = new JsonArray(ids.Select(i => (JsonNode)i!).ToArray()) }.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        using var zip = new ZipArchive(new MemoryStream(await res.Content.ReadAsByteArrayAsync()));
        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("apple-iphone4_gps.jpg", names);
        Assert.Contains("apple-iphone4_gps+1.jpg", names);
        foreach (var f in files)
        {
            using var ms = new MemoryStream();
            await zip.GetEntry(Path.GetFileName(f))!.Open().CopyToAsync(ms);
            Assert.Equal(await File.ReadAllBytesAsync(f), ms.ToArray());
        }
    }
}
