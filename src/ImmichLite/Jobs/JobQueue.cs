using System.Collections.Concurrent;
using System.Threading.Channels;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Jobs;

/// <summary>Wakes a queue's dispatcher after jobs were inserted inside another transaction (JobStore.Insert).
/// Separate from JobQueue so that job handlers, which queue follow-up jobs, do not depend on the queue that runs them.</summary>
public sealed class JobSignal
{
    readonly Dictionary<JobName, Action> _wake = new();
    internal void Register(JobName queue, Action wake) => _wake[queue] = wake;
    public void Wake(JobName queue) { if (_wake.TryGetValue(queue, out var w)) w(); }
}

/// <summary>A job handler: one job name, run on one of Immich's queues.</summary>
public interface IJobHandler
{
    string Name { get; }
    JobName Queue { get; }
    Task RunAsync(JobRow job, CancellationToken ct);
}

/// <summary>What "start" on a queue does (PUT /jobs/{id} {command: start, force}): queue the work that is missing, or all of it.</summary>
public interface IQueueStarter
{
    JobName Queue { get; }
    Task<int> QueueAllAsync(bool force, CancellationToken ct);
}

/// <summary>The job runner. One bounded channel per Immich queue, fed from the SQLite table by a dispatcher and
/// drained by that queue's workers (concurrency sized to the CPU, so HTTP requests always have a core).
/// Jobs survive restarts; a failed job is retried with backoff, then kept as failed with its reason.</summary>
public sealed class JobQueue : BackgroundService
{
    sealed class Runtime(JobName name, int concurrency)
    {
        public JobName Name { get; } = name;
        public string Key { get; } = EnumText.Of(name);
        public int Concurrency { get; } = concurrency;
        public Channel<JobRow> Channel { get; } = System.Threading.Channels.Channel.CreateBounded<JobRow>(new BoundedChannelOptions(Math.Max(2, concurrency * 2))
        {
            SingleWriter = true, FullMode = BoundedChannelFullMode.Wait,
        });
        public ConcurrentDictionary<long, byte> InFlight { get; } = new();
        public SemaphoreSlim Signal { get; } = new(0, int.MaxValue);
        public volatile bool Paused;
        public long Completed;
        public void Wake() { if (Signal.CurrentCount == 0) Signal.Release(); }
    }

    readonly JobStore _store;
    readonly TimeProvider _clock;
    readonly ILogger<JobQueue> _log;
    readonly Dictionary<string, IJobHandler> _handlers;
    readonly Dictionary<JobName, IQueueStarter> _starters;
    readonly Dictionary<JobName, Runtime> _queues;

    public JobQueue(IEnumerable<IJobHandler> handlers, IEnumerable<IQueueStarter> starters, JobStore store, JobSignal signal, TimeProvider clock, ILogger<JobQueue> log,
        ServerSettings? settings = null)
    {
        _store = store;
        _clock = clock;
        _log = log;
        _handlers = handlers.ToDictionary(h => h.Name);
        _starters = starters.ToDictionary(s => s.Queue);
        // the admin's job.*.concurrency (system config) where it differs from upstream's default; read once, at start
        _queues = Enum.GetValues<JobName>().ToDictionary(q => q, q => new Runtime(q,
            settings?.JobConcurrency.GetValueOrDefault(q) is > 0 and var n ? n : DefaultConcurrency(q, Environment.ProcessorCount)));
        foreach (var q in _queues.Values)
        {
            q.Paused = store.IsPaused(q.Key);
            signal.Register(q.Name, q.Wake);
        }
    }

    /// <summary>Upstream's defaults (thumbnails 3, metadata 5, video 1, ...) cut down to the cores there are:
    /// on a 4-core Pi: thumbnails 2, metadata 2, video 1; never more than cores-1 for the heavy queues.</summary>
    public static int DefaultConcurrency(JobName queue, int cores)
    {
        var spare = Math.Max(1, cores - 1);
        return queue switch
        {
            JobName.ThumbnailGeneration => Math.Min(3, Math.Max(1, cores / 2)),
            JobName.MetadataExtraction => Math.Min(5, spare),
            JobName.VideoConversion => 1,
            JobName.SmartSearch or JobName.FaceDetection => Math.Min(2, Math.Max(1, cores / 2)),
            JobName.FacialRecognition or JobName.DuplicateDetection or JobName.StorageTemplateMigration or JobName.BackupDatabase => 1,
            _ => Math.Min(5, spare),
        };
    }

    /// <summary>Queues a job in its own transaction and wakes its queue.</summary>
    public Task EnqueueAsync(string name, string payload) => EnqueueManyAsync(name, [payload]);

    public async Task<int> EnqueueManyAsync(string name, IEnumerable<string> payloads)
    {
        var handler = _handlers.GetValueOrDefault(name) ?? throw new InvalidOperationException($"no handler for job {name}");
        var n = await _store.InsertManyAsync(EnumText.Of(handler.Queue), name, payloads, _clock.GetUtcNow().UtcDateTime);
        if (n > 0) _queues[handler.Queue].Wake();
        return n;
    }



    protected override Task ExecuteAsync(CancellationToken stop)
    {
        var reset = _store.ResetActive();
        if (reset > 0) _log.LogInformation("Resuming {Count} job(s) interrupted by the last shutdown", reset);
        var tasks = new List<Task>();
        foreach (var q in _queues.Values)
        {
            if (!_handlers.Values.Any(h => h.Queue == q.Name)) continue; // nothing runs on this queue yet
            tasks.Add(Task.Run(() => DispatchAsync(q, stop), stop));
            for (var i = 0; i < q.Concurrency; i++) tasks.Add(Task.Run(() => WorkAsync(q, stop), stop));
        }
        return Task.WhenAll(tasks);
    }

    async Task DispatchAsync(Runtime q, CancellationToken stop)
    {
        var capacity = Math.Max(2, q.Concurrency * 2);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!q.Paused && q.InFlight.Count < capacity + q.Concurrency)
                {
                    var batch = _store.NextWaiting(q.Key, q.InFlight.Keys.ToList(), capacity, _clock.GetUtcNow().UtcDateTime);
                    foreach (var job in batch)
                    {
                        q.InFlight[job.Id] = 0;
                        await q.Channel.Writer.WriteAsync(job, stop);
                    }
                    if (batch.Count > 0) continue;
                }
                // sleep until woken (new job, resume, a finished job) or until the next delayed retry is due
                var wait = TimeSpan.FromSeconds(30);
                if (_store.NextRunAfter(q.Key) is { } next)
                {
                    var due = next - _clock.GetUtcNow().UtcDateTime;
                    if (due < wait) wait = due < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : due;
                }
                await q.Signal.WaitAsync(wait, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                _log.LogError(e, "dispatcher for {Queue} failed; retrying", q.Key);
                await Task.Delay(1000, stop).ContinueWith(_ => { });
            }
        }
    }

    async Task WorkAsync(Runtime q, CancellationToken stop)
    {
        try
        {
            await foreach (var job in q.Channel.Reader.ReadAllAsync(stop))
            {
                try
                {
                    await RunOneAsync(job, stop);
                }
                finally
                {
                    q.InFlight.TryRemove(job.Id, out _);
                    q.Wake();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    async Task RunOneAsync(JobRow job, CancellationToken stop)
    {
        var q = _queues[EnumText.TryParse<JobName>(job.Queue, out var jn) ? jn : JobName.BackgroundTask];
        if (!_handlers.TryGetValue(job.Name, out var handler))
        {
            await _store.FailAsync(job.Id, JobStore.MaxAttempts, $"no handler for {job.Name}", _clock.GetUtcNow().UtcDateTime);
            return;
        }
        await _store.MarkActiveAsync(job.Id, _clock.GetUtcNow().UtcDateTime);
        try
        {
            await handler.RunAsync(job with { Attempts = job.Attempts + 1 }, stop);
            await _store.CompleteAsync(job.Id);
            Interlocked.Increment(ref q.Completed);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // shutting down: the job stays active and is reset to waiting at the next start
        }
        catch (Exception e)
        {
            var reason = e is JobFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            var retry = e is not JobFailedException { Permanent: true };
            var willRetry = await _store.FailAsync(job.Id, retry ? job.Attempts + 1 : JobStore.MaxAttempts, reason, _clock.GetUtcNow().UtcDateTime);
            if (willRetry) _log.LogWarning("job {Name}({Payload}) failed, will retry: {Reason}", job.Name, job.Payload, reason);
            else _log.LogWarning("job {Name}({Payload}) failed: {Reason}", job.Name, job.Payload, reason);
        }
    }

    // ---- the admin API's view and commands ----

    public JobStatusDto Status(JobName queue)
    {
        var q = _queues[queue];
        var c = _store.Counts(q.Key, _clock.GetUtcNow().UtcDateTime);
        return new JobStatusDto
        {
            JobCounts = new JobCountsDto
            {
                Active = (int)c.Active, Completed = (int)Interlocked.Read(ref q.Completed), Failed = (int)c.Failed,
                Delayed = (int)c.Delayed, Waiting = q.Paused ? 0 : (int)c.Waiting, Paused = q.Paused ? (int)c.Waiting : 0,
            },
            QueueStatus = new QueueStatusDto { IsActive = c.Active > 0, IsPaused = q.Paused },
        };
    }

    public async Task<JobStatusDto> CommandAsync(JobName queue, JobCommand command, bool force, CancellationToken ct)
    {
        var q = _queues[queue];
        switch (command)
        {
            case JobCommand.Start:
                if (!_starters.TryGetValue(queue, out var starter)) throw ApiException.BadRequest($"Invalid job name: {q.Key} cannot be started in ImmichLite yet");
                await starter.QueueAllAsync(force, ct);
                q.Wake();
                break;
            case JobCommand.Pause:
                q.Paused = true;
                await _store.SetPausedAsync(q.Key, true);
                break;
            case JobCommand.Resume:
                q.Paused = false;
                await _store.SetPausedAsync(q.Key, false);
                q.Wake();
                break;
            case JobCommand.Empty:
                await _store.DeleteAsync(q.Key, "waiting");
                break;
            case JobCommand.ClearFailed:
                await _store.DeleteAsync(q.Key, "failed");
                break;
        }
        return Status(queue);
    }
}

/// <summary>A job that failed for a reason worth recording (a corrupt file, say). Permanent: do not retry.</summary>
public sealed class JobFailedException(string message, bool permanent = true) : Exception(message)
{
    public bool Permanent { get; } = permanent;
}
