using ImmichLite.Albums;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.SharedLinks;

/// <summary>The 8 shared-link operations, and the key resolver (installed into AuthService here).
/// A link is managed by its owner only; a key holder may read /shared-links/me and, when the link
/// allows uploads, add (their uploads) to that same link.</summary>
public static class SharedLinksEndpoints
{
    public static void MapSharedLinks(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Shared Links");
        var sp = app.ServiceProvider;
        var service = sp.GetRequiredService<SharedLinkService>();
        var links = sp.GetRequiredService<SharedLinkStore>();
        var albums = sp.GetRequiredService<AlbumStore>();
        var assets = sp.GetRequiredService<AssetStore>(); // asset.share is ownership: AssetStore.Owned
        var albumService = sp.GetRequiredService<AlbumService>();
        var clock = sp.GetRequiredService<TimeProvider>();
        var j = ImmichJsonContext.Default;

        sp.GetRequiredService<AuthService>().SharedLinkResolver = service.Resolve;

        SharedLinkRow Owned(HttpContext ctx) =>
            links.Get(ctx.Auth().UserId, ctx.RouteUuid()) ?? throw ApiException.BadRequest("Shared link not found");

        g.MapOp(ApiOps.GetAllSharedLinks, ctx =>
        {
            var auth = ctx.Auth();
            var list = links.List(auth.UserId, ctx.QueryUuid("albumId"))
                .Select(l => service.ToDto(l, withAlbumAssets: false, stripMetadata: false, auth.UserId)).ToList();
            return ctx.Json(list, j.ListSharedLinkResponseDto);
        });

        g.MapOp(ApiOps.GetMySharedLink, ctx =>
        {
            var auth = ctx.Auth();
            if (auth.SharedLink is not { } via) throw ApiException.Forbidden("Forbidden");
            // the resolver has already checked the password (or token); hand out the token so the key works without it
            var link = links.Get(auth.UserId, via.Link.Id) ?? throw ApiException.BadRequest("Shared link not found");
            var dto = service.ToDto(link, withAlbumAssets: true, stripMetadata: !link.ShowExif, auth.UserId);
            if (link.HasPassword)
            {
                var tokens = SharedLinkService.Tokens(ctx);
                var token = SharedLinkService.Token(link);
                if (!tokens.Contains(token)) tokens.Add(token);
                dto.Token = string.Join(',', tokens);
                ctx.Response.Cookies.Append(AuthService.CookieSharedLinkToken, dto.Token, new CookieOptions
                {
                    HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/", MaxAge = SharedLinkService.TokenCookieAge, Secure = ctx.Request.IsHttps,
                });
            }
            return ctx.Json(dto, j.SharedLinkResponseDto);
        });

        g.MapOp(ApiOps.GetSharedLinkById, ctx =>
        {
            var auth = ctx.Auth();
            return ctx.Json(service.ToDto(Owned(ctx), withAlbumAssets: true, stripMetadata: false, auth.UserId), j.SharedLinkResponseDto);
        });

        g.MapOp(ApiOps.CreateSharedLink, async ctx =>
        {
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.SharedLinkCreateDto);
            string? albumId = null;
            var assetIds = new List<string>();
            if (dto.Type == SharedLinkType.Album)
            {
                albumId = dto.AlbumId?.ToLowerInvariant() ?? throw ApiException.BadRequest("Invalid albumId");
                albumService.RequireAccess(auth, albumId, AlbumService.Share);
            }
            else
            {
                if (dto.AssetIds is not { Count: > 0 }) throw ApiException.BadRequest("Invalid assetIds");
                assetIds = dto.AssetIds.Select(i => i.ToLowerInvariant()).Distinct().ToList();
                var allowed = assets.Owned(auth.UserId, assetIds);
                if (assetIds.Any(id => !allowed.Contains(id))) throw ApiException.BadRequest("Not found or no asset.share access");
            }
            var row = new SharedLinkRow
            {
                Id = Ids.New(),
                UserId = auth.UserId,
                Key = SharedLinkService.NewKey(),
                Type = dto.Type == SharedLinkType.Album ? "ALBUM" : "INDIVIDUAL",
                AlbumId = albumId,
                Description = string.IsNullOrEmpty(dto.Description) ? null : dto.Description,
                Password = string.IsNullOrEmpty(dto.Password) ? null : dto.Password,
                ExpiresAt = dto.ExpiresAt?.ToUniversalTime(),
                // upstream's defaults: uploads allowed unless said otherwise; no downloads when metadata is hidden
                AllowUpload = dto.AllowUpload ?? true,
                AllowDownload = dto.ShowMetadata != false && (dto.AllowDownload ?? true),
                ShowExif = dto.ShowMetadata ?? true,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            await links.InsertAsync(row, assetIds);
            var created = links.Get(auth.UserId, row.Id)!;
            await ctx.Json(service.ToDto(created, withAlbumAssets: true, stripMetadata: false, auth.UserId), j.SharedLinkResponseDto,
                ApiOps.CreateSharedLink.SuccessStatus);
        });

        g.MapOp(ApiOps.UpdateSharedLink, async ctx =>
        {
            var auth = ctx.Auth();
            var link = Owned(ctx);
            var dto = await ctx.Body(j.SharedLinkEditDto);
            var expires = dto.ExpiresAt is { } e ? e.ToUniversalTime()
                : dto.ChangeExpiryTime == true || ctx.BodySetsNull("expiresAt") ? null
                : link.ExpiresAt;
            var updated = link with
            {
                Description = dto.Description ?? link.Description,
                Password = dto.Password is { } p ? (p.Length == 0 ? null : p) : link.Password,
                ExpiresAt = expires,
                AllowUpload = dto.AllowUpload ?? link.AllowUpload,
                AllowDownload = dto.AllowDownload ?? link.AllowDownload,
                ShowExif = dto.ShowMetadata ?? link.ShowExif,
            };
            await links.UpdateAsync(updated);
            await ctx.Json(service.ToDto(links.Get(auth.UserId, link.Id)!, withAlbumAssets: true, stripMetadata: false, auth.UserId), j.SharedLinkResponseDto);
        });

        g.MapOp(ApiOps.RemoveSharedLink, async ctx =>
        {
            var link = Owned(ctx);
            await links.DeleteAsync(link.Id);
            await ctx.NoContent(ApiOps.RemoveSharedLink.SuccessStatus);
        });

        g.MapOp(ApiOps.AddSharedLinkAssets, async ctx =>
        {
            var auth = ctx.Auth();
            var id = ctx.RouteUuid();
            // a key holder adds only to their own link, and only when it takes uploads
            if (auth.SharedLink is { } via && (via.Link.Id != id || !via.Link.AllowUpload)) throw ApiException.BadRequest("Shared link not found");
            var dto = await ctx.Body(j.AssetIdsDto);
            var link = links.Get(auth.UserId, id) ?? throw ApiException.BadRequest("Shared link not found");
            if (link.Type != "INDIVIDUAL") throw ApiException.BadRequest("Invalid shared link type");
            var ids = dto.AssetIds.Select(i => i.ToLowerInvariant()).ToList();
            var present = links.Contained(link.Id, ids);
            var allowed = assets.Owned(auth.UserId, ids.Where(i => !present.Contains(i)).Distinct().ToList());
            var results = new List<AssetIdsResponseDto>(ids.Count);
            var added = new List<string>();
            foreach (var assetId in ids)
            {
                if (present.Contains(assetId)) results.Add(Failed(assetId, AssetIdsResponseDtoError.Duplicate));
                else if (!allowed.Contains(assetId)) results.Add(Failed(assetId, AssetIdsResponseDtoError.NoPermission));
                else
                {
                    present.Add(assetId);
                    added.Add(assetId);
                    results.Add(new AssetIdsResponseDto { AssetId = assetId, Success = true });
                }
            }
            if (added.Count > 0) await links.AddAssetsAsync(link.Id, added, clock.GetUtcNow().UtcDateTime);
            await ctx.Json(results, j.ListAssetIdsResponseDto);
        });

        g.MapOp(ApiOps.RemoveSharedLinkAssets, async ctx =>
        {
            var auth = ctx.Auth();
            var id = ctx.RouteUuid();
            // what a link shows is its owner's to change, never a key holder's
            if (auth.SharedLink is not null) throw ApiException.Forbidden("Forbidden");
            var dto = await ctx.Body(j.AssetIdsDto);
            var link = links.Get(auth.UserId, id) ?? throw ApiException.BadRequest("Shared link not found");
            if (link.Type != "INDIVIDUAL") throw ApiException.BadRequest("Invalid shared link type");
            var ids = dto.AssetIds.Select(i => i.ToLowerInvariant()).ToList();
            var present = links.Contained(link.Id, ids);
            var results = new List<AssetIdsResponseDto>(ids.Count);
            var removed = new List<string>();
            foreach (var assetId in ids)
            {
                if (!present.Remove(assetId)) results.Add(Failed(assetId, AssetIdsResponseDtoError.NotFound));
                else
                {
                    removed.Add(assetId);
                    results.Add(new AssetIdsResponseDto { AssetId = assetId, Success = true });
                }
            }
            if (removed.Count > 0) await links.RemoveAssetsAsync(link.Id, removed);
            await ctx.Json(results, j.ListAssetIdsResponseDto);
        });
    }

    static AssetIdsResponseDto Failed(string id, AssetIdsResponseDtoError error) => new() { AssetId = id, Success = false, Error = error };
}
