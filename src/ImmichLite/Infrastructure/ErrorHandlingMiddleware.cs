using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ImmichLite.Infrastructure;

/// <summary>Turns every exception into Immich's envelope: ApiException keeps its status, malformed
/// requests are 400, anything unexpected is a logged 500. Also envelopes bare 4xx/5xx with no body.</summary>
public sealed class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> log)
{
    public async Task Invoke(HttpContext ctx)
    {
        try
        {
            await next(ctx);
        }
        catch (ApiException e) when (!ctx.Response.HasStarted)
        {
            await ErrorEnvelope.Write(ctx, e.StatusCode, e.Message, e.Messages);
        }
        catch (BadHttpRequestException e) when (!ctx.Response.HasStarted)
        {
            await ErrorEnvelope.Write(ctx, e.StatusCode, e.Message);
        }
        catch (JsonException e) when (!ctx.Response.HasStarted)
        {
            await ErrorEnvelope.Write(ctx, 400, e.Message);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // client went away; nothing to answer
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            log.LogError(e, "Unhandled error on {Method} {Path}", ctx.Request.Method, ctx.Request.Path);
            await ErrorEnvelope.Write(ctx, 500, "Internal server error");
        }
    }
}
