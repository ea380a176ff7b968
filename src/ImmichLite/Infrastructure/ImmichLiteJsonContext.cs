using System.Text.Json.Serialization;

namespace ImmichLite.Infrastructure;

// Shapes that are not in the Immich OpenAPI contract but are served all the same.

public sealed class WellKnownApi
{
    [JsonPropertyName("endpoint")] public required string Endpoint { get; init; }
}

/// <summary>GET /.well-known/immich — how the app finds the API: {"api":{"endpoint":"/api"}}.</summary>
public sealed class WellKnown
{
    [JsonPropertyName("api")] public required WellKnownApi Api { get; init; }
}

[JsonSerializable(typeof(WellKnown))]
public partial class ImmichLiteJsonContext : JsonSerializerContext;
