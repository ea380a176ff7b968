using System.Text.Json;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Server;

namespace ImmichLite.SystemMetadata;

public static class SystemMetadataEndpoints
{
    public const string ReverseGeocodingStateKey = "reverse-geocoding-state";

    public static void MapSystemMetadata(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("System Metadata");
        var info = app.ServiceProvider.GetRequiredService<ServerInfo>();
        var metadata = app.ServiceProvider.GetRequiredService<SystemMetadataStore>();
        var j = ImmichJsonContext.Default;

        g.MapOp(ApiOps.GetAdminOnboarding, ctx => ctx.Json(new AdminOnboardingUpdateDto { IsOnboarded = info.IsOnboarded() }, j.AdminOnboardingUpdateDto));

        g.MapOp(ApiOps.UpdateAdminOnboarding, async ctx =>
        {
            var dto = await ctx.Body(j.AdminOnboardingUpdateDto);
            await metadata.SetAsync(ServerInfo.AdminOnboardingKey, JsonSerializer.Serialize(dto, j.AdminOnboardingUpdateDto));
            await ctx.NoContent(ApiOps.UpdateAdminOnboarding.SuccessStatus);
        });

        g.MapOp(ApiOps.GetVersionCheckState, ctx => ctx.Json(new VersionCheckStateResponseDto { CheckedAt = null, ReleaseVersion = null }, j.VersionCheckStateResponseDto));

        g.MapOp(ApiOps.GetReverseGeocodingState, ctx =>
        {
            var json = metadata.Get(ReverseGeocodingStateKey);
            var state = json is null ? new ReverseGeocodingStateResponseDto { LastUpdate = null, LastImportFileName = null }
                : JsonSerializer.Deserialize(json, j.ReverseGeocodingStateResponseDto)!;
            return ctx.Json(state, j.ReverseGeocodingStateResponseDto);
        });
    }
}
