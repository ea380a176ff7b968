using System.Globalization;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Memories;

/// <summary>The 7 memory operations with upstream's rules: owner only; assets added must be one's own (silently left
/// out on create, "no_permission" on add); GET /memories?for= lists what is to be shown at that moment. The nightly
/// "on this day" memories come from <see cref="MemoryGenerator"/>.</summary>
public static class MemoriesEndpoints
{
    public static void MapMemories(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Memories");
        var sp = app.ServiceProvider;
        var service = sp.GetRequiredService<MemoryService>();
        var memories = sp.GetRequiredService<MemoryStore>();
        var assets = sp.GetRequiredService<AssetStore>();
        var clock = sp.GetRequiredService<TimeProvider>();
        var j = ImmichJsonContext.Default;

        DateTime Now() => clock.GetUtcNow().UtcDateTime;

        g.MapOp(ApiOps.SearchMemories, ctx =>
        {
            var auth = ctx.Auth();
            DateTime? at = null;
            if (ctx.QueryString("for") is { } s)
            {
                if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                    throw ApiException.Validation(["for must be a Date instance"]);
                at = parsed.UtcDateTime;
            }
            var type = ctx.QueryString("type");
            if (type is not null && !EnumText.TryParse<MemoryType>(type, out _))
                throw ApiException.Validation([$"type must be one of the following values: {string.Join(", ", EnumText.All<MemoryType>())}"]);
            var rows = memories.Search(auth.UserId, at, ctx.QueryBool("isSaved"), ctx.QueryBool("isTrashed") ?? false, type);
            return ctx.Json(service.ToDtos(rows, auth.UserId), j.ListMemoryResponseDto);
        });

        g.MapOp(ApiOps.CreateMemory, async ctx =>
        {
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.MemoryCreateDto);
            if (dto.Data.Year != Math.Floor(dto.Data.Year) || dto.Data.Year > 9999) throw ApiException.Validation(["data.year must be an integer number"]);
            // assets the caller may not share are left out silently, as upstream does
            var wanted = (dto.AssetIds ?? []).Select(i => i.ToLowerInvariant()).Distinct().ToList();
            var owned = assets.Owned(auth.UserId, wanted);
            var now = Now();
            var row = new MemoryRow
            {
                Id = Ids.New(), OwnerId = auth.UserId, Type = EnumText.Of(dto.Type), Data = MemoryService.DataJson((int)dto.Data.Year),
                IsSaved = dto.IsSaved ?? false, MemoryAt = dto.MemoryAt, SeenAt = dto.SeenAt, CreatedAt = now, UpdatedAt = now,
            };
            await memories.CreateAsync(row, wanted.Where(owned.Contains).ToList());
            await ctx.Json(service.ToDto(memories.Get(row.Id)!, auth.UserId), j.MemoryResponseDto, ApiOps.CreateMemory.SuccessStatus);
        });

        g.MapOp(ApiOps.GetMemory, ctx =>
        {
            var auth = ctx.Auth();
            return ctx.Json(service.ToDto(service.RequireAccess(auth, ctx.RouteUuid(), MemoryService.Read), auth.UserId), j.MemoryResponseDto);
        });

        g.MapOp(ApiOps.UpdateMemory, async ctx =>
        {
            var id = ctx.RouteUuid();
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.MemoryUpdateDto);
            service.RequireAccess(auth, id, MemoryService.Update);
            await memories.UpdateAsync(id, dto.IsSaved, dto.MemoryAt, dto.SeenAt, Now());
            await ctx.Json(service.ToDto(memories.Get(id)!, auth.UserId), j.MemoryResponseDto);
        });

        g.MapOp(ApiOps.DeleteMemory, async ctx =>
        {
            var id = ctx.RouteUuid();
            service.RequireAccess(ctx.Auth(), id, MemoryService.Delete);
            await memories.DeleteAsync(id);
            await ctx.NoContent(ApiOps.DeleteMemory.SuccessStatus);
        });

        g.MapOp(ApiOps.AddMemoryAssets, ctx => BulkIdResults.OwnedContainerAssetsAsync(ctx, add: true,
            (auth, id) => service.RequireAccess(auth, id, MemoryService.Read), memories.Contained, assets,
            (id, added) => memories.AddAssetsAsync(id, added, Now())));

        g.MapOp(ApiOps.RemoveMemoryAssets, ctx => BulkIdResults.OwnedContainerAssetsAsync(ctx, add: false,
            (auth, id) => service.RequireAccess(auth, id, MemoryService.Update), memories.Contained, assets,
            (id, removed) => memories.RemoveAssetsAsync(id, removed, Now())));
    }
}
