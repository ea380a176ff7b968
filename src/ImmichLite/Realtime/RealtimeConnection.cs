using System.Net.WebSockets;
using System.Threading.Channels;
using ImmichLite.Auth;

namespace ImmichLite.Realtime;

/// <summary>One Engine.IO connection (and the Socket.IO socket on its "/" namespace).
///
/// Everything the server sends goes through one bounded outbox, drained by exactly one transport at a time:
/// the websocket writer task, or the long-poll GET in flight. The outbox is bounded by frames and by bytes
/// (<see cref="RealtimeOptions.SendQueueFrames"/>, <see cref="RealtimeOptions.SendQueueBytes"/>); when a frame does
/// not fit, the connection is dropped (its pending send is aborted) rather than frames silently lost: a client
/// that has fallen that far behind is gone or stuck, and a dropped socket.io client reconnects by itself.</summary>
internal sealed class RealtimeConnection
{
    /// <summary>Per-frame bookkeeping counted against the byte budget (array header, channel slot).</summary>
    const int FrameOverhead = 48;

    /// <summary>Queued after the last frames of a server-side disconnect: the transport that dequeues it closes the connection.</summary>
    internal static readonly byte[] CloseMarker = [];

    readonly RealtimeOptions _opts;
    readonly Channel<byte[]> _outbox;
    readonly CancellationTokenSource _closing = new();
    readonly CancellationTokenSource _abort = new();
    readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly object _gate = new();
    long _queuedBytes;
    TaskCompletionSource? _pong;
    int _polling, _posting;
    CancellationTokenSource? _currentPoll;

    public RealtimeConnection(string sid, AuthContext? auth, bool webSocket, string? remote, RealtimeOptions opts)
    {
        Sid = sid;
        Auth = auth;
        IsWebSocket = webSocket;
        Remote = remote;
        _opts = opts;
        _outbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(opts.SendQueueFrames)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: that is the overflow signal
            SingleReader = false,
            SingleWriter = false,
        });
    }

    public string Sid { get; }
    public AuthContext? Auth { get; }
    public string? Remote { get; }
    public RealtimeOptions Options => _opts;

    /// <summary>True once the connection runs over a websocket (from the start, or after the polling upgrade).</summary>
    public bool IsWebSocket { get; private set; }

    /// <summary>Between the websocket probe ("2probe") and the upgrade packet ("5") of a polling connection.</summary>
    public bool Upgrading { get; private set; }

    /// <summary>Socket.IO id of the "/" namespace socket; null until the client sent CONNECT.</summary>
    public string? SocketId { get; set; }
    public bool NamespaceConnected { get; set; }
    public bool Rejected { get; set; }

    public string? CloseReason { get; private set; }
    public WebSocketCloseStatus CloseStatus { get; private set; } = WebSocketCloseStatus.NormalClosure;
    public bool IsClosed => _closing.IsCancellationRequested;
    public bool IsAborted => _abort.IsCancellationRequested;

    /// <summary>Cancelled when the connection closes: transports stop delivering and send their close.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>Cancelled when pending I/O must stop at once (overflow, or a close handshake that took too long).</summary>
    public CancellationToken AbortToken => _abort.Token;

    public Task Closed => _closed.Task;
    public ChannelReader<byte[]> Outbox => _outbox.Reader;
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Raised once, after the connection closed (the hub leaves rooms and forgets it).</summary>
    public event Action<RealtimeConnection>? OnClosed;

    /// <summary>Queues a frame; never blocks. False when the connection is closed or the frame did not fit,
    /// in which case the connection has been dropped.</summary>
    public bool Send(byte[] frame)
    {
        if (IsClosed) return false;
        var cost = frame.Length + FrameOverhead;
        if (Interlocked.Add(ref _queuedBytes, cost) > _opts.SendQueueBytes || !_outbox.Writer.TryWrite(frame))
        {
            Interlocked.Add(ref _queuedBytes, -cost);
            if (!IsClosed) Overflowed = true;
            Close("send buffer overflow", abort: true);
            return false;
        }
        return true;
    }

    public bool Overflowed { get; private set; }

    /// <summary>Bookkeeping for a frame a transport took from the outbox.</summary>
    public void Taken(byte[] frame)
    {
        if (!ReferenceEquals(frame, CloseMarker)) Interlocked.Add(ref _queuedBytes, -(frame.Length + FrameOverhead));
    }

    /// <summary>Closes after the frames already queued have been written (a server-side Socket.IO disconnect).</summary>
    public void CloseAfterFlush()
    {
        if (IsClosed) return;
        if (!_outbox.Writer.TryWrite(CloseMarker)) Close("server disconnect");
    }

    public void Close(string reason, WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, bool abort = false)
    {
        lock (_gate)
        {
            if (_closing.IsCancellationRequested)
            {
                if (abort) _abort.Cancel();
                return;
            }
            CloseReason = reason;
            CloseStatus = status;
            _outbox.Writer.TryComplete();
            _closing.Cancel();
            if (abort) _abort.Cancel();
        }
        _pong?.TrySetCanceled();
        try { OnClosed?.Invoke(this); }
        finally { _closed.TrySetResult(); }
    }

    /// <summary>Stops all pending I/O now (a close handshake that did not finish in time).</summary>
    public void Abort() => Close("aborted", abort: true);

    public void Pong() => Volatile.Read(ref _pong)?.TrySetResult();

    /// <summary>Heartbeat (ping every <see cref="RealtimeOptions.PingInterval"/> after the last pong, close after a missed
    /// pong) and the namespace-connect deadline. Runs until the connection closes; never blocks a thread.</summary>
    public async Task RunTimersAsync()
    {
        var connectDeadline = DateTime.UtcNow + _opts.ConnectTimeout;
        try
        {
            while (true)
            {
                var wait = _opts.PingInterval;
                if (SocketId is null)
                {
                    var left = connectDeadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero) { Close("connect timeout"); return; }
                    if (left < wait) { await Task.Delay(left, Closing); continue; }
                }
                await Task.Delay(wait, Closing);
                var pong = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _pong, pong);
                if (!Send(SocketIoProtocol.Ping)) return;
                try { await pong.Task.WaitAsync(_opts.PingTimeout, Closing); }
                catch (TimeoutException) { Close("ping timeout"); return; }
            }
        }
        catch (OperationCanceledException) { }
    }

    // ---- polling transport bookkeeping

    /// <summary>Only one GET may wait at a time; a second one is a protocol error.</summary>
    public bool TryBeginPoll(CancellationTokenSource cts)
    {
        if (Interlocked.Exchange(ref _polling, 1) == 1) return false;
        lock (_gate) _currentPoll = cts;
        return true;
    }

    public void EndPoll()
    {
        lock (_gate) _currentPoll = null;
        Volatile.Write(ref _polling, 0);
    }

    public bool TryBeginPost() => Interlocked.Exchange(ref _posting, 1) == 0;
    public void EndPost() => Volatile.Write(ref _posting, 0);

    /// <summary>The websocket probe arrived: the GET in flight (if any) answers with a noop so the client can pause polling.</summary>
    public void BeginUpgrade()
    {
        lock (_gate)
        {
            Upgrading = true;
            try { _currentPoll?.Cancel(); } catch (ObjectDisposedException) { }
        }
    }

    public void AbandonUpgrade()
    {
        lock (_gate) Upgrading = false;
    }

    public void CompleteUpgrade()
    {
        lock (_gate)
        {
            Upgrading = false;
            IsWebSocket = true;
            try { _currentPoll?.Cancel(); } catch (ObjectDisposedException) { }
        }
    }

    /// <summary>Serialises draining between the long-poll GETs and the websocket writer that takes over after an upgrade.</summary>
    public SemaphoreSlim DrainLock { get; } = new(1, 1);
}
