using ImmichLite.Auth;
using ImmichLite.Data;
using Microsoft.AspNetCore.Http;

namespace ImmichLite.Authentication;

/// <summary>Creates sessions (what the token behind a login is) and the cookies the web client reads.</summary>
public sealed class LoginService(SessionStore sessions, TimeProvider clock)
{
    static readonly TimeSpan CookieAge = TimeSpan.FromDays(400);

    public async Task<(string Token, SessionRow Session)> CreateSessionAsync(UserRow user, HttpContext ctx, string? parentId = null,
        string? deviceType = null, string? deviceOS = null, DateTime? expiresAt = null)
    {
        var token = Crypto.NewToken();
        var now = clock.GetUtcNow().UtcDateTime;
        var (type, os) = DeviceOf(ctx);
        var row = new SessionRow
        {
            Id = Ids.New(),
            UserId = user.Id,
            DeviceType = deviceType ?? type,
            DeviceOS = deviceOS ?? os,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = expiresAt,
        };
        await sessions.InsertAsync(row, Crypto.HashToken(token), parentId);
        return (token, row);
    }

    /// <summary>The app sends deviceModel/deviceType headers; browsers and the CLI are told apart by User-Agent.</summary>
    public static (string Type, string OS) DeviceOf(HttpContext ctx)
    {
        var h = ctx.Request.Headers;
        var model = h["deviceModel"].ToString();
        var type = h["deviceType"].ToString();
        if (model.Length > 0 || type.Length > 0) return (model, type);
        var ua = h.UserAgent.ToString();
        if (ua.StartsWith("Immich_Android", StringComparison.Ordinal)) return ("Mobile", "Android");
        if (ua.StartsWith("Immich_iOS", StringComparison.Ordinal)) return ("Mobile", "iOS");
        var os = ua.Contains("Android") ? "Android" : ua.Contains("iPhone") || ua.Contains("iPad") ? "iOS" : ua.Contains("Windows") ? "Windows"
            : ua.Contains("Mac OS") ? "macOS" : ua.Contains("Linux") ? "Linux" : "";
        var browser = ua.Contains("Firefox/") ? "Firefox" : ua.Contains("Edg/") ? "Edge" : ua.Contains("Chrome/") ? "Chrome"
            : ua.Contains("Safari/") ? "Safari" : ua.Length > 0 ? ua.Split('/')[0] : "";
        return (browser, os);
    }

    public static void SetAuthCookies(HttpContext ctx, string token)
    {
        var secure = ctx.Request.IsHttps;
        var httpOnly = new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/", MaxAge = CookieAge, Secure = secure };
        ctx.Response.Cookies.Append(AuthService.CookieAccessToken, token, httpOnly);
        ctx.Response.Cookies.Append(AuthService.CookieAuthType, "password", httpOnly);
        ctx.Response.Cookies.Append(AuthService.CookieIsAuthenticated, "true",
            new CookieOptions { HttpOnly = false, SameSite = SameSiteMode.Lax, Path = "/", MaxAge = CookieAge, Secure = secure });
    }

    public static void ClearAuthCookies(HttpContext ctx)
    {
        foreach (var name in new[] { AuthService.CookieAccessToken, AuthService.CookieAuthType, AuthService.CookieIsAuthenticated })
            ctx.Response.Cookies.Delete(name, new CookieOptions { Path = "/" });
    }
}
