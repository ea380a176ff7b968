using System.Globalization;
using ImmichLite.Media.Metadata;

namespace ImmichLite.Media.Video;

/// <summary>A video stream as the transcoding rules see it (upstream's VideoStreamInfo).</summary>
/// <param name="Rotation">The display-matrix rotation as ffprobe prints it (counter-clockwise degrees, e.g. -90); the legacy
/// "rotate" tag is ignored, as upstream ignores it.</param>
/// <param name="Bitrate">bits/s; 0 when ffprobe gives none (common for Matroska).</param>
public sealed record VideoStreamInfo(int Index, int Width, int Height, string CodecName, string PixelFormat, int Rotation, bool IsHdr, long Bitrate)
{
    public int ShortSide => Math.Min(Width, Height);
}

public sealed record AudioStreamInfo(int Index, string CodecName, long Bitrate);

/// <summary>What ffprobe says about a file, reduced to what the decision and the argument builders use.</summary>
public sealed record VideoProbe(string? FormatName, string? FormatLongName, double Duration,
    IReadOnlyList<VideoStreamInfo> VideoStreams, IReadOnlyList<AudioStreamInfo> AudioStreams)
{
    /// <summary>Upstream's main stream: the highest bitrate, ignoring streams whose codec is unknown; a missing bitrate
    /// counts as 0 and a tie keeps the first.</summary>
    public VideoStreamInfo? MainVideo => Highest(VideoStreams, v => v.CodecName, v => v.Bitrate);
    public AudioStreamInfo? MainAudio => Highest(AudioStreams, a => a.CodecName, a => a.Bitrate);

    static T? Highest<T>(IReadOnlyList<T> streams, Func<T, string> codec, Func<T, long> bitrate) where T : class
    {
        T? best = null;
        foreach (var s in streams)
        {
            if (codec(s) == "unknown") continue;
            if (best is null || bitrate(s) > bitrate(best)) best = s;
        }
        return best;
    }

    /// <summary>Maps ffprobe's JSON (-show_format -show_streams) the way upstream maps its output: cover-art streams are
    /// not video, h265 is named hevc, a missing pixel format is yuv420p, PQ and HLG transfers are HDR.</summary>
    public static VideoProbe From(FfprobeOutput probe)
    {
        var video = new List<VideoStreamInfo>();
        var audio = new List<AudioStreamInfo>();
        foreach (var s in probe.Streams ?? [])
        {
            var codec = string.IsNullOrEmpty(s.CodecName) ? "unknown" : s.CodecName == "h265" ? "hevc" : s.CodecName;
            if (s.CodecType == "video" && s.Disposition?.AttachedPic != 1)
            {
                var rotation = 0;
                foreach (var sd in s.SideDataList ?? [])
                    if (sd.Rotation is { } r) { rotation = (int)Math.Round(r); break; }
                video.Add(new VideoStreamInfo(s.Index, s.Width ?? 0, s.Height ?? 0, codec, string.IsNullOrEmpty(s.PixFmt) ? "yuv420p" : s.PixFmt,
                    rotation, s.ColorTransfer is "smpte2084" or "arib-std-b67", ParseLong(s.BitRate)));
            }
            else if (s.CodecType == "audio")
                audio.Add(new AudioStreamInfo(s.Index, codec, ParseLong(s.BitRate)));
        }
        var duration = double.TryParse(probe.Format?.Duration, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0;
        return new VideoProbe(probe.Format?.FormatName, probe.Format?.FormatLongName, duration, video, audio);
    }

    static long ParseLong(string? s) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
}
