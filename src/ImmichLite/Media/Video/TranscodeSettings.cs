using System.Globalization;
using System.Text.Json;
using ImmichLite.Contract;
using ImmichLite.Infrastructure;

namespace ImmichLite.Media.Video;

/// <summary>Immich's hardware-acceleration kinds (TranscodeHWAccel) plus <see cref="V4l2m2m"/>, the Raspberry Pi 4's
/// H.264 encoder, which Immich does not have (so its API enum cannot name it).</summary>
public enum VideoAccel { Disabled, Nvenc, Qsv, Vaapi, Rkmpp, V4l2m2m }

/// <summary>One attempt's acceleration: the kind, and whether decoding (and filtering) runs on the hardware too.</summary>
public readonly record struct Acceleration(VideoAccel Kind, bool Decode)
{
    public static readonly Acceleration Software = new(VideoAccel.Disabled, false);
    public bool IsHardware => Kind != VideoAccel.Disabled;

    /// <summary>How upstream names an accel in its log and error text: NVENC, QSV, VAAPI, RKMPP (and V4L2).</summary>
    public string Label => Kind switch
    {
        VideoAccel.Nvenc => "NVENC", VideoAccel.Qsv => "QSV", VideoAccel.Vaapi => "VAAPI", VideoAccel.Rkmpp => "RKMPP",
        VideoAccel.V4l2m2m => "V4L2", _ => "DISABLED",
    };
}

/// <summary>The ffmpeg section of the system config (Immich's SystemConfigFFmpegDto, with its defaults) and the
/// acceleration to use. <see cref="Ffmpeg"/> is normalised as upstream normalises it after loading: the target codecs
/// are always accepted. <see cref="Ffmpeg"/>'s accel says "disabled" when <see cref="UseV4l2m2m"/> is set.</summary>
public sealed class TranscodeSettings
{
    public SystemConfigFFmpegDto Ffmpeg { get; }
    public bool UseV4l2m2m { get; }

    public TranscodeSettings(SystemConfigFFmpegDto ffmpeg, bool useV4l2m2m = false)
    {
        Ffmpeg = FfmpegConfig.Normalize(ffmpeg);
        UseV4l2m2m = useV4l2m2m;
    }

    public static TranscodeSettings Default { get; } = new(FfmpegConfig.Defaults());

    /// <summary>The settings that can be given at start (--transcode-&lt;name&gt; or IMMICH_TRANSCODE_&lt;NAME&gt;) while there is
    /// no /system-config: each sets one field of upstream's ffmpeg config.</summary>
    public static readonly string[] OptionNames = ["accel", "accel-decode", "device", "policy", "resolution", "codec", "crf", "preset", "max-bitrate", "threads", "tonemap"];

    /// <summary>Upstream's defaults with the given options applied; a value upstream would refuse throws ArgumentException.</summary>
    public static TranscodeSettings FromOptions(IReadOnlyDictionary<string, string> options)
    {
        var c = FfmpegConfig.Defaults();
        var v4l2 = false;
        foreach (var (name, value) in options)
        {
            switch (name)
            {
                case "accel" when value is "v4l2m2m" or "v4l2": v4l2 = true; break;
                case "accel": c.Accel = Parse<TranscodeHWAccel>(name, value, "v4l2m2m"); break;
                case "accel-decode": c.AccelDecode = value.ToLowerInvariant() is "true" or "1" or "yes" ? true : value.ToLowerInvariant() is "false" or "0" or "no" ? false : throw Bad(name, value, "true, false"); break;
                case "device": c.PreferredHwDevice = value; break;
                case "policy": c.Transcode = Parse<TranscodePolicy>(name, value); break;
                case "resolution":
                    if (value != "original" && FfmpegConfig.ParseIntPrefix(value) is not > 0) throw Bad(name, value, "original, 2160, 1440, 1080, 720, 480");
                    c.TargetResolution = value;
                    break;
                case "codec": c.TargetVideoCodec = Parse<VideoCodec>(name, value); break;
                case "crf": c.Crf = Int(name, value); break;
                case "preset": c.Preset = value; break;
                case "max-bitrate":
                    if (value.TrimEnd('k', 'K', 'm', 'M') is not { Length: > 0 } digits || digits.Length < value.Length - 1 || !digits.All(char.IsAsciiDigit)) throw Bad(name, value, "0 (none), or a number with k or M, e.g. 4500k");
                    c.MaxBitrate = value;
                    break;
                case "threads": c.Threads = Int(name, value); break;
                case "tonemap": c.Tonemap = Parse<ToneMapping>(name, value); break;
                default: throw new ArgumentException($"unknown transcoding setting '{name}'; known: {string.Join(", ", OptionNames)}");
            }
        }
        var errors = new List<string>();
        c.Validate(errors);
        if (errors.Count > 0) throw new ArgumentException("transcoding settings: " + string.Join("; ", errors));
        return new TranscodeSettings(c, v4l2);
    }

    static T Parse<T>(string name, string value, string? extra = null) where T : struct, Enum =>
        EnumText.TryParse<T>(value, out var v) ? v : throw Bad(name, value, string.Join(", ", EnumText.All<T>().Concat(extra is null ? [] : [extra])));

    static int Int(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw Bad(name, value, "a whole number");

    static ArgumentException Bad(string name, string value, string expected) =>
        new($"transcoding setting '{name}' cannot be '{value}'; expected {expected}");

    public Acceleration Acceleration => UseV4l2m2m
        ? new Acceleration(VideoAccel.V4l2m2m, false)
        : new Acceleration(Ffmpeg.Accel switch
        {
            TranscodeHWAccel.Nvenc => VideoAccel.Nvenc, TranscodeHWAccel.Qsv => VideoAccel.Qsv, TranscodeHWAccel.Vaapi => VideoAccel.Vaapi,
            TranscodeHWAccel.Rkmpp => VideoAccel.Rkmpp, _ => VideoAccel.Disabled,
        }, Ffmpeg.AccelDecode);
}

/// <summary>Upstream's ffmpeg defaults (server/src/config.ts) and the number rules the decision and the builders share.</summary>
public static class FfmpegConfig
{
    public static SystemConfigFFmpegDto Defaults() => new()
    {
        Crf = 23, Threads = 0, Preset = "ultrafast", TargetVideoCodec = VideoCodec.H264, AcceptedVideoCodecs = [VideoCodec.H264],
        TargetAudioCodec = AudioCodec.Aac, AcceptedAudioCodecs = [AudioCodec.Aac, AudioCodec.Mp3, AudioCodec.Libopus, AudioCodec.PcmS16le],
        AcceptedContainers = [VideoContainer.Mov, VideoContainer.Ogg, VideoContainer.Webm], TargetResolution = "720", MaxBitrate = "0",
        Bframes = -1, Refs = 0, GopSize = 0, TemporalAQ = false, CqMode = CQMode.Auto, TwoPass = false, PreferredHwDevice = "auto",
        Transcode = TranscodePolicy.Required, Accel = TranscodeHWAccel.Disabled, AccelDecode = false, Tonemap = ToneMapping.Hable,
    };

    /// <summary>A copy with the target codecs appended to the accepted ones when missing (upstream does this after
    /// validation, so a target codec is always "accepted").</summary>
    public static SystemConfigFFmpegDto Normalize(SystemConfigFFmpegDto c)
    {
        var copy = Clone(c);
        if (!copy.AcceptedVideoCodecs.Contains(c.TargetVideoCodec)) copy.AcceptedVideoCodecs.Add(c.TargetVideoCodec);
        if (!copy.AcceptedAudioCodecs.Contains(c.TargetAudioCodec)) copy.AcceptedAudioCodecs.Add(c.TargetAudioCodec);
        return copy;
    }

    /// <summary>A deep copy through the generated serializer (the DTO is a mutable class).</summary>
    public static SystemConfigFFmpegDto Clone(SystemConfigFFmpegDto c) =>
        JsonSerializer.Deserialize(JsonSerializer.Serialize(c, ImmichJsonContext.Default.SystemConfigFFmpegDto), ImmichJsonContext.Default.SystemConfigFFmpegDto)!;

    /// <summary>JavaScript's parseInt: optional sign and leading digits after white space; null where it gives NaN.</summary>
    public static long? ParseIntPrefix(string? s)
    {
        if (s is null) return null;
        var t = s.TrimStart();
        var i = 0;
        if (i < t.Length && (t[i] == '-' || t[i] == '+')) i++;
        var start = i;
        while (i < t.Length && char.IsAsciiDigit(t[i])) i++;
        if (i == start) return null;
        return long.TryParse(t.AsSpan(0, i), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    /// <summary>parseBitrateToBps: "4500k" → 4 500 000, "10M" → 10 000 000, "500" → 500, not a number → 0.</summary>
    public static long BitrateToBps(string maxBitrate)
    {
        if (ParseIntPrefix(maxBitrate) is not { } v) return 0;
        var lower = maxBitrate.ToLowerInvariant();
        return lower.EndsWith('k') ? v * 1000 : lower.EndsWith('m') ? v * 1_000_000 : v;
    }

    /// <summary>The target short side: the configured number (parsed like parseInt, so "1080p" is 1080) or, for "original",
    /// the source's short side; made even by taking one off. Null for a value that is neither.</summary>
    public static int? TargetShortSide(string targetResolution, VideoStreamInfo v)
    {
        long? t = targetResolution == "original" ? v.ShortSide : ParseIntPrefix(targetResolution);
        if (t is not { } n || n > int.MaxValue || n < int.MinValue) return null;
        return (int)(n % 2 != 0 ? n - 1 : n);
    }

    /// <summary>Upstream's bitrate distribution: max and its unit as configured ("4500k" → 4500, "k"; a bare number is k),
    /// target = ceil(max / 1.45), min = target / 2 (which may be fractional, and is printed so: 3448.5).</summary>
    public readonly record struct Bitrates(long Max, long Target, double Min, string Unit)
    {
        public static Bitrates Of(string maxBitrate)
        {
            var max = ParseIntPrefix(maxBitrate) ?? 0;
            var trimmed = maxBitrate.Trim();
            var digits = max.ToString(CultureInfo.InvariantCulture);
            var unit = trimmed.StartsWith(digits, StringComparison.Ordinal) ? trimmed[digits.Length..] : "";
            if (unit.Length == 0) unit = "k";
            var target = (long)Math.Ceiling(max / 1.45);
            return new Bitrates(max, target, target / 2.0, unit);
        }

        public string MaxText => Max.ToString(CultureInfo.InvariantCulture) + Unit;
        public string TargetText => Target.ToString(CultureInfo.InvariantCulture) + Unit;
        public string MinText => Min.ToString(CultureInfo.InvariantCulture) + Unit;
        public string TwiceMaxText => (Max * 2).ToString(CultureInfo.InvariantCulture) + Unit;
    }
}
