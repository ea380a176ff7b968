namespace ImmichLite.Infrastructure;

/// <summary>Start-up settings. Works with none: data in ./data, port 2283 on every interface.
/// Environment names follow upstream (IMMICH_HOST, IMMICH_PORT, IMMICH_MEDIA_LOCATION, IMMICH_LOG_LEVEL);
/// command-line flags (--host, --port, --data, --log-level, --transcode-*) win over the environment.</summary>
public sealed record AppConfig
{
    public string Host { get; init; } = "0.0.0.0";
    public int Port { get; init; } = 2283;
    public string MediaLocation { get; init; } = Path.GetFullPath("data");
    public string LogLevel { get; init; } = "log";
    /// <summary>First-run admin for headless installs (--admin-email/--admin-password or IMMICH_ADMIN_EMAIL/IMMICH_ADMIN_PASSWORD).</summary>
    public string? AdminEmail { get; init; }
    public string? AdminPassword { get; init; }
    public string AdminName { get; init; } = "Admin";
    /// <summary>Nightly database copies to keep in backups/ (--backup-keep or IMMICH_BACKUP_KEEP; 0: no nightly backup).</summary>
    public int BackupKeep { get; init; } = 14;
    /// <summary>Video transcoding: upstream's ffmpeg defaults, with --transcode-&lt;name&gt; / IMMICH_TRANSCODE_&lt;NAME&gt; applied
    /// (names in TranscodeSettings.OptionNames: accel, accel-decode, device, policy, …).</summary>
    public Media.Video.TranscodeSettings Transcoding { get; init; } = Media.Video.TranscodeSettings.Default;

    /// <summary>Machine learning (smart search) on or off: IMMICH_MACHINE_LEARNING_ENABLED=false or --no-machine-learning turns it off.</summary>
    public bool MachineLearning { get; init; } = true;
    /// <summary>CLIP model for smart search (--clip-model or IMMICH_CLIP_MODEL; upstream's default).</summary>
    public string ClipModel { get; init; } = ImmichLite.MachineLearning.ClipModels.DefaultModel;
    /// <summary>Model cache (--model-cache or MACHINE_LEARNING_CACHE_FOLDER, as upstream): &lt;cache&gt;/clip/&lt;model&gt;/...; default &lt;media&gt;/model-cache.</summary>
    public string? ModelCacheFolder { get; init; }
    public string ModelCachePath => ModelCacheFolder ?? Path.Combine(MediaLocation, "model-cache");
    /// <summary>Where models are downloaded from (--model-base-url, IMMICH_MODEL_BASE_URL or HF_ENDPOINT): Hugging Face or a mirror with its URL layout.</summary>
    public string ModelBaseUrl { get; init; } = ImmichLite.MachineLearning.ModelDownloader.DefaultBaseUrl;

    /// <summary>Seconds a loaded model may sit idle before it is unloaded (MACHINE_LEARNING_MODEL_TTL, as upstream; 0: never).</summary>
    public int ModelTtlSeconds { get; init; } = 300;

    public string DatabasePath => Path.Combine(MediaLocation, "immichlite.db");

    public static AppConfig Load(string[] args, IReadOnlyDictionary<string, string?>? env = null)
    {
        string? Env(string name) => env is not null ? env.GetValueOrDefault(name) : Environment.GetEnvironmentVariable(name);
        var c = new AppConfig();
        if (Env("IMMICH_HOST") is { Length: > 0 } h) c = c with { Host = h };
        if (Env("IMMICH_PORT") is { Length: > 0 } p) c = c with { Port = ParsePort(p, "IMMICH_PORT") };
        if (Env("IMMICH_MEDIA_LOCATION") is { Length: > 0 } m) c = c with { MediaLocation = Path.GetFullPath(m) };
        if (Env("IMMICH_LOG_LEVEL") is { Length: > 0 } l) c = c with { LogLevel = l };
        if (Env("IMMICH_ADMIN_EMAIL") is { Length: > 0 } ae) c = c with { AdminEmail = ae };
        if (Env("IMMICH_ADMIN_PASSWORD") is { Length: > 0 } ap) c = c with { AdminPassword = ap };
        if (Env("IMMICH_MACHINE_LEARNING_ENABLED") is { Length: > 0 } ml) c = c with { MachineLearning = !ml.Equals("false", StringComparison.OrdinalIgnoreCase) };
        if (Env("IMMICH_CLIP_MODEL") is { Length: > 0 } cm) c = c with { ClipModel = cm };
        if (Env("MACHINE_LEARNING_CACHE_FOLDER") is { Length: > 0 } mc) c = c with { ModelCacheFolder = Path.GetFullPath(mc) };
        if (Env("MACHINE_LEARNING_MODEL_TTL") is { Length: > 0 } ttl) c = c with { ModelTtlSeconds = ParseCount(ttl, "MACHINE_LEARNING_MODEL_TTL") };
        if (Env("HF_ENDPOINT") is { Length: > 0 } hf) c = c with { ModelBaseUrl = hf };
        if (Env("IMMICH_MODEL_BASE_URL") is { Length: > 0 } mb) c = c with { ModelBaseUrl = mb };
        if (Env("IMMICH_BACKUP_KEEP") is { Length: > 0 } bk) c = c with { BackupKeep = ParseCount(bk, "IMMICH_BACKUP_KEEP") };
        var transcode = new Dictionary<string, string>();
        foreach (var name in Media.Video.TranscodeSettings.OptionNames)
            if (Env("IMMICH_TRANSCODE_" + name.ToUpperInvariant().Replace('-', '_')) is { Length: > 0 } tv) transcode[name] = tv;

        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string? inline = null;
            var eq = a.IndexOf('=');
            if (a.StartsWith("--") && eq > 0) { inline = a[(eq + 1)..]; a = a[..eq]; }
            string Next() => inline ?? (i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value"));
            switch (a)
            {
                case "--host": c = c with { Host = Next() }; break;
                case "--port": c = c with { Port = ParsePort(Next(), "--port") }; break;
                case "--data": case "--media-location": c = c with { MediaLocation = Path.GetFullPath(Next()) }; break;
                case "--log-level": c = c with { LogLevel = Next() }; break;
                case "--admin-email": c = c with { AdminEmail = Next() }; break;
                case "--admin-password": c = c with { AdminPassword = Next() }; break;
                case "--admin-name": c = c with { AdminName = Next() }; break;
                case "--no-machine-learning": c = c with { MachineLearning = false }; break;
                case "--clip-model": c = c with { ClipModel = Next() }; break;
                case "--model-cache": c = c with { ModelCacheFolder = Path.GetFullPath(Next()) }; break;
                case "--model-base-url": c = c with { ModelBaseUrl = Next() }; break;
                case "--backup-keep": c = c with { BackupKeep = ParseCount(Next(), "--backup-keep") }; break;
                case var t when t.StartsWith("--transcode-", StringComparison.Ordinal): transcode[t["--transcode-".Length..]] = Next(); break;
                default:
                    // ASP.NET-style switches (--urls etc.) are not ours; leave them alone.
                    break;
            }
        }
        if (transcode.Count > 0) c = c with { Transcoding = Media.Video.TranscodeSettings.FromOptions(transcode) };
        return c;
    }

    static int ParseCount(string v, string name) =>
        int.TryParse(v, out var n) && n >= 0 ? n : throw new ArgumentException($"{name} must be a whole number of 0 or more, got '{v}'");

    static int ParsePort(string v, string name) =>
        int.TryParse(v, out var p) && p is >= 0 and <= 65535 ? p : throw new ArgumentException($"{name} must be a port number, got '{v}'");

    /// <summary>Immich's levels (verbose, debug, log, warn, error, fatal) mapped onto .NET's.</summary>
    public Microsoft.Extensions.Logging.LogLevel MinimumLevel => LogLevel.ToLowerInvariant() switch
    {
        "verbose" => Microsoft.Extensions.Logging.LogLevel.Trace,
        "debug" => Microsoft.Extensions.Logging.LogLevel.Debug,
        "warn" or "warning" => Microsoft.Extensions.Logging.LogLevel.Warning,
        "error" => Microsoft.Extensions.Logging.LogLevel.Error,
        "fatal" => Microsoft.Extensions.Logging.LogLevel.Critical,
        _ => Microsoft.Extensions.Logging.LogLevel.Information,
    };
}
