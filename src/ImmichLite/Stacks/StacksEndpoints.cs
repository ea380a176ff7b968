using ImmichLite.Assets;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Stacks;

/// <summary>Stacks (the 6 operations): a user groups their own assets behind a primary one. Creating a stack from
/// assets that are already stacked merges those stacks into the new one (upstream's rule); the first asset given is
/// the primary. Only the owner reads or changes a stack. Every change tells the owner's clients on_asset_stack_update
/// and moves the members' updatedAt, so the app's delta sync brings the new `stack` of each asset.</summary>
public static class StacksEndpoints
{
    public static void MapStacks(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Stacks");
        var sp = app.ServiceProvider;
        var stacks = sp.GetRequiredService<StackStore>();
        var assetService = sp.GetRequiredService<AssetService>();
        var events = sp.GetRequiredService<EventHub>();
        var clock = sp.GetRequiredService<TimeProvider>();
        var j = ImmichJsonContext.Default;

        StackResponseDto ToDto(StackRow stack, string viewerId) =>
            new() { Id = stack.Id, PrimaryAssetId = stack.PrimaryAssetId, Assets = assetService.DtosInOrder(stacks.Members(stack.Id), viewerId) };

        StackRow Owned(HttpContext ctx, string id, string permission)
        {
            var stack = stacks.Get(id);
            if (stack is null || stack.OwnerId != ctx.Auth().UserId || ctx.Auth().SharedLink is not null)
                throw ApiException.BadRequest($"Not found or no {permission} access");
            return stack;
        }

        void Changed(string userId) => events.Publish(new ServerEvent("on_asset_stack_update", EventAudience.Users, [userId], null));

        g.MapOp(ApiOps.SearchStacks, ctx =>
        {
            var me = ctx.Auth().UserId;
            var list = stacks.Search(me, ctx.QueryUuid("primaryAssetId")).Select(s => ToDto(s, me)).ToList();
            return ctx.Json(list, j.ListStackResponseDto);
        });

        g.MapOp(ApiOps.CreateStack, async ctx =>
        {
            var dto = await ctx.Body(j.StackCreateDto);
            var auth = ctx.Auth();
            var ids = dto.AssetIds.Select(i => i.ToLowerInvariant()).Distinct().ToList();
            if (ids.Count < 2) throw ApiException.Validation(["assetIds must contain at least 2 elements"]);
            assetService.RequireOwner(auth, ids, "asset.update");
            var id = await stacks.CreateAsync(auth.UserId, ids, clock.GetUtcNow().UtcDateTime);
            Changed(auth.UserId);
            await ctx.Json(ToDto(stacks.Get(id)!, auth.UserId), j.StackResponseDto, 201);
        });

        g.MapOp(ApiOps.GetStack, ctx => ctx.Json(ToDto(Owned(ctx, ctx.RouteUuid(), "stack.read"), ctx.Auth().UserId), j.StackResponseDto));

        g.MapOp(ApiOps.UpdateStack, async ctx =>
        {
            var stack = Owned(ctx, ctx.RouteUuid(), "stack.update");
            var dto = await ctx.Body(j.StackUpdateDto);
            if (dto.PrimaryAssetId is { } primary && primary.ToLowerInvariant() != stack.PrimaryAssetId)
            {
                if (!stacks.Members(stack.Id).Contains(primary.ToLowerInvariant())) throw ApiException.BadRequest("Primary asset must be in the stack");
                await stacks.SetPrimaryAsync(stack.Id, primary.ToLowerInvariant(), clock.GetUtcNow().UtcDateTime);
                Changed(stack.OwnerId);
            }
            await ctx.Json(ToDto(stacks.Get(stack.Id)!, ctx.Auth().UserId), j.StackResponseDto);
        });

        g.MapOp(ApiOps.DeleteStack, async ctx =>
        {
            var stack = Owned(ctx, ctx.RouteUuid(), "stack.delete");
            await stacks.DeleteAsync([stack.Id], clock.GetUtcNow().UtcDateTime);
            Changed(stack.OwnerId);
            await ctx.NoContent();
        });

        g.MapOp(ApiOps.DeleteStacks, async ctx =>
        {
            var dto = await ctx.Body(j.BulkIdsDto);
            var me = ctx.Auth().UserId;
            var ids = dto.Ids.Select(i => i.ToLowerInvariant()).Distinct().ToList();
            var owned = stacks.Owned(me, ids);
            if (ctx.Auth().SharedLink is not null || ids.Any(i => !owned.Contains(i))) throw ApiException.BadRequest("Not found or no stack.delete access");
            if (ids.Count > 0)
            {
                await stacks.DeleteAsync(ids, clock.GetUtcNow().UtcDateTime);
                Changed(me);
            }
            await ctx.NoContent();
        });
    }
}
