using ImmichLite.Infrastructure;

namespace ImmichLite.Media.Video;

/// <summary>Runs a decided transcode with upstream's fallback (media.service.ts handleVideoConversion): hardware encode
/// and decode → hardware encode with software decode → software. A build problem (no device, codec unsupported) fails at
/// once, as upstream; an ffmpeg failure in software is final. Two-pass encodes run twice and remove their logs.</summary>
public sealed class VideoTranscoder(IFfmpegRunner runner, ILogger<VideoTranscoder> log)
{
    public async Task TranscodeAsync(string assetId, TranscodeDecision decision, TranscodeSettings settings, FfmpegHost host,
        string input, string output, CancellationToken ct)
    {
        var config = settings.Ffmpeg;
        var accel = settings.Acceleration;
        if (accel.Kind == VideoAccel.V4l2m2m && decision.Target is TranscodeTarget.Video or TranscodeTarget.All && !V4l2Arguments.Fits(decision.Video, config))
        {
            log.LogInformation("Video {Id} is beyond the V4L2 encoder's level 4.0 (1080p): transcoding in software", assetId);
            accel = Acceleration.Software;
        }
        var command = TranscodeArguments.Build(decision, config, accel, host);
        if (!accel.IsHardware) log.LogInformation("Transcoding video {Id} without hardware acceleration", assetId);
        else log.LogInformation("Transcoding video {Id} with {Accel}-accelerated encoding and{Software} decoding", assetId, accel.Label, accel.Decode ? "" : " software");
        try
        {
            await RunAsync(command, input, output, ct);
        }
        catch (FfmpegException e) when (accel.IsHardware)
        {
            log.LogError("Error occurred during transcoding: {Message}", e.Message);
            var done = false;
            if (accel.Decode)
            {
                log.LogInformation("Retrying with {Accel}-accelerated encoding and software decoding", accel.Label);
                try
                {
                    await RunAsync(TranscodeArguments.Build(decision, config, accel with { Decode = false }, host), input, output, ct);
                    done = true;
                }
                catch (FfmpegException e2) { log.LogError("Error occurred during transcoding: {Message}", e2.Message); }
            }
            if (!done)
            {
                log.LogInformation("Retrying with {Accel} acceleration disabled", accel.Label);
                await RunAsync(TranscodeArguments.Build(decision, config, Acceleration.Software, host), input, output, ct);
            }
        }
        log.LogInformation("Successfully encoded {Id}", assetId);
    }

    async Task RunAsync(FfmpegCommand command, string input, string output, CancellationToken ct)
    {
        if (!command.TwoPass)
        {
            await runner.RunAsync(command.Arguments(input, output), ct);
            return;
        }
        try
        {
            await runner.RunAsync(command.PassArguments(1, input, output), ct);
            await runner.RunAsync(command.PassArguments(2, input, output), ct);
        }
        finally
        {
            StorageLayout.TryDelete(output + "-0.log");
            StorageLayout.TryDelete(output + "-0.log.mbtree");
        }
    }
}
