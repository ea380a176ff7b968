using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Albums;

/// <summary>The 11 album operations, with upstream's rules and messages. Album invites and updates are
/// e-mail notifications upstream (no socket event in v1.134), so nothing is announced here.</summary>
public static class AlbumsEndpoints
{
    public static void MapAlbums(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Albums");
        var sp = app.ServiceProvider;
        var service = sp.GetRequiredService<AlbumService>();
        var albums = sp.GetRequiredService<AlbumStore>();
        var assets = sp.GetRequiredService<AssetStore>(); // asset.share is ownership: AssetStore.Owned
        var users = sp.GetRequiredService<UserStore>();
        var clock = sp.GetRequiredService<TimeProvider>();
        var j = ImmichJsonContext.Default;

        DateTime Now() => clock.GetUtcNow().UtcDateTime;

        g.MapOp(ApiOps.GetAllAlbums, ctx =>
        {
            var auth = ctx.Auth();
            var assetId = ctx.QueryUuid("assetId");
            var shared = ctx.QueryBool("shared");
            var rows = assetId is not null ? albums.ListByAsset(auth.UserId, assetId)
                : shared == true ? albums.ListShared(auth.UserId)
                : shared == false ? albums.ListNotShared(auth.UserId)
                : albums.ListOwned(auth.UserId);
            return ctx.Json(service.ToDtos(rows, auth.UserId), j.ListAlbumResponseDto);
        });

        g.MapOp(ApiOps.GetAlbumStatistics, ctx =>
        {
            var (owned, shared, notShared) = albums.Statistics(ctx.Auth().UserId);
            return ctx.Json(new AlbumStatisticsResponseDto { Owned = owned, Shared = shared, NotShared = notShared }, j.AlbumStatisticsResponseDto);
        });

        g.MapOp(ApiOps.CreateAlbum, async ctx =>
        {
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.CreateAlbumDto);
            var members = new List<(string UserId, string Role)>();
            foreach (var m in dto.AlbumUsers ?? [])
            {
                var userId = m.UserId.ToLowerInvariant();
                if (users.Get(userId) is null) throw ApiException.BadRequest("User not found");
                if (userId == auth.UserId) throw ApiException.BadRequest("Cannot share album with owner");
                members.Add((userId, EnumText.Of(m.Role)));
            }
            // assets the caller may not share are left out silently, as upstream does
            var wanted = Distinct(dto.AssetIds ?? []);
            var allowed = assets.Owned(auth.UserId, wanted);
            var assetIds = wanted.Where(allowed.Contains).ToList();
            var now = Now();
            var row = new AlbumRow
            {
                Id = Ids.New(), OwnerId = auth.UserId, AlbumName = dto.AlbumName, Description = dto.Description ?? "",
                AlbumThumbnailAssetId = assetIds.FirstOrDefault(), CreatedAt = now, UpdatedAt = now,
            };
            await albums.CreateAsync(row, assetIds, members);
            var created = albums.Get(row.Id)!;
            await ctx.Json(service.ToDto(created, withAssets: true, auth.UserId), j.AlbumResponseDto, ApiOps.CreateAlbum.SuccessStatus);
        });

        g.MapOp(ApiOps.GetAlbumInfo, ctx =>
        {
            var id = ctx.RouteUuid();
            var auth = ctx.Auth();
            var withoutAssets = ctx.QueryBool("withoutAssets") ?? false;
            var album = service.RequireAccess(auth, id, AlbumService.Read);
            return ctx.Json(service.ToDto(album, withAssets: !withoutAssets, auth.UserId), j.AlbumResponseDto);
        });

        g.MapOp(ApiOps.UpdateAlbumInfo, async ctx =>
        {
            var id = ctx.RouteUuid();
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.UpdateAlbumDto);
            service.RequireAccess(auth, id, AlbumService.Update);
            var thumbnail = dto.AlbumThumbnailAssetId?.ToLowerInvariant();
            if (thumbnail is not null && albums.Contained(id, [thumbnail]).Count == 0) throw ApiException.BadRequest("Invalid album thumbnail");
            await albums.UpdateAsync(id, dto.AlbumName, dto.Description, thumbnail, dto.IsActivityEnabled,
                dto.Order is { } order ? EnumText.Of(order) : null, Now());
            var album = albums.Get(id) ?? throw ApiException.BadRequest("Album not found");
            await ctx.Json(service.ToDto(album, withAssets: false, auth.UserId), j.AlbumResponseDto);
        });

        g.MapOp(ApiOps.DeleteAlbum, async ctx =>
        {
            var id = ctx.RouteUuid();
            service.RequireAccess(ctx.Auth(), id, AlbumService.Delete);
            await albums.DeleteAsync(id, Now());
            await ctx.NoContent(ApiOps.DeleteAlbum.SuccessStatus);
        });

        g.MapOp(ApiOps.AddAssetsToAlbum, async ctx =>
        {
            var id = ctx.RouteUuid();
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.BulkIdsDto);
            if (albums.Get(id) is null) throw ApiException.BadRequest("Album not found");
            service.RequireAccess(auth, id, AlbumService.AddAsset);
            var ids = dto.Ids.Select(i => i.ToLowerInvariant()).ToList();
            var present = albums.Contained(id, ids);
            // through a shared link, the link owner's assets (upstream's rule): that is what its uploads are
            var allowed = assets.Owned(auth.UserId, ids.Where(i => !present.Contains(i)).Distinct().ToList());
            var (results, added) = BulkIdResults.Add(ids, present, allowed);
            if (added.Count > 0) await albums.AddAssetsAsync(id, added, Now());
            await ctx.Json(results, j.ListBulkIdResponseDto);
        });

        g.MapOp(ApiOps.RemoveAssetFromAlbum, async ctx =>
        {
            var id = ctx.RouteUuid();
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.BulkIdsDto);
            service.RequireAccess(auth, id, AlbumService.RemoveAsset);
            var ids = dto.Ids.Select(i => i.ToLowerInvariant()).ToList();
            var present = albums.Contained(id, ids);
            // the owner removes anything; an editor only their own assets
            var allowed = service.IsOwner(auth, id) ? new HashSet<string>(present) : assets.Owned(auth.UserId, present);
            var (results, removed) = BulkIdResults.Remove(ids, present, allowed);
            if (removed.Count > 0) await albums.RemoveAssetsAsync(id, removed, Now());
            await ctx.Json(results, j.ListBulkIdResponseDto);
        });

        g.MapOp(ApiOps.AddUsersToAlbum, async ctx =>
        {
            var id = ctx.RouteUuid();
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.AddUsersDto);
            var album = service.RequireAccess(auth, id, AlbumService.Share);
            var existing = (albums.Members([id]).GetValueOrDefault(id) ?? []).Select(m => m.UserId).ToHashSet();
            var adding = new List<(string UserId, string Role)>();
            foreach (var m in dto.AlbumUsers)
            {
                var userId = m.UserId.ToLowerInvariant();
                if (userId == album.OwnerId) throw ApiException.BadRequest("Cannot be shared with owner");
                if (!existing.Add(userId)) throw ApiException.BadRequest("User already added");
                if (users.Get(userId) is null) throw ApiException.BadRequest("User not found");
                adding.Add((userId, EnumText.Of(m.Role ?? AlbumUserRole.Editor)));
            }
            await albums.AddMembersAsync(id, adding, Now());
            await ctx.Json(service.ToDto(albums.Get(id)!, withAssets: false, auth.UserId), j.AlbumResponseDto);
        });

        g.MapOp(ApiOps.UpdateAlbumUser, async ctx =>
        {
            var id = ctx.RouteUuid();
            var userId = ctx.RouteUuid("userId");
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.UpdateAlbumUserDto);
            service.RequireAccess(auth, id, AlbumService.Share);
            if (!await albums.SetRoleAsync(id, userId, EnumText.Of(dto.Role), Now())) throw ApiException.BadRequest("Album not shared with user");
            await ctx.NoContent(ApiOps.UpdateAlbumUser.SuccessStatus);
        });

        g.MapOp(ApiOps.RemoveUserFromAlbum, async ctx =>
        {
            var id = ctx.RouteUuid();
            var auth = ctx.Auth();
            var userId = ctx.RouteString("userId") == "me" ? auth.UserId : ctx.RouteUuid("userId");
            var album = albums.Get(id) ?? throw ApiException.BadRequest("Album not found");
            if (album.OwnerId == userId) throw ApiException.BadRequest("Cannot remove album owner");
            var members = (albums.Members([id]).GetValueOrDefault(id) ?? []).Select(m => m.UserId).ToHashSet();
            if (!members.Contains(userId)) throw ApiException.BadRequest("Album not shared with user");
            // a member may always leave; removing someone else takes the owner
            if (userId != auth.UserId) service.RequireAccess(auth, id, AlbumService.Share);
            await albums.RemoveMemberAsync(id, userId, Now());
            await ctx.NoContent(ApiOps.RemoveUserFromAlbum.SuccessStatus);
        });
    }

    static List<string> Distinct(List<string> ids) => ids.Select(i => i.ToLowerInvariant()).Distinct().ToList();
}
