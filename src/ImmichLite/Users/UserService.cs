using System.Text.Json;
using System.Text.RegularExpressions;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Users;

/// <summary>User rules shared by sign-up, the admin area and /users/me: e-mail normalisation and
/// uniqueness, storage labels, password hashing, preferences with Immich's defaults, and the license.</summary>
public sealed partial class UserService(UserStore users, TimeProvider clock)
{
    public const string PreferencesKey = "preferences";
    public const string LicenseKey = "license";

    public static string NormaliseEmail(string email) => email.Trim().ToLowerInvariant();

    public UserRow GetOrThrow(string id, bool withDeleted = false) =>
        users.Get(id, withDeleted) ?? throw ApiException.BadRequest("User not found");

    public async Task<UserRow> CreateAsync(string email, string name, string password, bool isAdmin, bool shouldChangePassword,
        string? storageLabel, long? quota, UserAvatarColor? color)
    {
        email = NormaliseEmail(email);
        if (users.EmailTaken(email, null)) throw ApiException.BadRequest("User exists");
        storageLabel = SanitiseLabel(storageLabel);
        if (storageLabel is not null && users.StorageLabelTaken(storageLabel, null)) throw ApiException.BadRequest("Storage label already taken");
        var now = clock.GetUtcNow().UtcDateTime;
        var row = new UserRow
        {
            Id = Ids.New(),
            Email = email,
            Name = name,
            Password = Crypto.HashPassword(password),
            IsAdmin = isAdmin,
            ShouldChangePassword = shouldChangePassword,
            StorageLabel = storageLabel,
            QuotaSizeInBytes = quota,
            AvatarColor = color is { } c ? EnumText.Of(c) : null,
            ProfileChangedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await users.InsertAsync(row);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteErrorCode == 19)
        {
            // a concurrent create won the unique index
            throw ApiException.BadRequest("User exists");
        }
        return row;
    }

    /// <summary>Applies the fields an admin (or the user, for the subset /users/me allows) sent.</summary>
    public async Task<UserRow> UpdateAsync(UserRow u, string? email, string? name, string? password, UserAvatarColor? color,
        bool colorGiven = false, bool? shouldChangePassword = null, bool storageLabelGiven = false, string? storageLabel = null,
        bool quotaGiven = false, long? quota = null, bool pinCodeCleared = false)
    {
        if (email is not null)
        {
            email = NormaliseEmail(email);
            if (users.EmailTaken(email, u.Id)) throw ApiException.BadRequest("Email already in use by another account");
            u = u with { Email = email };
        }
        if (name is not null) u = u with { Name = name };
        if (password is not null) u = u with { Password = Crypto.HashPassword(password), ShouldChangePassword = shouldChangePassword ?? false };
        else if (shouldChangePassword is { } scp) u = u with { ShouldChangePassword = scp };
        if (colorGiven) u = u with { AvatarColor = color is { } c ? EnumText.Of(c) : null };
        if (storageLabelGiven)
        {
            var label = SanitiseLabel(storageLabel);
            if (label is not null && users.StorageLabelTaken(label, u.Id)) throw ApiException.BadRequest("Storage label already taken");
            u = u with { StorageLabel = label };
        }
        if (quotaGiven) u = u with { QuotaSizeInBytes = quota };
        if (pinCodeCleared) u = u with { PinCode = null };
        return await users.UpdateAsync(u);
    }

    /// <summary>Storage labels become folder names: keep them to safe file-name characters, "" means none.</summary>
    public static string? SanitiseLabel(string? label)
    {
        if (label is null) return null;
        var s = UnsafeChars().Replace(label.Trim(), "");
        s = s.Trim('.');
        return s.Length == 0 ? null : s;
    }

    [GeneratedRegex(@"[\/\\\?<>:\*\|""\x00-\x1f]")]
    private static partial Regex UnsafeChars();

    // ---- preferences ----

    public static UserPreferencesResponseDto DefaultPreferences() => new()
    {
        Download = new DownloadResponse { ArchiveSize = 4L * 1024 * 1024 * 1024, IncludeEmbeddedVideos = false },
        EmailNotifications = new EmailNotificationsResponse { Enabled = true, AlbumInvite = true, AlbumUpdate = true },
        Folders = new FoldersResponse { Enabled = false, SidebarWeb = false },
        Memories = new MemoriesResponse { Enabled = true },
        People = new PeopleResponse { Enabled = true, SidebarWeb = false },
        Purchase = new PurchaseResponse { ShowSupportBadge = true, HideBuyButtonUntil = "2022-02-12T00:00:00.000Z" },
        Ratings = new RatingsResponse { Enabled = false },
        SharedLinks = new SharedLinksResponse { Enabled = true, SidebarWeb = false },
        Tags = new TagsResponse { Enabled = false, SidebarWeb = false },
    };

    public UserPreferencesResponseDto GetPreferences(string userId)
    {
        var json = users.GetMetadata(userId, PreferencesKey);
        if (json is null) return DefaultPreferences();
        try
        {
            return JsonSerializer.Deserialize(json, ImmichJsonContext.Default.UserPreferencesResponseDto) ?? DefaultPreferences();
        }
        catch (JsonException)
        {
            return DefaultPreferences();
        }
    }

    public async Task<UserPreferencesResponseDto> UpdatePreferencesAsync(UserRow user, UserPreferencesUpdateDto dto)
    {
        var p = GetPreferences(user.Id);
        if (dto.Download is { } d)
        {
            if (d.ArchiveSize is { } size) p.Download.ArchiveSize = size;
            if (d.IncludeEmbeddedVideos is { } v) p.Download.IncludeEmbeddedVideos = v;
        }
        if (dto.EmailNotifications is { } e)
        {
            if (e.Enabled is { } en) p.EmailNotifications.Enabled = en;
            if (e.AlbumInvite is { } ai) p.EmailNotifications.AlbumInvite = ai;
            if (e.AlbumUpdate is { } au) p.EmailNotifications.AlbumUpdate = au;
        }
        if (dto.Folders is { } f) { if (f.Enabled is { } x) p.Folders.Enabled = x; if (f.SidebarWeb is { } y) p.Folders.SidebarWeb = y; }
        if (dto.Memories is { } m && m.Enabled is { } me) p.Memories.Enabled = me;
        if (dto.People is { } pe) { if (pe.Enabled is { } x) p.People.Enabled = x; if (pe.SidebarWeb is { } y) p.People.SidebarWeb = y; }
        if (dto.Purchase is { } pu)
        {
            if (pu.ShowSupportBadge is { } b) p.Purchase.ShowSupportBadge = b;
            if (pu.HideBuyButtonUntil is { } h) p.Purchase.HideBuyButtonUntil = h;
        }
        if (dto.Ratings is { } r && r.Enabled is { } re) p.Ratings.Enabled = re;
        if (dto.SharedLinks is { } sl) { if (sl.Enabled is { } x) p.SharedLinks.Enabled = x; if (sl.SidebarWeb is { } y) p.SharedLinks.SidebarWeb = y; }
        if (dto.Tags is { } t) { if (t.Enabled is { } x) p.Tags.Enabled = x; if (t.SidebarWeb is { } y) p.Tags.SidebarWeb = y; }
        if (dto.Avatar is { } av && av.Color is { } color && EnumText.Of(color) != user.AvatarColor)
            await users.UpdateAsync(user with { AvatarColor = EnumText.Of(color) });
        await users.SetMetadataAsync(user.Id, PreferencesKey, JsonSerializer.Serialize(p, ImmichJsonContext.Default.UserPreferencesResponseDto));
        return p;
    }

    // ---- license ----

    public UserLicense? GetLicense(string userId)
    {
        var json = users.GetMetadata(userId, LicenseKey);
        return json is null ? null : JsonSerializer.Deserialize(json, ImmichJsonContext.Default.UserLicense);
    }

    public UserAdminResponseDto ToAdminDto(UserRow u) => UserMapping.ToAdmin(u, GetLicense(u.Id));

    /// <summary>Immich license keys look like IMCL-XXXX-…(individual) or IMSV-…(server). ImmichLite cannot
    /// verify Immich's signature, so it checks the shape, and the activation key is stored as given.</summary>
    [GeneratedRegex(@"^IM(CL|SV)(-[0-9A-Z]{4}){8}$")]
    public static partial Regex LicenseKeyShape();
}
