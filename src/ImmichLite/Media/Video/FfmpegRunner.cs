using System.Diagnostics;

namespace ImmichLite.Media.Video;

/// <summary>ffmpeg exited with an error; the message carries the end of what it printed.</summary>
public sealed class FfmpegException(string message) : Exception(message);

/// <summary>Runs ffmpeg with an argument list: returns when it succeeded, throws <see cref="FfmpegException"/> when it
/// failed, and kills it (throwing OperationCanceledException) when cancelled.</summary>
public interface IFfmpegRunner
{
    Task RunAsync(IReadOnlyList<string> arguments, CancellationToken ct);
}

/// <summary>The system ffmpeg as a child process, as <c>nice -n 10 ffmpeg …</c> like upstream (so every encoder thread
/// yields to the server), with no time limit (a long video on a Pi takes as long as it takes) and a bounded tail of its
/// stderr kept for the error message.</summary>
public sealed class FfmpegProcessRunner(string binary = "ffmpeg") : IFfmpegRunner
{
    static readonly string? Nice = File.Exists("/usr/bin/nice") ? "/usr/bin/nice" : File.Exists("/bin/nice") ? "/bin/nice" : null;

    public async Task RunAsync(IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(Nice ?? binary)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = false, UseShellExecute = false, CreateNoWindow = true,
        };
        if (Nice is not null) foreach (var a in (string[])["-n", "10", binary]) psi.ArgumentList.Add(a);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        Process proc;
        try { proc = Process.Start(psi) ?? throw new FfmpegException("ffmpeg did not start"); }
        catch (System.ComponentModel.Win32Exception e) { throw new FfmpegException($"ffmpeg is not installed or not runnable ({e.Message})"); }
        using var _ = proc;
        var stdout = proc.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
        var stderr = Thumbnails.FfmpegFrames.ReadBoundedAsync(proc.StandardError, 16 * 1024);
        try
        {
            await proc.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { proc.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await proc.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        await stdout.ConfigureAwait(false);
        var err = await stderr.ConfigureAwait(false);
        // nice exits 126/127 when it cannot run the binary
        if (Nice is not null && proc.ExitCode is 126 or 127) throw new FfmpegException($"ffmpeg is not installed or not runnable: {LastLines(err)}");
        if (proc.ExitCode != 0) throw new FfmpegException($"ffmpeg exited with code {proc.ExitCode}: {LastLines(err)}");
    }

    /// <summary>The last few meaningful lines (not the progress lines), at most ~600 characters.</summary>
    internal static string LastLines(string stderr)
    {
        var lines = stderr.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("frame=", StringComparison.Ordinal) && !l.StartsWith("size=", StringComparison.Ordinal))
            .TakeLast(4);
        var text = string.Join(" | ", lines);
        return text.Length == 0 ? "(no message)" : text.Length > 600 ? "…" + text[^600..] : text;
    }
}
