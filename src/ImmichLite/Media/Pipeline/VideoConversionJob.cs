using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Jobs;
using ImmichLite.Media.Metadata;
using ImmichLite.Media.Video;

namespace ImmichLite.Media.Pipeline;

/// <summary>VIDEO_CONVERSION for one asset: probe the original, decide by upstream's rules, and either write
/// encoded-video/&lt;user&gt;/&lt;xx&gt;/&lt;yy&gt;/&lt;id&gt;.mp4 (through a temporary file renamed into place, so a half-written
/// file is never served) and set encodedVideoPath, or — nothing to do — drop an encoded file left from before.
/// Failures are final (upstream does not retry a transcode) and keep their reason in the job row.</summary>
public sealed class VideoConversionJob(AssetStore assets, PipelineStore pipeline, IFfprobe ffprobe, VideoTranscoder transcoder,
    FfmpegHostProvider host, ServerSettings settings, StorageLayout storage, TimeProvider clock, ILogger<VideoConversionJob> log) : IJobHandler
{
    public string Name => PipelineJobs.ConvertVideo;
    public JobName Queue => JobName.VideoConversion;

    public async Task RunAsync(JobRow job, CancellationToken ct)
    {
        var asset = assets.Get(job.Payload);
        if (asset is null || asset.Type != "VIDEO") return;
        if (!File.Exists(asset.OriginalPath)) throw new JobFailedException("the original file is missing");
        var probed = await ffprobe.ProbeAsync(asset.OriginalPath, ct);
        if (probed.Output is null) throw new JobFailedException(probed.Error ?? "ffprobe cannot read the file");
        var transcoding = settings.Transcoding;
        TranscodeDecision decision;
        try { decision = TranscodeDecision.Decide(VideoProbe.From(probed.Output), transcoding.Ffmpeg); }
        catch (TranscodeException e) { throw new JobFailedException(e.Message); }

        var now = clock.GetUtcNow().UtcDateTime;
        if (decision.Skip)
        {
            if (!string.IsNullOrEmpty(asset.EncodedVideoPath))
            {
                log.LogInformation("Transcoded video {Id} is no longer required: removing {Path}", asset.Id, asset.EncodedVideoPath);
                await pipeline.SetEncodedVideoAsync(asset.Id, null, now);
                if (asset.EncodedVideoPath != asset.OriginalPath) StorageLayout.TryDelete(asset.EncodedVideoPath);
            }
            return;
        }

        var output = Path.Combine(storage.EncodedVideoDir(asset.OwnerId, asset.Id), asset.Id + ".mp4");
        var temp = Path.Combine(storage.TempDir, $"{Guid.NewGuid():N}.transcode.mp4"); // .mp4: ffmpeg picks the muxer by extension
        try
        {
            await transcoder.TranscodeAsync(asset.Id, decision, transcoding, host.Current, asset.OriginalPath, temp, ct);
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            File.Move(temp, output, overwrite: true);
        }
        catch (Exception e) when (e is TranscodeException or FfmpegException)
        {
            throw new JobFailedException(e.Message);
        }
        finally
        {
            StorageLayout.TryDelete(temp);
        }
        if (!await pipeline.SetEncodedVideoAsync(asset.Id, output, clock.GetUtcNow().UtcDateTime))
        {
            StorageLayout.TryDelete(output); // deleted while it was being encoded
            return;
        }
        if (!string.IsNullOrEmpty(asset.EncodedVideoPath) && asset.EncodedVideoPath != output && asset.EncodedVideoPath != asset.OriginalPath)
            StorageLayout.TryDelete(asset.EncodedVideoPath);
    }
}

/// <summary>"start" on the videoConversion queue.</summary>
public sealed class VideoConversionStarter(PipelineStore pipeline, IServiceProvider sp) : IQueueStarter
{
    public JobName Queue => JobName.VideoConversion;
    public Task<int> QueueAllAsync(bool force, CancellationToken ct) =>
        sp.GetRequiredService<JobQueue>().EnqueueManyAsync(PipelineJobs.ConvertVideo, pipeline.VideosForConversion(force));
}
