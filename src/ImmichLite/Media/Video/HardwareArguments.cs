using ImmichLite.Contract;
using ImmichLite.Infrastructure;

namespace ImmichLite.Media.Video;

/// <summary>Upstream's BaseHWConfig: "&lt;codec&gt;_&lt;accel&gt;" encoders, a GOP of 256 unless configured, never two runs,
/// and a /dev/dri device for the accels that need one.</summary>
internal abstract class HardwareArguments(BuildContext x) : EncoderArguments(x)
{
    protected abstract string Suffix { get; }
    protected abstract VideoCodec[] SupportedCodecs { get; }
    protected virtual bool NeedsDriDevice => false;
    protected string Device { get; private set; } = "";

    protected override void Validate()
    {
        if (NeedsDriDevice) Device = ResolveDevice(Host.Dri, C.PreferredHwDevice);
        if (!SupportedCodecs.Contains(C.TargetVideoCodec))
            throw new TranscodeException($"{Accel.Label} acceleration does not support codec '{EnumText.Of(C.TargetVideoCodec).ToUpperInvariant()}'. " +
                                         $"Supported codecs: {string.Join(", ", SupportedCodecs.Select(EnumText.Of))}");
    }

    protected override string VideoCodec => $"{EnumText.Of(C.TargetVideoCodec)}_{Suffix}";
    protected override int GopSize => C.GopSize <= 0 ? 256 : C.GopSize;
    protected override bool EligibleForTwoPass() => false;

    /// <summary>getDevice: "auto" takes the greatest renderD*/card* name (so renderD129 beats renderD128 and any card*);
    /// a named device ("renderD128" or "/dev/dri/renderD128") must exist.</summary>
    public static string ResolveDevice(IReadOnlyList<string> dri, string preferred)
    {
        if (dri.Count == 0) throw new TranscodeException("No /dev/dri devices found. If using Docker, make sure at least one /dev/dri device is mounted");
        if (preferred == "auto")
        {
            var best = dri.Where(d => d.StartsWith("renderD", StringComparison.Ordinal) || d.StartsWith("card", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).LastOrDefault()
                ?? throw new TranscodeException("No /dev/dri render or card device found");
            return "/dev/dri/" + best;
        }
        var name = preferred.StartsWith("/dev/dri/", StringComparison.Ordinal) ? preferred["/dev/dri/".Length..] : preferred;
        if (!dri.Contains(name)) throw new TranscodeException($"Device '{name}' does not exist. If using Docker, make sure this device is mounted");
        return "/dev/dri/" + name;
    }

    /// <summary>Software decode: [CPU tone-map] → upload to the device → [the device's scaler].</summary>
    protected List<string> UploadFilters(string upload, string scale)
    {
        var f = ShouldToneMap ? SoftwareToneMap() : [];
        f.Add(upload);
        if (ShouldScale) f.Add(scale);
        return f;
    }

    /// <summary>QSV/VAAPI hardware decode: the scaler converts a non-4:2:0 SDR source to nv12 (then it scales even when no
    /// downscale is needed, as upstream does), or scales when needed; HDR is tone-mapped through OpenCL and mapped back.</summary>
    protected List<string> DecodedFilters(string scale, string device)
    {
        var f = new List<string>();
        if (!ShouldToneMap && !Is420) f.Add(scale + ":format=nv12");
        else if (ShouldScale) f.Add(scale);
        if (ShouldToneMap)
            f.AddRange(["hwmap=derive_device=opencl",
                $"tonemap_opencl=desat=0:format=nv12:matrix=bt709:primaries=bt709:transfer=bt709:range=pc:tonemap={ToneMapAlgorithm}:tonemap_mode=lum:peak=100",
                $"hwmap=derive_device={device}:reverse=1", $"format={device}"]);
        return f;
    }
}

/// <summary>NVIDIA NVENC (CUDA device 0, no /dev/dri).</summary>
internal sealed class NvencArguments(BuildContext x) : HardwareArguments(x)
{
    protected override string Suffix => "nvenc";
    protected override VideoCodec[] SupportedCodecs => [Contract.VideoCodec.H264, Contract.VideoCodec.Hevc, Contract.VideoCodec.Av1];

    protected override List<string> InputOptions() => Accel.Decode
        ? ["-hwaccel cuda", "-hwaccel_output_format cuda", "-noautorotate", "-threads 1"]
        : ["-init_hw_device cuda=cuda:0", "-filter_hw_device cuda"];

    protected override int Refs => BFrames is > 0 and < 3 && C.Refs < 3 ? 0 : C.Refs;

    protected override List<string> BaseOutputOptions()
    {
        List<string> o = ["-tune hq", "-qmin 0", "-rc-lookahead 20", "-i_qfactor 0.75", .. base.BaseOutputOptions()];
        if (BFrames > 0) o.AddRange(["-b_ref_mode middle", "-b_qfactor 1.1"]);
        if (C.TemporalAQ) o.Add("-temporal-aq 1");
        return o;
    }

    protected override List<string> Filters()
    {
        if (!Accel.Decode) return UploadFilters("hwupload_cuda", $"scale_cuda={Scaling()}:format=nv12");
        var f = new List<string>();
        if (ShouldScale || (!ShouldToneMap && !Is420)) f.Add($"scale_cuda={Scaling()}");
        if (ShouldToneMap)
            f.Add($"tonemap_cuda=desat=0:matrix=bt709:primaries=bt709:range=pc:tonemap={ToneMapAlgorithm}:tonemap_mode=lum:transfer=bt709:peak=100");
        if (f.Count > 0) f[^1] += ":format=nv12";
        return f;
    }

    protected override IEnumerable<string> PresetOptions() => PresetIndex >= 0 ? [$"-preset p{7 - Math.Min(6, PresetIndex)}"] : [];
    protected override IEnumerable<string> OutputThreadOptions() => Accel.Decode ? [] : base.OutputThreadOptions();

    protected override IEnumerable<string> BitrateOptions()
    {
        var b = Bitrate;
        if (C.TwoPass && b.Max > 0) return [$"-b:v {b.TargetText}", $"-maxrate {b.MaxText}", $"-bufsize {b.TargetText}", "-multipass 2"];
        if (b.Max > 0) return [$"-cq:v {C.Crf}", $"-maxrate {b.MaxText}", $"-bufsize {b.TargetText}"];
        return [$"-cq:v {C.Crf}"];
    }
}

/// <summary>Intel Quick Sync.</summary>
internal sealed class QsvArguments(BuildContext x) : HardwareArguments(x)
{
    protected override string Suffix => "qsv";
    protected override VideoCodec[] SupportedCodecs => [Contract.VideoCodec.H264, Contract.VideoCodec.Hevc, Contract.VideoCodec.Vp9, Contract.VideoCodec.Av1];
    protected override bool NeedsDriDevice => true;
    bool Vp9 => C.TargetVideoCodec == Contract.VideoCodec.Vp9;

    protected override List<string> InputOptions() => Accel.Decode
        ? ["-hwaccel qsv", "-hwaccel_output_format qsv", "-async_depth 4", "-noautorotate", $"-qsv_device {Device}", "-threads 1"]
        : [$"-init_hw_device qsv=hw,child_device={Device}", "-filter_hw_device hw"];

    protected override int BFrames => C.Bframes < 0 ? 7 : C.Bframes;
    protected override int Refs => C.Refs <= 0 ? 5 : C.Refs;

    protected override List<string> BaseOutputOptions()
    {
        var o = base.BaseOutputOptions();
        if (Vp9) o.Add("-low_power 1");
        return o;
    }

    protected override List<string> Filters() => Accel.Decode
        ? DecodedFilters($"scale_qsv={Scaling(1)}:async_depth=4:mode=hq", "qsv")
        : UploadFilters("hwupload=extra_hw_frames=64", $"scale_qsv={Scaling(1)}:mode=hq:format=nv12");

    protected override IEnumerable<string> PresetOptions() => PresetIndex >= 0 ? [$"-preset {Math.Min(6, PresetIndex) + 1}"] : [];

    protected override IEnumerable<string> BitrateOptions()
    {
        var b = Bitrate;
        var quality = C.CqMode == CQMode.Cqp || Vp9 ? "-q:v" : "-global_quality:v";
        return b.Max > 0 ? [$"{quality} {C.Crf}", $"-maxrate {b.MaxText}", $"-bufsize {b.TwiceMaxText}"] : [$"{quality} {C.Crf}"];
    }
}

/// <summary>VAAPI (Intel, AMD).</summary>
internal sealed class VaapiArguments(BuildContext x) : HardwareArguments(x)
{
    protected override string Suffix => "vaapi";
    protected override VideoCodec[] SupportedCodecs => [Contract.VideoCodec.H264, Contract.VideoCodec.Hevc, Contract.VideoCodec.Vp9, Contract.VideoCodec.Av1];
    protected override bool NeedsDriDevice => true;
    bool Vp9 => C.TargetVideoCodec == Contract.VideoCodec.Vp9;

    protected override List<string> InputOptions() => Accel.Decode
        ? ["-hwaccel vaapi", "-hwaccel_output_format vaapi", "-noautorotate", $"-hwaccel_device {Device}", "-threads 1"]
        : [$"-init_hw_device vaapi=accel:{Device}", "-filter_hw_device accel"];

    protected override List<string> Filters() => Accel.Decode
        ? DecodedFilters($"scale_vaapi={Scaling()}:mode=hq:out_range=pc", "vaapi")
        : UploadFilters("hwupload=extra_hw_frames=64", $"scale_vaapi={Scaling()}:mode=hq:out_range=pc:format=nv12");

    protected override IEnumerable<string> PresetOptions() => PresetIndex >= 0 ? [$"-compression_level {Math.Min(6, PresetIndex) + 1}"] : [];

    protected override IEnumerable<string> BitrateOptions()
    {
        var b = Bitrate;
        var o = new List<string>();
        if (Vp9) o.Add("-bsf:v vp9_raw_reorder,vp9_superframe");
        if (b.Max > 0) o.AddRange([$"-b:v {b.TargetText}", $"-maxrate {b.MaxText}", $"-minrate {b.MinText}", "-rc_mode 3"]);
        else if (C.CqMode != CQMode.Icq || Vp9) o.AddRange([$"-qp:v {C.Crf}", $"-global_quality:v {C.Crf}", "-rc_mode 1"]);
        else o.AddRange([$"-global_quality:v {C.Crf}", "-rc_mode 4"]);
        return o;
    }
}

/// <summary>Rockchip MPP (jellyfin-ffmpeg's Rockchip support: rkmpp encoders and decoders, scale_rkrga).</summary>
internal sealed class RkmppArguments(BuildContext x) : HardwareArguments(x)
{
    protected override string Suffix => "rkmpp";
    protected override VideoCodec[] SupportedCodecs => [Contract.VideoCodec.H264, Contract.VideoCodec.Hevc];
    protected override bool NeedsDriDevice => true; // resolved (so required) as upstream does, though never passed to ffmpeg

    protected override List<string> InputOptions() => Accel.Decode
        ? ["-hwaccel rkmpp", "-hwaccel_output_format drm_prime", "-afbc rga", "-noautorotate"]
        : [];

    protected override List<string> Filters()
    {
        if (!Accel.Decode) return base.Filters();
        if (ShouldToneMap)
        {
            var scale = $"scale_rkrga={Scaling()}:format=p010:afbc=1:async_depth=4";
            if (Host.Mali)
                return [scale, "hwmap=derive_device=opencl:mode=read",
                    $"tonemap_opencl=format=nv12:r=pc:p=bt709:t=bt709:m=bt709:tonemap={ToneMapAlgorithm}:desat=0:tonemap_mode=lum:peak=100",
                    "hwmap=derive_device=rkmpp:mode=write:reverse=1", "format=drm_prime"];
            return [scale, "hwdownload", "format=p010", .. SoftwareToneMap(), "hwupload"];
        }
        return ShouldScale ? [$"scale_rkrga={Scaling()}:format=nv12:afbc=1:async_depth=4"] : [];
    }

    protected override IEnumerable<string> PresetOptions() => [C.TargetVideoCodec == Contract.VideoCodec.Hevc ? "-level 153" : "-level 51"];

    protected override IEnumerable<string> BitrateOptions()
    {
        var b = Bitrate;
        return b.Max > 0 ? ["-rc_mode AVBR", $"-b:v {b.MaxText}"] : ["-rc_mode CQP", $"-qp_init {C.Crf}"];
    }
}

/// <summary>V4L2 memory-to-memory H.264 (Raspberry Pi 4, bcm2835-codec; not in upstream — the reference's §7 design):
/// software decode and filters, then the hardware encoder, which wants yuv420p, a width that is a multiple of 64, a
/// bitrate (it has no constant-quality mode; its default would be 200 kbit/s), no B-frames, and at most level 4.0 (1080p30).</summary>
internal sealed class V4l2Arguments(BuildContext x) : HardwareArguments(x)
{
    /// <summary>The driver starts at 20 Mbit/s; it advertises 25 but fails at stream-on with it.</summary>
    public const int MaxKbps = 20_000;

    protected override string Suffix => "v4l2m2m";
    protected override VideoCodec[] SupportedCodecs => [Contract.VideoCodec.H264];

    protected override void Validate()
    {
        base.Validate();
        if (!Host.V4l2Encoder)
            throw new TranscodeException("No V4L2 H.264 encoder found (a /sys/class/video4linux device named '…encode', as the Raspberry Pi 4's bcm2835-codec-encode)");
    }

    protected override int BFrames => -1;
    protected override int Refs => 0;

    /// <summary>Always scaled (the width rounded down to a multiple of 64, the height following the aspect ratio), never
    /// enlarged, then HDR tone-mapped or converted to yuv420p — always, since the encoder takes nothing else.</summary>
    protected override List<string> Filters()
    {
        var shortSide = OutputShortSide(V, C);
        var scale = IsVertical ? $"scale={shortSide / 64 * 64}:-2" : $"scale=trunc({shortSide}*a/64)*64:-2";
        return [scale, .. ShouldToneMap ? SoftwareToneMap() : ["format=yuv420p"]];
    }

    protected override IEnumerable<string> PresetOptions() => [];

    protected override IEnumerable<string> BitrateOptions()
    {
        var capKbps = FfmpegConfig.BitrateToBps(C.MaxBitrate) / 1000;
        var kbps = capKbps > 0 ? Math.Min(capKbps, MaxKbps) : DefaultKbps(OutputShortSide(V, C));
        return [$"-b:v {I(kbps)}k", $"-maxrate {I(kbps)}k", $"-bufsize {I(2 * kbps)}k"];
    }

    /// <summary>The target short side, never above the source's.</summary>
    public static int OutputShortSide(VideoStreamInfo v, SystemConfigFFmpegDto c)
    {
        var t = FfmpegConfig.TargetShortSide(c.TargetResolution, v) ?? v.ShortSide;
        var s = Math.Min(t, v.ShortSide);
        return s % 2 == 0 ? s : s - 1;
    }

    /// <summary>ImmichLite's bitrates when no maximum is configured: about what CRF 23 gives for phone video.</summary>
    public static int DefaultKbps(int shortSide) => shortSide switch { <= 480 => 2000, <= 720 => 4000, _ => 8000 };

    /// <summary>Whether the output stays inside level 4.0 (8192 macroblocks, 1920 wide or high); when not, the
    /// transcode runs in software.</summary>
    public static bool Fits(VideoStreamInfo v, SystemConfigFFmpegDto c)
    {
        var shortSide = OutputShortSide(v, c);
        var longSide = (long)Math.Ceiling((double)Math.Max(v.Width, v.Height) * shortSide / Math.Max(1, v.ShortSide));
        var macroblocks = (shortSide + 15) / 16 * ((longSide + 15) / 16);
        return longSide <= 1920 && macroblocks <= 8192;
    }
}
