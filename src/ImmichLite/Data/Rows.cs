namespace ImmichLite.Data;

// Storage rows: what the tables hold, mapped by hand. API shapes live in Contract/ (generated).

public sealed record UserRow
{
    public required string Id { get; init; }
    public required string Email { get; init; }
    public string Password { get; init; } = "";
    public string Name { get; init; } = "";
    public bool IsAdmin { get; init; }
    public string? AvatarColor { get; init; }
    public string ProfileImagePath { get; init; } = "";
    public DateTime ProfileChangedAt { get; init; }
    public bool ShouldChangePassword { get; init; }
    public string OauthId { get; init; } = "";
    public string? StorageLabel { get; init; }
    public long? QuotaSizeInBytes { get; init; }
    public long QuotaUsageInBytes { get; init; }
    public string Status { get; init; } = "active";
    public string? PinCode { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public DateTime? DeletedAt { get; init; }
}

public sealed record SessionRow
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public string DeviceType { get; init; } = "";
    public string DeviceOS { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public DateTime? ExpiresAt { get; init; }
    public DateTime? PinExpiresAt { get; init; }
}

public sealed record ApiKeyRow
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string UserId { get; init; }
    public required string[] Permissions { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
}
