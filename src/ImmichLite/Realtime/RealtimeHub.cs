using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using ImmichLite.Auth;
using ImmichLite.Infrastructure;
using ImmichLite.Server;
using Microsoft.AspNetCore.Http;

namespace ImmichLite.Realtime;

/// <summary>The Socket.IO server: knows every connection, keeps the rooms (one per user, one per login session),
/// speaks the Socket.IO layer (namespace connect/disconnect) and turns <see cref="EventHub"/> announcements into
/// frames for the right sockets. Publishing never waits on a socket: frames are queued per connection.</summary>
public sealed class RealtimeHub : IDisposable
{
    static readonly byte[] ServerVersionFrame = SocketIoProtocol.Event("on_server_version",
        $"{{\"major\":{ServerInfo.Major},\"minor\":{ServerInfo.Minor},\"patch\":{ServerInfo.Patch}}}");
    static readonly byte[] UnauthorizedFrame = SocketIoProtocol.Event("error", "\"unauthorized\"");

    readonly EventHub _events;
    readonly AuthService _auth;
    readonly ILogger<RealtimeHub> _log;
    readonly ConcurrentDictionary<string, RealtimeConnection> _connections = new(StringComparer.Ordinal);
    readonly Dictionary<string, HashSet<RealtimeConnection>> _rooms = new(StringComparer.Ordinal);
    readonly HashSet<RealtimeConnection> _joined = [];
    readonly object _roomsGate = new();
    readonly Meter? _meter;
    volatile bool _stopping;
    long _overflows;

    public RealtimeHub(EventHub events, AuthService auth, RealtimeOptions options, IHostApplicationLifetime lifetime, ILogger<RealtimeHub> log, IMeterFactory? meters = null)
    {
        _events = events;
        _auth = auth;
        Options = options;
        _log = log;
        _events.Published += OnPublished;
        lifetime.ApplicationStopping.Register(Shutdown);
        if (meters is not null)
        {
            _meter = meters.Create("ImmichLite.Realtime");
            _meter.CreateObservableGauge("immichlite.realtime.connections", () => ConnectionCount, description: "Open Engine.IO connections");
            _meter.CreateObservableGauge("immichlite.realtime.sockets", () => SocketCount, description: "Authenticated Socket.IO sockets");
        }
    }

    public RealtimeOptions Options { get; }

    /// <summary>Open Engine.IO connections (authenticated or not yet).</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Sockets that joined the namespace with valid credentials (they receive events).</summary>
    public int SocketCount { get { lock (_roomsGate) return _joined.Count; } }

    /// <summary>Connections dropped because their send buffer overflowed.</summary>
    public long Overflows => Interlocked.Read(ref _overflows);

    public bool Stopping => _stopping;

    internal RealtimeConnection? Find(string sid) => _connections.GetValueOrDefault(sid);

    /// <summary>Resolves the caller from the handshake's HTTP headers only, as upstream does: the token headers,
    /// Authorization: Bearer, the immich_access_token cookie or x-api-key. Query parameters and the Socket.IO auth
    /// payload are ignored; a shared-link key is not a user. Null means unauthorized.</summary>
    internal async Task<AuthContext?> AuthenticateAsync(HttpContext ctx)
    {
        var headers = ctx.Request.Headers;
        if (headers.ContainsKey("x-immich-share-key")) return null;
        var probe = new DefaultHttpContext();
        foreach (var h in headers) probe.Request.Headers[h.Key] = h.Value;
        probe.Request.Path = "/api/socket.io";
        probe.Connection.RemoteIpAddress = ctx.Connection.RemoteIpAddress;
        try
        {
            var auth = await _auth.TryAuthenticateAsync(probe);
            return auth is { SharedLink: null } ? auth : null;
        }
        catch (ApiException) { return null; }
        catch (Exception e)
        {
            _log.LogWarning(e, "realtime authentication failed unexpectedly");
            return null;
        }
    }

    internal RealtimeConnection Open(AuthContext? auth, bool webSocket, string? remote)
    {
        var c = new RealtimeConnection(SocketIoProtocol.NewId(), auth, webSocket, remote, Options);
        c.OnClosed += Forget;
        _connections[c.Sid] = c;
        _log.LogDebug("realtime: {Sid} opened ({Transport}, {User}) from {Remote}; {Count} connections",
            c.Sid, webSocket ? "websocket" : "polling", auth?.UserId ?? "anonymous", remote, _connections.Count);
        _ = c.RunTimersAsync();
        if (_stopping) c.Close("server shutting down", WebSocketCloseStatus.EndpointUnavailable);
        return c;
    }

    void Forget(RealtimeConnection c)
    {
        _connections.TryRemove(new KeyValuePair<string, RealtimeConnection>(c.Sid, c));
        Leave(c);
        if (c.Overflowed) Interlocked.Increment(ref _overflows);
        var level = c.Overflowed ? LogLevel.Information : LogLevel.Debug;
        _log.Log(level, "realtime: {Sid} closed ({Reason}); {Count} connections", c.Sid, c.CloseReason, _connections.Count);
    }

    /// <summary>An Engine.IO packet (text) from the client, whatever the transport.</summary>
    internal void OnEnginePacket(RealtimeConnection c, string packet)
    {
        if (packet.Length == 0) { c.Close("parse error"); return; }
        switch (packet[0])
        {
            case SocketIoProtocol.EioPong: c.Pong(); break;
            case SocketIoProtocol.EioMessage: OnSocketIoPacket(c, packet[1..]); break;
            case SocketIoProtocol.EioClose: c.Close("client close"); break;
            case SocketIoProtocol.EioNoop: break;
            case SocketIoProtocol.EioPing: // only meaningful as the upgrade probe, handled by the transport
            case SocketIoProtocol.EioUpgrade:
                break;
            default: c.Close("parse error"); break;
        }
    }

    void OnSocketIoPacket(RealtimeConnection c, string text)
    {
        if (!SocketIoProtocol.TryParse(text, out var p)) { c.Close("parse error"); return; }
        switch (p.Type)
        {
            case SocketIoProtocol.SioConnect:
                if (p.Namespace != "/") { c.Send(SocketIoProtocol.ConnectError(p.Namespace, "Invalid namespace")); return; }
                ConnectNamespace(c);
                break;
            case SocketIoProtocol.SioDisconnect:
                if (p.Namespace != "/" || !c.NamespaceConnected) return;
                c.NamespaceConnected = false;
                Leave(c);
                _log.LogDebug("realtime: {Sid} left the namespace", c.Sid);
                break;
            case SocketIoProtocol.SioConnectError:
                c.Close("parse error"); // only servers send CONNECT_ERROR
                break;
            default:
                // EVENT / ACK / binary: Immich's gateway handles no client events; they are ignored as upstream ignores them.
                break;
        }
    }

    void ConnectNamespace(RealtimeConnection c)
    {
        if (c.NamespaceConnected || c.Rejected) return;
        c.SocketId = SocketIoProtocol.NewId();
        c.NamespaceConnected = true;
        if (!c.Send(SocketIoProtocol.ConnectAck(c.SocketId))) return;
        if (c.Auth is not { } auth)
        {
            // As upstream's gateway: the socket is accepted, told "unauthorized", then disconnected by the server
            // (a server-side disconnect, so socket.io clients do not retry).
            c.Rejected = true;
            c.NamespaceConnected = false;
            _log.LogDebug("realtime: {Sid} unauthorized", c.Sid);
            if (c.Send(UnauthorizedFrame) && c.Send(SocketIoProtocol.NamespaceDisconnect)) c.CloseAfterFlush();
            return;
        }
        Join(c, auth);
        c.Send(ServerVersionFrame);
    }

    static string UserRoom(string userId) => "user:" + userId;
    static string SessionRoom(string sessionId) => "session:" + sessionId;

    void Join(RealtimeConnection c, AuthContext auth)
    {
        lock (_roomsGate)
        {
            if (c.IsClosed) return;
            _joined.Add(c);
            AddTo(UserRoom(auth.UserId), c);
            if (auth.Session is { } s) AddTo(SessionRoom(s.Id), c);
        }
    }

    void AddTo(string room, RealtimeConnection c)
    {
        if (!_rooms.TryGetValue(room, out var set)) _rooms[room] = set = [];
        set.Add(c);
    }

    void Leave(RealtimeConnection c)
    {
        if (c.Auth is not { } auth) return;
        lock (_roomsGate)
        {
            if (!_joined.Remove(c)) return;
            RemoveFrom(UserRoom(auth.UserId), c);
            if (auth.Session is { } s) RemoveFrom(SessionRoom(s.Id), c);
        }
    }

    void RemoveFrom(string room, RealtimeConnection c)
    {
        if (_rooms.TryGetValue(room, out var set) && set.Remove(c) && set.Count == 0) _rooms.Remove(room);
    }

    void OnPublished(ServerEvent e)
    {
        RealtimeConnection[] targets;
        lock (_roomsGate)
        {
            if (_joined.Count == 0) return;
            if (e.Audience == EventAudience.Broadcast) targets = [.. _joined];
            else
            {
                var set = new HashSet<RealtimeConnection>();
                foreach (var t in e.Targets)
                    if (_rooms.TryGetValue(e.Audience == EventAudience.Session ? SessionRoom(t) : UserRoom(t), out var room))
                        set.UnionWith(room);
                if (set.Count == 0) return;
                targets = [.. set];
            }
        }
        var frame = SocketIoProtocol.Event(e.Name, e.PayloadJson);
        foreach (var c in targets) c.Send(frame);
    }

    /// <summary>Server shutdown: every connection gets a websocket close frame (1001) or, polling, a close packet.
    /// No Socket.IO disconnect is sent, so clients treat it as a lost transport and reconnect.</summary>
    void Shutdown()
    {
        _stopping = true;
        foreach (var c in _connections.Values) c.Close("server shutting down", WebSocketCloseStatus.EndpointUnavailable);
    }

    public void Dispose()
    {
        _events.Published -= OnPublished;
        _meter?.Dispose();
    }
}
