using System.Globalization;
using ImmichLite.Contract;
using ImmichLite.Infrastructure;

namespace ImmichLite.Media.Video;

/// <summary>An ffmpeg transcode as upstream builds it: input and output options in upstream's form, one "-flag value"
/// string each (what the spec and the reference's test vectors list), and whether it runs as two passes.</summary>
public sealed record FfmpegCommand(IReadOnlyList<string> InputOptions, IReadOnlyList<string> OutputOptions, bool TwoPass)
{
    /// <summary>"-flag value" → "-flag", "value" (every option has exactly one space; filter graphs have none).</summary>
    public static IEnumerable<string> Split(IEnumerable<string> options)
    {
        foreach (var o in options)
        {
            var i = o.IndexOf(' ');
            if (i < 0) { yield return o; continue; }
            yield return o[..i];
            yield return o[(i + 1)..];
        }
    }

    /// <summary>The whole argument list of a single run, in upstream's order: input options, -i, -y, output options,
    /// the output. <c>-nostdin</c> leads, so ffmpeg never reads the server's stdin.</summary>
    public IReadOnlyList<string> Arguments(string input, string output) => [.. Head(input), .. Split(OutputOptions), output];

    /// <summary>Pass 1 writes only the statistics (to /dev/null), pass 2 the file; both log to &lt;output&gt;-0.log.</summary>
    public IReadOnlyList<string> PassArguments(int pass, string input, string output) => pass == 1
        ? [.. Head(input), .. Split(OutputOptions), "-pass", "1", "-passlogfile", output, "-f", "null", "/dev/null"]
        : [.. Head(input), .. Split(OutputOptions), "-pass", "2", "-passlogfile", output, output];

    IEnumerable<string> Head(string input) => ["-nostdin", .. Split(InputOptions), "-i", input, "-y"];
}

/// <summary>Pure builders of upstream's ffmpeg arguments (server/src/utils/media.ts), one per encoder and acceleration,
/// plus V4L2 M2M for the Raspberry Pi 4. Same inputs, same list: no I/O, no clock. Problems that upstream raises while
/// building (codec unsupported by the accel, no /dev/dri device) throw <see cref="TranscodeException"/>.</summary>
public static class TranscodeArguments
{
    public static FfmpegCommand Build(TranscodeDecision decision, SystemConfigFFmpegDto config, Acceleration accel, FfmpegHost host)
    {
        var x = new BuildContext(decision, config, accel, host);
        EncoderArguments e = accel.Kind switch
        {
            VideoAccel.Disabled => config.TargetVideoCodec switch
            {
                VideoCodec.H264 => new X264Arguments(x),
                VideoCodec.Hevc => new X265Arguments(x),
                VideoCodec.Vp9 => new Vp9Arguments(x),
                _ => new SvtAv1Arguments(x),
            },
            VideoAccel.Nvenc => new NvencArguments(x),
            VideoAccel.Qsv => new QsvArguments(x),
            VideoAccel.Vaapi => new VaapiArguments(x),
            VideoAccel.Rkmpp => new RkmppArguments(x),
            _ => new V4l2Arguments(x),
        };
        return e.Command();
    }

    /// <summary>Preset names in upstream's speed order; an encoder's speed index is the position (veryslow 0 … ultrafast 8).</summary>
    internal static readonly string[] Presets = ["veryslow", "slower", "slow", "medium", "fast", "faster", "veryfast", "superfast", "ultrafast"];
}

internal sealed record BuildContext(TranscodeDecision Decision, SystemConfigFFmpegDto Config, Acceleration Accel, FfmpegHost Host);

/// <summary>Upstream's BaseConfig: the common output options and the software filter list; each encoder overrides its parts.</summary>
internal abstract class EncoderArguments(BuildContext x)
{
    protected readonly SystemConfigFFmpegDto C = x.Config;
    protected readonly VideoStreamInfo V = x.Decision.Video;
    protected readonly AudioStreamInfo? A = x.Decision.Audio;
    protected readonly TranscodeTarget Target = x.Decision.Target;
    protected readonly Acceleration Accel = x.Accel;
    protected readonly FfmpegHost Host = x.Host;
    protected static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    public FfmpegCommand Command()
    {
        Validate();
        var output = BaseOutputOptions();
        output.Add("-v verbose");
        if (Target is TranscodeTarget.Video or TranscodeTarget.All && Filters() is { Count: > 0 } filters)
            output.Add("-vf " + string.Join(',', filters));
        output.AddRange(PresetOptions());
        output.AddRange(OutputThreadOptions());
        output.AddRange(BitrateOptions());
        return new FfmpegCommand(InputOptions(), output, EligibleForTwoPass());
    }

    protected virtual void Validate() { }
    protected virtual List<string> InputOptions() => [];
    protected virtual string VideoCodec => EnumText.Of(C.TargetVideoCodec);
    protected virtual int BFrames => C.Bframes;
    protected virtual int Refs => C.Refs;
    protected virtual int GopSize => C.GopSize;
    protected FfmpegConfig.Bitrates Bitrate => FfmpegConfig.Bitrates.Of(C.MaxBitrate);

    protected virtual List<string> BaseOutputOptions()
    {
        var videoCodec = Target is TranscodeTarget.Video or TranscodeTarget.All ? VideoCodec : "copy";
        // ImmichLite: PCM that upstream copies is encoded where this ffmpeg cannot put PCM into MP4 (FFmpeg < 6.1)
        var audioCodec = Target is TranscodeTarget.Audio or TranscodeTarget.All || (A is { } a && !Host.PcmInMp4 && a.CodecName.StartsWith("pcm_", StringComparison.Ordinal))
            ? EnumText.Of(C.TargetAudioCodec) : "copy";
        var o = new List<string> { $"-c:v {videoCodec}", $"-c:a {audioCodec}", "-movflags faststart", "-fps_mode passthrough", $"-map 0:{V.Index}", "-map_metadata -1" };
        if (A is not null) o.Add($"-map 0:{A.Index}");
        if (BFrames > -1) o.Add($"-bf {BFrames}");
        if (Refs > 0) o.Add($"-refs {Refs}");
        if (GopSize > 0) o.Add($"-g {GopSize}");
        if (C.TargetVideoCodec == Contract.VideoCodec.Hevc && (videoCodec != "copy" || V.CodecName == "hevc")) o.Add("-tag:v hvc1");
        return o;
    }

    /// <summary>Software: [scale], then the tone-map (HDR) or format=yuv420p (not 4:2:0).</summary>
    protected virtual List<string> Filters()
    {
        var f = new List<string>();
        if (ShouldScale) f.Add($"scale={Scaling()}");
        f.AddRange(ToneMapOrFormat());
        return f;
    }

    protected List<string> ToneMapOrFormat() => ShouldToneMap ? SoftwareToneMap() : !Is420 ? ["format=yuv420p"] : [];

    protected virtual IEnumerable<string> PresetOptions() => [$"-preset {C.Preset}"];
    protected virtual IEnumerable<string> OutputThreadOptions() => C.Threads > 0 ? [$"-threads {C.Threads}"] : [];

    protected virtual IEnumerable<string> BitrateOptions()
    {
        var b = Bitrate;
        var quality = C.CqMode == CQMode.Cqp ? "-q:v" : "-crf";
        if (EligibleForTwoPass()) return [$"-b:v {b.TargetText}", $"-minrate {b.MinText}", $"-maxrate {b.MaxText}"];
        if (b.Max > 0) return [$"{quality} {C.Crf}", $"-maxrate {b.MaxText}", $"-bufsize {b.TwiceMaxText}"];
        return [$"{quality} {C.Crf}"];
    }

    protected virtual bool EligibleForTwoPass() => C.TwoPass && Bitrate.Max > 0;

    // ---- scaling and colour (upstream BaseConfig) ----

    protected int? TargetShortSide => FfmpegConfig.TargetShortSide(C.TargetResolution, V);
    protected bool ShouldScale => TargetShortSide is { } t && (V.ShortSide > t || V.Width % 2 == 1 || V.Height % 2 == 1);
    protected bool IsVertical => V.Height > V.Width || Math.Abs(V.Rotation) == 90;
    protected bool Is420 => V.PixelFormat.EndsWith("420p", StringComparison.Ordinal);
    protected bool ShouldToneMap => V.IsHdr && C.Tonemap != ToneMapping.Disabled;
    protected string ToneMapAlgorithm => EnumText.Of(C.Tonemap);

    /// <summary>"-2:720" for landscape, "720:-2" for portrait or ±90° rotation; QSV uses -1.</summary>
    protected string Scaling(int multiple = 2)
    {
        var t = TargetShortSide ?? V.ShortSide;
        return IsVertical ? $"{t}:-{multiple}" : $"-{multiple}:{t}";
    }

    /// <summary>HDR → SDR BT.709 on the CPU. Upstream: tonemapx (jellyfin-ffmpeg). A stock FFmpeg has no tonemapx: the
    /// zscale + tonemap chain does the same steps (linearise, BT.709 primaries, tone-map, BT.709 transfer and matrix,
    /// full range as upstream's r=pc, 8-bit 4:2:0).</summary>
    protected List<string> SoftwareToneMap() => Host.ToneMap switch
    {
        ToneMapFilter.Tonemapx => [$"tonemapx=tonemap={ToneMapAlgorithm}:desat=0:p=bt709:t=bt709:m=bt709:r=pc:peak=100:format=yuv420p"],
        ToneMapFilter.Zscale => ["zscale=t=linear:npl=100", "format=gbrpf32le", "zscale=p=bt709", $"tonemap=tonemap={ToneMapAlgorithm}:desat=0",
            "zscale=t=bt709:m=bt709:r=pc", "format=yuv420p"],
        _ => ["format=yuv420p"],
    };

    protected int PresetIndex => Array.IndexOf(TranscodeArguments.Presets, C.Preset);
}

/// <summary>libx264 (ffmpeg picks it for "-c:v h264").</summary>
internal sealed class X264Arguments(BuildContext x) : EncoderArguments(x)
{
    protected override IEnumerable<string> OutputThreadOptions() =>
        C.Threads == 1 ? [.. base.OutputThreadOptions(), "-x264-params frame-threads=1:pools=none"] : base.OutputThreadOptions();
}

/// <summary>libx265 ("-c:v hevc").</summary>
internal sealed class X265Arguments(BuildContext x) : EncoderArguments(x)
{
    protected override IEnumerable<string> OutputThreadOptions() =>
        C.Threads == 1 ? [.. base.OutputThreadOptions(), "-x265-params frame-threads=1:pools=none"] : base.OutputThreadOptions();
}

/// <summary>libvpx-vp9 ("-c:v vp9"): -cpu-used from the preset, row multithreading, constant quality with -b:v 0 unless capped.</summary>
internal sealed class Vp9Arguments(BuildContext x) : EncoderArguments(x)
{
    protected override IEnumerable<string> PresetOptions() => PresetIndex >= 0 ? [$"-cpu-used {Math.Min(PresetIndex, 5)}"] : [];
    protected override IEnumerable<string> OutputThreadOptions() => ["-row-mt 1", .. base.OutputThreadOptions()];

    protected override IEnumerable<string> BitrateOptions()
    {
        var b = Bitrate;
        if (EligibleForTwoPass() && b.Max > 0) return [$"-b:v {b.TargetText}", $"-minrate {b.MinText}", $"-maxrate {b.MaxText}"];
        return [$"-crf {C.Crf}", $"-b:v {b.MaxText}"];
    }

    protected override bool EligibleForTwoPass() => C.TwoPass;
}

/// <summary>SVT-AV1 ("-c:v libsvtav1"): -preset 4…12 from the preset (3 when unknown), threads and the cap as -svtav1-params.</summary>
internal sealed class SvtAv1Arguments(BuildContext x) : EncoderArguments(x)
{
    protected override string VideoCodec => "libsvtav1";
    protected override IEnumerable<string> PresetOptions() => [$"-preset {PresetIndex + 4}"];
    protected override IEnumerable<string> OutputThreadOptions() => [];

    protected override IEnumerable<string> BitrateOptions()
    {
        var b = Bitrate;
        var svt = new List<string>();
        if (C.Threads > 0) svt.Add($"lp={C.Threads}");
        if (b.Max > 0) svt.Add($"mbr={b.MaxText}");
        return svt.Count > 0 ? [$"-crf {C.Crf}", $"-svtav1-params {string.Join(':', svt)}"] : [$"-crf {C.Crf}"];
    }

    protected override bool EligibleForTwoPass() => C.TwoPass;
}
