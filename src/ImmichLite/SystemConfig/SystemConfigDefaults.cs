using ImmichLite.Contract;
using ImmichLite.Infrastructure;
using ImmichLite.Media.Video;

namespace ImmichLite.SystemConfig;

/// <summary>Immich v1.134's system-config defaults (server/src/config.ts), with this server's start-up settings
/// (--transcode-*, --backup-keep, --no-machine-learning, --clip-model) in place of upstream's; and the storage-template options.</summary>
public static class SystemConfigDefaults
{
    public const string BackupCron = "0 02 * * *";
    public const string MlUrl = "http://immich-machine-learning:3003";

    static JobSettingsDto Jobs(int n) => new() { Concurrency = n };

    public static SystemConfigDto For(AppConfig config) => new()
    {
        Backup = new SystemConfigBackupsDto
        {
            Database = new DatabaseBackupConfig { Enabled = config.BackupKeep > 0, CronExpression = BackupCron, KeepLastAmount = config.BackupKeep > 0 ? config.BackupKeep : 14 },
        },
        Ffmpeg = FfmpegConfig.Clone(config.Transcoding.Ffmpeg),
        Job = new SystemConfigJobDto
        {
            BackgroundTask = Jobs(5), SmartSearch = Jobs(2), MetadataExtraction = Jobs(5), FaceDetection = Jobs(2), Search = Jobs(5),
            Sidecar = Jobs(5), Library = Jobs(5), Migration = Jobs(5), ThumbnailGeneration = Jobs(3), VideoConversion = Jobs(1), Notifications = Jobs(5),
        },
        Logging = new SystemConfigLoggingDto { Enabled = true, Level = Contract.LogLevel.Log },
        MachineLearning = new SystemConfigMachineLearningDto
        {
            // smart search runs in this process; whether it does, and with which model, is set at start-up
            Enabled = config.MachineLearning, Urls = [MlUrl],
            Clip = new CLIPConfig { Enabled = config.MachineLearning, ModelName = config.ClipModel },
            DuplicateDetection = new DuplicateDetectionConfig { Enabled = true, MaxDistance = 0.01 },
            FacialRecognition = new FacialRecognitionConfig { Enabled = true, ModelName = "buffalo_l", MinScore = 0.7, MaxDistance = 0.5, MinFaces = 3 },
        },
        Map = new SystemConfigMapDto
        {
            Enabled = true, LightStyle = "https://tiles.immich.cloud/v1/style/light.json", DarkStyle = "https://tiles.immich.cloud/v1/style/dark.json",
        },
        ReverseGeocoding = new SystemConfigReverseGeocodingDto { Enabled = true },
        Metadata = new SystemConfigMetadataDto { Faces = new SystemConfigFacesDto { Import = false } },
        Oauth = new SystemConfigOAuthDto
        {
            AutoLaunch = false, AutoRegister = true, ButtonText = "Login with OAuth", ClientId = "", ClientSecret = "", DefaultStorageQuota = 0,
            Enabled = false, IssuerUrl = "", MobileOverrideEnabled = false, MobileRedirectUri = "", Scope = "openid email profile",
            SigningAlgorithm = "RS256", ProfileSigningAlgorithm = "none", TokenEndpointAuthMethod = OAuthTokenEndpointAuthMethod.ClientSecretPost,
            Timeout = 30_000, StorageLabelClaim = "preferred_username", StorageQuotaClaim = "immich_quota",
        },
        PasswordLogin = new SystemConfigPasswordLoginDto { Enabled = true },
        StorageTemplate = new SystemConfigStorageTemplateDto { Enabled = false, HashVerificationEnabled = true, Template = "{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}" },
        Image = new SystemConfigImageDto
        {
            Thumbnail = new SystemConfigGeneratedImageDto { Format = ImageFormat.Webp, Size = 250, Quality = 80 },
            Preview = new SystemConfigGeneratedImageDto { Format = ImageFormat.Jpeg, Size = 1440, Quality = 80 },
            Colorspace = Colorspace.P3, ExtractEmbedded = false,
            Fullsize = new SystemConfigGeneratedFullsizeImageDto { Enabled = false, Format = ImageFormat.Jpeg, Quality = 80 },
        },
        NewVersionCheck = new SystemConfigNewVersionCheckDto { Enabled = true },
        Trash = new SystemConfigTrashDto { Enabled = true, Days = 30 },
        Theme = new SystemConfigThemeDto { CustomCss = "" },
        Library = new SystemConfigLibraryDto
        {
            Scan = new SystemConfigLibraryScanDto { Enabled = true, CronExpression = "0 0 * * *" },
            Watch = new SystemConfigLibraryWatchDto { Enabled = false },
        },
        Server = new SystemConfigServerDto { ExternalDomain = "", LoginPageMessage = "", PublicUsers = true },
        Notifications = new SystemConfigNotificationsDto
        {
            Smtp = new SystemConfigSmtpDto
            {
                Enabled = false, From = "", ReplyTo = "",
                Transport = new SystemConfigSmtpTransportDto { IgnoreCert = false, Host = "", Port = 587, Username = "", Password = "" },
            },
        },
        Templates = new SystemConfigTemplatesDto { Email = new SystemConfigTemplateEmailsDto { AlbumInviteTemplate = "", WelcomeTemplate = "", AlbumUpdateTemplate = "" } },
        User = new SystemConfigUserDto { DeleteDelay = 7 },
    };

    /// <summary>GET /system-config/storage-template-options: upstream's token lists and presets.</summary>
    public static SystemConfigTemplateStorageOptionDto StorageTemplateOptions() => new()
    {
        YearOptions = ["y", "yy"],
        MonthOptions = ["M", "MM", "MMM", "MMMM"],
        WeekOptions = ["W", "WW"],
        DayOptions = ["d", "dd"],
        HourOptions = ["h", "hh", "H", "HH"],
        MinuteOptions = ["m", "mm"],
        SecondOptions = ["s", "ss", "SSS"],
        PresetOptions =
        [
            "{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}",
            "{{y}}/{{MM}}-{{dd}}/{{filename}}",
            "{{y}}/{{MMMM}}-{{dd}}/{{filename}}",
            "{{y}}/{{MM}}/{{filename}}",
            "{{y}}/{{#if album}}{{album}}{{else}}Other/{{MM}}{{/if}}/{{filename}}",
            "{{#if album}}{{album-startDate-y}}/{{album}}{{else}}{{y}}/Other/{{MM}}{{/if}}/{{filename}}",
            "{{y}}/{{MMM}}/{{filename}}",
            "{{y}}/{{MMMM}}/{{filename}}",
            "{{y}}/{{MM}}/{{dd}}/{{filename}}",
            "{{y}}/{{MMMM}}/{{dd}}/{{filename}}",
            "{{y}}/{{y}}-{{MM}}/{{y}}-{{MM}}-{{dd}}/{{filename}}",
            "{{y}}-{{MM}}-{{dd}}/{{filename}}",
            "{{y}}-{{MMM}}-{{dd}}/{{filename}}",
            "{{y}}-{{MMMM}}-{{dd}}/{{filename}}",
            "{{y}}/{{y}}-{{MM}}/{{filename}}",
            "{{y}}/{{y}}-{{WW}}/{{filename}}",
            "{{y}}/{{y}}-{{MM}}-{{dd}}/{{assetId}}",
            "{{y}}/{{y}}-{{MM}}/{{assetId}}",
            "{{y}}/{{y}}-{{WW}}/{{assetId}}",
            "{{album}}/{{filename}}",
        ],
    };
}
