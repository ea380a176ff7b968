using System.IO.Compression;
using ImmichLite.Albums;
using ImmichLite.Assets;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using Microsoft.AspNetCore.Http.Features;

namespace ImmichLite.Download;

public static class DownloadEndpoints
{
    const long DefaultArchiveSize = 4L * 1024 * 1024 * 1024;

    public static void MapDownload(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Download");
        var service = app.ServiceProvider.GetRequiredService<AssetService>();
        var downloads = app.ServiceProvider.GetRequiredService<DownloadStore>();
        var albumService = app.ServiceProvider.GetRequiredService<AlbumService>();
        var albumStore = app.ServiceProvider.GetRequiredService<AlbumStore>();
        var j = ImmichJsonContext.Default;

        g.MapOp(ApiOps.GetDownloadInfo, async ctx =>
        {
            var dto = await ctx.Body(j.DownloadInfoDto);
            var auth = ctx.Auth();
            var limit = dto.ArchiveSize is { } a ? (a < 1 ? throw ApiException.Validation(["archiveSize must not be less than 1"]) : a) : DefaultArchiveSize;
            List<(string Id, long Size)> items;
            if (dto.AssetIds is { Count: > 0 } ids)
            {
                service.RequireRead(auth, ids, "asset.download");
                items = downloads.Sizes(ids, includeLiveParts: true);
            }
            else if (dto.AlbumId is { } albumId)
            {
                // the album's active assets (and their live-photo video parts), for anyone who may read the album
                // (a shared link: its own album, when it allows downloads)
                albumService.RequireAccess(auth, albumId.ToLowerInvariant(), AlbumService.Download);
                items = downloads.Sizes(albumStore.AssetIds(albumId.ToLowerInvariant()), includeLiveParts: true);
            }
            else if (dto.UserId is { } userId)
            {
                if (userId != auth.UserId || auth.SharedLink is not null) throw ApiException.BadRequest("Not found or no timeline.download access");
                items = downloads.SizesOfUser(userId);
            }
            else throw ApiException.BadRequest("assetIds, albumId, or userId is required");

            var archives = new List<DownloadArchiveInfo>();
            DownloadArchiveInfo? current = null;
            foreach (var (id, size) in items)
            {
                if (current is null || (current.Size > 0 && current.Size + size > limit))
                    archives.Add(current = new DownloadArchiveInfo { AssetIds = [], Size = 0 });
                current.AssetIds.Add(id);
                current.Size += size;
            }
            await ctx.Json(new DownloadResponseDto { Archives = archives, TotalSize = items.Sum(i => i.Size) }, j.DownloadResponseDto, ApiOps.GetDownloadInfo.SuccessStatus);
        });

        g.MapOp(ApiOps.DownloadArchive, async ctx =>
        {
            var dto = await ctx.Body(j.AssetIdsDto);
            var auth = ctx.Auth();
            var ids = dto.AssetIds.Select(i => i.ToLowerInvariant()).Distinct().ToList();
            service.RequireRead(auth, ids, "asset.download");
            var files = downloads.Files(ids);
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/octet-stream";
            ctx.Response.Headers.ContentDisposition = "attachment; filename=\"immich.zip\"";
            // The zip is written straight onto the response as it is built: no temporary file, no archive in memory.
            ctx.Features.Get<IHttpBodyControlFeature>()!.AllowSynchronousIO = true;
            using var zip = new ZipArchive(ctx.Response.Body, ZipArchiveMode.Create, leaveOpen: true);
            var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (var (path, name) in files)
            {
                if (!File.Exists(path)) continue;
                var entry = zip.CreateEntry(UniqueName(names, name), CompressionLevel.NoCompression);
                entry.LastWriteTime = File.GetLastWriteTime(path);
                await using var src = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using var dst = entry.Open();
                await src.CopyToAsync(dst, 256 * 1024, ctx.RequestAborted);
            }
        });
    }

    /// <summary>Immich's rule for repeated names inside one archive: IMG.jpg, IMG+1.jpg, IMG+2.jpg…</summary>
    public static string UniqueName(Dictionary<string, int> seen, string name)
    {
        if (!seen.TryGetValue(name, out var n)) { seen[name] = 0; return name; }
        string candidate;
        do
        {
            n++;
            candidate = Path.GetFileNameWithoutExtension(name) + "+" + n + Path.GetExtension(name);
        } while (seen.ContainsKey(candidate));
        seen[name] = n;
        seen[candidate] = 0;
        return candidate;
    }
}
