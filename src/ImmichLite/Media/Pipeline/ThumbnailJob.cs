using System.Text.Json;
using ImmichLite.Assets;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Jobs;
using ImmichLite.MachineLearning;
using ImmichLite.Media.Thumbnails;

namespace ImmichLite.Media.Pipeline;

/// <summary>GENERATE_THUMBNAILS for one asset: preview JPEG, thumbnail WebP and thumbhash in Immich's layout
/// (thumbs/&lt;user&gt;/&lt;xx&gt;/&lt;yy&gt;/&lt;id&gt;-preview.jpeg, -thumbnail.webp), then a video's conversion and on_upload_success to the owner.
/// A file that cannot be thumbnailed fails the job for good, with the reason recorded.</summary>
public sealed class ThumbnailJob(AssetStore assets, IThumbnailGenerator generator, PipelineStore pipeline, StorageLayout storage,
    ServerSettings settings, AssetService assetService, EventHub events, JobSignal jobs, TimeProvider clock, ClipService clip) : IJobHandler
{
    public string Name => PipelineJobs.GenerateThumbnails;
    public JobName Queue => JobName.ThumbnailGeneration;

    public async Task RunAsync(JobRow job, CancellationToken ct)
    {
        var found = assets.GetWithExif(job.Payload);
        if (found is not { } x) return;
        var (asset, exif) = x;
        var dir = storage.ThumbnailDir(asset.OwnerId, asset.Id);
        var preview = Path.Combine(dir, $"{asset.Id}-preview.jpeg");
        var thumbnail = Path.Combine(dir, $"{asset.Id}-thumbnail.webp");
        ThumbnailResult result;
        try
        {
            result = await generator.GenerateAsync(asset.OriginalPath, asset.Type == "VIDEO", exif?.Orientation, preview, thumbnail, settings.Thumbnails, ct);
        }
        catch (ThumbnailException e)
        {
            await pipeline.MarkThumbnailFailedAsync(asset.Id, e.Message);
            throw new JobFailedException(e.Message);
        }
        var convert = asset.Type == "VIDEO" && string.IsNullOrEmpty(asset.EncodedVideoPath);
        var smart = clip.Enabled && asset.Visibility != "hidden";
        try
        {
            // then the video's conversion, as upstream after an upload (a video already encoded is not redone), and
            // SMART_SEARCH on the new preview, unless smart search is off or the asset hidden
            await pipeline.MarkThumbnailsAsync(asset.Id, preview, thumbnail, result.Thumbhash, clock.GetUtcNow().UtcDateTime,
                thenConvertVideo: convert, thenSmartSearch: smart);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteErrorCode == 19 && assets.Get(asset.Id) is null)
        {
            // the asset was deleted while its thumbnails were being made: nothing to record, nothing to keep
            StorageLayout.TryDelete(preview);
            StorageLayout.TryDelete(thumbnail);
            return;
        }
        if (convert) jobs.Wake(JobName.VideoConversion);
        if (smart) jobs.Wake(JobName.SmartSearch);
        if (asset.Visibility is "timeline" or "archive")
            events.Publish(new ServerEvent("on_upload_success", EventAudience.Users, [asset.OwnerId],
                JsonSerializer.Serialize(assetService.Dto(asset.Id, asset.OwnerId), ImmichJsonContext.Default.AssetResponseDto)));
    }
}

/// <summary>"start" on the metadata and thumbnail queues: the assets that lack the output, or all of them (force).</summary>
public sealed class PipelineStarters
{
    public sealed class Metadata(PipelineStore pipeline, IServiceProvider sp) : IQueueStarter
    {
        public JobName Queue => JobName.MetadataExtraction;
        public Task<int> QueueAllAsync(bool force, CancellationToken ct) =>
            sp.GetRequiredService<JobQueue>().EnqueueManyAsync(PipelineJobs.ExtractMetadata, pipeline.AssetsMissing("metadataExtractedAt", force));
    }

    public sealed class Thumbnails(PipelineStore pipeline, IServiceProvider sp) : IQueueStarter
    {
        public JobName Queue => JobName.ThumbnailGeneration;
        public Task<int> QueueAllAsync(bool force, CancellationToken ct) =>
            sp.GetRequiredService<JobQueue>().EnqueueManyAsync(PipelineJobs.GenerateThumbnails, pipeline.AssetsMissing("thumbnailAt", force));
    }
}
