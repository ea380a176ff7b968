using ImmichLite.Media.Video;
using Microsoft.Extensions.Logging.Abstractions;
using static ImmichLite.Tests.Media.Video.TranscodeArgumentsTests;

namespace ImmichLite.Tests.Media.Video;

/// <summary>What the reference's vectors do not list: devices, build errors, full argument lists, two passes, the
/// hardware → software fallback (with a recording runner), ImmichLite's stock-FFmpeg tone-map, PCM, and V4L2 M2M.</summary>
public sealed class TranscodeFallbackTests
{
    const string In = "/original/path.ext";
    const string Out = "upload/encoded-video/user-id/as/se/asset-id.mp4";

    static FfmpegCommand Build(string delta, string probe, FfmpegHost? host = null)
    {
        var c = Config(delta);
        return TranscodeArguments.Build(TranscodeDecision.Decide(Probe(probe), c), c, AccelOf(c), host ?? Upstream());
    }

    static string Vf(FfmpegCommand c) => c.OutputOptions.Single(o => o.StartsWith("-vf ", StringComparison.Ordinal))[4..];

    // ---- devices and build errors ----

    [Fact]
    public void Auto_takes_the_greatest_render_or_card_node_and_a_named_one_must_exist()
    {
        string[] dri = ["card1", "renderD129", "card0", "renderD128"];
        Assert.Equal("/dev/dri/renderD129", HardwareArguments.ResolveDevice(dri, "auto"));
        Assert.Equal("/dev/dri/card1", HardwareArguments.ResolveDevice(["card0", "card1", "by-path"], "auto"));
        Assert.Equal("/dev/dri/renderD128", HardwareArguments.ResolveDevice(dri, "/dev/dri/renderD128"));
        Assert.Equal("/dev/dri/renderD129", HardwareArguments.ResolveDevice(dri, "renderD129"));
        Assert.Equal("Device 'renderD130' does not exist. If using Docker, make sure this device is mounted",
            Assert.Throws<TranscodeException>(() => HardwareArguments.ResolveDevice(dri, "renderD130")).Message);
        Assert.Throws<TranscodeException>(() => HardwareArguments.ResolveDevice(["by-path"], "auto"));

        var host = Upstream() with { Dri = dri };
        Assert.Contains("-qsv_device /dev/dri/renderD129", Build("""{"accel":"qsv","accelDecode":true,"preferredHwDevice":"renderD129"}""", "P-mkv", host).InputOptions);
        Assert.Contains("-hwaccel_device /dev/dri/renderD129", Build("""{"accel":"vaapi","accelDecode":true,"preferredHwDevice":"renderD129"}""", "P-mkv", host).InputOptions);
        Assert.Contains("-init_hw_device vaapi=accel:/dev/dri/renderD129", Build("""{"accel":"vaapi"}""", "P-mkv", host).InputOptions);
    }

    [Theory]
    [InlineData("""{"accel":"qsv"}""")]
    [InlineData("""{"accel":"vaapi"}""")]
    [InlineData("""{"accel":"rkmpp"}""")]
    public void Accels_that_need_dri_fail_without_it(string delta)
    {
        var e = Assert.Throws<TranscodeException>(() => Build(delta, "P-mkv", Upstream() with { Dri = [] }));
        Assert.Equal("No /dev/dri devices found. If using Docker, make sure at least one /dev/dri device is mounted", e.Message);
        Build("""{"accel":"nvenc"}""", "P-mkv", Upstream() with { Dri = [] }); // NVENC uses CUDA device 0
    }

    [Theory]
    [InlineData("""{"accel":"nvenc","targetVideoCodec":"vp9"}""", "NVENC acceleration does not support codec 'VP9'. Supported codecs: h264, hevc, av1")]
    [InlineData("""{"accel":"rkmpp","targetVideoCodec":"av1"}""", "RKMPP acceleration does not support codec 'AV1'. Supported codecs: h264, hevc")]
    public void An_accel_refuses_codecs_it_lacks(string delta, string message) =>
        Assert.Equal(message, Assert.Throws<TranscodeException>(() => Build(delta, "P-mkv")).Message);

    // ---- the whole argument list ----

    [Fact]
    public void The_argument_list_is_input_options_then_input_then_y_then_output_options_then_output()
    {
        var c = Build("{}", "P-mkv");
        Assert.Equal(["-nostdin", "-i", In, "-y", "-c:v", "h264", "-c:a", "copy", "-movflags", "faststart", "-fps_mode", "passthrough", "-map", "0:0",
            "-map_metadata", "-1", "-map", "0:3", "-v", "verbose", "-vf", "scale=-2:720", "-preset", "ultrafast", "-crf", "23", Out], c.Arguments(In, Out));
        var a = Build("""{"accel":"vaapi","accelDecode":true}""", "P-mkv");
        Assert.Equal(["-nostdin", "-hwaccel", "vaapi", "-hwaccel_output_format", "vaapi", "-noautorotate", "-hwaccel_device", "/dev/dri/renderD128",
            "-threads", "1", "-i", In, "-y"], a.Arguments(In, Out).Take(13));
        Assert.Equal(["-x264-params", "frame-threads=1:pools=none"], FfmpegCommand.Split(["-x264-params frame-threads=1:pools=none"]));
    }

    [Fact]
    public void Two_pass_runs_once_for_statistics_and_once_for_the_file()
    {
        var c = Build("""{"twoPass":true,"maxBitrate":"4500k"}""", "P-mkv");
        Assert.True(c.TwoPass);
        var p1 = c.PassArguments(1, In, Out);
        var p2 = c.PassArguments(2, In, Out);
        Assert.Equal(["-b:v", "3104k", "-minrate", "1552k", "-maxrate", "4500k", "-pass", "1", "-passlogfile", Out, "-f", "null", "/dev/null"], p1.TakeLast(13));
        Assert.Equal(["-b:v", "3104k", "-minrate", "1552k", "-maxrate", "4500k", "-pass", "2", "-passlogfile", Out, Out], p2.TakeLast(11));
        Assert.False(Build("""{"twoPass":true}""", "P-mkv").TwoPass); // H.264 without a maximum: one pass
        Assert.True(Build("""{"twoPass":true,"targetVideoCodec":"vp9"}""", "P-mkv").TwoPass);
        Assert.False(Build("""{"twoPass":true,"maxBitrate":"4500k","accel":"vaapi"}""", "P-mkv").TwoPass);
    }

    [Fact]
    public void Cqp_presets_and_threads_variants()
    {
        Assert.Equal(["-preset ultrafast", "-q:v 23"], Build("""{"cqMode":"cqp"}""", "P-mkv").OutputOptions.TakeLast(2));
        Assert.Equal(["-cpu-used 0", "-row-mt 1", "-threads 2", "-crf 23", "-b:v 0k"], Build("""{"targetVideoCodec":"vp9","preset":"veryslow","threads":2}""", "P-mkv").OutputOptions.TakeLast(5));
        Assert.Equal(["-preset 3", "-crf 23"], Build("""{"targetVideoCodec":"av1","preset":"nonsense"}""", "P-mkv").OutputOptions.TakeLast(2));
        Assert.Equal(["-preset p7", "-cq:v 23"], Build("""{"accel":"nvenc","preset":"veryslow"}""", "P-mkv").OutputOptions.TakeLast(2));
        Assert.Equal(["-compression_level 1", "-qp:v 23", "-global_quality:v 23", "-rc_mode 1"], Build("""{"accel":"vaapi","preset":"veryslow"}""", "P-mkv").OutputOptions.TakeLast(4));
        Assert.DoesNotContain(Build("""{"accel":"nvenc","preset":"nonsense"}""", "P-mkv").OutputOptions, o => o.StartsWith("-preset", StringComparison.Ordinal));
        Assert.Contains("-threads 3", Build("""{"accel":"nvenc","threads":3}""", "P-mkv").OutputOptions);
        Assert.DoesNotContain("-threads 3", Build("""{"accel":"nvenc","accelDecode":true,"threads":3}""", "P-mkv").OutputOptions);
    }

    // ---- ImmichLite on a stock FFmpeg ----

    [Fact]
    public void A_stock_ffmpeg_tone_maps_with_zscale_and_tonemap()
    {
        var stock = Upstream() with { ToneMap = ToneMapFilter.Zscale };
        const string chain = "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=pc,format=yuv420p";
        Assert.Equal(chain, Vf(Build("{}", "P-hdr", stock)));
        var hdr4k = Probe("P-hdr") with { VideoStreams = [Probe("P-hdr").VideoStreams[0] with { Width = 3840, Height = 2160 }] };
        var reinhard = Config("""{"tonemap":"reinhard"}""");
        Assert.Equal("scale=-2:720," + chain.Replace("hable", "reinhard"),
            Vf(TranscodeArguments.Build(TranscodeDecision.Decide(hdr4k, reinhard), reinhard, Acceleration.Software, stock)));
        Assert.Equal(chain + ",hwupload=extra_hw_frames=64", Vf(Build("""{"accel":"vaapi"}""", "P-hdr", stock)));
        Assert.Equal(chain + ",hwupload_cuda", Vf(Build("""{"accel":"nvenc"}""", "P-hdr", stock)));
        // tone-mapping switched off: an HDR 10-bit source is only converted to 8-bit 4:2:0
        Assert.Equal("format=yuv420p", Vf(Build("""{"tonemap":"disabled"}""", "P-hdr", stock)));
        // no tone-mapping filter at all: at least 8-bit 4:2:0
        Assert.Equal("format=yuv420p", Vf(Build("{}", "P-hdr", stock with { ToneMap = ToneMapFilter.None })));
    }

    [Fact]
    public void Pcm_audio_is_encoded_where_ffmpeg_cannot_put_it_into_mp4()
    {
        var c = Config("{}");
        var probe = new VideoProbe("avi", "AVI (Audio Video Interleaved)", 2.7, [new VideoStreamInfo(0, 320, 240, "mjpeg", "yuvj422p", 0, false, 2_470_167)],
            [new AudioStreamInfo(1, "pcm_s16le", 352_800)]);
        var d = TranscodeDecision.Decide(probe, c);
        Assert.Equal(TranscodeTarget.Video, d.Target);
        Assert.Contains("-c:a copy", TranscodeArguments.Build(d, c, Acceleration.Software, Upstream()).OutputOptions);
        var stock = TranscodeArguments.Build(d, c, Acceleration.Software, Upstream() with { PcmInMp4 = false });
        Assert.Equal(["-c:v h264", "-c:a aac"], stock.OutputOptions.Take(2));
        Assert.Equal("format=yuv420p", Vf(stock));
        Assert.False(FfmpegHost.WritesPcmInMp4("ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026"));
        Assert.True(FfmpegHost.WritesPcmInMp4("ffmpeg version 7.0.2-Jellyfin Copyright (c) 2000-2024"));
        Assert.True(FfmpegHost.WritesPcmInMp4("ffmpeg version n6.1.1"));
        Assert.False(FfmpegHost.WritesPcmInMp4("ffmpeg version N-113000-gabc"));
    }

    // ---- V4L2 M2M (Raspberry Pi 4) ----

    static FfmpegHost Pi => new([], false, V4l2Encoder: true, ToneMapFilter.Zscale, PcmInMp4: false);
    static FfmpegCommand V4l2(string delta, string probe, FfmpegHost? host = null)
    {
        var c = Config(delta);
        return TranscodeArguments.Build(TranscodeDecision.Decide(Probe(probe), c), c, new Acceleration(VideoAccel.V4l2m2m, false), host ?? Pi);
    }

    [Fact]
    public void V4l2_encodes_h264_from_software_frames_scaled_to_a_width_of_64s_in_yuv420p_at_a_bitrate()
    {
        var c = V4l2("{}", "P-mkv");
        Assert.Empty(c.InputOptions); // no hardware device or decoder
        Assert.Equal(["-c:v h264_v4l2m2m", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256",
            "-v verbose", "-vf scale=trunc(720*a/64)*64:-2,format=yuv420p", "-b:v 4000k", "-maxrate 4000k", "-bufsize 8000k"], c.OutputOptions);
        Assert.False(c.TwoPass);
        // portrait (rotated) 4K: the width is the short side, rounded down to 704
        Assert.Equal("scale=704:-2,format=yuv420p", Vf(V4l2("""{"transcode":"optimal"}""", "P-vert2160p")));
        // never enlarged: a 480×480 HDR source stays 480 and is tone-mapped on the CPU
        Assert.StartsWith("scale=trunc(480*a/64)*64:-2,zscale=t=linear", Vf(V4l2("{}", "P-hdr")));
        Assert.Contains("-b:v 2000k", V4l2("{}", "P-hdr").OutputOptions);
        // the maximum bitrate, capped at 20 Mbit/s; B-frames, refs, preset and quality are never passed
        Assert.Equal(["-b:v 4500k", "-maxrate 4500k", "-bufsize 9000k"], V4l2("""{"maxBitrate":"4500k"}""", "P-mkv").OutputOptions.TakeLast(3));
        Assert.Equal(["-b:v 20000k", "-maxrate 20000k", "-bufsize 40000k"], V4l2("""{"maxBitrate":"30M"}""", "P-mkv").OutputOptions.TakeLast(3));
        var tuned = V4l2("""{"bframes":2,"refs":3,"gopSize":120,"preset":"slow","threads":2}""", "P-mkv").OutputOptions;
        Assert.DoesNotContain(tuned, o => o.StartsWith("-bf", StringComparison.Ordinal) || o.StartsWith("-refs", StringComparison.Ordinal) || o.StartsWith("-preset", StringComparison.Ordinal));
        Assert.Contains("-g 120", tuned);
        Assert.Contains("-threads 2", tuned);
    }

    [Fact]
    public void V4l2_refuses_other_codecs_and_machines_without_the_encoder_and_knows_its_level_limit()
    {
        Assert.Equal("V4L2 acceleration does not support codec 'HEVC'. Supported codecs: h264",
            Assert.Throws<TranscodeException>(() => V4l2("""{"targetVideoCodec":"hevc"}""", "P-mkv")).Message);
        Assert.Throws<TranscodeException>(() => V4l2("{}", "P-mkv", Pi with { V4l2Encoder = false })); // a Pi 5
        var uhd = new VideoStreamInfo(0, 3840, 2160, "hevc", "yuv420p", 0, false, 0);
        Assert.True(V4l2Arguments.Fits(uhd, Config("{}")));
        Assert.True(V4l2Arguments.Fits(uhd, Config("""{"targetResolution":"1080"}""")));
        Assert.False(V4l2Arguments.Fits(uhd, Config("""{"targetResolution":"original"}""")));
        Assert.False(V4l2Arguments.Fits(uhd with { Width = 5120 }, Config("""{"targetResolution":"1080"}""")));
    }

    // ---- fallback (media.service.ts), with a runner that records and fails on demand ----

    sealed class FakeRunner(int failures) : IFfmpegRunner
    {
        public List<IReadOnlyList<string>> Calls { get; } = [];
        public Task RunAsync(IReadOnlyList<string> arguments, CancellationToken ct)
        {
            Calls.Add(arguments);
            if (Calls.Count <= failures) throw new FfmpegException($"ffmpeg exited with code 1: run {Calls.Count}");
            return Task.CompletedTask;
        }
    }

    static async Task<(FakeRunner Runner, Exception? Error)> Transcode(string delta, string probe, int failures, FfmpegHost? host = null)
    {
        var runner = new FakeRunner(failures);
        var settings = new TranscodeSettings(Config(delta));
        var transcoder = new VideoTranscoder(runner, NullLogger<VideoTranscoder>.Instance);
        var decision = TranscodeDecision.Decide(Probe(probe), settings.Ffmpeg);
        try { await transcoder.TranscodeAsync("asset-id", decision, settings, host ?? Upstream(), In, Out, CancellationToken.None); return (runner, null); }
        catch (Exception e) { return (runner, e); }
    }

    static string Arg(IReadOnlyList<string> call, string flag) => call[call.ToList().IndexOf(flag) + 1];

    [Fact]
    public async Task Hardware_decode_failing_retries_with_software_decode_then_without_acceleration()
    {
        var (r, e) = await Transcode("""{"accel":"vaapi","accelDecode":true}""", "P-mkv", failures: 3);
        Assert.IsType<FfmpegException>(e);
        Assert.Equal(3, r.Calls.Count);
        Assert.Equal("vaapi", Arg(r.Calls[0], "-hwaccel"));
        Assert.Equal(["-nostdin", "-init_hw_device", "vaapi=accel:/dev/dri/renderD128", "-filter_hw_device", "accel", "-i", In], r.Calls[1].Take(7));
        Assert.Equal("h264_vaapi", Arg(r.Calls[1], "-c:v"));
        Assert.Equal(Build("{}", "P-mkv").Arguments(In, Out), r.Calls[2]); // vector S1's shape

        (r, e) = await Transcode("""{"accel":"vaapi","accelDecode":true}""", "P-mkv", failures: 1);
        Assert.Null(e);
        Assert.Equal(2, r.Calls.Count);
        Assert.Equal("h264_vaapi", Arg(r.Calls[1], "-c:v"));
    }

    [Fact]
    public async Task Hardware_encode_failing_retries_once_in_software_and_software_failing_is_final()
    {
        var (r, e) = await Transcode("""{"accel":"vaapi"}""", "P-mkv", failures: 1);
        Assert.Null(e);
        Assert.Equal(2, r.Calls.Count);
        Assert.Equal("h264", Arg(r.Calls[1], "-c:v"));
        Assert.DoesNotContain("-init_hw_device", r.Calls[1]);

        (r, e) = await Transcode("{}", "P-mkv", failures: 1);
        Assert.IsType<FfmpegException>(e);
        Assert.Single(r.Calls);
    }

    [Fact]
    public async Task Build_errors_are_not_retried()
    {
        var (r, e) = await Transcode("""{"accel":"vaapi"}""", "P-mkv", failures: 0, Upstream() with { Dri = [] });
        Assert.IsType<TranscodeException>(e);
        Assert.Empty(r.Calls);
        (r, e) = await Transcode("""{"accel":"nvenc","targetVideoCodec":"vp9"}""", "P-mkv", failures: 0);
        Assert.IsType<TranscodeException>(e);
        Assert.Empty(r.Calls);
    }

    [Fact]
    public async Task V4l2_beyond_1080p_goes_to_software_and_a_failing_pi_encoder_falls_back()
    {
        var runner = new FakeRunner(0);
        var transcoder = new VideoTranscoder(runner, NullLogger<VideoTranscoder>.Instance);
        var original = new TranscodeSettings(Config("""{"targetResolution":"original"}"""), useV4l2m2m: true);
        var decision = TranscodeDecision.Decide(Probe("P-mkv") with { VideoStreams = [new VideoStreamInfo(0, 3840, 2160, "hevc", "yuv420p", 0, false, 0)] }, original.Ffmpeg);
        await transcoder.TranscodeAsync("a", decision, original, Pi, In, Out, CancellationToken.None);
        Assert.Equal("h264", Arg(Assert.Single(runner.Calls), "-c:v"));

        runner = new FakeRunner(1);
        transcoder = new VideoTranscoder(runner, NullLogger<VideoTranscoder>.Instance);
        var pi = new TranscodeSettings(Config("""{"accelDecode":true}"""), useV4l2m2m: true);
        await transcoder.TranscodeAsync("a", TranscodeDecision.Decide(Probe("P-mkv"), pi.Ffmpeg), pi, Pi, In, Out, CancellationToken.None);
        Assert.Equal(["h264_v4l2m2m", "h264"], runner.Calls.Select(c => Arg(c, "-c:v")));
    }

    [Fact]
    public async Task Two_pass_logs_are_removed()
    {
        var dir = Directory.CreateTempSubdirectory("twopass").FullName;
        try
        {
            var output = Path.Combine(dir, "out.mp4");
            var runner = new FakeRunner(0);
            var settings = new TranscodeSettings(Config("""{"twoPass":true,"maxBitrate":"4500k"}"""));
            File.WriteAllText(output + "-0.log", "");
            File.WriteAllText(output + "-0.log.mbtree", "");
            await new VideoTranscoder(runner, NullLogger<VideoTranscoder>.Instance)
                .TranscodeAsync("a", TranscodeDecision.Decide(Probe("P-mkv"), settings.Ffmpeg), settings, Upstream(), In, output, CancellationToken.None);
            Assert.Equal(["1", "2"], runner.Calls.Select(c => Arg(c, "-pass")));
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, true); }
    }
}
