using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Tags;

/// <summary>The 9 tag operations with upstream's rules: tags are per user and form a tree by value ("a/b" is the child
/// of "a"); only the owner sees or uses a tag; only one's own assets can be tagged. Upstream announces no socket event
/// for tag changes; the tagged assets' updatedAt moves so the app's delta sync sees them.</summary>
public static class TagsEndpoints
{
    public static void MapTags(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Tags");
        var sp = app.ServiceProvider;
        var service = sp.GetRequiredService<TagService>();
        var tags = sp.GetRequiredService<TagStore>();
        var assets = sp.GetRequiredService<AssetStore>();
        var clock = sp.GetRequiredService<TimeProvider>();
        var j = ImmichJsonContext.Default;

        DateTime Now() => clock.GetUtcNow().UtcDateTime;

        g.MapOp(ApiOps.GetAllTags, ctx =>
            ctx.Json(tags.List(ctx.Auth().UserId).Select(TagService.ToDto).ToList(), j.ListTagResponseDto));

        g.MapOp(ApiOps.CreateTag, async ctx =>
        {
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.TagCreateDto);
            if (dto.Name.Length == 0) throw ApiException.Validation(["name should not be empty"]);
            var color = TagService.Color(dto.Color, addHash: false);
            var parent = dto.ParentId is { } parentId ? service.RequireAccess(auth, parentId.ToLowerInvariant(), TagService.Read) : null;
            var value = parent is null ? dto.Name : parent.Value + "/" + dto.Name;
            if (tags.GetByValue(auth.UserId, value) is not null) throw ApiException.BadRequest("A tag with that name already exists");
            var created = await tags.CreateAsync(auth.UserId, value, parent?.Id, color, Now());
            await ctx.Json(TagService.ToDto(created), j.TagResponseDto, ApiOps.CreateTag.SuccessStatus);
        });

        g.MapOp(ApiOps.UpsertTags, async ctx =>
        {
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.TagUpsertDto);
            if (dto.Tags.Any(string.IsNullOrEmpty)) throw ApiException.Validation(["each value in tags should not be empty"]);
            var upserted = await tags.UpsertAsync(auth.UserId, dto.Tags, Now());
            await ctx.Json(upserted.Select(TagService.ToDto).ToList(), j.ListTagResponseDto);
        });

        g.MapOp(ApiOps.BulkTagAssets, async ctx =>
        {
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.TagBulkAssetsDto);
            // upstream filters both lists by access (tag.asset, asset.update) and tags what is left, without errors
            var tagIds = Lower(dto.TagIds);
            var assetIds = Lower(dto.AssetIds);
            var ownedTags = tags.Owned(auth.UserId, tagIds);
            var ownedAssets = assets.Owned(auth.UserId, assetIds);
            var count = await tags.TagAsync(tagIds.Where(ownedTags.Contains).ToList(), assetIds.Where(ownedAssets.Contains).ToList(), Now());
            await ctx.Json(new TagBulkAssetsResponseDto { Count = count }, j.TagBulkAssetsResponseDto);
        });

        g.MapOp(ApiOps.GetTagById, ctx =>
            ctx.Json(TagService.ToDto(service.RequireAccess(ctx.Auth(), ctx.RouteUuid(), TagService.Read)), j.TagResponseDto));

        g.MapOp(ApiOps.UpdateTag, async ctx =>
        {
            var id = ctx.RouteUuid();
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.TagUpdateDto);
            var color = TagService.Color(dto.Color, addHash: true);
            service.RequireAccess(auth, id, TagService.Update);
            // color left out: unchanged; null or "": cleared
            var updated = dto.Color is null && !ctx.BodySetsNull("color")
                ? await TouchAsync(id)
                : await tags.SetColorAsync(id, color, Now());
            await ctx.Json(TagService.ToDto(updated), j.TagResponseDto);
        });

        async Task<TagRow> TouchAsync(string id)
        {
            await tags.TouchAsync(id, Now());
            return tags.Get(id) ?? throw ApiException.BadRequest("Tag not found");
        }

        g.MapOp(ApiOps.DeleteTag, async ctx =>
        {
            var id = ctx.RouteUuid();
            service.RequireAccess(ctx.Auth(), id, TagService.Delete);
            await tags.DeleteAsync(id, Now());
            await ctx.NoContent(ApiOps.DeleteTag.SuccessStatus);
        });

        g.MapOp(ApiOps.TagAssets, ctx => BulkIdResults.OwnedContainerAssetsAsync(ctx, add: true,
            (auth, id) => service.RequireAccess(auth, id, TagService.Asset), tags.Tagged, assets, async (id, added) => await tags.TagAsync([id], added, Now())));

        g.MapOp(ApiOps.UntagAssets, ctx => BulkIdResults.OwnedContainerAssetsAsync(ctx, add: false,
            (auth, id) => service.RequireAccess(auth, id, TagService.Asset), tags.Tagged, assets, (id, removed) => tags.UntagAsync(id, removed, Now())));
    }

    static List<string> Lower(List<string> ids) => ids.Select(i => i.ToLowerInvariant()).ToList();
}
