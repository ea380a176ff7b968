using ImmichLite.Assets;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Jobs;

namespace ImmichLite.Maintenance;

/// <summary>Removes a deleted user for good, as upstream's user deletion: once the delay after a soft delete has
/// passed (7 days by default), or at once after a forced delete. Every asset goes the way of a permanent delete (files,
/// tombstones for the other users' sync), then the user's folders, then the user row (its albums, shared links,
/// sessions, keys, partnerships and metadata follow by cascade; a users_audit row tells sync). A user restored in
/// the meantime is left alone. Payload: the user id.</summary>
public sealed class UserDeletionJob(UserStore users, AssetStore assets, AssetService assetService, StorageLayout layout,
    ServerSettings settings, TimeProvider clock, ILogger<UserDeletionJob> log) : IJobHandler
{
    public const string JobName = "UserDeletion";
    public string Name => JobName;
    public Contract.JobName Queue => Contract.JobName.BackgroundTask;

    /// <summary>Whether a user is due for removal now.</summary>
    public static bool IsDue(UserRow u, DateTime now, int delayDays) =>
        u.DeletedAt is { } deleted && (u.Status == EnumText.Of(UserStatus.Removing) || deleted <= now.AddDays(-delayDays));

    public async Task RunAsync(JobRow job, CancellationToken ct)
    {
        var user = users.Get(job.Payload, withDeleted: true);
        if (user is null || !IsDue(user, clock.GetUtcNow().UtcDateTime, settings.UserDeleteDelay)) return;
        var removed = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var ids = assets.IdsOfOwner(user.Id, 500);
            if (ids.Count == 0) break;
            removed += await assetService.DeletePermanentlyAsync(ids);
        }
        foreach (var folder in new[] { "upload", "thumbs", "encoded-video", "profile" })
        {
            var dir = Path.Combine(layout.Root, folder, user.Id);
            try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
            catch (IOException e) { log.LogWarning("could not remove {Dir}: {Reason}", dir, e.Message); }
        }
        await users.HardDeleteAsync(user.Id);
        log.LogInformation("Removed user {Id} ({Email}) and {Count} assets", user.Id, user.Email, removed);
    }
}
