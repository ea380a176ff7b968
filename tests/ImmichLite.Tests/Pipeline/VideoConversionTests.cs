using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ImmichLite.Infrastructure;
using ImmichLite.Media.Video;
using ImmichLite.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ImmichLite.Tests.Pipeline;

/// <summary>Video conversion on the real server with real corpus clips and the system ffmpeg: upload → metadata →
/// thumbnails → VIDEO_CONVERSION → encoded-video/…/&lt;id&gt;.mp4 → /video/playback. Outputs are checked with ffprobe.</summary>
public sealed class VideoConversionTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    const string Hevc = "video/apple-ipadmini_hevc_gps_rotation-90.mov";     // HEVC 1280×720, display matrix -90 (portrait)
    const string H264 = "video/android-6.0.1_h264_gps.mp4";                  // H.264 4:2:0 + AAC in MP4: nothing to do
    const string Hdr = "video/apple-iphone14pro_hevc_dolby-vision-hdr_gps.mov"; // HEVC Main 10 HLG, rotated
    const string Avchd = "video/sony-ilce-7m3_avchd.mts";                    // H.264 + AC-3 + PGS subtitles in MPEG-TS
    const string Mjpeg = "video/camera_mjpeg-pcm.avi";                       // MJPEG 4:2:2 + PCM in AVI

    ServerSettings Settings => server.Services.GetRequiredService<ServerSettings>();

    async Task<(TestClient User, string Id)> UploadAndWait(string rel, TestClient? user = null)
    {
        user ??= await server.NewUser("video");
        var id = await Uploads.UploadOk(user, Uploads.CorpusFile(rel));
        await PipelineTests.WaitForJobs(await server.Admin());
        return (user, id);
    }

    string EncodedPath(TestClient user, string id) => Path.Combine(server.DataDir, "encoded-video", user.UserId, id[..2], id[2..4], id + ".mp4");

    async Task<string> Playback(TestClient user, string id, string name)
    {
        var r = await user.Http.GetAsync($"/api/assets/{id}/video/playback");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var path = Path.Combine(server.DataDir, "..", $"{name}-{Guid.NewGuid():N}.mp4");
        await File.WriteAllBytesAsync(path, await r.Content.ReadAsByteArrayAsync());
        return Path.GetFullPath(path);
    }

    [Fact]
    public async Task Hevc_video_is_encoded_to_h264_aac_in_a_faststart_mp4_that_keeps_its_orientation_and_plays_with_range()
    {
        var (user, id) = await UploadAndWait(Hevc);
        var encoded = EncodedPath(user, id);
        Assert.True(File.Exists(encoded), $"no {encoded}; {JobTrail(id)}");
        Assert.Empty(Directory.GetFiles(Path.Combine(server.DataDir, ".tmp"), "*.transcode.mp4"));

        var played = await Playback(user, id, "hevc");
        Assert.Equal(await File.ReadAllBytesAsync(encoded), await File.ReadAllBytesAsync(played));
        var probe = await Ffprobe(played);
        var v = Stream(probe, "video");
        Assert.Equal("h264", v["codec_name"]!.GetValue<string>());
        Assert.Equal("yuv420p", v["pix_fmt"]!.GetValue<string>());
        Assert.Equal("aac", Stream(probe, "audio")["codec_name"]!.GetValue<string>());
        Assert.Equal(2, probe["streams"]!.AsArray().Count); // the three timed-metadata tracks are not mapped
        // shown portrait like the original (stored 1280×720 with a -90° display matrix): the frames were turned upright
        var (w, h) = DisplaySize(v);
        Assert.True(w < h, $"{w}x{h} is not portrait");
        Assert.True(Math.Min(w, h) <= 720);
        Assert.Equal((720, 1280), (w, h));
        Assert.True(MoovBeforeMdat(played), "-movflags faststart: moov must come before mdat");
        Assert.False(probe["format"]!["tags"]?.AsObject().ContainsKey("location") ?? false); // -map_metadata -1 drops the GPS

        // Range, as for the original
        var req = new HttpRequestMessage(HttpMethod.Get, $"/api/assets/{id}/video/playback");
        req.Headers.Range = new RangeHeaderValue(0, 99);
        var partial = await user.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("video/mp4", partial.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"bytes 0-99/{new FileInfo(encoded).Length}", partial.Content.Headers.ContentRange!.ToString());
        Assert.Equal((await File.ReadAllBytesAsync(encoded))[..100], await partial.Content.ReadAsByteArrayAsync());
        var cc = partial.Headers.CacheControl!;
        Assert.True(cc.Private && cc.NoTransform && cc.MaxAge == TimeSpan.FromDays(1), cc.ToString());

        // the original is untouched and still downloadable
        var original = await user.Http.GetByteArrayAsync($"/api/assets/{id}/original");
        Assert.Equal(await File.ReadAllBytesAsync(Uploads.CorpusFile(Hevc)), original);
        File.Delete(played);
    }

    [Fact]
    public async Task A_video_that_needs_nothing_gets_no_encoded_file_and_playback_serves_the_original()
    {
        var (user, id) = await UploadAndWait(H264);
        Assert.False(Directory.Exists(Path.Combine(server.DataDir, "encoded-video", user.UserId)), JobTrail(id));
        var r = await user.Http.GetAsync($"/api/assets/{id}/video/playback");
        Assert.Equal("video/mp4", r.Content.Headers.ContentType!.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(Uploads.CorpusFile(H264)), await r.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Hdr_is_tone_mapped_and_other_containers_and_codecs_become_h264_aac_mp4()
    {
        var user = await server.NewUser("video-kinds");
        var ids = new Dictionary<string, string>();
        foreach (var rel in new[] { Hdr, Avchd, Mjpeg }) ids[rel] = await Uploads.UploadOk(user, Uploads.CorpusFile(rel));
        await PipelineTests.WaitForJobs(await server.Admin());
        foreach (var (rel, id) in ids) Assert.True(File.Exists(EncodedPath(user, id)), $"{rel}: {JobTrail(id)}");

        // HLG BT.2020 10-bit → SDR BT.709 8-bit 4:2:0 (full range, as upstream's tone-map writes it), still portrait
        var hdr = await Ffprobe(await Playback(user, ids[Hdr], "hdr"));
        var hv = Stream(hdr, "video");
        Assert.Equal("h264", hv["codec_name"]!.GetValue<string>());
        Assert.EndsWith("420p", hv["pix_fmt"]!.GetValue<string>());
        Assert.Equal("bt709", hv["color_transfer"]!.GetValue<string>());
        Assert.Equal("bt709", hv["color_primaries"]!.GetValue<string>());
        var (w, h) = DisplaySize(hv);
        Assert.True(w < h && Math.Min(w, h) <= 720, $"{w}x{h}");

        // AVCHD: only the audio needed work (AC-3 → AAC), the H.264 is copied, the subtitles are dropped: a remux into MP4
        var ts = await Ffprobe(await Playback(user, ids[Avchd], "mts"));
        Assert.Equal(["h264", "aac"], ts["streams"]!.AsArray().Select(s => s!["codec_name"]!.GetValue<string>()));
        Assert.Equal(1920, Stream(ts, "video")["width"]!.GetValue<int>()); // copied, so not scaled (the default policy does not scale)
        Assert.StartsWith("mov,mp4", ts["format"]!["format_name"]!.GetValue<string>());

        // MJPEG 4:2:2 + PCM in AVI → H.264 4:2:0 (+ AAC: this ffmpeg cannot put PCM into MP4)
        var avi = await Ffprobe(await Playback(user, ids[Mjpeg], "avi"));
        Assert.Equal("h264", Stream(avi, "video")["codec_name"]!.GetValue<string>());
        Assert.Equal("yuv420p", Stream(avi, "video")["pix_fmt"]!.GetValue<string>());
        Assert.Equal((320, 240), DisplaySize(Stream(avi, "video")));
        Assert.Equal(FfmpegHost.Discover().PcmInMp4 ? "pcm_s16le" : "aac", Stream(avi, "audio")["codec_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Transcode_video_job_follows_the_policy_and_drops_a_stale_file_and_deletion_removes_the_encoded_file()
    {
        var (user, id) = await UploadAndWait(H264);
        var admin = await server.Admin();
        var encoded = EncodedPath(user, id);
        var original = await File.ReadAllBytesAsync(Uploads.CorpusFile(H264));
        var before = Settings.Transcoding;
        try
        {
            Settings.Transcoding = new TranscodeSettings(WithPolicy(before, "all"));
            await user.Post("/api/assets/jobs", new JsonObject { ["assetIds"] = new JsonArray(id), ["name"] = "transcode-video" }, expect: 204);
            await PipelineTests.WaitForJobs(admin);
            Assert.True(File.Exists(encoded), JobTrail(id));
            var played = await Playback(user, id, "all");
            var v = Stream(await Ffprobe(played), "video");
            Assert.Equal((1280, 720), DisplaySize(v)); // 1920×1080 scaled to a 720 short side
            Assert.NotEqual(original, await File.ReadAllBytesAsync(played));

            // back to "required": nothing is needed any more, so the encoded file goes and playback serves the original
            Settings.Transcoding = before;
            await user.Post("/api/assets/jobs", new JsonObject { ["assetIds"] = new JsonArray(id), ["name"] = "transcode-video" }, expect: 204);
            await PipelineTests.WaitForJobs(admin);
            Assert.False(File.Exists(encoded), JobTrail(id));
            Assert.Equal(original, await user.Http.GetByteArrayAsync($"/api/assets/{id}/video/playback"));
        }
        finally { Settings.Transcoding = before; }

        // another user cannot queue it; an image is left alone
        var other = await server.NewUser("video-other");
        await TestClient.ExpectError(await other.PostRaw("/api/assets/jobs", new JsonObject { ["assetIds"] = new JsonArray(id), ["name"] = "transcode-video" }), 400);
        var image = await Uploads.UploadOk(user, Uploads.CorpusFile("jpeg/apple-iphone4_gps.jpg"));
        await PipelineTests.WaitForJobs(admin);
        var failed = await FailedConversions(admin);
        await user.Post("/api/assets/jobs", new JsonObject { ["assetIds"] = new JsonArray(image), ["name"] = "transcode-video" }, expect: 204);
        await PipelineTests.WaitForJobs(admin);
        Assert.Equal(failed, await FailedConversions(admin));
        Assert.False(Directory.Exists(Path.Combine(server.DataDir, "encoded-video", user.UserId, image[..2], image[2..4])));

        // deleting an encoded video removes its encoded file
        var (owner, hevc) = await UploadAndWait(Hevc, user);
        var hevcEncoded = EncodedPath(owner, hevc);
        Assert.True(File.Exists(hevcEncoded), JobTrail(hevc));
        await user.Send(HttpMethod.Delete, "/api/assets", new JsonObject { ["ids"] = new JsonArray(hevc), ["force"] = true });
        Assert.False(File.Exists(hevcEncoded));
    }

    static async Task<int> FailedConversions(TestClient admin) =>
        (await admin.Get("/api/jobs"))["videoConversion"]!["jobCounts"]!["failed"]!.GetValue<int>();

    [Fact]
    public async Task A_failing_hardware_encoder_falls_back_to_software_and_a_missing_device_fails_with_its_reason()
    {
        var hostProvider = server.Services.GetRequiredService<FfmpegHostProvider>();
        var realHost = hostProvider.Current;
        var before = Settings.Transcoding;
        var admin = await server.Admin();
        var user = await server.NewUser("video-hw");
        try
        {
            // a render node that is not there: ffmpeg fails to open VAAPI (decode, then encode), the third run is software
            hostProvider.Current = realHost with { Dri = ["renderD128"] };
            var c = FfmpegConfig.Clone(before.Ffmpeg);
            c.Accel = ImmichLite.Contract.TranscodeHWAccel.Vaapi;
            c.AccelDecode = true;
            c.PreferredHwDevice = "renderD128";
            Settings.Transcoding = new TranscodeSettings(c);
            var (_, id) = await UploadAndWait(Hevc, user);
            Assert.True(File.Exists(EncodedPath(user, id)), JobTrail(id));
            Assert.Equal("h264", Stream(await Ffprobe(EncodedPath(user, id)), "video")["codec_name"]!.GetValue<string>());

            // no /dev/dri at all: the command cannot be built, which upstream does not retry: the job fails with the reason
            hostProvider.Current = realHost with { Dri = [] };
            var failedBefore = await FailedConversions(admin);
            await user.Post("/api/assets/jobs", new JsonObject { ["assetIds"] = new JsonArray(id), ["name"] = "transcode-video" }, expect: 204);
            await PipelineTests.WaitForJobs(admin);
            Assert.Equal(failedBefore + 1, await FailedConversions(admin));
            Assert.Contains("No /dev/dri devices found", JobTrail(id));
            Assert.True(File.Exists(EncodedPath(user, id))); // the earlier encode stays
        }
        finally
        {
            hostProvider.Current = realHost;
            Settings.Transcoding = before;
        }
        // "start" on the queue: missing ones (none now for this user's timeline videos), or all with force
        var started = await admin.Put("/api/jobs/videoConversion", new JsonObject { ["command"] = "start", ["force"] = false });
        SpecValidator.AssertValid(started, "JobStatusDto");
        await PipelineTests.WaitForJobs(admin);
    }

    static ImmichLite.Contract.SystemConfigFFmpegDto WithPolicy(TranscodeSettings s, string policy)
    {
        var c = FfmpegConfig.Clone(s.Ffmpeg);
        Assert.True(EnumText.TryParse(policy, out ImmichLite.Contract.TranscodePolicy p));
        c.Transcode = p;
        return c;
    }

    // ---- helpers ----

    static async Task<JsonNode> Ffprobe(string path)
    {
        var psi = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var json = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, await p.StandardError.ReadToEndAsync());
        return JsonNode.Parse(json)!;
    }

    static JsonNode Stream(JsonNode probe, string type) => probe["streams"]!.AsArray().Single(s => s!["codec_type"]!.GetValue<string>() == type)!;

    /// <summary>The size a player shows: the coded size turned by the display matrix, if any.</summary>
    static (int W, int H) DisplaySize(JsonNode stream)
    {
        int w = stream["width"]!.GetValue<int>(), h = stream["height"]!.GetValue<int>();
        var rotation = stream["side_data_list"]?.AsArray().Select(d => d?["rotation"]).FirstOrDefault(r => r is not null)?.GetValue<int>() ?? 0;
        return Math.Abs(rotation) % 180 == 90 ? (h, w) : (w, h);
    }

    /// <summary>Top-level MP4 boxes: moov ahead of mdat means the player can start before the whole file is there.</summary>
    static bool MoovBeforeMdat(string path)
    {
        using var f = File.OpenRead(path);
        var header = new byte[16];
        var order = new List<string>();
        while (f.Position + 8 <= f.Length)
        {
            var start = f.Position;
            f.ReadExactly(header, 0, 8);
            long size = (uint)(header[0] << 24 | header[1] << 16 | header[2] << 8 | header[3]);
            var type = System.Text.Encoding.ASCII.GetString(header, 4, 4);
            if (size == 1) { f.ReadExactly(header, 8, 8); size = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8)); }
            else if (size == 0) size = f.Length - start;
            order.Add(type);
            f.Position = start + size;
        }
        return order.IndexOf("moov") is var m and >= 0 && order.IndexOf("mdat") is var d and >= 0 && m < d;
    }

    string JobTrail(string assetId)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(server.DataDir, "immichlite.db")};Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT 'job ' || name || ' ' || status || ' ' || COALESCE(lastError, '') FROM jobs WHERE payload = $id
            UNION ALL SELECT 'encodedVideoPath ' || COALESCE(encodedVideoPath, 'null') FROM assets WHERE id = $id
            """;
        cmd.Parameters.AddWithValue("$id", assetId);
        var rows = new List<string>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) rows.Add(r.GetString(0));
        return string.Join(" | ", rows);
    }
}
