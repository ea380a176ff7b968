using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ImmichLite.Contract;
using Microsoft.AspNetCore.Http;

namespace ImmichLite.Infrastructure;

/// <summary>Small request/response helpers for handlers written against HttpContext (no reflection:
/// every (de)serialisation names its source-generated type info).</summary>
public static class Http
{
    public const int MaxJsonBody = 10 * 1024 * 1024;
    public const string RawBodyKey = "immichlite.rawBody";

    static async Task<byte[]> ReadLimitedAsync(HttpContext ctx, int limit)
    {
        using var ms = new MemoryStream();
        var buf = new byte[16 * 1024];
        int n;
        while ((n = await ctx.Request.Body.ReadAsync(buf, ctx.RequestAborted)) > 0)
        {
            if (ms.Length + n > limit) throw new ApiException(413, "request entity too large");
            ms.Write(buf, 0, n);
        }
        return ms.ToArray();
    }

    /// <summary>Whether the JSON body just read set a field explicitly to null (clear it), rather than leaving it out.</summary>
    public static bool BodySetsNull(this HttpContext ctx, string field)
    {
        if (ctx.Items[RawBodyKey] is not byte[] bytes || bytes.Length == 0) return false;
        var reader = new Utf8JsonReader(bytes);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(field);
            reader.Read();
            if (match) return reader.TokenType == JsonTokenType.Null;
            reader.Skip();
        }
        return false;
    }

    /// <summary>Reads and validates a JSON body: malformed JSON, a wrong type, an unknown enum value or a
    /// missing required field is a 400 with class-validator-style messages.</summary>
    public static async Task<T> Body<T>(this HttpContext ctx, JsonTypeInfo<T> type) where T : class
    {
        if (ctx.Request.ContentLength > MaxJsonBody) throw new ApiException(413, "request entity too large");
        var bytes = await ReadLimitedAsync(ctx, MaxJsonBody);
        ctx.Items[RawBodyKey] = bytes;
        if (bytes.Length == 0) throw ApiException.Validation(["request body must be a JSON object"]);
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(bytes, type);
        }
        catch (JsonException e)
        {
            throw ApiException.Validation([DescribeJsonError(e)]);
        }
        if (value is null) throw ApiException.Validation(["request body must be a JSON object"]);
        if (value is IValidatable v)
        {
            var errors = new List<string>();
            v.Validate(errors);
            if (errors.Count > 0) throw ApiException.Validation(errors);
        }
        return value;
    }

    /// <summary>Like Body, but an empty body is an empty object (for operations whose body is optional).</summary>
    public static async Task<T> OptionalBody<T>(this HttpContext ctx, JsonTypeInfo<T> type, Func<T> empty) where T : class
    {
        if (ctx.Request.ContentLength is 0 || (ctx.Request.ContentLength is null && !ctx.Request.Headers.ContainsKey("Transfer-Encoding")))
            return empty();
        return await ctx.Body(type);
    }

    static string DescribeJsonError(JsonException e)
    {
        var msg = e.Message;
        const string missing = "missing required properties including: ";
        var i = msg.IndexOf(missing, StringComparison.Ordinal);
        if (i >= 0)
        {
            var names = msg[(i + missing.Length)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(n => n.Trim('\'', '.', ' '));
            return string.Join("; ", names.Select(n => $"{n} should not be empty"));
        }
        if (e.Path is { Length: > 2 } path)
        {
            var field = path.StartsWith("$.") ? path[2..] : path;
            return $"{field} has an invalid value";
        }
        return "Invalid JSON body";
    }

    public static Task Json<T>(this HttpContext ctx, T value, JsonTypeInfo<T> type, int status = 200)
    {
        ctx.Response.StatusCode = status;
        return ctx.Response.WriteAsJsonAsync(value, type, contentType: "application/json; charset=utf-8", ctx.RequestAborted);
    }

    public static Task NoContent(this HttpContext ctx, int status = 204)
    {
        ctx.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>A route value that the spec declares as a UUID: 400 "id must be a UUID" otherwise.</summary>
    public static string RouteUuid(this HttpContext ctx, string name = "id")
    {
        var v = ctx.Request.RouteValues[name] as string;
        if (!Data.Ids.IsUuid(v)) throw ApiException.Validation([$"{name} must be a UUID"]);
        return v!.ToLowerInvariant();
    }

    public static string RouteString(this HttpContext ctx, string name) => ctx.Request.RouteValues[name] as string ?? "";

    public static string? QueryString(this HttpContext ctx, string name) =>
        ctx.Request.Query.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;

    public static bool? QueryBool(this HttpContext ctx, string name)
    {
        var s = ctx.QueryString(name);
        if (s is null) return null;
        return s switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            _ => throw ApiException.Validation([$"{name} must be a boolean value"]),
        };
    }

    public static string? QueryUuid(this HttpContext ctx, string name)
    {
        var s = ctx.QueryString(name);
        if (s is null) return null;
        if (!Data.Ids.IsUuid(s)) throw ApiException.Validation([$"{name} must be a UUID"]);
        return s.ToLowerInvariant();
    }

    /// <summary>The `visibility` query parameter (an AssetVisibility value) or null.</summary>
    public static string? QueryVisibility(this HttpContext ctx)
    {
        var v = ctx.QueryString("visibility");
        if (v is not null && !EnumText.TryParse<Contract.AssetVisibility>(v, out _))
            throw ApiException.Validation(["visibility must be one of the following values: archive, timeline, hidden, locked"]);
        return v;
    }

    /// <summary>A date-time query parameter (ISO 8601, UTC when it has no zone) or null; otherwise class-validator's
    /// "must be a Date instance".</summary>
    public static DateTime? QueryDate(this HttpContext ctx, string name)
    {
        var s = ctx.QueryString(name);
        if (s is null) return null;
        if (!IsoDateTimeConverter.TryParse(s, out var d)) throw ApiException.Validation([$"{name} must be a Date instance"]);
        return d;
    }

    public static int? QueryInt(this HttpContext ctx, string name, int? min = null, int? max = null)
    {
        var s = ctx.QueryString(name);
        if (s is null) return null;
        if (!int.TryParse(s, out var n)) throw ApiException.Validation([$"{name} must be an integer number"]);
        if (min is { } lo && n < lo) throw ApiException.Validation([$"{name} must not be less than {lo}"]);
        if (max is { } hi && n > hi) throw ApiException.Validation([$"{name} must not be greater than {hi}"]);
        return n;
    }
}
