using ImmichLite.Albums;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Users;

namespace ImmichLite.Activities;

/// <summary>Likes and comments on an album or on an asset in it (the 4 activity operations). Reading takes
/// album read access; writing takes membership (or ownership) of an album whose activity is enabled
/// (upstream's activity.create access); deleting takes the author or the album's owner.</summary>
public static class ActivitiesEndpoints
{
    public static void MapActivities(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Activities");
        var sp = app.ServiceProvider;
        var activities = sp.GetRequiredService<ActivityStore>();
        var albums = sp.GetRequiredService<AlbumStore>();
        var albumService = sp.GetRequiredService<AlbumService>();
        var users = sp.GetRequiredService<UserStore>();
        var clock = sp.GetRequiredService<TimeProvider>();
        var j = ImmichJsonContext.Default;

        List<ActivityResponseDto> Map(IEnumerable<ActivityRow> rows)
        {
            var people = new Dictionary<string, UserResponseDto?>();
            var list = new List<ActivityResponseDto>();
            foreach (var r in rows)
            {
                if (!people.TryGetValue(r.UserId, out var user))
                    people[r.UserId] = user = users.Get(r.UserId, withDeleted: true) is { } u ? UserMapping.ToUser(u) : null;
                if (user is null) continue;
                list.Add(new ActivityResponseDto
                {
                    Id = r.Id, AssetId = r.AssetId, Comment = r.Comment, CreatedAt = r.CreatedAt,
                    Type = r.IsLiked ? ReactionType.Like : ReactionType.Comment, User = user,
                });
            }
            return list;
        }

        string RequiredAlbumId(HttpContext ctx) =>
            ctx.QueryUuid("albumId") ?? throw ApiException.Validation(["albumId must be a UUID"]);

        g.MapOp(ApiOps.GetActivities, ctx =>
        {
            var auth = ctx.Auth();
            var albumId = RequiredAlbumId(ctx);
            var assetId = ctx.QueryUuid("assetId");
            var userId = ctx.QueryUuid("userId");
            ReactionLevel? level = null;
            if (ctx.QueryString("level") is { } l)
                level = EnumText.TryParse<ReactionLevel>(l, out var lv) ? lv : throw ApiException.Validation(["level must be one of the following values: album, asset"]);
            ReactionType? type = null;
            if (ctx.QueryString("type") is { } t)
                type = EnumText.TryParse<ReactionType>(t, out var ty) ? ty : throw ApiException.Validation(["type must be one of the following values: comment, like"]);
            albumService.RequireAccess(auth, albumId, AlbumService.Read);
            // level=album: only what is on the album itself; otherwise assetId narrows to one asset
            var rows = level == ReactionLevel.Album
                ? activities.Search(albumId, assetGiven: true, assetId: null, userId, type is null ? null : type == ReactionType.Like)
                : activities.Search(albumId, assetGiven: assetId is not null, assetId, userId, type is null ? null : type == ReactionType.Like);
            return ctx.Json(Map(rows), j.ListActivityResponseDto);
        });

        g.MapOp(ApiOps.GetActivityStatistics, ctx =>
        {
            var auth = ctx.Auth();
            var albumId = RequiredAlbumId(ctx);
            var assetId = ctx.QueryUuid("assetId");
            albumService.RequireAccess(auth, albumId, AlbumService.Read);
            return ctx.Json(new ActivityStatisticsResponseDto { Comments = activities.CountComments(albumId, assetId) }, j.ActivityStatisticsResponseDto);
        });

        g.MapOp(ApiOps.CreateActivity, async ctx =>
        {
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.ActivityCreateDto);
            var isLike = dto.Type == ReactionType.Like;
            if (!isLike && string.IsNullOrEmpty(dto.Comment)) throw ApiException.Validation(["comment should not be empty"]);
            var albumId = dto.AlbumId.ToLowerInvariant();
            var assetId = dto.AssetId?.ToLowerInvariant();
            const string denied = "Not found or no activity.create access";
            if (auth.SharedLink is not null || albums.Access(auth.UserId, albumId) is not { } standing ||
                (standing.OwnerId != auth.UserId && standing.Role is null))
                throw ApiException.BadRequest(denied);
            var album = albums.Get(albumId) ?? throw ApiException.BadRequest(denied);
            if (!album.IsActivityEnabled) throw ApiException.BadRequest(denied);
            if (assetId is not null && albums.Contained(albumId, [assetId]).Count == 0) throw ApiException.BadRequest(denied);

            var row = new ActivityRow
            {
                Id = Ids.New(), AlbumId = albumId, UserId = auth.UserId, AssetId = assetId,
                Comment = isLike ? null : dto.Comment, IsLiked = isLike, CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            // liking twice gives back the first like, with 200 instead of 201
            var (saved, created) = await activities.InsertAsync(row);
            await ctx.Json(Map([saved])[0], j.ActivityResponseDto, created ? ApiOps.CreateActivity.SuccessStatus : 200);
        });

        g.MapOp(ApiOps.DeleteActivity, async ctx =>
        {
            var id = ctx.RouteUuid();
            var auth = ctx.Auth();
            if (!activities.CanDelete(auth.UserId, id)) throw ApiException.BadRequest("Not found or no activity.delete access");
            await activities.DeleteAsync(id);
            await ctx.NoContent(ApiOps.DeleteActivity.SuccessStatus);
        });
    }
}
