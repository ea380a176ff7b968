namespace ImmichLite.Infrastructure;

/// <summary>An error that maps to Immich's error envelope. Throw it anywhere below an endpoint.</summary>
public sealed class ApiException(int statusCode, string message, IReadOnlyList<string>? messages = null) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    /// <summary>Validation errors are a list, as NestJS's ValidationPipe reports them.</summary>
    public IReadOnlyList<string>? Messages { get; } = messages;

    public static ApiException BadRequest(string message) => new(400, message);
    public static ApiException Validation(IReadOnlyList<string> messages) => new(400, string.Join("; ", messages), messages);
    public static ApiException Unauthorized(string message = "Authentication required") => new(401, message);
    public static ApiException Forbidden(string message = "Forbidden resource") => new(403, message);
    public static ApiException NotFound(string message = "Not found") => new(404, message);
    public static ApiException Conflict(string message) => new(409, message);
    public static ApiException NotImplemented(string message) => new(501, message);

    public static string ReasonPhrase(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Error",
    };
}
