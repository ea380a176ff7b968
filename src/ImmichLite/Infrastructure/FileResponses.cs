using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ImmichLite.Infrastructure;

/// <summary>Serves a file from disk with Range (206/416), ETag, Last-Modified and conditional requests.</summary>
public static class FileResponses
{
    public static Task SendAsync(HttpContext ctx, string path, string contentType, string? cacheControl, string? downloadName, bool inline = true)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw ApiException.NotFound("Asset media not found");
        var lastModified = new DateTimeOffset(info.LastWriteTimeUtc);
        // weak validator from size and mtime, like the send module Immich serves files through
        var etag = new EntityTagHeaderValue($"\"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}\"", isWeak: true);
        if (cacheControl is not null) ctx.Response.Headers.CacheControl = cacheControl;
        if (downloadName is not null)
        {
            var cd = new ContentDispositionHeaderValue(inline ? "inline" : "attachment");
            cd.SetHttpFileName(downloadName);
            ctx.Response.Headers.ContentDisposition = cd.ToString();
        }
        return TypedResults.PhysicalFile(info.FullName, contentType, fileDownloadName: null, lastModified: lastModified, entityTag: etag, enableRangeProcessing: true)
            .ExecuteAsync(ctx);
    }
}
