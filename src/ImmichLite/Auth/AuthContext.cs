using ImmichLite.Data;
using Microsoft.AspNetCore.Http;

namespace ImmichLite.Auth;

/// <summary>Who is calling, and through what: a session, an API key or a shared link (then User is the link's owner).</summary>
public sealed record AuthContext(UserRow User, SessionRow? Session = null, ApiKeyRow? ApiKey = null, SharedLinkAccess? SharedLink = null)
{
    public string UserId => User.Id;

    /// <summary>Upstream's requireElevatedPermission (the locked folder): 401 without a PIN-elevated session.</summary>
    public void RequireElevated(DateTime now)
    {
        if (!(Session?.PinExpiresAt > now)) throw Infrastructure.ApiException.Unauthorized("Elevated permission is required");
    }
}

/// <summary>A caller holding a shared-link key: the link, and the operation it is being used for (what the
/// link allows can depend on it: an original only with allowDownload, say).</summary>
public sealed record SharedLinkAccess(SharedLinkRow Link, string? OperationId);

public static class AuthHttpExtensions
{
    const string Key = "immichlite.auth";

    public static void SetAuth(this HttpContext ctx, AuthContext auth) => ctx.Items[Key] = auth;

    /// <summary>The caller of an authenticated operation (the route wrapper has already checked it).</summary>
    public static AuthContext Auth(this HttpContext ctx) =>
        ctx.Items.TryGetValue(Key, out var v) && v is AuthContext a ? a : throw new InvalidOperationException("operation is not authenticated");

    public static AuthContext? AuthOrNull(this HttpContext ctx) => ctx.Items.TryGetValue(Key, out var v) ? v as AuthContext : null;
}
