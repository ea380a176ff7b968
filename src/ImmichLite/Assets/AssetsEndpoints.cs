using System.Text.Json;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Assets;

public static class AssetsEndpoints
{
    public static void MapAssets(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Assets");
        var sp = app.ServiceProvider;
        var uploads = sp.GetRequiredService<UploadService>();
        var service = sp.GetRequiredService<AssetService>();
        var assets = sp.GetRequiredService<AssetStore>();
        var settings = sp.GetRequiredService<ServerSettings>();
        var j = ImmichJsonContext.Default;

        g.MapOp(ApiOps.UploadAsset, async ctx =>
        {
            var r = await uploads.UploadAsync(ctx, ctx.Auth());
            await ctx.Json(new AssetMediaResponseDto { Id = r.Id, Status = r.Status }, j.AssetMediaResponseDto, r.HttpStatus);
        });

        g.MapOp(ApiOps.ReplaceAsset, async ctx =>
        {
            var id = ctx.RouteUuid();
            var r = await uploads.ReplaceAsync(ctx, ctx.Auth(), id);
            await ctx.Json(new AssetMediaResponseDto { Id = r.Id, Status = r.Status }, j.AssetMediaResponseDto, 200);
        });

        g.MapOp(ApiOps.GetAssetInfo, ctx =>
        {
            var id = ctx.RouteUuid();
            var auth = ctx.Auth();
            service.RequireRead(auth, [id]);
            return ctx.Json(service.Dto(id, auth.UserId), j.AssetResponseDto);
        });

        g.MapOp(ApiOps.UpdateAsset, async ctx =>
        {
            var id = ctx.RouteUuid();
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.UpdateAssetDto);
            await service.ApplyAsync(auth, [id], new AssetService.Edit(
                IsFavorite: dto.IsFavorite, Visibility: dto.Visibility is { } v ? EnumText.Of(v) : null, DateTimeOriginal: dto.DateTimeOriginal,
                Latitude: dto.Latitude, Longitude: dto.Longitude, Rating: Rating(dto.Rating), Description: dto.Description,
                LivePhotoGiven: dto.LivePhotoVideoId is not null || ctx.BodySetsNull("livePhotoVideoId"), LivePhotoVideoId: dto.LivePhotoVideoId));
            await ctx.Json(service.Dto(id, auth.UserId), j.AssetResponseDto);
        });

        g.MapOp(ApiOps.UpdateAssets, async ctx =>
        {
            var dto = await ctx.Body(j.AssetBulkUpdateDto);
            var ids = Distinct(dto.Ids);
            await service.ApplyAsync(ctx.Auth(), ids, new AssetService.Edit(
                IsFavorite: dto.IsFavorite, Visibility: dto.Visibility is { } v ? EnumText.Of(v) : null, DateTimeOriginal: dto.DateTimeOriginal,
                Latitude: dto.Latitude, Longitude: dto.Longitude, Rating: Rating(dto.Rating), Description: dto.Description,
                DuplicateIdGiven: dto.DuplicateId is not null || ctx.BodySetsNull("duplicateId"), DuplicateId: dto.DuplicateId));
            await ctx.NoContent(ApiOps.UpdateAssets.SuccessStatus);
        });

        g.MapOp(ApiOps.DeleteAssets, async ctx =>
        {
            var dto = await ctx.Body(j.AssetBulkDeleteDto);
            var auth = ctx.Auth();
            var ids = Distinct(dto.Ids);
            service.RequireOwner(auth, ids, "asset.delete");
            if (dto.Force == true || !settings.TrashEnabled) await service.DeletePermanentlyAsync(ids); // no trash: deleted for good, as upstream
            else await service.TrashAsync(auth.UserId, ids);
            await ctx.NoContent(ApiOps.DeleteAssets.SuccessStatus);
        });

        g.MapOp(ApiOps.CheckExistingAssets, async ctx =>
        {
            var dto = await ctx.Body(j.CheckExistingAssetsDto);
            var existing = assets.ExistingDeviceAssetIds(ctx.Auth().UserId, dto.DeviceId, dto.DeviceAssetIds);
            await ctx.Json(new CheckExistingAssetsResponseDto { ExistingIds = existing }, j.CheckExistingAssetsResponseDto, 200);
        });

        g.MapOp(ApiOps.CheckBulkUpload, async ctx =>
        {
            var dto = await ctx.Body(j.AssetBulkUploadCheckDto);
            var userId = ctx.Auth().UserId;
            var parsed = dto.Assets.Select(a => (a.Id, Sum: UploadService.ParseChecksum(a.Checksum))).ToList();
            if (parsed.Any(p => p.Sum is null)) throw ApiException.Validation(["each checksum must be a SHA-1 in hex (40) or base64 (28)"]);
            var known = assets.FindByChecksums(userId, parsed.Select(p => p.Sum!));
            var results = parsed.Select(p => known.TryGetValue(Convert.ToHexString(p.Sum!), out var hit)
                ? new AssetBulkUploadCheckResult { Id = p.Id, Action = AssetBulkUploadCheckResultAction.Reject, Reason = AssetBulkUploadCheckResultReason.Duplicate, AssetId = hit.Id, IsTrashed = hit.Trashed }
                : new AssetBulkUploadCheckResult { Id = p.Id, Action = AssetBulkUploadCheckResultAction.Accept }).ToList();
            await ctx.Json(new AssetBulkUploadCheckResponseDto { Results = results }, j.AssetBulkUploadCheckResponseDto, 200);
        });

        g.MapOp(ApiOps.GetAllUserAssetsByDeviceId, ctx =>
            ctx.Json(assets.DeviceAssetIds(ctx.Auth().UserId, ctx.RouteString("deviceId")), j.ListString));

        var jobs = sp.GetRequiredService<Jobs.JobQueue>();
        g.MapOp(ApiOps.RunAssetJobs, async ctx =>
        {
            var dto = await ctx.Body(j.AssetJobsDto);
            var ids = Distinct(dto.AssetIds);
            service.RequireOwner(ctx.Auth(), ids);
            var job = dto.Name switch
            {
                AssetJobName.RefreshMetadata => Jobs.PipelineJobs.ExtractMetadata,
                AssetJobName.RegenerateThumbnail => Jobs.PipelineJobs.GenerateThumbnails,
                AssetJobName.TranscodeVideo => Jobs.PipelineJobs.ConvertVideo,
                _ => throw ApiException.BadRequest($"{EnumText.Of(dto.Name)} is not available in ImmichLite yet"),
            };
            await jobs.EnqueueManyAsync(job, ids);
            await ctx.NoContent(ApiOps.RunAssetJobs.SuccessStatus);
        });

        g.MapOp(ApiOps.GetAssetStatistics, ctx => ctx.Json(Statistics(ctx, assets, ctx.Auth().UserId), j.AssetStatsResponseDto));

        g.MapOp(ApiOps.GetRandom, ctx =>
        {
            var count = ctx.QueryInt("count", min: 1, max: 1000) ?? 1;
            var auth = ctx.Auth();
            return ctx.Json(service.Dtos(assets.Random(auth.UserId, count), auth.UserId), j.ListAssetResponseDto);
        });

        g.MapOp(ApiOps.DownloadAsset, async ctx =>
        {
            var id = ctx.RouteUuid();
            var auth = ctx.Auth();
            service.RequireRead(auth, [id]);
            var a = assets.Get(id)!;
            await FileResponses.SendAsync(ctx, a.OriginalPath, MediaTypes.MimeOf(a.OriginalFileName), "private, no-cache, no-transform", a.OriginalFileName, inline: false);
        });

        g.MapOp(ApiOps.ViewAsset, async ctx =>
        {
            var id = ctx.RouteUuid();
            service.RequireRead(ctx.Auth(), [id]);
            var size = AssetMediaSize.Thumbnail;
            if (ctx.QueryString("size") is { } sizeText && !EnumText.TryParse(sizeText, out size))
                throw ApiException.Validation(["size must be one of the following values: fullsize, preview, thumbnail"]);
            var a = assets.Get(id)!;
            if (size == AssetMediaSize.Fullsize)
            {
                // web-friendly originals are their own full size; otherwise the preview stands in (no fullsize files are made)
                var fullsize = assets.FilePath(id, "fullsize");
                if (fullsize is null)
                {
                    var rest = QueryString.Create(ctx.Request.Query.Where(q => q.Key != "size").SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v))));
                    ctx.Response.Redirect(MediaTypes.WebImages.Contains(Path.GetExtension(a.OriginalFileName).ToLowerInvariant())
                        ? $"original{rest}"
                        : $"thumbnail{rest.Add("size", "preview")}");
                    return;
                }
                await SendDerived(ctx, fullsize, a.OriginalFileName, "fullsize");
                return;
            }
            var path = assets.FilePath(id, EnumText.Of(size)) ?? throw ApiException.NotFound("Asset media not found");
            await SendDerived(ctx, path, a.OriginalFileName, EnumText.Of(size));
        });

        g.MapOp(ApiOps.PlayAssetVideo, async ctx =>
        {
            var id = ctx.RouteUuid();
            service.RequireRead(ctx.Auth(), [id]);
            var a = assets.Get(id)!;
            if (a.Type != "VIDEO") throw ApiException.BadRequest("Asset is not a video");
            var path = a.EncodedVideoPath is { } enc && File.Exists(enc) ? enc : a.OriginalPath;
            var mime = path == a.OriginalPath ? MediaTypes.MimeOf(a.OriginalFileName) : "video/mp4";
            await FileResponses.SendAsync(ctx, path, mime, "private, max-age=86400, no-transform", null);
        });
    }

    static Task SendDerived(HttpContext ctx, string path, string originalName, string size)
    {
        var ext = Path.GetExtension(path);
        var mime = ext == ".webp" ? "image/webp" : "image/jpeg";
        return FileResponses.SendAsync(ctx, path, mime, "private, max-age=86400, no-transform", $"{Path.GetFileNameWithoutExtension(originalName)}_{size}{ext}");
    }

    /// <summary>Counts of a user's assets under the isFavorite/isTrashed/visibility query filters.</summary>
    public static AssetStatsResponseDto Statistics(HttpContext ctx, AssetStore assets, string userId)
    {
        var (images, videos) = assets.Statistics(userId, ctx.QueryBool("isFavorite"), ctx.QueryBool("isTrashed"), ctx.QueryVisibility());
        return new AssetStatsResponseDto { Images = (int)images, Videos = (int)videos, Total = (int)(images + videos) };
    }

    static List<string> Distinct(List<string> ids) => ids.Select(i => i.ToLowerInvariant()).Distinct().ToList();

    static int? Rating(double? r)
    {
        if (r is null) return null;
        if (r != Math.Floor(r.Value)) throw ApiException.Validation(["rating must be an integer number"]);
        return (int)r.Value;
    }
}
