using System.Diagnostics;
using ImmichLite.Media.Video;

namespace ImmichLite.Tests.Media.Video;

/// <summary>The process runner against the system ffmpeg: a failure carries ffmpeg's own words, and cancelling (the
/// server shutting down) kills ffmpeg at once instead of waiting for a long encode.</summary>
public sealed class FfmpegRunnerTests
{
    [Fact]
    public async Task A_failure_reports_the_exit_code_and_ffmpegs_last_lines()
    {
        var e = await Assert.ThrowsAsync<FfmpegException>(() => new FfmpegProcessRunner().RunAsync(["-nostdin", "-i", "/nonexistent/video.mov", "-y", "/tmp/never.mp4"], CancellationToken.None));
        Assert.Contains("ffmpeg exited with code 1", e.Message);
        Assert.Contains("/nonexistent/video.mov", e.Message);
        var missing = await Assert.ThrowsAsync<FfmpegException>(() => new FfmpegProcessRunner("/nonexistent/ffmpeg").RunAsync(["-version"], CancellationToken.None));
        Assert.Contains("not installed", missing.Message);
    }

    [Fact]
    public async Task Cancelling_kills_a_running_encode()
    {
        var dir = Directory.CreateTempSubdirectory("runner").FullName;
        try
        {
            var output = Path.Combine(dir, "long.mp4");
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            var clock = Stopwatch.StartNew();
            // an endless synthetic source, encoded in real time: only a kill ends it
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new FfmpegProcessRunner().RunAsync(
                ["-nostdin", "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-y", "-c:v", "libx264", "-preset", "ultrafast", output], cts.Token));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
            var lingering = Process.GetProcessesByName("ffmpeg").Where(p => { try { return File.ReadAllText($"/proc/{p.Id}/cmdline").Contains(output); } catch (IOException) { return false; } });
            Assert.Empty(lingering);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Progress_lines_are_left_out_of_the_message()
    {
        var text = "Input #0, mov\r\nframe=  10 fps=0.0 q=0.0 size=0kB\rframe=  20 fps=0.0\r\n[h264_vaapi @ 0x1] No VA display found for device /dev/dri/renderD128.\nDevice creation failed: -22.\n";
        Assert.Equal("Input #0, mov | [h264_vaapi @ 0x1] No VA display found for device /dev/dri/renderD128. | Device creation failed: -22.", FfmpegProcessRunner.LastLines(text));
        Assert.Equal("(no message)", FfmpegProcessRunner.LastLines(""));
    }
}
