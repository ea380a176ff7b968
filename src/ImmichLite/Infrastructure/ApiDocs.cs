using System.Text.Json;
using System.Text.Json.Nodes;
using ImmichLite.Contract;
using Scalar.AspNetCore;

namespace ImmichLite.Infrastructure;

/// <summary>The API reference: the contract's OpenAPI document as this server serves it (each operation
/// marked implemented or answering 501), at /api/docs/openapi.json, with the Scalar UI at /api/docs.</summary>
public static class ApiDocs
{
    public const string DocumentPath = "/api/docs/openapi.json";
    const string Resource = "ImmichLite.Contract.Generated.openapi.json";

    public static void MapApiDocs(this WebApplication app)
    {
        var registry = app.Services.GetRequiredService<ApiRoutes.Registry>();
        byte[]? cached = null;
        app.MapGet(DocumentPath, async ctx =>
        {
            cached ??= Build(registry);
            ctx.Response.ContentType = "application/json; charset=utf-8";
            await ctx.Response.Body.WriteAsync(cached, ctx.RequestAborted);
        });
        app.MapScalarApiReference("/api/docs", o =>
        {
            o.OpenApiRoutePattern = DocumentPath;
            o.Title = "ImmichLite — Immich API v1.134.0";
        });
    }

    /// <summary>Built on first request, after every area has mapped its operations.</summary>
    public static byte[] Build(ApiRoutes.Registry registry)
    {
        using var stream = typeof(ApiDocs).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException("the contract document is not embedded");
        var doc = JsonNode.Parse(stream)!.AsObject();
        doc["servers"] = new JsonArray(new JsonObject { ["url"] = "/api" });
        var info = doc["info"]!.AsObject();
        var total = 0;
        var built = 0;
        foreach (var (_, pathItem) in doc["paths"]!.AsObject())
        {
            foreach (var (_, opNode) in pathItem!.AsObject())
            {
                if (opNode is not JsonObject op || op["operationId"]?.GetValue<string>() is not { } id) continue;
                total++;
                var implemented = registry.Implemented.Contains(id);
                if (implemented) built++;
                op["x-immichlite-implemented"] = implemented;
                if (!implemented)
                {
                    var desc = op["description"]?.GetValue<string>();
                    op["description"] = "**Not implemented in ImmichLite yet: answers 501.**" + (desc is null ? "" : "\n\n" + desc);
                }
            }
        }
        info["description"] = $"Immich API v1.134.0 as served by ImmichLite: {built} of {total} operations implemented; the rest answer 501 in Immich's error envelope.";
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) doc.WriteTo(w);
        return ms.ToArray();
    }
}
