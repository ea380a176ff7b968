// Transcoding cost through the server's own code path: `TranscodeBench <media folder> [rounds=3] [--min-seconds S]`.
// Per clip: ffprobe (Media/Metadata/Ffprobe), VideoProbe.From, TranscodeDecision.Decide and VideoTranscoder.TranscodeAsync with
// FfmpegProcessRunner and the discovered FfmpegHost — what VideoConversionJob runs — writing to a temporary .mp4. A round encodes the
// clip repeatedly for at least --min-seconds of wall time; CPU is the user+system time of the ffmpeg children (cutime+cstime of
// this process, counted once each child is reaped). Prints one line per clip: the medians over the rounds.
using System.Globalization;
using ImmichLite.Contract;
using ImmichLite.Media.Metadata;
using ImmichLite.Media.Video;
using Microsoft.Extensions.Logging.Abstractions;

if (args.Length < 1) { Console.Error.WriteLine("usage: TranscodeBench <media folder> [rounds] [--min-seconds S]"); return 2; }
var media = args[0];
int rounds = args.Length > 1 && int.TryParse(args[1], out var r) ? r : 3;
double minSeconds = Array.IndexOf(args, "--min-seconds") is var mi and >= 0 && mi + 1 < args.Length ? double.Parse(args[mi + 1], CultureInfo.InvariantCulture) : 3;

var host = FfmpegHost.Discover();
var transcoder = new VideoTranscoder(new FfmpegProcessRunner(), NullLogger<VideoTranscoder>.Instance);
var ffprobe = new Ffprobe();
var work = Directory.CreateTempSubdirectory("transcode-bench").FullName;
Console.WriteLine($"host: tone-map {host.ToneMap}, PCM in MP4 {host.PcmInMp4}, cores {Environment.ProcessorCount}");

(string File, string Label, TranscodePolicy Policy)[] clips =
[
    ("video/apple-ipadmini_hevc_gps_rotation-90.mov", "HEVC 1280x720 portrait → H.264 720p", TranscodePolicy.Required),
    ("video/apple-iphone14pro_hevc_dolby-vision-hdr_gps.mov", "HEVC 10-bit HLG 1280x720 → tone-mapped H.264 720p", TranscodePolicy.Required),
    ("video/camera_mjpeg-pcm.avi", "MJPEG 320x240 + PCM (AVI) → H.264 + AAC", TranscodePolicy.Required),
    ("video/sony-ilce-7m3_avchd.mts", "AVCHD 1080p H.264 + AC-3 → copy + AAC (remux)", TranscodePolicy.Required),
    ("video/apple-coremedia_h264_3gpp-loci-location.mp4", "H.264 1280x720 → H.264 720p (policy all)", TranscodePolicy.All),
    ("video/google-pixel7_h264_rotation-180_zero-createdate.mp4", "H.264 1920x1080, dark scene → 720p (policy all)", TranscodePolicy.All),
];
try
{
    foreach (var (file, label, policy) in clips)
    {
        var path = Path.Combine(media, file);
        var c = FfmpegConfig.Defaults();
        c.Transcode = policy;
        var settings = new TranscodeSettings(c);
        var probed = await ffprobe.ProbeAsync(path, CancellationToken.None);
        var probe = VideoProbe.From(probed.Output ?? throw new InvalidOperationException(probed.Error));
        var decision = TranscodeDecision.Decide(probe, settings.Ffmpeg);
        if (decision.Skip) { Console.WriteLine($"clip: {file} | skipped"); continue; }
        var output = Path.Combine(work, "out.mp4");
        await transcoder.TranscodeAsync("bench", decision, settings, host, path, output, CancellationToken.None); // warm-up (page cache)
        var cpuPerVideoSecond = new List<double>();
        var realtime = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var (cpu0, t0) = (ChildCpuSeconds(), DateTime.UtcNow);
            var n = 0;
            do { await transcoder.TranscodeAsync("bench", decision, settings, host, path, output, CancellationToken.None); n++; }
            while ((DateTime.UtcNow - t0).TotalSeconds < minSeconds);
            var wall = (DateTime.UtcNow - t0).TotalSeconds;
            var cpu = ChildCpuSeconds() - cpu0;
            cpuPerVideoSecond.Add(cpu / (n * probe.Duration));
            realtime.Add(n * probe.Duration / wall);
        }
        cpuPerVideoSecond.Sort();
        realtime.Sort();
        var v = decision.Video;
        Console.WriteLine(FormattableString.Invariant(
            $"clip: {file} | {label} | {probe.Duration:0.###} s | {decision.Target}{(decision.Remux ? " (remux)" : "")} | {cpuPerVideoSecond[rounds / 2]:0.00} | {realtime[rounds / 2]:0.0}× | {new FileInfo(output).Length / 1024.0:0} KiB"));
    }
}
finally { Directory.Delete(work, true); }
return 0;

// user + system CPU of this process's reaped children, from /proc/self/stat (fields 16 and 17, clock ticks at 100 Hz)
static double ChildCpuSeconds()
{
    var stat = File.ReadAllText("/proc/self/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)) / 100.0;
}
