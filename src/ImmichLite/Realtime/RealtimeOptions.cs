namespace ImmichLite.Realtime;

/// <summary>Knobs of the realtime channel. Read when a connection opens, so tests may shorten them on a
/// freshly built host before it starts.</summary>
public sealed class RealtimeOptions
{
    /// <summary>Engine.IO heartbeat: the server sends a ping this long after the previous pong...</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>...and drops the connection when the pong has not come back within this.</summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Largest message (websocket) or POST body (polling) accepted from a client, and the most a poll answer carries.</summary>
    public int MaxPayload { get; set; } = 1_000_000;

    /// <summary>Send buffer per connection, in frames. A connection whose buffer overflows is dropped (see <see cref="SendQueueBytes"/>).</summary>
    public int SendQueueFrames { get; set; } = 8192;

    /// <summary>Send buffer per connection, in bytes (frame bytes plus a fixed overhead per frame). The real bound on
    /// memory: a phone that stops reading costs at most this much before it is disconnected.</summary>
    public long SendQueueBytes { get; set; } = 1 << 20;

    /// <summary>An Engine.IO connection that has not joined the namespace ("40") within this is closed.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>A polling session's websocket probe must finish the upgrade ("5") within this.</summary>
    public TimeSpan UpgradeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a closing websocket may take to finish the close handshake before it is aborted.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(3);
}
