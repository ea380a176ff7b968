using ImmichLite.Auth;
using ImmichLite.Contract;
using Microsoft.AspNetCore.Http;

namespace ImmichLite.Infrastructure;

/// <summary>Maps spec operations onto handlers. Paths and methods come from the generated operation table,
/// so a route can only exist where the contract has one. The guard runs before every handler: it resolves
/// the caller, answers 401 when an authenticated operation has none, and applies admin, shared-link and
/// API-key permission rules. Whatever has no handler after all areas are mapped answers 501.</summary>
public static class ApiRoutes
{
    public const string Prefix = "/api";

    public sealed class Registry
    {
        public HashSet<string> Implemented { get; } = new(StringComparer.Ordinal);
    }

    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder app, string area) =>
        app.MapGroup(Prefix).WithGroupName(area);

    /// <summary>Maps one operation. The handler reads the caller with ctx.Auth() and writes the response.</summary>
    public static IEndpointConventionBuilder MapOp(this IEndpointRouteBuilder group, ApiOperation op, RequestDelegate handler)
    {
        var registry = group.ServiceProvider.GetRequiredService<Registry>();
        if (!registry.Implemented.Add(op.OperationId))
            throw new InvalidOperationException($"operation {op.OperationId} mapped twice");
        return Map(group, op, handler);
    }

    /// <summary>A route that is not in the v1.134 contract but that current official clients call (for example
    /// GET /api-keys/me, used by @immich/cli 3.x). Guarded like the others; never counted as a contract operation.</summary>
    public static IEndpointConventionBuilder MapCompat(this IEndpointRouteBuilder group, string method, string path, string name, RequestDelegate handler) =>
        Map(group, new ApiOperation(method, path, name, ["Compatibility"], RequiresAuth: true, SuccessStatus: 200, RequestSchema: null,
            RequestContentType: null, ResponseSchema: null, Deprecated: false, QueryParameters: []), handler);

    static IEndpointConventionBuilder Map(IEndpointRouteBuilder group, ApiOperation op, RequestDelegate handler)
    {
        var auth = group.ServiceProvider.GetRequiredService<AuthService>();
        RequestDelegate guarded = async ctx =>
        {
            var caller = await auth.TryAuthenticateAsync(ctx);
            if (caller is not null)
            {
                if (op.RequiresAuth) AuthService.Authorize(caller, op);
                ctx.SetAuth(caller);
            }
            else if (op.RequiresAuth)
            {
                throw ApiException.Unauthorized();
            }
            await handler(ctx);
        };
        return group.MapMethods(op.Path, [op.Method], guarded).WithName(op.OperationId).WithMetadata(op);
    }

    /// <summary>Every operation no area has mapped: authenticated like the real one, then 501.</summary>
    public static void MapNotImplemented(this IEndpointRouteBuilder app)
    {
        var registry = app.ServiceProvider.GetRequiredService<Registry>();
        var group = app.MapGroup(Prefix);
        foreach (var op in ApiOps.All)
        {
            if (registry.Implemented.Contains(op.OperationId)) continue;
            var name = op.OperationId;
            Map(group, op, ctx => ErrorEnvelope.Write(ctx, 501, $"{op.Method} /api{op.Path} ({name}) is not implemented yet in ImmichLite"));
        }
        // Anything else under /api is a 404 in the same envelope (NestJS words it "Cannot GET /api/x").
        app.Map(Prefix + "/{**rest}", ctx => ErrorEnvelope.Write(ctx, 404, $"Cannot {ctx.Request.Method} {ctx.Request.Path}"));
    }
}
