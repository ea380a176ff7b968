using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ImmichLite.Media.Video;

/// <summary>How HDR is tone-mapped on the CPU: jellyfin-ffmpeg's <c>tonemapx</c> (what upstream's image ships), the
/// zscale + tonemap chain of a stock FFmpeg built with libzimg (Debian's), or not at all (8-bit 4:2:0 only).</summary>
public enum ToneMapFilter { Tonemapx, Zscale, None }

/// <summary>What this machine and its ffmpeg offer, found once (upstream looks at /dev/dri and the Mali OpenCL driver at
/// bootstrap; devices that appear later are seen after a restart).</summary>
/// <param name="Dri">Entry names of /dev/dri (renderD128, card0, by-path…); empty when there is none.</param>
/// <param name="Mali">/etc/OpenCL/vendors/mali.icd is a file and /dev/mali0 exists (Rockchip OpenCL tone-mapping).</param>
/// <param name="V4l2Encoder">A V4L2 memory-to-memory encoder is present (/sys/class/video4linux/*/name ends in "encode",
/// e.g. the Pi 4's bcm2835-codec-encode); a Pi 5 has none.</param>
/// <param name="PcmInMp4">ffmpeg can write PCM audio into MP4 (FFmpeg 6.1 and later). Debian 12's 5.1 cannot, so there
/// PCM audio that upstream would copy is encoded to the target audio codec instead.</param>
public sealed partial record FfmpegHost(IReadOnlyList<string> Dri, bool Mali, bool V4l2Encoder, ToneMapFilter ToneMap, bool PcmInMp4)
{
    /// <summary>Looks at the devices and asks ffmpeg for its version and filters. Never throws: what cannot be read is absent.</summary>
    public static FfmpegHost Discover(string ffmpeg = "ffmpeg")
    {
        var dri = Try(() => Directory.EnumerateFileSystemEntries("/dev/dri").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()) ?? [];
        var mali = File.Exists("/etc/OpenCL/vendors/mali.icd") && File.Exists("/dev/mali0");
        var v4l2 = Try(() => Directory.EnumerateDirectories("/sys/class/video4linux")
            .Any(d => File.Exists(Path.Combine(d, "name")) && File.ReadAllText(Path.Combine(d, "name")).Trim().EndsWith("encode", StringComparison.Ordinal)));
        var filters = Run(ffmpeg, "-hide_banner", "-filters") ?? "";
        var toneMap = filters.Contains(" tonemapx ", StringComparison.Ordinal) ? ToneMapFilter.Tonemapx
            : filters.Contains(" zscale ", StringComparison.Ordinal) && filters.Contains(" tonemap ", StringComparison.Ordinal) ? ToneMapFilter.Zscale
            : ToneMapFilter.None;
        return new FfmpegHost(dri, mali, v4l2, toneMap, WritesPcmInMp4(Run(ffmpeg, "-version")));
    }

    /// <summary>"ffmpeg version 5.1.9-0+deb12u1" → false; 6.1, 7.0.2-Jellyfin → true; a git build ("N-…") → false (unknown).</summary>
    public static bool WritesPcmInMp4(string? versionText)
    {
        var m = versionText is null ? null : VersionPattern().Match(versionText);
        if (m is not { Success: true }) return false;
        var major = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var minor = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        return major > 6 || (major == 6 && minor >= 1);
    }

    [GeneratedRegex(@"ffmpeg version n?(\d+)\.(\d+)")]
    private static partial Regex VersionPattern();

    static T? Try<T>(Func<T> f)
    {
        try { return f(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return default; }
    }

    static string? Run(string exe, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi);
            if (p is null) return null;
            var stderr = p.StandardError.ReadToEndAsync();
            var text = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(10_000)) { p.Kill(true); return null; }
            stderr.Wait(1000);
            return text;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException) { return null; }
    }
}

/// <summary>The host, found on first use and kept (tests may set another).</summary>
public sealed class FfmpegHostProvider
{
    readonly Lazy<FfmpegHost> _discovered = new(() => FfmpegHost.Discover());
    FfmpegHost? _override;

    public FfmpegHost Current
    {
        get => _override ?? _discovered.Value;
        set => _override = value;
    }
}
