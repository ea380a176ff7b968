using ImmichLite.Contract;
using ImmichLite.Media.Metadata;
using ImmichLite.Media.Video;
using static ImmichLite.Tests.Media.Video.TranscodeArgumentsTests;

namespace ImmichLite.Tests.Media.Video;

/// <summary>Upstream's decision rules and their quirks (video-transcoding.md §2), and the number rules they share.</summary>
public sealed class TranscodeDecisionTests
{
    static TranscodeDecision Decide(string delta, VideoProbe probe) => TranscodeDecision.Decide(probe, Config(delta));

    static VideoProbe H264Aac(string format = "mov,mp4,m4a,3gp,3g2,mj2", string longName = "QuickTime / MOV", string pixFmt = "yuv420p",
        string audio = "aac", bool hdr = false, long bitrate = 0) =>
        new(format, longName, 3, [new VideoStreamInfo(0, 1920, 1080, "h264", pixFmt, 0, hdr, bitrate)], [new AudioStreamInfo(1, audio, 0)]);

    [Fact]
    public void Defaults_leave_h264_420p_in_mp4_or_mov_alone()
    {
        Assert.True(Decide("{}", H264Aac()).Skip);
        Assert.True(Decide("{}", H264Aac(pixFmt: "yuvj420p")).Skip); // full-range 4:2:0 ends in 420p too
    }

    [Fact]
    public void A_codec_outside_the_accepted_list_or_a_pixel_format_not_ending_in_420p_is_required()
    {
        Assert.Equal(TranscodeTarget.Video, Decide("{}", Probe("P-base") with { AudioStreams = [] }).Target);
        // 10-bit in an accepted codec: required (it is the pixel format that triggers, not HDR)
        Assert.Equal(TranscodeTarget.Video, Decide("{}", H264Aac(pixFmt: "yuv420p10le")).Target);
        Assert.Equal(TranscodeTarget.Video, Decide("{}", H264Aac(pixFmt: "yuv422p")).Target);
        // 8-bit HDR in an accepted codec: not required under the default policy
        Assert.True(Decide("{}", H264Aac(hdr: true)).Skip);
    }

    [Fact]
    public void Opus_is_always_reencoded_because_ffprobe_says_opus_and_the_accepted_value_is_libopus()
    {
        var d = Decide("{}", H264Aac(audio: "opus"));
        Assert.Equal(TranscodeTarget.Audio, d.Target);
        Assert.Equal(TranscodeTarget.None, Decide("{}", H264Aac(audio: "mp3")).Target);
        Assert.Equal(TranscodeTarget.None, Decide("{}", H264Aac(audio: "pcm_s16le")).Target);
        Assert.Equal(TranscodeTarget.Audio, Decide("{}", H264Aac(audio: "ac3")).Target);
    }

    [Fact]
    public void Containers_are_matched_by_format_name_with_upstreams_quirks()
    {
        // Matroska and WebM report "matroska,webm": never "webm", so always remuxed
        var mkv = Decide("{}", H264Aac("matroska,webm", "Matroska / WebM"));
        Assert.Equal((TranscodeTarget.None, true), (mkv.Target, mkv.Remux));
        Assert.True(Decide("""{"acceptedContainers":["webm","mov","mp4","ogg"]}""", H264Aac("matroska,webm", "Matroska / WebM")).Remux);
        Assert.True(Decide("{}", H264Aac("avi", "AVI (Audio Video Interleaved)")).Remux);
        Assert.True(Decide("{}", H264Aac("mpegts", "MPEG-TS (MPEG-2 Transport Stream)")).Remux);
        Assert.True(Decide("{}", H264Aac("ogg", "Ogg")).Skip);
        // MP4 and MOV are both "mov": without mov in the list every MP4 is remuxed, and the mp4 entry never matters
        Assert.True(Decide("""{"acceptedContainers":["mp4"]}""", H264Aac()).Remux);
        // a remux is only considered when no stream needs work
        Assert.False(Decide("{}", H264Aac("avi", "AVI (Audio Video Interleaved)", audio: "ac3")).Remux);
    }

    [Fact]
    public void Disabled_policy_does_nothing_not_even_a_remux()
    {
        Assert.True(Decide("""{"transcode":"disabled"}""", Probe("P-2160p")).Skip);
        Assert.True(Decide("""{"transcode":"disabled"}""", Probe("P-mkv")).Skip);
        Assert.True(Decide("""{"transcode":"disabled"}""", H264Aac(audio: "opus")).Skip);
    }

    [Fact]
    public void All_policy_reencodes_both_streams()
    {
        Assert.Equal(TranscodeTarget.All, Decide("""{"transcode":"all"}""", H264Aac()).Target);
        Assert.Equal(TranscodeTarget.Video, Decide("""{"transcode":"all"}""", H264Aac() with { AudioStreams = [] }).Target);
    }

    [Fact]
    public void Optimal_adds_the_resolution_and_original_makes_it_required()
    {
        Assert.Equal(TranscodeTarget.Video, Decide("""{"transcode":"optimal"}""", Probe("P-2160p")).Target);
        Assert.True(Decide("""{"transcode":"optimal","targetResolution":"original"}""", Probe("P-2160p")).Skip);
        Assert.True(Decide("""{"transcode":"optimal","targetResolution":"2160"}""", Probe("P-2160p")).Skip);
        // "1080p" parses as 1080 (parseInt); the target codec is appended to the accepted ones, so an audioless 1080p HEVC is skipped
        Assert.True(Decide("""{"transcode":"optimal","targetVideoCodec":"hevc","targetResolution":"1080p"}""", Probe("P-base") with { AudioStreams = [] }).Skip);
        Assert.Equal(TranscodeTarget.Video, Decide("""{"transcode":"optimal","targetResolution":"720p"}""", H264Aac()).Target);
    }

    [Fact]
    public void Bitrate_policy_compares_with_the_maximum_and_0_means_any_known_bitrate()
    {
        Assert.Equal(TranscodeTarget.Video, Decide("""{"transcode":"bitrate"}""", H264Aac(bitrate: 1)).Target);
        // Matroska often has no per-stream bitrate: judged by codec and pixel format only
        Assert.Equal((TranscodeTarget.None, true), (Decide("""{"transcode":"bitrate"}""", H264Aac("matroska,webm", "Matroska / WebM")) is var d ? (d.Target, d.Remux) : default));
        Assert.True(Decide("""{"transcode":"bitrate","maxBitrate":"10M"}""", H264Aac(bitrate: 10_000_000)).Skip);
        Assert.Equal(TranscodeTarget.Video, Decide("""{"transcode":"bitrate","maxBitrate":"10M"}""", H264Aac(bitrate: 10_000_001)).Target);
        Assert.Equal(TranscodeTarget.Video, Decide("""{"transcode":"bitrate","maxBitrate":"4500k"}""", H264Aac(bitrate: 4_500_001)).Target);
        Assert.Equal(TranscodeTarget.Video, Decide("""{"transcode":"bitrate","maxBitrate":"4500"}""", H264Aac(bitrate: 4_501)).Target);
    }

    [Fact]
    public void Odd_dimensions_alone_do_not_trigger_a_transcode()
    {
        Assert.True(Decide("{}", Probe("P-oddH")).Skip);
    }

    [Fact]
    public void The_main_streams_are_the_highest_bitrate_ones_ignoring_unknown_codecs()
    {
        var probe = new VideoProbe("mov,mp4,m4a,3gp,3g2,mj2", "QuickTime / MOV", 1,
            [new VideoStreamInfo(0, 1920, 1080, "hevc", "yuv420p", 0, false, 100), new VideoStreamInfo(1, 1920, 1080, "hevc", "yuv420p", 0, false, 101),
             new VideoStreamInfo(2, 1920, 1080, "h7000", "yuv420p", 0, false, 99)],
            [new AudioStreamInfo(3, "mp3", 100), new AudioStreamInfo(4, "mp3", 101), new AudioStreamInfo(5, "mp3", 102), new AudioStreamInfo(6, "unknown", 200)]);
        var d = TranscodeDecision.Decide(probe, Config("{}"));
        var command = TranscodeArguments.Build(d, Config("{}"), Acceleration.Software, Upstream());
        Assert.Contains("-map 0:1", command.OutputOptions);
        Assert.Contains("-map 0:5", command.OutputOptions);
        // ties keep the first
        var tie = new VideoProbe("avi", "AVI", 1, [new VideoStreamInfo(4, 2, 2, "h264", "yuv420p", 0, false, 0), new VideoStreamInfo(5, 2, 2, "h264", "yuv420p", 0, false, 0)], []);
        Assert.Equal(4, tie.MainVideo!.Index);
    }

    [Fact]
    public void No_video_no_container_or_no_frame_size_fail()
    {
        Assert.Throws<TranscodeException>(() => Decide("{}", H264Aac() with { VideoStreams = [] }));
        Assert.Throws<TranscodeException>(() => Decide("{}", H264Aac(format: "") with { FormatLongName = null }));
        Assert.Throws<TranscodeException>(() => Decide("{}", H264Aac() with { VideoStreams = [new VideoStreamInfo(0, 0, 1080, "h264", "yuv420p", 0, false, 0)] }));
    }

    [Fact]
    public void Target_codecs_are_appended_to_the_accepted_ones()
    {
        var c = Config("""{"targetVideoCodec":"hevc","targetAudioCodec":"mp3","acceptedVideoCodecs":["h264"],"acceptedAudioCodecs":["aac"]}""");
        Assert.Equal([VideoCodec.H264, VideoCodec.Hevc], c.AcceptedVideoCodecs);
        Assert.Equal([AudioCodec.Aac, AudioCodec.Mp3], c.AcceptedAudioCodecs);
    }

    [Theory]
    [InlineData("4500k", 4500, 3104, 1552.0, "k")]
    [InlineData("10000k", 10000, 6897, 3448.5, "k")]
    [InlineData("2M", 2, 2, 1.0, "M")]
    [InlineData("4500", 4500, 3104, 1552.0, "k")]
    [InlineData("0", 0, 0, 0.0, "k")]
    public void Bitrate_distribution(string max, long expectMax, long target, double min, string unit)
    {
        var b = FfmpegConfig.Bitrates.Of(max);
        Assert.Equal((expectMax, target, min, unit), (b.Max, b.Target, b.Min, b.Unit));
    }

    [Fact]
    public void Bitrate_and_resolution_parsing_follow_parseInt()
    {
        Assert.Equal(4_500_000, FfmpegConfig.BitrateToBps("4500k"));
        Assert.Equal(10_000_000, FfmpegConfig.BitrateToBps("10M"));
        Assert.Equal(500, FfmpegConfig.BitrateToBps("500"));
        Assert.Equal(0, FfmpegConfig.BitrateToBps("fast"));
        Assert.Equal(1080, FfmpegConfig.ParseIntPrefix("1080p"));
        Assert.Null(FfmpegConfig.ParseIntPrefix("original"));
        var v = new VideoStreamInfo(0, 1586, 355, "h264", "yuv420p", 0, false, 0);
        Assert.Equal(354, FfmpegConfig.TargetShortSide("original", v));
        Assert.Equal(720, FfmpegConfig.TargetShortSide("721", v));
    }

    [Fact]
    public void Probe_mapping_follows_upstream()
    {
        var output = new FfprobeOutput
        {
            Format = new FfprobeFormat { FormatName = "mov,mp4,m4a,3gp,3g2,mj2", FormatLongName = "QuickTime / MOV", Duration = "1.5" },
            Streams =
            [
                new FfprobeStream { Index = 0, CodecType = "video", CodecName = "mjpeg", Width = 100, Height = 100, Disposition = new FfprobeDisposition { AttachedPic = 1 } },
                new FfprobeStream { Index = 1, CodecType = "video", CodecName = "h265", Width = 1280, Height = 720, ColorTransfer = "arib-std-b67", BitRate = "123",
                    SideDataList = [new FfprobeSideData { SideDataType = "Display Matrix", Rotation = -90 }], Tags = new() { ["rotate"] = "180" } },
                new FfprobeStream { Index = 2, CodecType = "audio", CodecName = "aac", BitRate = "N/A" },
                new FfprobeStream { Index = 3, CodecType = "data" },
            ],
        };
        var p = VideoProbe.From(output);
        var v = Assert.Single(p.VideoStreams); // the cover art is not a video stream
        Assert.Equal(new VideoStreamInfo(1, 1280, 720, "hevc", "yuv420p", -90, true, 123), v);
        Assert.Equal(new AudioStreamInfo(2, "aac", 0), Assert.Single(p.AudioStreams));
        Assert.Equal(1.5, p.Duration);
    }

    [Fact]
    public void Start_up_options_set_the_config_and_refuse_what_upstream_refuses()
    {
        var s = TranscodeSettings.FromOptions(new Dictionary<string, string>
        {
            ["accel"] = "vaapi", ["accel-decode"] = "true", ["device"] = "renderD129", ["policy"] = "optimal", ["resolution"] = "1080",
            ["codec"] = "hevc", ["crf"] = "28", ["preset"] = "fast", ["max-bitrate"] = "8M", ["threads"] = "2", ["tonemap"] = "mobius",
        });
        Assert.Equal(new Acceleration(VideoAccel.Vaapi, true), s.Acceleration);
        Assert.Equal(("renderD129", TranscodePolicy.Optimal, "1080", VideoCodec.Hevc, 28, "fast", "8M", 2, ToneMapping.Mobius),
            (s.Ffmpeg.PreferredHwDevice, s.Ffmpeg.Transcode, s.Ffmpeg.TargetResolution, s.Ffmpeg.TargetVideoCodec, s.Ffmpeg.Crf, s.Ffmpeg.Preset, s.Ffmpeg.MaxBitrate, s.Ffmpeg.Threads, s.Ffmpeg.Tonemap));
        Assert.Contains(VideoCodec.Hevc, s.Ffmpeg.AcceptedVideoCodecs);
        Assert.Equal(new Acceleration(VideoAccel.V4l2m2m, false), TranscodeSettings.FromOptions(new Dictionary<string, string> { ["accel"] = "v4l2m2m" }).Acceleration);
        foreach (var (k, v) in new[] { ("accel", "cuda"), ("crf", "52"), ("crf", "x"), ("threads", "-1"), ("max-bitrate", "fast"), ("resolution", "hd"), ("policy", "sometimes"), ("nope", "1") })
            Assert.Throws<ArgumentException>(() => TranscodeSettings.FromOptions(new Dictionary<string, string> { [k] = v }));
        var config = ImmichLite.Infrastructure.AppConfig.Load(["--transcode-accel", "qsv", "--transcode-device=/dev/dri/renderD128"],
            new Dictionary<string, string?> { ["IMMICH_TRANSCODE_ACCEL"] = "nvenc", ["IMMICH_TRANSCODE_CRF"] = "30" });
        Assert.Equal(VideoAccel.Qsv, config.Transcoding.Acceleration.Kind); // the flag wins over the environment
        Assert.Equal(30, config.Transcoding.Ffmpeg.Crf);
        Assert.Equal("/dev/dri/renderD128", config.Transcoding.Ffmpeg.PreferredHwDevice);
    }
}
