using System.Globalization;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Tags;

namespace ImmichLite.Timeline;

/// <summary>The web timeline: month buckets with counts, then one bucket's assets as columns.</summary>
public static class TimelineEndpoints
{
    public static void MapTimeline(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Timeline");
        var timeline = app.ServiceProvider.GetRequiredService<TimelineStore>();
        var partners = app.ServiceProvider.GetRequiredService<PartnerStore>();
        var tags = app.ServiceProvider.GetRequiredService<TagService>();
        var j = ImmichJsonContext.Default;

        TimelineFilter Filter(HttpContext ctx)
        {
            var auth = ctx.Auth();
            if (ctx.QueryUuid("personId") is not null) throw ApiException.BadRequest("Not found or no person.read access");
            var tagId = ctx.QueryUuid("tagId");
            var visibility = ctx.QueryVisibility();
            if (visibility is { } v)
            {
                if (v is "hidden") throw ApiException.BadRequest("Hidden assets are not shown on a timeline");
                if (v is "locked") auth.RequireElevated(DateTime.UtcNow);
            }
            var order = ctx.QueryString("order");
            if (order is not null && order is not ("asc" or "desc")) throw ApiException.Validation(["order must be one of the following values: asc, desc"]);
            var f = new TimelineFilter
            {
                IsFavorite = ctx.QueryBool("isFavorite"),
                IsTrashed = ctx.QueryBool("isTrashed") ?? false,
                Visibility = visibility,
                WithPartners = ctx.QueryBool("withPartners") ?? false,
                WithStacked = ctx.QueryBool("withStacked") ?? false,
                Ascending = order == "asc",
            };
            if (tagId is not null)
            {
                // the tag must be the caller's (upstream's tag.read); it narrows whatever scope follows
                tags.RequireAccess(auth, tagId, TagService.Read);
                f = f with { TagId = tagId };
            }
            if (auth.SharedLink is SharedLinkAccess link) return f with { SharedLinkId = link.Link.Id };
            if (ctx.QueryUuid("albumId") is { } album)
            {
                if (!timeline.CanSeeAlbum(auth.UserId, album)) throw ApiException.BadRequest("Not found or no album.read access");
                return f with { AlbumId = album };
            }
            var userId = ctx.QueryUuid("userId") ?? auth.UserId;
            if (userId != auth.UserId && !partners.SharingWith(auth.UserId).Contains(userId))
                throw ApiException.BadRequest("Not found or no timeline.read access");
            if (f.WithPartners && (f.IsTrashed || f.Visibility is "archive" || f.IsFavorite == true))
                throw ApiException.BadRequest("withPartners is only supported for non-archived, non-trashed, non-favorited assets");
            return f with { UserId = userId };
        }

        g.MapOp(ApiOps.GetTimeBuckets, ctx =>
        {
            var f = Filter(ctx);
            var buckets = timeline.Buckets(f, ctx.Auth().UserId)
                .Select(b => new TimeBucketsResponseDto { TimeBucket = b.Month + "-01", Count = b.Count }).ToList();
            return ctx.Json(buckets, j.ListTimeBucketsResponseDto);
        });

        g.MapOp(ApiOps.GetTimeBucket, ctx =>
        {
            var f = Filter(ctx);
            var bucket = ctx.QueryString("timeBucket") ?? throw ApiException.Validation(["timeBucket must be a string"]);
            if (!DateTime.TryParse(bucket, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var start))
                throw ApiException.Validation(["timeBucket must be a valid date"]);
            var from = new DateTime(start.Year, start.Month, 1, 0, 0, 0, DateTimeKind.Utc);
            var page = ctx.QueryInt("page", min: 1) ?? 1;
            var size = ctx.QueryInt("pageSize", min: 1) ?? 100_000;
            var rows = timeline.Bucket(f, ctx.Auth().UserId, from, from.AddMonths(1), (page - 1) * size, size);
            var viewer = ctx.Auth().UserId;
            return ctx.Json(new TimeBucketAssetResponseDto
            {
                Id = rows.Select(r => r.Id).ToList(),
                OwnerId = rows.Select(r => r.OwnerId).ToList(),
                LocalDateTime = rows.Select(r => r.LocalDateTime).ToList(),
                IsFavorite = rows.Select(r => r.IsFavorite && r.OwnerId == viewer).ToList(),
                IsImage = rows.Select(r => r.IsImage).ToList(),
                IsTrashed = rows.Select(r => r.IsTrashed).ToList(),
                Thumbhash = rows.Select(r => r.Thumbhash).ToList(),
                Duration = rows.Select(r => r.Duration).ToList(),
                LivePhotoVideoId = rows.Select(r => r.LivePhotoVideoId).ToList(),
                Visibility = rows.Select(r => EnumText.TryParse<AssetVisibility>(r.Visibility, out var v) ? v : AssetVisibility.Timeline).ToList(),
                City = rows.Select(r => r.City).ToList(),
                Country = rows.Select(r => r.Country).ToList(),
                ProjectionType = rows.Select(r => r.ProjectionType).ToList(),
                Ratio = rows.Select(r => r.Ratio).ToList(),
                // (stack id, size) for a stack's primary when stacks are collapsed; null for everything else
                Stack = f.WithStacked ? rows.Select(r => r.StackId is { } st ? new List<string> { st, r.StackCount.ToString(CultureInfo.InvariantCulture) } : null).ToList() : null,
            }, j.TimeBucketAssetResponseDto);
        });
    }
}
