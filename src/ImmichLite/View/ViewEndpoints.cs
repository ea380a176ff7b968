using ImmichLite.Assets;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.View;

/// <summary>The web's folder view: GET /view/folder/unique-paths (the folders of the caller's originals) and
/// GET /view/folder?path= (the caller's assets directly in one folder, by file name).</summary>
public static class ViewEndpoints
{
    public static void MapView(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("View");
        var view = app.ServiceProvider.GetRequiredService<ViewStore>();
        var assetService = app.ServiceProvider.GetRequiredService<AssetService>();
        var j = ImmichJsonContext.Default;

        g.MapOp(ApiOps.GetUniqueOriginalPaths, ctx => ctx.Json(view.Folders(ctx.Auth().UserId), j.ListString));

        g.MapOp(ApiOps.GetAssetsByOriginalPath, ctx =>
        {
            var path = ctx.QueryString("path");
            if (string.IsNullOrEmpty(path)) throw ApiException.Validation(["path must be a string", "path should not be empty"]);
            var auth = ctx.Auth();
            var list = assetService.Dtos(view.InFolder(auth.UserId, path), auth.UserId);
            return ctx.Json(list, j.ListAssetResponseDto);
        });
    }
}
