using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ImmichLite.Contract;

/// <summary>The error body Immich (NestJS) sends: <c>{message, error, statusCode, correlationId}</c>.</summary>
public sealed class ErrorResponse
{
    /// <summary>A string, or an array of strings for validation errors.</summary>
    [JsonPropertyName("message")]
    public required JsonNode Message { get; set; }

    [JsonPropertyName("error")]
    public required string Error { get; set; }

    [JsonPropertyName("statusCode")]
    public required int StatusCode { get; set; }

    [JsonPropertyName("correlationId")]
    public required string CorrelationId { get; set; }
}
