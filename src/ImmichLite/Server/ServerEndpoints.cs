using System.Text.Json;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Users;

namespace ImmichLite.Server;

public static class ServerEndpoints
{
    public static void MapServer(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Server");
        var info = app.ServiceProvider.GetRequiredService<ServerInfo>();
        var metadata = app.ServiceProvider.GetRequiredService<SystemMetadataStore>();
        var clock = app.ServiceProvider.GetRequiredService<TimeProvider>();
        var settings = app.ServiceProvider.GetRequiredService<ServerSettings>();
        var j = ImmichJsonContext.Default;

        g.MapOp(ApiOps.PingServer, ctx => ctx.Json(new ServerPingResponse { Res = "pong" }, j.ServerPingResponse));

        g.MapOp(ApiOps.GetServerVersion, ctx => ctx.Json(
            new ServerVersionResponseDto { Major = ServerInfo.Major, Minor = ServerInfo.Minor, Patch = ServerInfo.Patch }, j.ServerVersionResponseDto));

        g.MapOp(ApiOps.GetVersionHistory, ctx => ctx.Json(
            metadata.VersionHistory().Select(v => new ServerVersionHistoryResponseDto { Id = v.Id, CreatedAt = v.CreatedAt, Version = v.Version }).ToList(),
            j.ListServerVersionHistoryResponseDto));

        // ImmichLite never calls GitHub (a home server may have no internet): there is no check result to report.
        g.MapOp(ApiOps.GetVersionCheck, ctx => ctx.Json(new VersionCheckStateResponseDto { CheckedAt = null, ReleaseVersion = null }, j.VersionCheckStateResponseDto));

        g.MapOp(ApiOps.GetAboutInfo, ctx => ctx.Json(new ServerAboutResponseDto
        {
            Version = "v" + ServerInfo.Version,
            VersionUrl = $"https://github.com/immich-app/immich/releases/tag/v{ServerInfo.Version}",
            Licensed = metadata.Get(ServerInfo.LicenseKey) is not null,
        }, j.ServerAboutResponseDto));

        g.MapOp(ApiOps.GetServerConfig, ctx => ctx.Json(info.Config(), j.ServerConfigDto));
        g.MapOp(ApiOps.GetServerFeatures, ctx => ctx.Json(info.Features(), j.ServerFeaturesDto));
        g.MapOp(ApiOps.GetTheme, ctx => ctx.Json(new ServerThemeDto { CustomCss = settings.CustomCss }, j.ServerThemeDto));
        g.MapOp(ApiOps.GetStorage, ctx => ctx.Json(info.Storage(), j.ServerStorageResponseDto));

        g.MapOp(ApiOps.GetSupportedMediaTypes, ctx => ctx.Json(new ServerMediaTypesResponseDto
        {
            Image = MediaTypes.ImageExtensions(),
            Video = MediaTypes.VideoExtensions(),
            Sidecar = MediaTypes.SidecarExtensions(),
        }, j.ServerMediaTypesResponseDto));

        var assets = app.ServiceProvider.GetRequiredService<AssetStore>();
        g.MapOp(ApiOps.GetServerStatistics, ctx =>
        {
            var rows = assets.UsageByUser();
            var byUser = rows.Select(r => new UsageByUserDto
            {
                UserId = r.UserId, UserName = r.Name, QuotaSizeInBytes = r.Quota, Photos = (int)r.Photos, Videos = (int)r.Videos,
                Usage = r.PhotoBytes + r.VideoBytes, UsagePhotos = r.PhotoBytes, UsageVideos = r.VideoBytes,
            }).ToList();
            return ctx.Json(new ServerStatsResponseDto
            {
                Photos = byUser.Sum(u => u.Photos), Videos = byUser.Sum(u => u.Videos), Usage = byUser.Sum(u => u.Usage),
                UsagePhotos = byUser.Sum(u => u.UsagePhotos), UsageVideos = byUser.Sum(u => u.UsageVideos), UsageByUser = byUser,
            }, j.ServerStatsResponseDto);
        });

        g.MapOp(ApiOps.GetServerLicense, ctx =>
        {
            var json = metadata.Get(ServerInfo.LicenseKey) ?? throw ApiException.NotFound("License not found");
            return ctx.Json(JsonSerializer.Deserialize(json, j.LicenseResponseDto)!, j.LicenseResponseDto);
        });

        g.MapOp(ApiOps.SetServerLicense, async ctx =>
        {
            var dto = await ctx.Body(j.LicenseKeyDto);
            if (!dto.LicenseKey.StartsWith("IMSV-") || !UserService.LicenseKeyShape().IsMatch(dto.LicenseKey) || string.IsNullOrWhiteSpace(dto.ActivationKey))
                throw ApiException.BadRequest("Invalid license key");
            var license = new LicenseResponseDto { LicenseKey = dto.LicenseKey, ActivationKey = dto.ActivationKey, ActivatedAt = clock.GetUtcNow().UtcDateTime };
            await metadata.SetAsync(ServerInfo.LicenseKey, JsonSerializer.Serialize(license, j.LicenseResponseDto));
            await ctx.Json(license, j.LicenseResponseDto);
        });

        g.MapOp(ApiOps.DeleteServerLicense, async ctx =>
        {
            await metadata.SetAsync(ServerInfo.LicenseKey, null);
            await ctx.NoContent(ApiOps.DeleteServerLicense.SuccessStatus);
        });
    }
}
