using System.Net;
using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.Pipeline;

/// <summary>Every corpus file through the real pipeline over HTTP: upload → metadata → thumbnails (→ video conversion, VideoConversionTests).</summary>
public sealed class PipelineTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    static readonly string[] Queues = ["metadataExtraction", "thumbnailGeneration", "videoConversion"];

    /// <summary>Waits until the queues (by default the upload pipeline's) have nothing active, waiting, delayed or paused.</summary>
    public static async Task WaitForJobs(TestClient admin, TimeSpan? timeout = null, params string[] queues)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(4));
        var watched = queues.Length > 0 ? queues : Queues;
        while (true)
        {
            var jobs = await admin.Get("/api/jobs");
            var busy = watched.Sum(q => new[] { "active", "waiting", "delayed", "paused" }.Sum(k => jobs[q]!["jobCounts"]![k]!.GetValue<int>()));
            if (busy == 0) return;
            Assert.True(DateTime.UtcNow < deadline, "jobs did not drain: " + jobs.ToJsonString());
            await Task.Delay(200);
        }
    }

    /// <summary>For a failure message: the asset's rows in the job table and its files, read from the server's database.</summary>
    string JobTrail(string assetId)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(server.DataDir, "immichlite.db")};Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT 'job ' || name || ' ' || status || ' attempts ' || attempts || ' ' || COALESCE(lastError, '') FROM jobs WHERE payload LIKE '%' || $id || '%'
            UNION ALL SELECT 'file ' || type || ' ' || path FROM asset_files WHERE assetId = $id
            UNION ALL SELECT 'status metadata ' || COALESCE(metadataExtractedAt, '-') || ' ' || COALESCE(metadataError, '') || ' thumbnail ' || COALESCE(thumbnailAt, '-')
              || ' preview ' || COALESCE(previewAt, '-') || ' ' || COALESCE(thumbnailError, '') FROM asset_job_status WHERE assetId = $id
            """;
        cmd.Parameters.AddWithValue("$id", assetId);
        var rows = new List<string>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) rows.Add(r.GetString(0));
        return rows.Count == 0 ? "no job rows, no files (jobs that completed are deleted)" : string.Join(" | ", rows);
    }

    async Task<(TestClient User, Dictionary<string, string> Ids)> UploadCorpus()
    {
        var admin = await server.Admin();
        var user = await server.NewUser("pipeline");
        var ids = new Dictionary<string, string>();
        foreach (var f in Uploads.Corpus())
        {
            if (new FileInfo(f).Length == 0) continue;
            var r = await Uploads.Upload(user, f);
            var body = await TestClient.Expect(r, (int)r.StatusCode);
            ids[Path.GetRelativePath(TestPaths.Media, f)] = body["id"]!.GetValue<string>();
        }
        await WaitForJobs(admin);
        return (user, ids);
    }

    [Fact]
    public async Task Corpus_gets_metadata_thumbnails_and_thumbhashes_and_broken_files_fail_cleanly()
    {
        var (user, ids) = await UploadCorpus();
        var admin = await server.Admin();
        async Task<JsonNode> Info(string rel) => await user.Get($"/api/assets/{ids[rel]}");

        // camera fields
        var canon = (await Info("jpeg/canon-eos40d_dslr-exif_gimp-resized.jpg"))["exifInfo"]!;
        Assert.Equal("Canon", canon["make"]!.GetValue<string>());
        Assert.Equal("Canon EOS 40D", canon["model"]!.GetValue<string>());
        Assert.NotNull(canon["fNumber"]);
        Assert.NotNull(canon["iso"]);

        // GPS, signed; reverse geocoding fills the place
        var gps = (await Info("jpeg/nikon-coolpix-p6000_gps.jpg"))["exifInfo"]!;
        Assert.InRange(gps["latitude"]!.GetValue<double>(), 43.4, 43.5);
        Assert.InRange(gps["longitude"]!.GetValue<double>(), 11.8, 11.9);
        Assert.False(string.IsNullOrEmpty(gps["country"]?.GetValue<string>()));

        // offset known → exact instant, zone named, localDateTime is the wall clock
        var pixel = await Info("jpeg/google-pixel8pro_ultrahdr-gainmap_offset+0100.jpg");
        Assert.Equal("UTC+1", pixel["exifInfo"]!["timeZone"]!.GetValue<string>());
        var instant = DateTime.Parse(pixel["exifInfo"]!["dateTimeOriginal"]!.GetValue<string>()).ToUniversalTime();
        var wall = DateTime.Parse(pixel["localDateTime"]!.GetValue<string>()).ToUniversalTime();
        Assert.Equal(TimeSpan.FromHours(1), wall - instant);
        Assert.Equal(pixel["fileCreatedAt"]!.GetValue<string>(), pixel["exifInfo"]!["dateTimeOriginal"]!.GetValue<string>());

        // no date at all: the upload's dates stand
        var noExif = await Info("jpeg/no-exif_progressive.jpg");
        Assert.Equal("2024-03-01T10:00:00.000Z", noExif["localDateTime"]!.GetValue<string>());

        // video: duration and type
        var video = await Info("video/android-6.0.1_h264_gps.mp4");
        Assert.Equal("VIDEO", video["type"]!.GetValue<string>());
        Assert.NotEqual("0:00:00.00000", video["duration"]!.GetValue<string>());
        Assert.Matches(@"^\d{2}:\d{2}:\d{2}\.\d{3}$", video["duration"]!.GetValue<string>());

        // orientation-corrected thumbnails: the orientation-6 file stores its pixels portrait (EXIF dims), and is shown
        // landscape like the orientation-1 file of the same picture
        var rotatedId = ids["orientation/landscape_orientation-6_rotate-90cw.jpg"];
        var rotated = await user.Http.GetAsync($"/api/assets/{rotatedId}/thumbnail?size=preview");
        var normal = await user.Http.GetAsync($"/api/assets/{ids["orientation/landscape_orientation-1_normal.jpg"]}/thumbnail?size=preview");
        var (rw, rh) = JpegSize(await rotated.Content.ReadAsByteArrayAsync());
        var (nw, nh) = JpegSize(await normal.Content.ReadAsByteArrayAsync());
        Assert.True(nw > nh, "orientation 1 is landscape");
        Assert.Equal((nw, nh), (rw, rh));
        var rotatedExif = (await user.Get($"/api/assets/{rotatedId}"))["exifInfo"]!;
        Assert.Equal("6", rotatedExif["orientation"]!.GetValue<string>());
        Assert.Equal((double)rh, rotatedExif["exifImageWidth"]!.GetValue<double>());
        Assert.Equal((double)rw, rotatedExif["exifImageHeight"]!.GetValue<double>());

        // every image and video that is not broken has a thumbnail (webp), a preview (jpeg) and a thumbhash
        var broken = new[] { "edge-cases/", "metadata-stubs/" };
        foreach (var (rel, id) in ids)
        {
            var info = await user.Get($"/api/assets/{id}");
            var thumb = await user.Http.GetAsync($"/api/assets/{id}/thumbnail");
            if (broken.Any(rel.StartsWith) && thumb.StatusCode == HttpStatusCode.NotFound) continue;
            Assert.True(thumb.StatusCode == HttpStatusCode.OK, $"{rel}: thumbnail {(int)thumb.StatusCode}; {JobTrail(id)}; asset: {info.ToJsonString()}");
            Assert.Equal("image/webp", thumb.Content.Headers.ContentType!.MediaType);
            var cc = thumb.Headers.CacheControl!;
            Assert.True(cc.Private && cc.NoTransform && cc.MaxAge == TimeSpan.FromDays(1), cc.ToString());
            var bytes = await thumb.Content.ReadAsByteArrayAsync();
            Assert.Equal("WEBP", System.Text.Encoding.ASCII.GetString(bytes, 8, 4));
            var preview = await user.Http.GetAsync($"/api/assets/{id}/thumbnail?size=preview");
            Assert.Equal("image/jpeg", preview.Content.Headers.ContentType!.MediaType);
            Assert.False(string.IsNullOrEmpty(info["thumbhash"]?.GetValue<string>()), $"{rel}: no thumbhash");
        }

        // broken files: failures recorded with a reason, the server is still up
        var failed = (await admin.Get("/api/jobs"))["thumbnailGeneration"]!["jobCounts"]!["failed"]!.GetValue<int>();
        Assert.True(failed >= 2, $"expected the corrupt/truncated files to fail, got {failed}");
        var truncated = ids["edge-cases/truncated_premature-eof.jpg"];
        Assert.Equal(HttpStatusCode.OK, (await user.Http.GetAsync($"/api/assets/{truncated}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Anonymous().Http.GetAsync("/api/server/ping")).StatusCode);
    }

    [Fact]
    public async Task Live_photo_pairs_by_content_identifier_and_motion_photo_video_is_extracted()
    {
        var admin = await server.Admin();
        var user = await server.NewUser("pairing");
        // uploaded separately, as the CLI does: no livePhotoVideoId
        var still = await Uploads.UploadOk(user, Uploads.CorpusFile("livephoto/apple-iphone6s_livephoto.jpg"));
        var video = await Uploads.UploadOk(user, Uploads.CorpusFile("livephoto/apple-iphone6s_livephoto.mov"));
        var motion = await Uploads.UploadOk(user, Uploads.CorpusFile("motionphoto/google-pixel4xl_motionphoto-v1_shortened.jpg"));
        await WaitForJobs(admin);
        Assert.Equal(video, (await user.Get($"/api/assets/{still}"))["livePhotoVideoId"]!.GetValue<string>());
        Assert.Equal("hidden", (await user.Get($"/api/assets/{video}"))["visibility"]!.GetValue<string>());

        var motionInfo = await user.Get($"/api/assets/{motion}");
        var mp = motionInfo["livePhotoVideoId"]!.GetValue<string>();
        var mpInfo = await user.Get($"/api/assets/{mp}");
        Assert.Equal("VIDEO", mpInfo["type"]!.GetValue<string>());
        Assert.Equal("hidden", mpInfo["visibility"]!.GetValue<string>());
        var mpBytes = await user.Http.GetByteArrayAsync($"/api/assets/{mp}/original");
        Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString(mpBytes, 4, 4));
    }

    [Fact]
    public async Task Thumbnail_is_404_until_generated_and_queues_can_be_paused_and_resumed()
    {
        var admin = await server.Admin();
        var user = await server.NewUser("paused");
        await admin.Put("/api/jobs/metadataExtraction", new JsonObject { ["command"] = "pause" });
        try
        {
            var id = await Uploads.UploadOk(user, Uploads.CorpusFile("jpeg/apple-iphone4_gps.jpg"));
            var status = await admin.Get("/api/jobs");
            SpecValidator.AssertValid(status, "AllJobStatusResponseDto");
            Assert.True(status["metadataExtraction"]!["queueStatus"]!["isPaused"]!.GetValue<bool>());
            Assert.True(status["metadataExtraction"]!["jobCounts"]!["paused"]!.GetValue<int>() >= 1);
            Assert.Equal("Asset media not found", await TestClient.ExpectError(await user.Http.GetAsync($"/api/assets/{id}/thumbnail"), 404));
            var resumed = await admin.Put("/api/jobs/metadataExtraction", new JsonObject { ["command"] = "resume" });
            SpecValidator.AssertValid(resumed, "JobStatusDto");
            await WaitForJobs(admin);
            Assert.Equal(HttpStatusCode.OK, (await user.Http.GetAsync($"/api/assets/{id}/thumbnail")).StatusCode);
            // fullsize of a web-friendly original redirects to the original
            var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseUri };
            noRedirect.DefaultRequestHeaders.Add("x-immich-user-token", user.Token);
            var full = await noRedirect.GetAsync($"/api/assets/{id}/thumbnail?size=fullsize&c=1");
            Assert.Equal(HttpStatusCode.Redirect, full.StatusCode);
            Assert.Equal("original?c=1", full.Headers.Location!.ToString());
        }
        finally
        {
            await admin.Put("/api/jobs/metadataExtraction", new JsonObject { ["command"] = "resume" });
        }
        await admin.Put("/api/jobs/nope", new JsonObject { ["command"] = "start" }, expect: 400);
        await TestClient.ExpectError(await user.Send(HttpMethod.Put, "/api/jobs/metadataExtraction", new JsonObject { ["command"] = "pause" }), 403);
    }

    [Fact]
    public async Task Regenerate_and_refresh_jobs_run_for_owned_assets_only()
    {
        var admin = await server.Admin();
        var user = await server.NewUser("regen");
        var id = await Uploads.UploadOk(user, Uploads.CorpusFile("jpeg/canon-eos500d_xmp-rating.jpg"));
        await WaitForJobs(admin);
        var before = (await user.Get($"/api/assets/{id}"))["updatedAt"]!.GetValue<string>();
        await user.Post("/api/assets/jobs", new JsonObject { ["assetIds"] = new JsonArray(id), ["name"] = "regenerate-thumbnail" }, expect: 204);
        await user.Post("/api/assets/jobs", new JsonObject { ["assetIds"] = new JsonArray(id), ["name"] = "refresh-metadata" }, expect: 204);
        await WaitForJobs(admin);
        Assert.True(string.CompareOrdinal((await user.Get($"/api/assets/{id}"))["updatedAt"]!.GetValue<string>(), before) > 0);
        var other = await server.NewUser("regen-other");
        await TestClient.ExpectError(await other.PostRaw("/api/assets/jobs", new JsonObject { ["assetIds"] = new JsonArray(id), ["name"] = "refresh-metadata" }), 400);
        Assert.Equal(3, (await user.Get($"/api/assets/{id}"))["exifInfo"]!["rating"]!.GetValue<double>()); // xmp:Rating="3"
    }

    [Fact]
    public async Task Metadata_waits_for_an_original_that_is_still_being_moved_into_place()
    {
        // An upload commits its row and metadata job before renaming the file into place; a worker woken by other
        // work may start the job in between. Here the original is away while the job starts and back 300 ms later.
        var admin = await server.Admin();
        var user = await server.NewUser("late-file");
        var id = await Uploads.UploadOk(user, Uploads.CorpusFile("jpeg/canon-eos500d_xmp-rating.jpg"));
        await WaitForJobs(admin);
        var failedBefore = (await admin.Get("/api/jobs"))["metadataExtraction"]!["jobCounts"]!["failed"]!.GetValue<int>();
        var original = (await user.Get($"/api/assets/{id}"))["originalPath"]!.GetValue<string>();
        var before = (await user.Get($"/api/assets/{id}"))["updatedAt"]!.GetValue<string>();
        File.Move(original, original + ".away");
        try
        {
            await user.Post("/api/assets/jobs", new JsonObject { ["assetIds"] = new JsonArray(id), ["name"] = "refresh-metadata" }, expect: 204);
            await Task.Delay(300);
        }
        finally { File.Move(original + ".away", original); }
        await WaitForJobs(admin);
        var jobs = await admin.Get("/api/jobs");
        Assert.Equal(failedBefore, jobs["metadataExtraction"]!["jobCounts"]!["failed"]!.GetValue<int>());
        Assert.True(string.CompareOrdinal((await user.Get($"/api/assets/{id}"))["updatedAt"]!.GetValue<string>(), before) > 0, JobTrail(id));
    }

    /// <summary>Width and height from a JPEG's SOF marker.</summary>
    static (int W, int H) JpegSize(byte[] b)
    {
        var i = 2;
        while (i < b.Length - 9)
        {
            if (b[i] != 0xFF) { i++; continue; }
            var marker = b[i + 1];
            var len = (b[i + 2] << 8) | b[i + 3];
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                return ((b[i + 7] << 8) | b[i + 8], (b[i + 5] << 8) | b[i + 6]);
            i += 2 + len;
        }
        throw new InvalidDataException("no SOF marker");
    }
}
