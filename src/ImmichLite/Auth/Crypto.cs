using System.Security.Cryptography;
using System.Text;

namespace ImmichLite.Auth;

public static class Crypto
{
    /// <summary>bcrypt, cost 10, $2b$ — the same hashes Immich stores, so imported users keep their passwords.</summary>
    public static string HashPassword(string password) => BCrypt.Net.BCrypt.HashPassword(password, workFactor: 10);

    public static bool VerifyPassword(string password, string? hash)
    {
        if (string.IsNullOrEmpty(hash)) return false;
        try { return BCrypt.Net.BCrypt.Verify(password, hash); }
        catch (BCrypt.Net.SaltParseException) { return false; }
    }

    /// <summary>32 random bytes, base64 with the non-word characters removed (about 43 characters), as upstream.</summary>
    public static string NewToken()
    {
        var s = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var sb = new StringBuilder(s.Length);
        foreach (var c in s) if (char.IsAsciiLetterOrDigit(c) || c == '_') sb.Append(c);
        return sb.ToString();
    }

    /// <summary>How tokens and API keys are stored: SHA-256, hex. The secret itself never touches the disk.</summary>
    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
