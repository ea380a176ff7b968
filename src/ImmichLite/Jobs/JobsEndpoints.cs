using ImmichLite.Contract;
using ImmichLite.Infrastructure;

namespace ImmichLite.Jobs;

public static class JobsEndpoints
{
    public static void MapJobs(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Jobs");
        var queue = app.ServiceProvider.GetRequiredService<JobQueue>();
        var j = ImmichJsonContext.Default;

        g.MapOp(ApiOps.GetAllJobsStatus, ctx => ctx.Json(new AllJobStatusResponseDto
        {
            ThumbnailGeneration = queue.Status(JobName.ThumbnailGeneration),
            MetadataExtraction = queue.Status(JobName.MetadataExtraction),
            VideoConversion = queue.Status(JobName.VideoConversion),
            FaceDetection = queue.Status(JobName.FaceDetection),
            FacialRecognition = queue.Status(JobName.FacialRecognition),
            SmartSearch = queue.Status(JobName.SmartSearch),
            DuplicateDetection = queue.Status(JobName.DuplicateDetection),
            BackgroundTask = queue.Status(JobName.BackgroundTask),
            StorageTemplateMigration = queue.Status(JobName.StorageTemplateMigration),
            Migration = queue.Status(JobName.Migration),
            Search = queue.Status(JobName.Search),
            Sidecar = queue.Status(JobName.Sidecar),
            Library = queue.Status(JobName.Library),
            Notifications = queue.Status(JobName.Notifications),
            BackupDatabase = queue.Status(JobName.BackupDatabase),
        }, j.AllJobStatusResponseDto));

        // POST /jobs: upstream's manual jobs. People are not built, so their clean-up is refused rather than
        // acknowledged and skipped.
        var nightly = app.ServiceProvider.GetRequiredService<Maintenance.NightlyMaintenance>();
        var memoryGenerator = app.ServiceProvider.GetRequiredService<Memories.MemoryGenerator>();
        var memories = app.ServiceProvider.GetRequiredService<Data.MemoryStore>();
        var tags = app.ServiceProvider.GetRequiredService<Data.TagStore>();
        var clock = app.ServiceProvider.GetRequiredService<TimeProvider>();
        g.MapOp(ApiOps.CreateJob, async ctx =>
        {
            var dto = await ctx.Body(j.JobCreateDto);
            switch (dto.Name)
            {
                case ManualJobName.UserCleanup: await nightly.QueueUserDeletionsAsync(); break;
                case ManualJobName.BackupDatabase: await queue.EnqueueAsync(Maintenance.DatabaseBackupJob.JobName, ""); break;
                case ManualJobName.MemoryCreate: await memoryGenerator.RunAsync(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)); break;
                case ManualJobName.MemoryCleanup: await memories.DeleteUnsavedBeforeAsync(clock.GetUtcNow().UtcDateTime - Memories.MemoryGenerator.KeepUnsaved); break;
                case ManualJobName.TagCleanup: await tags.DeleteEmptyAsync(); break;
                default: throw ApiException.BadRequest($"{EnumText.Of(dto.Name)} is not available on this server");
            }
            await ctx.NoContent(ApiOps.CreateJob.SuccessStatus);
        });

        g.MapOp(ApiOps.SendJobCommand, async ctx =>
        {
            var id = ctx.RouteString("id");
            if (!EnumText.TryParse<JobName>(id, out var name))
                throw ApiException.Validation([$"id must be one of the following values: {string.Join(", ", EnumText.All<JobName>())}"]);
            var dto = await ctx.Body(j.JobCommandDto);
            await ctx.Json(await queue.CommandAsync(name, dto.Command, dto.Force ?? false, ctx.RequestAborted), j.JobStatusDto);
        });
    }
}
