using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ImmichLite.Realtime;

/// <summary>The wire format: Engine.IO v4 packets (one digit type, then data) carrying Socket.IO v5 packets
/// (one digit type, optional "/namespace,", optional ack id, JSON). Frames are kept as UTF-8 bytes so one
/// serialisation serves every receiver.</summary>
internal static class SocketIoProtocol
{
    // Engine.IO packet types
    public const char EioOpen = '0', EioClose = '1', EioPing = '2', EioPong = '3', EioMessage = '4', EioUpgrade = '5', EioNoop = '6';

    // Socket.IO packet types
    public const char SioConnect = '0', SioDisconnect = '1', SioEvent = '2', SioAck = '3', SioConnectError = '4', SioBinaryEvent = '5', SioBinaryAck = '6';

    /// <summary>Engine.IO v4 joins packets of a polling payload with the ASCII record separator.</summary>
    public const byte RecordSeparator = 0x1e;

    public static readonly byte[] Ping = "2"u8.ToArray();
    public static readonly byte[] Noop = "6"u8.ToArray();
    public static readonly byte[] Close = "1"u8.ToArray();
    public static readonly byte[] ProbeAnswer = "3probe"u8.ToArray();
    public static readonly byte[] NamespaceDisconnect = "41"u8.ToArray();

    /// <summary>A 20-character URL-safe random id, the shape Engine.IO uses for sids.</summary>
    public static string NewId()
    {
        Span<byte> b = stackalloc byte[15];
        RandomNumberGenerator.Fill(b);
        return Base64Url.EncodeToString(b);
    }

    /// <summary><c>0{"sid":…,"upgrades":[…],"pingInterval":…,"pingTimeout":…,"maxPayload":…}</c></summary>
    public static byte[] OpenPacket(string sid, bool offerWebSocketUpgrade, RealtimeOptions o)
    {
        var buf = new ArrayBufferWriter<byte>(160);
        buf.Write("0"u8);
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            w.WriteString("sid", sid);
            w.WriteStartArray("upgrades");
            if (offerWebSocketUpgrade) w.WriteStringValue("websocket");
            w.WriteEndArray();
            w.WriteNumber("pingInterval", (long)o.PingInterval.TotalMilliseconds);
            w.WriteNumber("pingTimeout", (long)o.PingTimeout.TotalMilliseconds);
            w.WriteNumber("maxPayload", o.MaxPayload);
            w.WriteEndObject();
        }
        return buf.WrittenSpan.ToArray();
    }

    /// <summary><c>40{"sid":"…"}</c>: the namespace "/" accepted the socket.</summary>
    public static byte[] ConnectAck(string socketId)
    {
        var buf = new ArrayBufferWriter<byte>(40);
        buf.Write("40"u8);
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            w.WriteString("sid", socketId);
            w.WriteEndObject();
        }
        return buf.WrittenSpan.ToArray();
    }

    /// <summary><c>44[/nsp,]{"message":"…"}</c></summary>
    public static byte[] ConnectError(string nsp, string message)
    {
        var buf = new ArrayBufferWriter<byte>(64);
        buf.Write("44"u8);
        if (nsp != "/") { buf.Write(Encoding.UTF8.GetBytes(nsp)); buf.Write(","u8); }
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            w.WriteString("message", message);
            w.WriteEndObject();
        }
        return buf.WrittenSpan.ToArray();
    }

    /// <summary><c>42["name",payload]</c>, or <c>42["name"]</c> when there is no payload. The payload is
    /// already-serialised JSON and is written as is.</summary>
    public static byte[] Event(string name, string? payloadJson)
    {
        var buf = new ArrayBufferWriter<byte>(32 + name.Length + (payloadJson?.Length ?? 0));
        buf.Write("42"u8);
        using (var w = new Utf8JsonWriter(buf, new JsonWriterOptions { SkipValidation = true }))
        {
            w.WriteStartArray();
            w.WriteStringValue(name);
            if (payloadJson is not null) w.WriteRawValue(payloadJson, skipInputValidation: true);
            w.WriteEndArray();
        }
        return buf.WrittenSpan.ToArray();
    }

    /// <summary>The error body engine.io answers bad transport requests with (code 0–5).</summary>
    public static string ErrorJson(int code, string message)
    {
        var buf = new ArrayBufferWriter<byte>(64);
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            w.WriteNumber("code", code);
            w.WriteString("message", message);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buf.WrittenSpan);
    }

    public readonly record struct SioPacket(char Type, string Namespace, long? AckId, string Data);

    /// <summary>Parses the text of a Socket.IO packet (the part after the Engine.IO "4"). Binary packets (types 5
    /// and 6) parse too, with their attachment count skipped; nothing here decodes the JSON.</summary>
    public static bool TryParse(string p, out SioPacket packet)
    {
        packet = default;
        if (p.Length == 0 || p[0] < '0' || p[0] > '6') return false;
        var type = p[0];
        var i = 1;
        if (type is SioBinaryEvent or SioBinaryAck)
        {
            var dash = p.IndexOf('-', i);
            if (dash < 0) return false;
            for (var k = i; k < dash; k++) if (!char.IsAsciiDigit(p[k])) return false;
            i = dash + 1;
        }
        var nsp = "/";
        if (i < p.Length && p[i] == '/')
        {
            var comma = p.IndexOf(',', i);
            nsp = comma < 0 ? p[i..] : p[i..comma];
            i = comma < 0 ? p.Length : comma + 1;
        }
        long? ack = null;
        var start = i;
        while (i < p.Length && char.IsAsciiDigit(p[i])) i++;
        if (i > start)
        {
            if (i - start > 18) return false;
            ack = long.Parse(p.AsSpan(start, i - start), System.Globalization.CultureInfo.InvariantCulture);
        }
        packet = new SioPacket(type, nsp, ack, p[i..]);
        return true;
    }
}
