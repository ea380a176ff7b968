using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.ApiKeys;

public static class ApiKeysEndpoints
{
    public static void MapApiKeys(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("API Keys");
        var keys = app.ServiceProvider.GetRequiredService<ApiKeyStore>();
        var clock = app.ServiceProvider.GetRequiredService<TimeProvider>();
        var j = ImmichJsonContext.Default;

        static APIKeyResponseDto Map(ApiKeyRow k) => new()
        {
            Id = k.Id,
            Name = k.Name,
            CreatedAt = k.CreatedAt,
            UpdatedAt = k.UpdatedAt,
            Permissions = k.Permissions.Select(p => EnumText.TryParse<Permission>(p, out var v) ? v : Permission.All).ToList(),
        };

        ApiKeyRow Owned(HttpContext ctx) => keys.Get(ctx.Auth().UserId, ctx.RouteUuid()) ?? throw ApiException.BadRequest("API Key not found");

        g.MapOp(ApiOps.GetApiKeys, ctx => ctx.Json(keys.List(ctx.Auth().UserId).Select(Map).ToList(), j.ListAPIKeyResponseDto));

        g.MapOp(ApiOps.CreateApiKey, async ctx =>
        {
            var auth = ctx.Auth();
            var dto = await ctx.Body(j.APIKeyCreateDto);
            if (dto.Permissions.Count == 0) throw ApiException.Validation(["permissions must contain at least 1 elements"]);
            var perms = dto.Permissions.Select(EnumText.Of).Distinct().ToArray();
            // a key can only hand out what its creator holds
            if (auth.ApiKey is { } creator && !creator.Permissions.Contains("all"))
                foreach (var p in perms)
                    if (!creator.Permissions.Contains(p)) throw ApiException.BadRequest("Cannot grant permissions you do not have");
            var secret = Crypto.NewToken();
            var now = clock.GetUtcNow().UtcDateTime;
            var row = new ApiKeyRow { Id = Ids.New(), Name = string.IsNullOrWhiteSpace(dto.Name) ? "API Key" : dto.Name, UserId = auth.UserId, Permissions = perms, CreatedAt = now, UpdatedAt = now };
            await keys.InsertAsync(row, Crypto.HashToken(secret));
            await ctx.Json(new APIKeyCreateResponseDto { Secret = secret, ApiKey = Map(row) }, j.APIKeyCreateResponseDto, ApiOps.CreateApiKey.SuccessStatus);
        });

        g.MapOp(ApiOps.GetApiKey, ctx => ctx.Json(Map(Owned(ctx)), j.APIKeyResponseDto));

        // Not in v1.134: the key the caller authenticated with (later Immich versions; @immich/cli 3.x checks its permissions with it).
        g.MapCompat("GET", "/api-keys/me", "getMyApiKey", ctx =>
        {
            var key = ctx.Auth().ApiKey ?? throw ApiException.Forbidden("Not authenticated with an API key");
            return ctx.Json(Map(key), j.APIKeyResponseDto);
        });

        g.MapOp(ApiOps.UpdateApiKey, async ctx =>
        {
            var key = Owned(ctx);
            var dto = await ctx.Body(j.APIKeyUpdateDto);
            var updated = key with { Name = dto.Name, UpdatedAt = clock.GetUtcNow().UtcDateTime };
            await keys.UpdateAsync(updated);
            await ctx.Json(Map(updated), j.APIKeyResponseDto);
        });

        g.MapOp(ApiOps.DeleteApiKey, async ctx =>
        {
            var key = Owned(ctx);
            await keys.DeleteAsync(key.UserId, key.Id);
            await ctx.NoContent(ApiOps.DeleteApiKey.SuccessStatus);
        });
    }
}
