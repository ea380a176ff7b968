using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.MachineLearning;

/// <summary>
/// The CLIP model of this server: whether smart search can run, and the loaded encoder. Loads lazily, on the first
/// smart-search job or query, from the model cache (<see cref="AppConfig.ModelCachePath"/>); missing files are
/// downloaded first (<see cref="ModelDownloader"/>). A failed download or load is remembered with its reason and not
/// tried again for <see cref="RetryAfter"/>, so jobs fail fast with that reason meanwhile. As upstream's ML service,
/// the model is unloaded after <see cref="AppConfig.ModelTtlSeconds"/> idle (300 s; 0 keeps it) and loaded again on
/// next use: the ViT-B-32 pair takes ~600 MB.
/// </summary>
public sealed class ClipService : IDisposable
{
    readonly AppConfig _config;
    readonly SmartSearchStore _store;
    readonly Func<string, string, int, IClipEncoder> _load;
    readonly ILogger<ClipService> _log;
    readonly TimeProvider _clock;
    readonly SemaphoreSlim _gate = new(1, 1);
    readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    readonly ReaderWriterLockSlim _use = new();
    volatile IClipEncoder? _encoder;
    DateTimeOffset? _failedAt;
    long _lastUseTicks;

    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(15);

    public ClipService(AppConfig config, SmartSearchStore store, ILogger<ClipService> log, TimeProvider clock,
        Func<string, string, int, IClipEncoder>? load = null)
    {
        _config = config;
        _store = store;
        _log = log;
        _clock = clock;
        _load = load ?? ((name, dir, dim) => new OnnxClipEncoder(name, dir, dim));
        ModelName = config.ClipModel;
        Dimension = ClipModels.Dimension(ModelName);
        DisabledReason =
            !config.MachineLearning ? "machine learning is turned off (IMMICH_MACHINE_LEARNING_ENABLED=false / --no-machine-learning)"
            : SmartSearchStore.ExtensionPath() is null ? "sqlite-vec (vec0.so) is missing, so embeddings cannot be stored"
            : Dimension is null ? $"Unknown CLIP model: {ModelName}"
            : null;
        if (DisabledReason is not null) log.LogInformation("Smart search is off: {Reason}", DisabledReason);
    }

    public string ModelName { get; }
    public int? Dimension { get; }
    public string ModelDirectory => Path.Combine(_config.ModelCachePath, ClipModels.Task, ClipModels.CleanName(ModelName));

    /// <summary>Why smart search is off by configuration; null when it is on.</summary>
    public string? DisabledReason { get; }
    public bool Enabled => DisabledReason is null;

    /// <summary>Why the model could not be had at the last try (download or load), while that is recent.</summary>
    public string? UnavailableReason { get; private set; }

    /// <summary>On, and the model loaded or its files in the cache (and not just failed to load): what /server/features
    /// reports. A fresh install turns it on once the start-up download (<see cref="ClipWarmup"/>) is through.</summary>
    public bool Usable => Enabled && (_encoder is not null || (FilesPresent && !RecentlyFailed));

    bool FilesPresent => ClipModels.OpenClipFiles.All(f => f.Optional || File.Exists(Path.Combine(ModelDirectory, f.Path)));

    /// <summary>Downloads the model's missing files (no load); false when that failed (<see cref="UnavailableReason"/>).</summary>
    public async Task<bool> EnsureFilesAsync(CancellationToken ct)
    {
        if (!Enabled) return false;
        await _gate.WaitAsync(ct);
        try { return _encoder is not null || await DownloadLockedAsync(ct); }
        finally { _gate.Release(); }
    }

    async Task<bool> DownloadLockedAsync(CancellationToken ct)
    {
        if (FilesPresent) return true;
        if (RecentlyFailed) return false;
        var dir = ModelDirectory;
        try
        {
            _log.LogInformation("Downloading CLIP model {Model} from {Url} into {Dir}", ModelName, _config.ModelBaseUrl, dir);
            var downloader = new ModelDownloader(_http, _config.ModelBaseUrl, _log);
            await downloader.EnsureAsync(ClipModels.Organisation, ClipModels.CleanName(ModelName), ClipModels.OpenClipFiles, dir, ct);
            return true;
        }
        catch (Exception e) when (e is ModelDownloadException or IOException or UnauthorizedAccessException)
        {
            Failed(e);
            return false;
        }
    }

    void Failed(Exception e)
    {
        _failedAt = _clock.GetUtcNow();
        UnavailableReason = $"CLIP model {ModelName} is not available: {e.Message}";
        _log.LogWarning("{Reason}", UnavailableReason);
    }

    bool RecentlyFailed => _failedAt is { } t && _clock.GetUtcNow() - t < RetryAfter;

    /// <summary>The encoder, loading (and downloading) it on first use; null when smart search is off or the model
    /// cannot be had — <see cref="DisabledReason"/> / <see cref="UnavailableReason"/> say why.</summary>
    public async Task<IClipEncoder?> GetAsync(CancellationToken ct)
    {
        if (!Enabled) return null;
        if (_encoder is { } ready) return ready;
        await _gate.WaitAsync(ct);
        try
        {
            if (_encoder is not null) return _encoder;
            if (RecentlyFailed || !await DownloadLockedAsync(ct)) return null;
            var dir = ModelDirectory;
            try
            {
                var encoder = await Task.Run(() => _load(ModelName, dir, Dimension!.Value), ct);
                _store.EnsureModel(ModelName, Dimension!.Value);
                Interlocked.Exchange(ref _lastUseTicks, _clock.GetUtcNow().UtcTicks);
                _encoder = encoder;
                _failedAt = null;
                UnavailableReason = null;
                _log.LogInformation("CLIP model {Model} loaded from {Dir}", ModelName, dir);
                return encoder;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException
                                      or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or System.Text.Json.JsonException or KeyNotFoundException)
            {
                Failed(e);
                return null;
            }
        }
        finally { _gate.Release(); }
    }

    /// <summary>Whether the model is in memory now.</summary>
    public bool Loaded => _encoder is not null;

    /// <summary>Runs <paramref name="encode"/> on the encoder (loading it first if needed) so that an idle unload
    /// never pulls it away mid-run; null when smart search is off or the model cannot be had.</summary>
    public async Task<float[]?> EncodeAsync(Func<IClipEncoder, float[]> encode, CancellationToken ct)
    {
        while (true)
        {
            if (await GetAsync(ct) is null) return null;
            _use.EnterReadLock();
            try
            {
                if (_encoder is { } e)
                {
                    Interlocked.Exchange(ref _lastUseTicks, _clock.GetUtcNow().UtcTicks);
                    try { return encode(e); }
                    finally { Interlocked.Exchange(ref _lastUseTicks, _clock.GetUtcNow().UtcTicks); }
                }
            }
            finally { _use.ExitReadLock(); }
            // unloaded between the load and the use: load again
        }
    }

    /// <summary>Unloads the model when it has not been used for the TTL (called periodically by <see cref="ClipWarmup"/>).</summary>
    public bool UnloadIfIdle()
    {
        if (_config.ModelTtlSeconds <= 0 || _encoder is null) return false;
        var idle = _clock.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastUseTicks);
        if (idle < TimeSpan.FromSeconds(_config.ModelTtlSeconds).Ticks || !_use.TryEnterWriteLock(0)) return false;
        try
        {
            if (_encoder is not { } e) return false;
            _encoder = null;
            e.Dispose();
        }
        finally { _use.ExitWriteLock(); }
        _log.LogInformation("CLIP model {Model} unloaded after {Ttl} s idle", ModelName, _config.ModelTtlSeconds);
        return true;
    }

    public void Dispose()
    {
        _encoder?.Dispose();
        _http.Dispose();
        _use.Dispose();
    }
}

/// <summary>At start, downloads a missing CLIP model in the background (upstream fetches on first use; here the web
/// app's smart-search box appears once the files are there). Loading waits for the first job or query. Then checks
/// twice a minute whether the loaded model has been idle for its TTL.</summary>
public sealed class ClipWarmup(ClipService clip, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!clip.Enabled) return;
        await Task.Yield();
        try
        {
            await clip.EnsureFilesAsync(stop);
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30), clock);
            while (await timer.WaitForNextTickAsync(stop)) clip.UnloadIfIdle();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }
}
