using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImmichLite.Media.Metadata;

/// <summary>Runs ffprobe on a file. Implementations never throw for a broken file (they return an error) except on cancellation.</summary>
public interface IFfprobe
{
    Task<FfprobeResult> ProbeAsync(string path, CancellationToken ct);
}

/// <summary>The parsed output (null when ffprobe gave none) and why it failed, if it did.</summary>
public readonly record struct FfprobeResult(FfprobeOutput? Output, string? Error);

/// <summary>
/// <c>ffprobe -v error -print_format json -show_format -show_streams</c>, parsed with a source-generated context
/// (FFMpegCore's reflection-based parsing does not work under Native AOT).
/// </summary>
public sealed class Ffprobe(string binary = "ffprobe", TimeSpan? timeout = null) : IFfprobe
{
    readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(30);

    public async Task<FfprobeResult> ProbeAsync(string path, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var a in (string[])["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-i", "file:" + Path.GetFullPath(path)])
            psi.ArgumentList.Add(a);

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("process did not start");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new(null, "ffprobe could not be started: " + e.Message);
        }

        using (process)
        using (var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeoutCts.CancelAfter(_timeout);
            try
            {
                var stdoutTask = ReadBoundedAsync(process.StandardOutput, 32 << 20, timeoutCts.Token);
                var stderrTask = ReadBoundedAsync(process.StandardError, 64 << 10, timeoutCts.Token);
                await process.WaitForExitAsync(timeoutCts.Token).ConfigureAwait(false);
                var stdout = await stdoutTask.ConfigureAwait(false);
                var stderr = await stderrTask.ConfigureAwait(false);
                string? error = process.ExitCode != 0 ? $"ffprobe exit {process.ExitCode}: {FirstLine(stderr)}" : null;
                if (string.IsNullOrWhiteSpace(stdout)) return new(null, error ?? "ffprobe printed nothing");
                try
                {
                    var result = JsonSerializer.Deserialize(stdout, FfprobeJsonContext.Default.FfprobeOutput);
                    return new(result, result is null ? "ffprobe printed null" : error);
                }
                catch (JsonException e)
                {
                    return new(null, "ffprobe output unreadable: " + e.Message);
                }
            }
            catch (OperationCanceledException)
            {
                try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } catch (System.ComponentModel.Win32Exception) { }
                if (ct.IsCancellationRequested) throw;
                return new(null, "ffprobe timed out after " + _timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s");
            }
        }
    }

    static string FirstLine(string s)
    {
        s = s.Trim();
        int nl = s.IndexOf('\n');
        return nl < 0 ? s : s[..nl];
    }

    static async Task<string> ReadBoundedAsync(StreamReader reader, int maxChars, CancellationToken ct)
    {
        var sb = new System.Text.StringBuilder();
        var buf = new char[8192];
        while (true)
        {
            int n = await reader.ReadAsync(buf.AsMemory(), ct).ConfigureAwait(false);
            if (n <= 0) break;
            if (sb.Length < maxChars) sb.Append(buf, 0, Math.Min(n, maxChars - sb.Length));
        }
        return sb.ToString();
    }

    /// <summary>The main video stream: the first non-attached-picture video stream with the largest pixel count.</summary>
    public static FfprobeStream? MainVideoStream(FfprobeOutput probe)
    {
        FfprobeStream? best = null;
        if (probe.Streams is null) return null;
        foreach (var s in probe.Streams)
        {
            if (s.CodecType != "video" || s.Disposition?.AttachedPic == 1) continue;
            if (best is null || (long)(s.Width ?? 0) * (s.Height ?? 0) > (long)(best.Width ?? 0) * (best.Height ?? 0)) best = s;
        }
        return best;
    }

    /// <summary>"30000/1001" → 29.97; "0/0" → null.</summary>
    public static double? ParseRate(string? rate)
    {
        if (string.IsNullOrEmpty(rate)) return null;
        int slash = rate.IndexOf('/');
        if (slash < 0) return double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;
        if (!double.TryParse(rate.AsSpan(0, slash), NumberStyles.Float, CultureInfo.InvariantCulture, out var num)
            || !double.TryParse(rate.AsSpan(slash + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var den) || num <= 0 || den <= 0) return null;
        return num / den;
    }

    /// <summary>Clockwise rotation of a stream: display-matrix side data (counter-clockwise, so negated) or the legacy "rotate" tag.</summary>
    public static int? RotationClockwise(FfprobeStream s)
    {
        if (s.SideDataList is not null)
            foreach (var sd in s.SideDataList)
                if (sd.Rotation is { } r) return -(int)Math.Round(r);
        if (s.Tags is not null && s.Tags.TryGetValue("rotate", out var rot) && int.TryParse(rot, NumberStyles.Integer, CultureInfo.InvariantCulture, out var deg)) return deg;
        return null;
    }
}

public sealed class FfprobeOutput
{
    [JsonPropertyName("streams")] public List<FfprobeStream>? Streams { get; set; }
    [JsonPropertyName("format")] public FfprobeFormat? Format { get; set; }
}

public sealed class FfprobeStream
{
    [JsonPropertyName("index")] public int Index { get; set; }
    [JsonPropertyName("codec_type")] public string? CodecType { get; set; }
    [JsonPropertyName("codec_name")] public string? CodecName { get; set; }
    [JsonPropertyName("profile")] public string? Profile { get; set; }
    [JsonPropertyName("width")] public int? Width { get; set; }
    [JsonPropertyName("height")] public int? Height { get; set; }
    [JsonPropertyName("pix_fmt")] public string? PixFmt { get; set; }
    [JsonPropertyName("color_transfer")] public string? ColorTransfer { get; set; }
    [JsonPropertyName("color_primaries")] public string? ColorPrimaries { get; set; }
    [JsonPropertyName("avg_frame_rate")] public string? AvgFrameRate { get; set; }
    [JsonPropertyName("r_frame_rate")] public string? RFrameRate { get; set; }
    [JsonPropertyName("duration")] public string? Duration { get; set; }
    [JsonPropertyName("bit_rate")] public string? BitRate { get; set; }
    [JsonPropertyName("nb_frames")] public string? NbFrames { get; set; }
    [JsonPropertyName("tags")] public Dictionary<string, string>? Tags { get; set; }
    [JsonPropertyName("side_data_list")] public List<FfprobeSideData>? SideDataList { get; set; }
    [JsonPropertyName("disposition")] public FfprobeDisposition? Disposition { get; set; }
}

public sealed class FfprobeSideData
{
    [JsonPropertyName("side_data_type")] public string? SideDataType { get; set; }
    [JsonPropertyName("rotation")] public double? Rotation { get; set; }
}

public sealed class FfprobeDisposition
{
    [JsonPropertyName("default")] public int Default { get; set; }
    [JsonPropertyName("attached_pic")] public int AttachedPic { get; set; }
}

public sealed class FfprobeFormat
{
    [JsonPropertyName("format_name")] public string? FormatName { get; set; }
    [JsonPropertyName("format_long_name")] public string? FormatLongName { get; set; }
    [JsonPropertyName("duration")] public string? Duration { get; set; }
    [JsonPropertyName("bit_rate")] public string? BitRate { get; set; }
    [JsonPropertyName("tags")] public Dictionary<string, string>? Tags { get; set; }
}

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString, PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(FfprobeOutput))]
internal sealed partial class FfprobeJsonContext : JsonSerializerContext;
