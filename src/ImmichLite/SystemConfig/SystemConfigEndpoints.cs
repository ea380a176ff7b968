using ImmichLite.Contract;
using ImmichLite.Infrastructure;

namespace ImmichLite.SystemConfig;

/// <summary>GET/PUT /system-config, its defaults and the storage-template options (admin only, by the operation table).</summary>
public static class SystemConfigEndpoints
{
    public static void MapSystemConfig(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("System Config");
        var service = app.ServiceProvider.GetRequiredService<SystemConfigService>();
        var j = ImmichJsonContext.Default;

        g.MapOp(ApiOps.GetConfigDefaults, ctx => ctx.Json(service.Defaults(), j.SystemConfigDto));
        g.MapOp(ApiOps.GetConfig, ctx => ctx.Json(service.Current(), j.SystemConfigDto));
        g.MapOp(ApiOps.UpdateConfig, async ctx => await ctx.Json(await service.UpdateAsync(await ctx.Body(j.SystemConfigDto)), j.SystemConfigDto));
        g.MapOp(ApiOps.GetStorageTemplateOptions, ctx => ctx.Json(SystemConfigDefaults.StorageTemplateOptions(), j.SystemConfigTemplateStorageOptionDto));
    }
}
