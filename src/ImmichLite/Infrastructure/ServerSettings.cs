namespace ImmichLite.Infrastructure;

/// <summary>Server-wide settings with Immich's defaults (trash kept 30 days, deleted users removed after 7).
/// The admin's system configuration will set these once that area exists.</summary>
public sealed class ServerSettings
{
    public ServerSettings() { }
    public ServerSettings(AppConfig config) => Transcoding = config.Transcoding;

    public int TrashDays { get; set; } = 30;
    public int UserDeleteDelay { get; set; } = 7;
    /// <summary>Nightly database copies kept in backups/ (upstream: 14); 0 turns the nightly backup off.</summary>
    public int BackupKeep { get; set; } = 14;
    /// <summary>image.preview / image.thumbnail: JPEG 1440 q80 and WebP 250 q80.</summary>
    public Media.Thumbnails.ThumbnailOptions Thumbnails { get; set; } = new();
    /// <summary>ffmpeg: upstream's defaults (H.264/AAC, CRF 23, ultrafast, 720p, policy required, no acceleration) or what
    /// AppConfig set at start.</summary>
    public Media.Video.TranscodeSettings Transcoding { get; set; } = Media.Video.TranscodeSettings.Default;
}
