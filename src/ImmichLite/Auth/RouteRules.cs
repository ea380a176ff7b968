using ImmichLite.Contract;

namespace ImmichLite.Auth;

public static class RouteRules
{
    static readonly string[] AdminPrefixes = ["/admin/", "/jobs", "/libraries", "/system-config", "/system-metadata", "/server/statistics", "/server/license"];

    /// <summary>Admin-only operations in Immich v1.134: the admin user and notification routes, jobs, libraries,
    /// system config and metadata, server statistics and the server license.</summary>
    public static bool IsAdminOnly(ApiOperation op) =>
        AdminPrefixes.Any(p => op.Path.StartsWith(p, StringComparison.Ordinal));

    /// <summary>Operations that take a shared-link `key` (or `slug`) as an alternative to a login.</summary>
    public static bool AcceptsSharedLink(ApiOperation op) => op.QueryParameters.Contains("key");
}
