using System.Security.Cryptography;

namespace ImmichLite.Data;

public static class Ids
{
    static readonly Lock Gate = new();
    static long _lastMs;
    static int _counter;

    /// <summary>Entity ids: random UUIDs, as upstream.</summary>
    public static string New() => Guid.NewGuid().ToString();

    /// <summary>Change ids: UUIDv7 that are strictly increasing within this process (a 12-bit counter
    /// in rand_a for ids made in the same millisecond), so "changed after X" is a string comparison.</summary>
    public static string NewUpdateId()
    {
        long ms; int counter;
        lock (Gate)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (now > _lastMs) { _lastMs = now; _counter = RandomNumberGenerator.GetInt32(0, 512); }
            else if (++_counter > 0xFFF) { _lastMs++; _counter = 0; }
            ms = _lastMs; counter = _counter;
        }
        Span<byte> b = stackalloc byte[16];
        RandomNumberGenerator.Fill(b[8..]);
        b[0] = (byte)(ms >> 40); b[1] = (byte)(ms >> 32); b[2] = (byte)(ms >> 24);
        b[3] = (byte)(ms >> 16); b[4] = (byte)(ms >> 8); b[5] = (byte)ms;
        b[6] = (byte)(0x70 | ((counter >> 8) & 0x0F));
        b[7] = (byte)counter;
        b[8] = (byte)(0x80 | (b[8] & 0x3F));
        return Convert.ToHexStringLower(b[..4]) + "-" + Convert.ToHexStringLower(b[4..6]) + "-" + Convert.ToHexStringLower(b[6..8]) + "-" +
               Convert.ToHexStringLower(b[8..10]) + "-" + Convert.ToHexStringLower(b[10..]);
    }

    public static bool IsUuid(string? s) => s is { Length: 36 } && Guid.TryParseExact(s, "D", out _);
}
