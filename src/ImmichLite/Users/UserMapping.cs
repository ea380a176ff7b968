using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Users;

/// <summary>Storage rows to the contract's user shapes.</summary>
public static class UserMapping
{
    public static UserAvatarColor AvatarColor(UserRow u) =>
        u.AvatarColor is { } c && EnumText.TryParse<UserAvatarColor>(c, out var color) ? color : UserAvatarColor.Primary;

    public static UserResponseDto ToUser(UserRow u) => new()
    {
        Id = u.Id,
        Email = u.Email,
        Name = u.Name,
        ProfileImagePath = u.ProfileImagePath,
        AvatarColor = AvatarColor(u),
        ProfileChangedAt = u.ProfileChangedAt,
    };

    public static UserAdminResponseDto ToAdmin(UserRow u, UserLicense? license) => new()
    {
        Id = u.Id,
        Email = u.Email,
        Name = u.Name,
        ProfileImagePath = u.ProfileImagePath,
        AvatarColor = AvatarColor(u),
        ProfileChangedAt = u.ProfileChangedAt,
        OauthId = u.OauthId,
        CreatedAt = u.CreatedAt,
        UpdatedAt = u.UpdatedAt,
        DeletedAt = u.DeletedAt,
        IsAdmin = u.IsAdmin,
        ShouldChangePassword = u.ShouldChangePassword,
        Status = EnumText.TryParse<UserStatus>(u.Status, out var st) ? st : UserStatus.Active,
        StorageLabel = u.StorageLabel,
        QuotaSizeInBytes = u.QuotaSizeInBytes,
        QuotaUsageInBytes = u.QuotaUsageInBytes,
        License = license,
    };
}
