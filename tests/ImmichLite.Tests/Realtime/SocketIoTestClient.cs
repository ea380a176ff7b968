using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace ImmichLite.Tests.Realtime;

/// <summary>A minimal Socket.IO v4 client over a raw websocket, written for assertions: it records every packet,
/// answers pings (unless told not to) and hands out events in arrival order.</summary>
public sealed class SocketIoTestClient : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    readonly ClientWebSocket _ws;
    readonly Channel<string> _packets = Channel.CreateUnbounded<string>();
    readonly CancellationTokenSource _stop = new();
    Task _reader = Task.CompletedTask;

    SocketIoTestClient(ClientWebSocket ws) => _ws = ws;

    /// <summary>Every text packet received, pings included, in order.</summary>
    public ConcurrentQueue<string> Log { get; } = new();
    public bool AutoPong { get; set; } = true;
    public int Pings;
    public WebSocketCloseStatus? CloseStatus { get; private set; }
    readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public Task Closed => _closed.Task;
    public JsonObject Open { get; private set; } = null!;
    public ClientWebSocket Socket => _ws;

    public static Uri Url(Uri baseUri, string path = "/api/socket.io/", string query = "EIO=4&transport=websocket")
    {
        var b = new UriBuilder(baseUri) { Scheme = baseUri.Scheme == "https" ? "wss" : "ws", Path = path, Query = query };
        return b.Uri;
    }

    /// <summary>Opens the websocket, reads the Engine.IO open packet, then (with <paramref name="read"/>) keeps reading in the background.</summary>
    public static async Task<SocketIoTestClient> ConnectAsync(Uri baseUri, string? token = null, Action<ClientWebSocketOptions>? configure = null,
        string path = "/api/socket.io/", string query = "EIO=4&transport=websocket", bool read = true)
    {
        var ws = new ClientWebSocket();
        if (token is not null) ws.Options.SetRequestHeader("x-immich-user-token", token);
        configure?.Invoke(ws.Options);
        using var cts = new CancellationTokenSource(Wait);
        await ws.ConnectAsync(Url(baseUri, path, query), cts.Token);
        var c = new SocketIoTestClient(ws);
        var open = await c.ReceiveRawAsync(cts.Token) ?? throw new InvalidOperationException("closed before the open packet");
        Assert.StartsWith("0", open);
        c.Open = JsonNode.Parse(open[1..])!.AsObject();
        if (read) c.StartReading();
        return c;
    }

    /// <summary>Wraps a websocket that already finished the Engine.IO handshake some other way (the polling upgrade).</summary>
    public static SocketIoTestClient Adopt(ClientWebSocket ws)
    {
        var c = new SocketIoTestClient(ws);
        c.StartReading();
        return c;
    }

    void StartReading() => _reader = Task.Run(ReadLoopAsync);

    async Task<string?> ReceiveRawAsync(CancellationToken ct)
    {
        var buf = new byte[64 * 1024];
        using var ms = new MemoryStream();
        while (true)
        {
            var r = await _ws.ReceiveAsync(buf, ct);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                CloseStatus = r.CloseStatus;
                return null;
            }
            ms.Write(buf, 0, r.Count);
            if (r.EndOfMessage) return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
        }
    }

    async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var p = await ReceiveRawAsync(_stop.Token);
                if (p is null) break;
                Log.Enqueue(p);
                if (p == "2")
                {
                    Interlocked.Increment(ref Pings);
                    if (AutoPong) await SendAsync("3");
                    continue;
                }
                _packets.Writer.TryWrite(p);
            }
            if (_ws.State == WebSocketState.CloseReceived)
                await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (Exception) { }
        finally
        {
            _packets.Writer.TryComplete();
            _closed.TrySetResult();
        }
    }

    readonly SemaphoreSlim _sendLock = new(1, 1);

    public async Task SendAsync(string packet)
    {
        await _sendLock.WaitAsync();
        try { await _ws.SendAsync(Encoding.UTF8.GetBytes(packet), WebSocketMessageType.Text, true, CancellationToken.None); }
        finally { _sendLock.Release(); }
    }

    /// <summary>The next packet other than a ping; null when the connection closed first.</summary>
    public async Task<string?> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Wait);
        try
        {
            return await _packets.Reader.ReadAsync(cts.Token);
        }
        catch (ChannelClosedException) { return null; }
        catch (OperationCanceledException) { throw new TimeoutException($"no packet within {timeout ?? Wait}; log: {string.Join(" | ", Log)}"); }
    }

    /// <summary>Sends CONNECT for "/" and returns the sid of the acknowledgement.</summary>
    public async Task<string> ConnectNamespaceAsync()
    {
        await SendAsync("40");
        var ack = await NextAsync();
        Assert.NotNull(ack);
        Assert.StartsWith("40{", ack);
        return JsonNode.Parse(ack[2..])!["sid"]!.GetValue<string>();
    }

    /// <summary>Connects the namespace and consumes the on_server_version greeting.</summary>
    public async Task<SocketIoTestClient> JoinAsync()
    {
        await ConnectNamespaceAsync();
        var (name, _) = await NextEventAsync();
        Assert.Equal("on_server_version", name);
        return this;
    }

    public static (string Name, JsonNode? Arg) ParseEvent(string packet)
    {
        Assert.StartsWith("42", packet);
        var arr = JsonNode.Parse(packet[2..])!.AsArray();
        return (arr[0]!.GetValue<string>(), arr.Count > 1 ? arr[1] : null);
    }

    /// <summary>Events that arrive on their own schedule (the thumbnail pipeline announces uploads) and that
    /// <see cref="NextEventAsync"/> skips. Empty the set to see everything.</summary>
    public HashSet<string> Background { get; } = ["on_upload_success"];

    public async Task<(string Name, JsonNode? Arg)> NextEventAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Wait);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var p = await NextAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)) ?? throw new InvalidOperationException("connection closed; log: " + string.Join(" | ", Log));
            var e = ParseEvent(p);
            if (!Background.Contains(e.Name)) return e;
        }
    }

    /// <summary>Forgets packets received so far but not yet consumed.</summary>
    public int Drain()
    {
        var n = 0;
        while (_packets.Reader.TryRead(out _)) n++;
        return n;
    }

    /// <summary>The next event must be <paramref name="name"/>; returns its argument.</summary>
    public async Task<JsonNode?> ExpectEventAsync(string name, TimeSpan? timeout = null)
    {
        var (n, arg) = await NextEventAsync(timeout);
        Assert.Equal(name, n);
        return arg;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_ws.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
                await _reader.WaitAsync(TimeSpan.FromSeconds(2));
            }
        }
        catch (Exception) { }
        _stop.Cancel();
        _ws.Dispose();
    }
}
