using System.Text.Json;
using System.Text.Json.Nodes;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Media.Video;

namespace ImmichLite.SystemConfig;

/// <summary>The admin's system config: defaults (upstream's, with this server's start-up settings) overlaid with what
/// was saved in system metadata; an update is checked, stored, applied to <see cref="ServerSettings"/> (read live by
/// the trash purger, user deletion, thumbnails, video conversion, backups, login and /server/*), then broadcast.</summary>
public sealed class SystemConfigService(AppConfig config, SystemMetadataStore metadata, ServerSettings settings, EventHub events)
{
    public const string Key = "system-config";
    static ImmichJsonContext J => ImmichJsonContext.Default;
    readonly SemaphoreSlim _gate = new(1, 1);

    public SystemConfigDto Defaults() => SystemConfigDefaults.For(config);

    /// <summary>The defaults with the saved document laid over them, key by key (a key the saved copy lacks keeps its default).</summary>
    public SystemConfigDto Current()
    {
        var node = JsonSerializer.SerializeToNode(Defaults(), J.SystemConfigDto)!.AsObject();
        if (metadata.Get(Key) is { } saved && JsonNode.Parse(saved) is JsonObject stored) Overlay(node, stored);
        return node.Deserialize(J.SystemConfigDto)!;
    }

    static void Overlay(JsonObject target, JsonObject source)
    {
        foreach (var (name, value) in source)
        {
            if (value is JsonObject o && target[name] is JsonObject t) Overlay(t, o);
            else if (target.ContainsKey(name)) target[name] = value?.DeepClone();
        }
    }

    /// <summary>Applies the stored config at start (before the job runner reads its concurrency).</summary>
    public void ApplyStored() => Apply(Current());

    public async Task<SystemConfigDto> UpdateAsync(SystemConfigDto dto)
    {
        var refused = Unsupported(dto, Defaults());
        if (refused.Count > 0) throw ApiException.Validation(refused);
        await _gate.WaitAsync();
        try
        {
            await metadata.SetAsync(Key, JsonSerializer.Serialize(dto, J.SystemConfigDto));
            Apply(dto);
        }
        finally { _gate.Release(); }
        events.ConfigUpdated();
        return Current();
    }

    /// <summary>Settings of features this server does not have: leaving them at the default or off is fine; switching
    /// them on (or pointing them somewhere) is refused, naming the setting, so the admin is not misled.</summary>
    static List<string> Unsupported(SystemConfigDto c, SystemConfigDto d)
    {
        var errors = new List<string>();
        void Refuse(bool when, string setting, string what) { if (when) errors.Add($"{setting}: {what} is not supported by this server"); }
        Refuse(c.Oauth.Enabled, "oauth.enabled", "OAuth login");
        // smart search is set up when the server starts (the model is loaded and its vector table sized then)
        void AtStart(bool when, string setting, string flag) { if (when) errors.Add($"{setting}: changing it while the server runs is not supported by this server; start it with {flag}"); }
        AtStart(c.MachineLearning.Enabled != d.MachineLearning.Enabled, "machineLearning.enabled", "--no-machine-learning (IMMICH_MACHINE_LEARNING_ENABLED)");
        AtStart(c.MachineLearning.Clip.Enabled != d.MachineLearning.Clip.Enabled, "machineLearning.clip.enabled", "--no-machine-learning (IMMICH_MACHINE_LEARNING_ENABLED)");
        AtStart(c.MachineLearning.Clip.ModelName != d.MachineLearning.Clip.ModelName, "machineLearning.clip.modelName", "--clip-model (IMMICH_CLIP_MODEL)");
        Refuse(c.MachineLearning.Enabled && !c.MachineLearning.Urls.SequenceEqual(d.MachineLearning.Urls), "machineLearning.urls", "a machine-learning server");
        Refuse(c.StorageTemplate.Enabled, "storageTemplate.enabled", "the storage template");
        Refuse(c.Notifications.Smtp.Enabled, "notifications.smtp.enabled", "e-mail (SMTP)");
        Refuse(c.Library.Watch.Enabled, "library.watch.enabled", "watching external libraries");
        Refuse(c.Metadata.Faces.Import, "metadata.faces.import", "importing faces from metadata");
        Refuse(c.Image.Fullsize.Enabled, "image.fullsize.enabled", "a generated full-size image");
        Refuse(c.Image.Thumbnail.Format != ImageFormat.Webp, "image.thumbnail.format", "a thumbnail format other than webp");
        Refuse(c.Image.Preview.Format != ImageFormat.Jpeg, "image.preview.format", "a preview format other than jpeg");
        Refuse(c.Backup.Database.CronExpression.Trim() != SystemConfigDefaults.BackupCron, "backup.database.cronExpression",
            $"a backup schedule other than '{SystemConfigDefaults.BackupCron}' (nightly at 02:00)");
        return errors;
    }

    void Apply(SystemConfigDto c)
    {
        settings.TrashEnabled = c.Trash.Enabled;
        settings.TrashDays = c.Trash.Days;
        settings.UserDeleteDelay = c.User.DeleteDelay;
        settings.BackupKeep = c.Backup.Database.Enabled ? (int)Math.Min(c.Backup.Database.KeepLastAmount, 10_000) : 0;
        settings.Thumbnails = settings.Thumbnails with
        {
            ThumbnailSize = c.Image.Thumbnail.Size, ThumbnailQuality = c.Image.Thumbnail.Quality,
            PreviewSize = c.Image.Preview.Size, PreviewQuality = c.Image.Preview.Quality,
        };
        // accel "disabled" keeps a start-up --transcode-accel v4l2m2m (Immich's enum cannot name it)
        settings.Transcoding = new TranscodeSettings(c.Ffmpeg, config.Transcoding.UseV4l2m2m && c.Ffmpeg.Accel == TranscodeHWAccel.Disabled);
        settings.JobConcurrency = JobConcurrency(c.Job, Defaults().Job);
        settings.ExternalDomain = c.Server.ExternalDomain;
        settings.LoginPageMessage = c.Server.LoginPageMessage;
        settings.PublicUsers = c.Server.PublicUsers;
        settings.MapEnabled = c.Map.Enabled;
        settings.MapLightStyle = c.Map.LightStyle;
        settings.MapDarkStyle = c.Map.DarkStyle;
        settings.ReverseGeocoding = c.ReverseGeocoding.Enabled;
        settings.PasswordLogin = c.PasswordLogin.Enabled;
        settings.CustomCss = c.Theme.CustomCss;
    }

    /// <summary>Only the queues whose concurrency differs from upstream's default: the others keep this server's
    /// core-count-aware defaults (JobQueue.DefaultConcurrency).</summary>
    static Dictionary<JobName, int> JobConcurrency(SystemConfigJobDto c, SystemConfigJobDto d)
    {
        var map = new Dictionary<JobName, int>();
        void Set(JobName q, JobSettingsDto v, JobSettingsDto def) { if (v.Concurrency != def.Concurrency) map[q] = v.Concurrency; }
        Set(JobName.ThumbnailGeneration, c.ThumbnailGeneration, d.ThumbnailGeneration);
        Set(JobName.MetadataExtraction, c.MetadataExtraction, d.MetadataExtraction);
        Set(JobName.VideoConversion, c.VideoConversion, d.VideoConversion);
        Set(JobName.BackgroundTask, c.BackgroundTask, d.BackgroundTask);
        Set(JobName.SmartSearch, c.SmartSearch, d.SmartSearch);
        Set(JobName.FaceDetection, c.FaceDetection, d.FaceDetection);
        Set(JobName.Search, c.Search, d.Search);
        Set(JobName.Sidecar, c.Sidecar, d.Sidecar);
        Set(JobName.Library, c.Library, d.Library);
        Set(JobName.Migration, c.Migration, d.Migration);
        Set(JobName.Notifications, c.Notifications, d.Notifications);
        return map;
    }
}
