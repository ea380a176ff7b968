using ImmichLite.Contract;
using ImmichLite.Infrastructure;

namespace ImmichLite.Media.Video;

/// <summary>Which streams get re-encoded: none (copy both: a remux), the audio, the video, or both.</summary>
public enum TranscodeTarget { None, Audio, Video, All }

/// <summary>A transcode that cannot be made: no video stream, no container, a zero frame size, a codec the acceleration
/// lacks, no device. Upstream fails the job for these without retrying.</summary>
public sealed class TranscodeException(string message) : Exception(message);

/// <summary>What to do with a video, decided from its probe and the ffmpeg config exactly by upstream's rules
/// (media.service.ts handleVideoConversion / isVideoTranscodeRequired / isAudioTranscodeRequired / isRemuxRequired),
/// quirks included: containers are matched by ffprobe's format name (MP4 and MOV both become "mov", Matroska and WebM
/// are "matroska,webm" and never match "webm"), audio by ffprobe's codec name (Opus is "opus", never the accepted
/// "libopus"), a 10-bit source is "required" even in an accepted codec, and odd dimensions alone trigger nothing.</summary>
public sealed record TranscodeDecision(VideoStreamInfo Video, AudioStreamInfo? Audio, TranscodeTarget Target, bool Remux)
{
    /// <summary>Nothing to write: the original plays as it is (and an encoded file from before is stale).</summary>
    public bool Skip => Target == TranscodeTarget.None && !Remux;

    public static TranscodeDecision Decide(VideoProbe probe, SystemConfigFFmpegDto config)
    {
        var video = probe.MainVideo;
        if (video is null || string.IsNullOrEmpty(probe.FormatName))
            throw new TranscodeException(video is null ? "the file has no video stream" : "ffprobe found no container format");
        if (video.Width == 0 || video.Height == 0) throw new TranscodeException("the video stream has no frame size");
        var audio = probe.MainAudio;

        var videoRequired = IsVideoTranscodeRequired(video, config);
        var audioRequired = IsAudioTranscodeRequired(audio, config);
        var target = (videoRequired, audioRequired) switch
        {
            (true, true) => TranscodeTarget.All,
            (true, false) => TranscodeTarget.Video,
            (false, true) => TranscodeTarget.Audio,
            _ => TranscodeTarget.None,
        };
        var remux = target == TranscodeTarget.None && IsRemuxRequired(probe, config);
        return new TranscodeDecision(video, audio, target, remux);
    }

    public static bool IsVideoTranscodeRequired(VideoStreamInfo v, SystemConfigFFmpegDto config)
    {
        var isRequired = !config.AcceptedVideoCodecs.Any(c => EnumText.Of(c) == v.CodecName) || !v.PixelFormat.EndsWith("420p", StringComparison.Ordinal);
        var target = FfmpegConfig.ParseIntPrefix(config.TargetResolution);
        var largerThanResolution = config.TargetResolution != "original" && target is { } t && v.ShortSide > t;
        var largerThanBitrate = v.Bitrate > FfmpegConfig.BitrateToBps(config.MaxBitrate);
        return config.Transcode switch
        {
            TranscodePolicy.All => true,
            TranscodePolicy.Optimal => isRequired || largerThanResolution,
            TranscodePolicy.Bitrate => isRequired || largerThanBitrate,
            TranscodePolicy.Required => isRequired,
            TranscodePolicy.Disabled => false,
            _ => throw new TranscodeException($"Unsupported transcode policy: {config.Transcode}"),
        };
    }

    public static bool IsAudioTranscodeRequired(AudioStreamInfo? a, SystemConfigFFmpegDto config)
    {
        if (a is null) return false;
        return config.Transcode switch
        {
            TranscodePolicy.All => true,
            TranscodePolicy.Disabled => false,
            _ => !config.AcceptedAudioCodecs.Any(c => EnumText.Of(c) == a.CodecName),
        };
    }

    public static bool IsRemuxRequired(VideoProbe probe, SystemConfigFFmpegDto config)
    {
        if (config.Transcode == TranscodePolicy.Disabled) return false;
        var name = probe.FormatLongName == "QuickTime / MOV" ? "mov" : probe.FormatName;
        return name != "mp4" && !config.AcceptedContainers.Any(c => EnumText.Of(c) == name);
    }
}
