using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ImmichLite.Contract;
using Microsoft.AspNetCore.Http;

namespace ImmichLite.Infrastructure;

/// <summary>Writes every error as Immich does: {message, error, statusCode, correlationId}.</summary>
public static class ErrorEnvelope
{
    const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string CorrelationId(HttpContext ctx)
    {
        if (ctx.Items.TryGetValue("correlationId", out var v) && v is string s) return s;
        Span<char> id = stackalloc char[8];
        for (var i = 0; i < id.Length; i++) id[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        var cid = new string(id);
        ctx.Items["correlationId"] = cid;
        return cid;
    }

    public static Task Write(HttpContext ctx, int status, string message, IReadOnlyList<string>? messages = null)
    {
        JsonNode msg = messages is { Count: > 0 } ? new JsonArray(messages.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()) : JsonValue.Create(message)!;
        var body = new ErrorResponse
        {
            Message = msg,
            Error = ApiException.ReasonPhrase(status),
            StatusCode = status,
            CorrelationId = CorrelationId(ctx),
        };
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        return ctx.Response.WriteAsJsonAsync(body, ImmichJsonContext.Default.ErrorResponse, contentType: "application/json; charset=utf-8");
    }

    public static IResult Result(int status, string message) => new EnvelopeResult(status, message, null);

    sealed class EnvelopeResult(int status, string message, IReadOnlyList<string>? messages) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => Write(httpContext, status, message, messages);
    }
}
