using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ImmichLite.Realtime;

/// <summary>The Engine.IO transports at <c>/api/socket.io/</c>: websocket (what the mobile app uses) and HTTP
/// long-polling with the upgrade to websocket (what a default socket.io client starts with).</summary>
public static class RealtimeEndpoints
{
    public const string Path = "/api/socket.io";

    /// <summary>Options for <c>app.UseWebSockets</c>. Liveness is Engine.IO's own ping/pong; the websocket-level
    /// keep-alive only keeps idle NAT/proxy mappings warm.</summary>
    public static WebSocketOptions WebSocketOptions { get; } = new() { KeepAliveInterval = TimeSpan.FromSeconds(30) };

    public static IServiceCollection AddRealtime(this IServiceCollection services)
    {
        services.AddSingleton<RealtimeOptions>();
        services.AddSingleton<RealtimeHub>();
        return services;
    }

    public static void MapRealtime(this IEndpointRouteBuilder app)
    {
        var hub = app.ServiceProvider.GetRequiredService<RealtimeHub>();
        // Routing matches "/api/socket.io" and "/api/socket.io/" alike.
        app.Map(Path, ctx => HandleAsync(ctx, hub));
    }

    static async Task HandleAsync(HttpContext ctx, RealtimeHub hub)
    {
        var req = ctx.Request;
        Cors(ctx);
        if (HttpMethods.IsOptions(req.Method))
        {
            ctx.Response.StatusCode = 204;
            ctx.Response.Headers["Access-Control-Allow-Methods"] = "GET, POST";
            if (req.Headers.TryGetValue("Access-Control-Request-Headers", out var h)) ctx.Response.Headers["Access-Control-Allow-Headers"] = h;
            return;
        }
        var transport = req.Query["transport"].ToString();
        if (transport is not ("websocket" or "polling")) { await Error(ctx, 0, "Transport unknown"); return; }
        if (req.Query["EIO"].ToString() != "4") { await Error(ctx, 5, "Unsupported protocol version"); return; }
        if (hub.Stopping) { ctx.Response.StatusCode = 503; return; }
        var sid = req.Query["sid"].ToString();
        var c = sid.Length > 0 ? hub.Find(sid) : null;
        if (sid.Length > 0 && c is null) { await Error(ctx, 1, "Session ID unknown"); return; }

        if (transport == "websocket")
        {
            if (!ctx.WebSockets.IsWebSocketRequest || !HttpMethods.IsGet(req.Method)) { await Error(ctx, 3, "Bad request"); return; }
            if (c is null) await WebSocketOnlyAsync(ctx, hub);
            else await UpgradeAsync(ctx, hub, c);
            return;
        }

        if (c is null)
        {
            if (!HttpMethods.IsGet(req.Method)) { await Error(ctx, 2, "Bad handshake method"); return; }
            var auth = await hub.AuthenticateAsync(ctx);
            var opened = hub.Open(auth, webSocket: false, Remote(ctx));
            await Text(ctx, SocketIoProtocol.OpenPacket(opened.Sid, offerWebSocketUpgrade: true, hub.Options));
            return;
        }
        if (c.IsWebSocket) { await Error(ctx, 3, "Bad request"); return; }
        if (HttpMethods.IsGet(req.Method)) await PollAsync(ctx, c);
        else if (HttpMethods.IsPost(req.Method)) await PostAsync(ctx, hub, c);
        else await Error(ctx, 3, "Bad request");
    }

    // ---- websocket

    static async Task WebSocketOnlyAsync(HttpContext ctx, RealtimeHub hub)
    {
        var auth = await hub.AuthenticateAsync(ctx);
        using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
        var c = hub.Open(auth, webSocket: true, Remote(ctx));
        c.Send(SocketIoProtocol.OpenPacket(c.Sid, offerWebSocketUpgrade: false, hub.Options));
        await RunAsync(ws, hub, c, c.Options.MaxPayload);
    }

    /// <summary>A polling connection probes a websocket ("2probe" → "3probe"), the GET in flight is released with
    /// a noop, then "5" switches delivery to the websocket.</summary>
    static async Task UpgradeAsync(HttpContext ctx, RealtimeHub hub, RealtimeConnection c)
    {
        if (c.Upgrading || c.IsClosed) { await Error(ctx, 3, "Bad request"); return; }
        using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
        var upgraded = false;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(c.Closing, ctx.RequestAborted))
        {
            deadline.CancelAfter(c.Options.UpgradeTimeout);
            var buffer = new MessageBuffer(c.Options.MaxPayload);
            try
            {
                var probed = false;
                while (!upgraded)
                {
                    var msg = await buffer.ReceiveAsync(ws, deadline.Token);
                    if (msg is null) break;
                    if (!probed && msg == "2probe")
                    {
                        probed = true;
                        await ws.SendAsync(SocketIoProtocol.ProbeAnswer, WebSocketMessageType.Text, true, deadline.Token);
                        c.BeginUpgrade();
                    }
                    else if (probed && msg == "5") upgraded = true;
                    else break;
                }
            }
            catch (OperationCanceledException) { }
            catch (WebSocketException) { }
            finally { buffer.Dispose(); }
        }
        if (!upgraded || c.IsClosed)
        {
            c.AbandonUpgrade();
            ws.Abort();
            return;
        }
        c.CompleteUpgrade();
        await RunAsync(ws, hub, c, c.Options.MaxPayload);
    }

    /// <summary>Runs one websocket until the connection closes: a reader, a single writer, and the close handshake.</summary>
    static async Task RunAsync(WebSocket ws, RealtimeHub hub, RealtimeConnection c, int maxPayload)
    {
        var writer = WriteLoopAsync(ws, c);
        var reader = ReadLoopAsync(ws, hub, c, maxPayload);
        await Task.WhenAny(reader, c.Closed);
        c.Close("transport close"); // no-op when the server closed first
        try { await Task.WhenAll(reader, writer).WaitAsync(c.Options.CloseTimeout); }
        catch (TimeoutException) { c.Abort(); ws.Abort(); }
        catch (Exception) { ws.Abort(); }
    }

    static async Task ReadLoopAsync(WebSocket ws, RealtimeHub hub, RealtimeConnection c, int maxPayload)
    {
        using var buffer = new MessageBuffer(maxPayload);
        try
        {
            while (true)
            {
                var msg = await buffer.ReceiveAsync(ws, c.AbortToken);
                if (msg is null)
                {
                    if (buffer.TooBig) c.Close("payload too large", WebSocketCloseStatus.MessageTooBig);
                    return;
                }
                if (msg.Length > 0) hub.OnEnginePacket(c, msg);
            }
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException) { }
        catch (ObjectDisposedException) { }
    }

    static async Task WriteLoopAsync(WebSocket ws, RealtimeConnection c)
    {
        var reader = c.Outbox;
        var locked = false;
        try
        {
            await c.DrainLock.WaitAsync(c.AbortToken);
            locked = true;
            while (await reader.WaitToReadAsync(c.Closing))
            {
                while (!c.IsClosed && reader.TryRead(out var frame))
                {
                    c.Taken(frame);
                    if (ReferenceEquals(frame, RealtimeConnection.CloseMarker)) { c.Close("server disconnect"); break; }
                    await ws.SendAsync(frame, WebSocketMessageType.Text, true, c.AbortToken);
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException) { }
        catch (ObjectDisposedException) { }
        finally { if (locked) c.DrainLock.Release(); }

        if (c.IsAborted || ws.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        try
        {
            await ws.CloseOutputAsync(c.CloseStatus, c.CloseReason, c.AbortToken);
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException) { }
        catch (ObjectDisposedException) { }
    }

    /// <summary>Reassembles one text message from websocket fragments, refusing anything above the payload limit.</summary>
    sealed class MessageBuffer(int maxPayload) : IDisposable
    {
        byte[] _buf = ArrayPool<byte>.Shared.Rent(4096);
        public bool TooBig { get; private set; }

        /// <summary>The next text message; null when the socket closed or the message was too big. Binary messages are skipped.</summary>
        public async Task<string?> ReceiveAsync(WebSocket ws, CancellationToken ct)
        {
            while (true)
            {
                var len = 0;
                WebSocketReceiveResult r;
                do
                {
                    if (len == _buf.Length)
                    {
                        if (len >= maxPayload) { TooBig = true; return null; }
                        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(maxPayload + 1, len * 2));
                        _buf.AsSpan(0, len).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(_buf);
                        _buf = bigger;
                    }
                    r = await ws.ReceiveAsync(new ArraySegment<byte>(_buf, len, _buf.Length - len), ct);
                    if (r.MessageType == WebSocketMessageType.Close) return null;
                    len += r.Count;
                    if (len > maxPayload) { TooBig = true; return null; }
                } while (!r.EndOfMessage);
                if (r.MessageType == WebSocketMessageType.Text) return Encoding.UTF8.GetString(_buf, 0, len);
            }
        }

        public void Dispose()
        {
            var b = Interlocked.Exchange(ref _buf, []);
            if (b.Length > 0) ArrayPool<byte>.Shared.Return(b);
        }
    }

    // ---- long-polling

    /// <summary>GET: waits until something is queued, answers with every queued packet (up to maxPayload) joined by
    /// the record separator; a noop when an upgrade takes over, a close packet when the connection closed.</summary>
    static async Task PollAsync(HttpContext ctx, RealtimeConnection c)
    {
        if (c.Upgrading) { await Text(ctx, SocketIoProtocol.Noop); return; }
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, c.Closing);
        if (!c.TryBeginPoll(poll))
        {
            c.Close("overlapping polls");
            await Error(ctx, 3, "Bad request");
            return;
        }
        byte[]? body = null;
        var closeAfter = false;
        var locked = false;
        try
        {
            await c.DrainLock.WaitAsync(poll.Token);
            locked = true;
            if (c.IsWebSocket) body = SocketIoProtocol.Noop;
            else if (!await c.Outbox.WaitToReadAsync(poll.Token)) body = SocketIoProtocol.Close;
            else
            {
                var payload = new ArrayBufferWriter<byte>(256);
                while (payload.WrittenCount < c.Options.MaxPayload && c.Outbox.TryRead(out var frame))
                {
                    c.Taken(frame);
                    if (ReferenceEquals(frame, RealtimeConnection.CloseMarker)) { closeAfter = true; break; }
                    if (payload.WrittenCount > 0) payload.Write([SocketIoProtocol.RecordSeparator]);
                    payload.Write(frame);
                }
                body = payload.WrittenCount > 0 ? payload.WrittenSpan.ToArray() : SocketIoProtocol.Close;
            }
        }
        catch (OperationCanceledException) when (!ctx.RequestAborted.IsCancellationRequested)
        {
            body = c.IsClosed ? SocketIoProtocol.Close : SocketIoProtocol.Noop;
        }
        catch (OperationCanceledException) { }
        finally
        {
            if (locked) c.DrainLock.Release();
            c.EndPoll();
        }
        if (closeAfter) c.Close("server disconnect");
        if (body is not null && !ctx.RequestAborted.IsCancellationRequested)
        {
            try { await Text(ctx, body); }
            catch (OperationCanceledException) { }
            catch (IOException) { }
        }
    }

    /// <summary>POST: one or more packets from the client, joined by the record separator. Answers "ok".</summary>
    static async Task PostAsync(HttpContext ctx, RealtimeHub hub, RealtimeConnection c)
    {
        if (!c.TryBeginPost())
        {
            c.Close("overlapping posts");
            await Error(ctx, 3, "Bad request");
            return;
        }
        try
        {
            var max = c.Options.MaxPayload;
            if (ctx.Request.ContentLength > max) { c.Close("payload too large"); ctx.Response.StatusCode = 413; return; }
            var ms = new MemoryStream();
            var buf = ArrayPool<byte>.Shared.Rent(8192);
            try
            {
                int n;
                while ((n = await ctx.Request.Body.ReadAsync(buf, ctx.RequestAborted)) > 0)
                {
                    if (ms.Length + n > max) { c.Close("payload too large"); ctx.Response.StatusCode = 413; return; }
                    ms.Write(buf, 0, n);
                }
            }
            finally { ArrayPool<byte>.Shared.Return(buf); }
            var text = Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
            foreach (var packet in text.Split((char)SocketIoProtocol.RecordSeparator))
            {
                if (packet.Length == 0 || packet[0] == 'b') continue; // base64 binary packets: nothing here uses them
                hub.OnEnginePacket(c, packet);
            }
            ctx.Response.ContentType = "text/html";
            await ctx.Response.WriteAsync("ok");
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        finally { c.EndPost(); }
    }

    // ---- helpers

    static string? Remote(HttpContext ctx) => ctx.Connection.RemoteIpAddress?.ToString();

    /// <summary>CORS is open, as upstream's gateway configures it (the browser client may poll cross-origin).</summary>
    static void Cors(HttpContext ctx)
    {
        if (ctx.Request.Headers.Origin is { Count: > 0 } origin && !string.IsNullOrEmpty(origin[0]))
        {
            ctx.Response.Headers.AccessControlAllowOrigin = origin[0];
            ctx.Response.Headers.AccessControlAllowCredentials = "true";
            ctx.Response.Headers.Vary = "Origin";
        }
    }

    static async Task Text(HttpContext ctx, byte[] body)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/plain; charset=UTF-8";
        ctx.Response.ContentLength = body.Length;
        ctx.Response.Headers.CacheControl = "no-store";
        await ctx.Response.Body.WriteAsync(body);
    }

    static async Task Error(HttpContext ctx, int code, string message)
    {
        if (ctx.Response.HasStarted) return;
        ctx.Response.StatusCode = code == 4 ? 403 : 400;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(SocketIoProtocol.ErrorJson(code, message));
    }
}
