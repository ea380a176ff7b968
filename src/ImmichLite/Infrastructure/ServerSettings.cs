namespace ImmichLite.Infrastructure;

/// <summary>Server-wide settings, live: Immich's defaults (trash kept 30 days, deleted users removed after 7, …) and
/// start-up flags at first; the admin's system config (SystemConfig/SystemConfigService) replaces them on start and on
/// every PUT /system-config. Readers take the current value each time, so a change applies without a restart.</summary>
public sealed class ServerSettings
{
    public ServerSettings() { }
    public ServerSettings(AppConfig config)
    {
        Transcoding = config.Transcoding;
        BackupKeep = config.BackupKeep;
    }

    public int TrashDays { get; set; } = 30;
    /// <summary>trash.enabled: when off, deleting an asset deletes it for good (as upstream) and /server/features says no trash.</summary>
    public bool TrashEnabled { get; set; } = true;
    public int UserDeleteDelay { get; set; } = 7;
    /// <summary>Nightly database copies kept in backups/ (upstream: 14); 0 turns the nightly backup off.</summary>
    public int BackupKeep { get; set; } = 14;
    /// <summary>image.preview / image.thumbnail: JPEG 1440 q80 and WebP 250 q80.</summary>
    public Media.Thumbnails.ThumbnailOptions Thumbnails { get; set; } = new();
    /// <summary>ffmpeg: upstream's defaults (H.264/AAC, CRF 23, ultrafast, 720p, policy required, no acceleration) or what
    /// AppConfig set at start.</summary>
    public Media.Video.TranscodeSettings Transcoding { get; set; } = Media.Video.TranscodeSettings.Default;
    /// <summary>job.*.concurrency the admin changed from upstream's defaults; read when the job runner starts.</summary>
    public IReadOnlyDictionary<Contract.JobName, int> JobConcurrency { get; set; } = new Dictionary<Contract.JobName, int>();
    // server, map, reverse geocoding, password login, theme: as /server/config, /server/features and /server/theme report them
    public string ExternalDomain { get; set; } = "";
    public string LoginPageMessage { get; set; } = "";
    public bool PublicUsers { get; set; } = true;
    public bool MapEnabled { get; set; } = true;
    public string MapLightStyle { get; set; } = "https://tiles.immich.cloud/v1/style/light.json";
    public string MapDarkStyle { get; set; } = "https://tiles.immich.cloud/v1/style/dark.json";
    public bool ReverseGeocoding { get; set; } = true;
    public bool PasswordLogin { get; set; } = true;
    public string CustomCss { get; set; } = "";
}
