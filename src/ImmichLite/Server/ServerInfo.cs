using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Server;

/// <summary>What the server says about itself: version, features (derived from what is really mapped),
/// public config, disk usage.</summary>
public sealed class ServerInfo(ApiRoutes.Registry registry, UserStore users, SystemMetadataStore metadata, StorageLayout storage, ServerSettings settings,
    MachineLearning.ClipService clip)
{
    public const int Major = 1, Minor = 134, Patch = 0;
    public static string Version => $"{Major}.{Minor}.{Patch}";

    public const string AdminOnboardingKey = "admin-onboarding";
    public const string LicenseKey = "license";

    bool Has(string operationId) => registry.Implemented.Contains(operationId);

    /// <summary>Each flag is true only when the operations behind it are served for real.</summary>
    public ServerFeaturesDto Features() => new()
    {
        PasswordLogin = Has("login") && settings.PasswordLogin,
        Trash = Has("emptyTrash") && Has("restoreTrash") && settings.TrashEnabled,
        Map = Has("getMapMarkers") && settings.MapEnabled,
        ReverseGeocoding = Has("reverseGeocode") && settings.ReverseGeocoding,
        Search = Has("searchAssets"),
        SmartSearch = Has("searchSmart") && clip.Usable, // off without vec0, ML, a known model, or once the model could not be had
        FacialRecognition = Has("getAllPeople") && Has("getFaces"),
        DuplicateDetection = Has("getAssetDuplicates"),
        Sidecar = false,
        ImportFaces = false,
        Oauth = false,
        OauthAutoLaunch = false,
        ConfigFile = false,
        Email = false,
    };

    public ServerConfigDto Config() => new()
    {
        ExternalDomain = settings.ExternalDomain,
        LoginPageMessage = settings.LoginPageMessage,
        OauthButtonText = "Login with OAuth",
        MapLightStyleUrl = settings.MapLightStyle,
        MapDarkStyleUrl = settings.MapDarkStyle,
        TrashDays = settings.TrashDays,
        UserDeleteDelay = settings.UserDeleteDelay,
        IsInitialized = users.AdminExists(),
        IsOnboarded = IsOnboarded(),
        PublicUsers = settings.PublicUsers,
    };

    public bool IsOnboarded() => metadata.Get(AdminOnboardingKey) is { } json &&
        System.Text.Json.JsonSerializer.Deserialize(json, ImmichJsonContext.Default.AdminOnboardingUpdateDto)?.IsOnboarded == true;

    public ServerStorageResponseDto Storage()
    {
        var drive = new DriveInfo(storage.Root);
        var total = drive.TotalSize;
        var free = drive.AvailableFreeSpace;
        var used = total - free;
        return new ServerStorageResponseDto
        {
            DiskSize = HumanBytes(total),
            DiskUse = HumanBytes(used),
            DiskAvailable = HumanBytes(free),
            DiskSizeRaw = total,
            DiskUseRaw = used,
            DiskAvailableRaw = free,
            DiskUsagePercentage = total == 0 ? 0 : Math.Round(used * 100.0 / total, 2),
        };
    }

    /// <summary>"58.2 GiB": binary units with one decimal, as Immich prints disk sizes.</summary>
    public static string HumanBytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double v = bytes;
        var i = 0;
        while (v >= 1024 && i < units.Length - 1) { v /= 1024; i++; }
        return $"{Math.Round(v, 1).ToString(System.Globalization.CultureInfo.InvariantCulture)} {units[i]}";
    }
}
