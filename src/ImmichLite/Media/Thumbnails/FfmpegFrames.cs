using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using SkiaSharp;

namespace ImmichLite.Media.Thumbnails;

/// <summary>
/// Runs the system ffmpeg/ffprobe (Debian package <c>ffmpeg</c>) and reads ONE decoded frame back as a PAM image
/// (a tiny text header + raw RGBA) over a pipe: no temporary files, no PNG compression round trip, and the frame is
/// already scaled to the preview size inside ffmpeg, so the full-resolution frame never reaches this process.
/// Used for videos (poster frame, ffmpeg applies the display-matrix rotation itself) and for still formats Skia cannot
/// decode but ffmpeg 5.1 can (TIFF, JPEG XL via libjxl, AVIF via dav1d when libheif is missing).
/// Hostile input: <c>-max_pixels</c> makes ffmpeg's decoders refuse oversized frames before allocating them, the
/// frame size read back is checked again, stderr is bounded, and a timeout kills the process.
/// </summary>
internal static class FfmpegFrames
{
    internal const string FfmpegPath = "ffmpeg";
    internal const string FfprobePath = "ffprobe";
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    internal sealed record VideoInfo(double Duration, int Width, int Height, string? ColorTransfer);

    static readonly Lazy<bool> HasZscale = new(() =>
    {
        try
        {
            var (code, stdout, _) = RunText(FfmpegPath, ["-hide_banner", "-filters"], TimeSpan.FromSeconds(10));
            return code == 0 && stdout.Contains(" zscale ", StringComparison.Ordinal)
                   && stdout.Contains(" tonemap ", StringComparison.Ordinal);
        }
        catch (Exception) { return false; }
    });

    /// <summary>ffprobe of the first video stream (duration, coded size, transfer characteristics).</summary>
    public static async Task<VideoInfo> ProbeVideoAsync(string path, CancellationToken ct)
    {
        string[] args = ["-v", "error", "-select_streams", "v:0", "-show_entries",
            "format=duration:stream=width,height,color_transfer,duration", "-of", "json", path];
        var (code, stdout, stderr) = await RunTextAsync(FfprobePath, args, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        if (code != 0) throw new ThumbnailException($"ffprobe cannot read the file: {Tail(stderr)}");
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            var root = doc.RootElement;
            if (!root.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0)
                throw new ThumbnailException("file has no video stream");
            var s = streams[0];
            int w = s.TryGetProperty("width", out var we) ? we.GetInt32() : 0;
            int h = s.TryGetProperty("height", out var he) ? he.GetInt32() : 0;
            string? transfer = s.TryGetProperty("color_transfer", out var te) ? te.GetString() : null;
            double duration = ParseDouble(root.TryGetProperty("format", out var f) && f.TryGetProperty("duration", out var d) ? d.GetString() : null)
                              ?? ParseDouble(s.TryGetProperty("duration", out var sd) ? sd.GetString() : null) ?? 0;
            return new VideoInfo(duration, w, h, transfer);
        }
        catch (JsonException e) { throw new ThumbnailException("ffprobe printed unreadable output", e); }
    }

    static double? ParseDouble(string? s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    /// <summary>Scale filter: display size (non-square pixels made square via the sample aspect ratio, as players show
    /// them) with the short side at most <paramref name="shortSide"/>, never enlarged (RGBA output: odd sizes are fine).</summary>
    static string ScaleFilter(int shortSide)
    {
        string k = $"min(1,{shortSide}/min(iw*sar,ih))";
        return $"scale=w='max(1,round(iw*sar*{k}))':h='max(1,round(ih*{k}))':flags=lanczos,setsar=1";
    }

    /// <summary>Representative poster frame, rotated for display and scaled to the preview size. Seeks a little in
    /// (10% of the duration, at most 2 s, so fade-ins and black first frames are skipped), decodes key frames only and
    /// lets ffmpeg's <c>thumbnail</c> filter pick the most typical of a few; HDR (PQ/HLG) is tone-mapped to SDR BT.709.
    /// Falls back to the very first frame when that yields nothing (very short clips).</summary>
    public static async Task<SKBitmap> PosterFrameAsync(string path, int previewSize, long maxPixels, CancellationToken ct)
    {
        var info = await ProbeVideoAsync(path, ct).ConfigureAwait(false);
        if (info.Width <= 0 || info.Height <= 0) throw new ThumbnailException("video stream has no frame size");
        if ((long)info.Width * info.Height > maxPixels)
            throw new ThumbnailException($"video frame is {info.Width}x{info.Height}, above the limit of {maxPixels} pixels");
        bool hdr = info.ColorTransfer is "smpte2084" or "arib-std-b67" && HasZscale.Value;
        string tonemap = hdr
            ? "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,"
            : "";
        double seek = info.Duration > 1 ? Math.Min(info.Duration * 0.1, 2.0) : 0;
        var first = new List<string> { "-nostdin", "-hide_banner", "-v", "error", "-max_pixels", maxPixels.ToString(CultureInfo.InvariantCulture) };
        if (seek > 0) { first.Add("-ss"); first.Add(seek.ToString("0.###", CultureInfo.InvariantCulture)); }
        first.AddRange(["-skip_frame", "nokey", "-i", path, "-map", "0:v:0", "-an", "-sn", "-dn",
            "-vf", $"{tonemap}thumbnail=6,{ScaleFilter(previewSize)},format=rgba",
            "-frames:v", "1", "-f", "image2pipe", "-c:v", "pam", "-"]);
        try
        {
            return await ReadFrameAsync(first, maxPixels, ct).ConfigureAwait(false);
        }
        catch (ThumbnailException) when (!ct.IsCancellationRequested)
        {
            List<string> plain = ["-nostdin", "-hide_banner", "-v", "error", "-max_pixels", maxPixels.ToString(CultureInfo.InvariantCulture),
                "-i", path, "-map", "0:v:0", "-an", "-sn", "-dn",
                "-vf", $"{tonemap}{ScaleFilter(previewSize)},format=rgba",
                "-frames:v", "1", "-f", "image2pipe", "-c:v", "pam", "-"];
            return await ReadFrameAsync(plain, maxPixels, ct).ConfigureAwait(false);
        }
    }

    /// <summary>First frame of a still image ffmpeg can decode (no rotation applied: ffmpeg ignores EXIF
    /// orientation of stills; the caller applies it), scaled to the preview size.</summary>
    public static Task<SKBitmap> StillFrameAsync(string path, int previewSize, long maxPixels, CancellationToken ct)
    {
        List<string> args = ["-nostdin", "-hide_banner", "-v", "error", "-max_pixels", maxPixels.ToString(CultureInfo.InvariantCulture),
            "-i", path, "-map", "0:v:0", "-an", "-sn", "-dn",
            "-vf", $"{ScaleFilter(previewSize)},format=rgba", "-frames:v", "1", "-f", "image2pipe", "-c:v", "pam", "-"];
        return ReadFrameAsync(args, maxPixels, ct);
    }

    static async Task<SKBitmap> ReadFrameAsync(List<string> args, long maxPixels, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(FfmpegPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        Process proc;
        try { proc = Process.Start(psi) ?? throw new ThumbnailException("ffmpeg did not start"); }
        catch (System.ComponentModel.Win32Exception e) { throw new ThumbnailException($"ffmpeg is not installed or not runnable ({e.Message})", e); }
        using var _ = proc;
        var stderrTask = ReadBoundedAsync(proc.StandardError, 4096);
        SKBitmap? bmp = null;
        try
        {
            using var reg = timeout.Token.Register(() => { try { proc.Kill(entireProcessTree: true); } catch (Exception) { } });
            var stdout = proc.StandardOutput.BaseStream;
            var header = await ReadPamHeaderAsync(stdout, timeout.Token).ConfigureAwait(false);
            if (header is null)
            {
                await proc.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
                if (timeout.IsCancellationRequested) throw new ThumbnailException($"ffmpeg timed out after {Timeout.TotalSeconds:0} s");
                var err = await stderrTask.ConfigureAwait(false);
                throw new ThumbnailException($"ffmpeg produced no frame (exit {proc.ExitCode}): {Tail(err)}");
            }
            var (w, h, depth) = header.Value;
            if (depth != 4 || w <= 0 || h <= 0 || (long)w * h > maxPixels)
                throw new ThumbnailException($"ffmpeg returned an unexpected frame {w}x{h}x{depth}");
            bmp = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul, SKColorSpace.CreateSrgb()));
            IntPtr dst = bmp.GetPixels();
            if (dst == IntPtr.Zero) throw new ThumbnailException($"cannot allocate a {w}x{h} frame");
            int rowBytes = w * 4;
            var row = new byte[rowBytes];
            for (int y = 0; y < h; y++)
            {
                await stdout.ReadExactlyAsync(row, timeout.Token).ConfigureAwait(false);
                Marshal.Copy(row, 0, dst + y * bmp.RowBytes, rowBytes);
            }
            await proc.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            var result = bmp;
            bmp = null;
            return result;
        }
        catch (EndOfStreamException)
        {
            var err = await stderrTask.ConfigureAwait(false);
            throw new ThumbnailException($"ffmpeg output ended early: {Tail(err)}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ThumbnailException($"ffmpeg timed out after {Timeout.TotalSeconds:0} s");
        }
        finally
        {
            bmp?.Dispose();
            if (!proc.HasExited) { try { proc.Kill(entireProcessTree: true); } catch (Exception) { } }
        }
    }

    /// <summary>Parses "P7\nWIDTH w\nHEIGHT h\nDEPTH d\nMAXVAL 255\nTUPLTYPE ...\nENDHDR\n"; null on EOF.</summary>
    static async Task<(int W, int H, int Depth)?> ReadPamHeaderAsync(Stream s, CancellationToken ct)
    {
        var sb = new StringBuilder();
        var one = new byte[1];
        while (sb.Length < 512)
        {
            int n = await s.ReadAsync(one, ct).ConfigureAwait(false);
            if (n == 0) return null;
            sb.Append((char)one[0]);
            if (one[0] == '\n' && sb.ToString().EndsWith("ENDHDR\n", StringComparison.Ordinal)) break;
        }
        var text = sb.ToString();
        if (!text.StartsWith("P7\n", StringComparison.Ordinal) || !text.EndsWith("ENDHDR\n", StringComparison.Ordinal))
            throw new ThumbnailException("ffmpeg printed an unreadable frame header");
        int w = 0, h = 0, d = 0, max = 0;
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length != 2) continue;
            int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v);
            switch (parts[0]) { case "WIDTH": w = v; break; case "HEIGHT": h = v; break; case "DEPTH": d = v; break; case "MAXVAL": max = v; break; }
        }
        if (max != 255) throw new ThumbnailException($"ffmpeg frame has MAXVAL {max}, expected 255");
        return (w, h, d);
    }

    /// <summary>Reads to the end, keeping the last <paramref name="max"/> characters or so.</summary>
    internal static async Task<string> ReadBoundedAsync(StreamReader r, int max)
    {
        var sb = new StringBuilder();
        var buf = new char[1024];
        int n;
        while ((n = await r.ReadAsync(buf.AsMemory()).ConfigureAwait(false)) > 0)
        {
            sb.Append(buf, 0, n);
            if (sb.Length > max) sb.Remove(0, sb.Length - max);
        }
        return sb.ToString();
    }

    static string Tail(string s)
    {
        s = s.Trim().Replace('\n', ' ');
        return s.Length > 400 ? "…" + s[^400..] : s.Length == 0 ? "(no message)" : s;
    }

    static (int Code, string Stdout, string Stderr) RunText(string exe, string[] args, TimeSpan limit) =>
        RunTextAsync(exe, args, limit, CancellationToken.None).GetAwaiter().GetResult();

    static async Task<(int Code, string Stdout, string Stderr)> RunTextAsync(string exe, string[] args, TimeSpan limit, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process proc;
        try { proc = Process.Start(psi) ?? throw new ThumbnailException($"{exe} did not start"); }
        catch (System.ComponentModel.Win32Exception e) { throw new ThumbnailException($"{exe} is not installed or not runnable ({e.Message})", e); }
        using var _ = proc;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(limit);
        var outTask = ReadBoundedAsync(proc.StandardOutput, 1 << 20);
        var errTask = ReadBoundedAsync(proc.StandardError, 4096);
        try { await proc.WaitForExitAsync(cts.Token).ConfigureAwait(false); }
        catch (OperationCanceledException)
        {
            try { proc.Kill(entireProcessTree: true); } catch (Exception) { }
            ct.ThrowIfCancellationRequested();
            throw new ThumbnailException($"{exe} timed out");
        }
        return (proc.ExitCode, await outTask.ConfigureAwait(false), await errTask.ConfigureAwait(false));
    }
}
