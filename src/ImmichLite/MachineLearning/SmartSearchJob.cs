using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Jobs;

namespace ImmichLite.MachineLearning;

/// <summary>SMART_SEARCH for one asset (queued after its thumbnails): the CLIP embedding of its preview, stored for
/// smart search. Hidden assets are skipped as upstream; with smart search off the job does nothing; an asset without a
/// preview, or a model that cannot be had, fails the job with the reason.</summary>
public sealed class SmartSearchJob(AssetStore assets, ClipService clip, SmartSearchStore store, TimeProvider clock) : IJobHandler
{
    public string Name => PipelineJobs.SmartSearch;
    public JobName Queue => JobName.SmartSearch;

    public async Task RunAsync(JobRow job, CancellationToken ct)
    {
        if (!clip.Enabled) return;
        if (assets.Get(job.Payload) is not { } asset || asset.Visibility == "hidden") return;
        var preview = assets.FilePath(asset.Id, "preview");
        if (preview is null || !File.Exists(preview)) throw new JobFailedException($"asset {asset.Id} has no preview");
        float[] embedding;
        try
        {
            embedding = await clip.EncodeAsync(e => e.EncodeImage(preview), ct)
                ?? throw new JobFailedException(clip.UnavailableReason ?? clip.DisabledReason ?? "CLIP model unavailable");
        }
        catch (InvalidDataException e) { throw new JobFailedException(e.Message); }
        try { await store.UpsertAsync(asset.Id, embedding, clock.GetUtcNow().UtcDateTime); }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteErrorCode == 19 && assets.Get(asset.Id) is null) { } // deleted meanwhile
    }
}

/// <summary>"start" on the smartSearch queue: assets with a preview and no embedding, or all with a preview (force).</summary>
public sealed class SmartSearchStarter(Database db, ClipService clip, IServiceProvider sp) : IQueueStarter
{
    public JobName Queue => JobName.SmartSearch;

    public Task<int> QueueAllAsync(bool force, CancellationToken ct)
    {
        if (!clip.Enabled) return Task.FromResult(0);
        var ids = db.Read(s => s.List($"""
            SELECT a.id FROM assets a JOIN asset_files f ON f.assetId = a.id AND f.type = 'preview'
            WHERE a.visibility != 'hidden' {(force ? "" : "AND NOT EXISTS (SELECT 1 FROM smart_search ss WHERE ss.assetId = a.id)")}
            ORDER BY a.createdAt
            """, r => r.GetString(0)));
        return sp.GetRequiredService<JobQueue>().EnqueueManyAsync(PipelineJobs.SmartSearch, ids);
    }
}
