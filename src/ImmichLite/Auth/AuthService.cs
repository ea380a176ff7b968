using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace ImmichLite.Auth;

/// <summary>Resolves the caller the way Immich does: shared-link key, then session token (headers, bearer,
/// cookie, ?sessionKey=), then API key (header or ?apiKey=). Sessions are touched at most once an hour.</summary>
public sealed class AuthService(UserStore users, SessionStore sessions, ApiKeyStore apiKeys, TimeProvider clock)
{
    public const string CookieAccessToken = "immich_access_token";
    public const string CookieAuthType = "immich_auth_type";
    public const string CookieIsAuthenticated = "immich_is_authenticated";
    public const string CookieSharedLinkToken = "immich_shared_link_token";

    /// <summary>Set by the shared-links area once it exists; returns null when the key matches no link.</summary>
    public Func<HttpContext, string, AuthContext?>? SharedLinkResolver { get; set; }

    public async Task<AuthContext?> TryAuthenticateAsync(HttpContext ctx)
    {
        var req = ctx.Request;
        var shareKey = Header(req, "x-immich-share-key") ?? Query(req, "key") ?? Query(req, "slug") ?? req.Cookies[CookieSharedLinkToken];
        if (shareKey is not null && (Header(req, "x-immich-share-key") is not null || Query(req, "key") is not null || Query(req, "slug") is not null))
        {
            if (SharedLinkResolver is null) throw ApiException.Unauthorized("Invalid share key");
            return SharedLinkResolver(ctx, shareKey) ?? throw ApiException.Unauthorized("Invalid share key");
        }

        var token = Header(req, "x-immich-user-token") ?? Header(req, "x-immich-session-token") ?? Query(req, "sessionKey") ?? Bearer(req) ?? req.Cookies[CookieAccessToken];
        if (token is not null) return await FromSessionTokenAsync(token) ?? throw ApiException.Unauthorized("Invalid user token");

        var apiKey = Header(req, "x-api-key") ?? Query(req, "apiKey");
        if (apiKey is not null) return FromApiKey(apiKey) ?? throw ApiException.Unauthorized("Invalid API key");

        return null;
    }

    public async Task<AuthContext?> FromSessionTokenAsync(string token)
    {
        var session = sessions.GetByTokenHash(Crypto.HashToken(token));
        if (session is null) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        if (session.ExpiresAt is { } exp && exp <= now) return null;
        var user = users.Get(session.UserId);
        if (user is null) return null;
        if (now - session.UpdatedAt > TimeSpan.FromHours(1))
        {
            await sessions.TouchAsync(session.Id, now);
            session = session with { UpdatedAt = now };
        }
        return new AuthContext(user, Session: session);
    }

    AuthContext? FromApiKey(string key)
    {
        var row = apiKeys.GetByKeyHash(Crypto.HashToken(key));
        if (row is null) return null;
        var user = users.Get(row.UserId);
        return user is null ? null : new AuthContext(user, ApiKey: row);
    }

    /// <summary>The checks an operation's guard makes once the caller is known.</summary>
    public static void Authorize(AuthContext auth, ApiOperation op)
    {
        if (auth.SharedLink is not null && !RouteRules.AcceptsSharedLink(op))
            throw ApiException.Forbidden("Forbidden");
        if (RouteRules.IsAdminOnly(op) && !auth.User.IsAdmin)
            throw ApiException.Forbidden("Forbidden");
        if (auth.ApiKey is { } key && Permissions.For(op) is { } needed &&
            !key.Permissions.Contains("all") && !key.Permissions.Contains(needed))
            throw ApiException.Forbidden($"Missing required permission: {needed}");
    }

    static string? Header(HttpRequest r, string name) => r.Headers.TryGetValue(name, out var v) && v.Count > 0 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;
    static string? Query(HttpRequest r, string name) => r.Query.TryGetValue(name, out var v) && v.Count > 0 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

    static string? Bearer(HttpRequest r)
    {
        var h = Header(r, "authorization");
        return h is not null && h.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? h[7..].Trim() : null;
    }
}
