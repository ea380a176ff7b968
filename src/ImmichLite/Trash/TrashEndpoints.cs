using ImmichLite.Assets;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Trash;

public static class TrashEndpoints
{
    public static void MapTrash(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Trash");
        var service = app.ServiceProvider.GetRequiredService<AssetService>();
        var assets = app.ServiceProvider.GetRequiredService<AssetStore>();
        var j = ImmichJsonContext.Default;

        g.MapOp(ApiOps.EmptyTrash, async ctx =>
        {
            var ids = assets.TrashedIds(ctx.Auth().UserId);
            var count = await service.DeletePermanentlyAsync(ids);
            await ctx.Json(new TrashResponseDto { Count = count }, j.TrashResponseDto, 200);
        });

        g.MapOp(ApiOps.RestoreTrash, async ctx =>
        {
            var userId = ctx.Auth().UserId;
            var restored = await service.RestoreAsync(userId, assets.TrashedIds(userId));
            await ctx.Json(new TrashResponseDto { Count = restored.Count }, j.TrashResponseDto, 200);
        });

        g.MapOp(ApiOps.RestoreAssets, async ctx =>
        {
            var dto = await ctx.Body(j.BulkIdsDto);
            var auth = ctx.Auth();
            var ids = dto.Ids.Select(i => i.ToLowerInvariant()).Distinct().ToList();
            service.RequireOwner(auth, ids, "asset.delete");
            var restored = await service.RestoreAsync(auth.UserId, ids);
            await ctx.Json(new TrashResponseDto { Count = restored.Count }, j.TrashResponseDto, 200);
        });
    }
}
