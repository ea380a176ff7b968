using ImmichLite.Data;
using ImmichLite.Server;
using ImmichLite.Users;

namespace ImmichLite.Infrastructure;

/// <summary>Work done once at start: record the version, sweep temporary files a crash left behind,
/// and create the first admin when asked to on the command line (headless installs). Runs before Kestrel listens.</summary>
public sealed class StartupTasks(AppConfig config, SystemMetadataStore metadata, Assets.UploadService uploads, UserStore users,
    UserService userService, ILogger<StartupTasks> log)
{
    public async Task RunAsync()
    {
        metadata.RecordVersion(ServerInfo.Version);
        var (forward, removed) = uploads.Recover();
        if (forward + removed > 0)
            log.LogInformation("Upload recovery: {Forward} committed upload(s) moved into place, {Removed} unfinished one(s) removed", forward, removed);
        if (config.AdminEmail is { } email && config.AdminPassword is { } password)
        {
            if (users.AdminExists()) log.LogInformation("An admin already exists; --admin-email ignored");
            else
            {
                var admin = await userService.CreateAsync(email, config.AdminName, password, isAdmin: true, shouldChangePassword: false, storageLabel: "admin", quota: null, color: null);
                log.LogInformation("Created admin {Email}", admin.Email);
            }
        }
        log.LogInformation("ImmichLite {Version} (Immich API) — data in {Path}", ServerInfo.Version, config.MediaLocation);
    }
}
