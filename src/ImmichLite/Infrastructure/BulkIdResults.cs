using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;

namespace ImmichLite.Infrastructure;

/// <summary>Upstream's per-id answers when assets are added to or removed from a container (an album, a tag, a memory):
/// one BulkIdResponseDto per id given, in order; an id given twice is answered again against the state the earlier
/// ones left.</summary>
public static class BulkIdResults
{
    /// <summary>Adding: "duplicate" when already in, "no_permission" when not allowed, else success (and it is in from then on).</summary>
    public static (List<BulkIdResponseDto> Results, List<string> Changed) Add(IReadOnlyList<string> ids, HashSet<string> present, IReadOnlySet<string> allowed) =>
        Apply(ids, id => present.Contains(id) ? BulkIdResponseDtoError.Duplicate : !allowed.Contains(id) ? BulkIdResponseDtoError.NoPermission : null, id => present.Add(id));

    /// <summary>Removing: "not_found" when not in, "no_permission" when not allowed, else success (and it is out from then on).</summary>
    public static (List<BulkIdResponseDto> Results, List<string> Changed) Remove(IReadOnlyList<string> ids, HashSet<string> present, IReadOnlySet<string> allowed) =>
        Apply(ids, id => !present.Contains(id) ? BulkIdResponseDtoError.NotFound : !allowed.Contains(id) ? BulkIdResponseDtoError.NoPermission : null, id => present.Remove(id));

    static (List<BulkIdResponseDto>, List<string>) Apply(IReadOnlyList<string> ids, Func<string, BulkIdResponseDtoError?> check, Action<string> apply)
    {
        var results = new List<BulkIdResponseDto>(ids.Count);
        var changed = new List<string>();
        foreach (var id in ids)
        {
            if (check(id) is { } error)
            {
                results.Add(Failed(id, error));
                continue;
            }
            apply(id);
            changed.Add(id);
            results.Add(new BulkIdResponseDto { Id = id, Success = true });
        }
        return (results, changed);
    }

    /// <summary>PUT or DELETE /{container}/{id}/assets for a container that only its owner uses (a tag, a memory):
    /// <paramref name="requireAccess"/> checks the container; adding takes only the caller's own assets (upstream's
    /// asset.share), removing anything that is in it (the owner's container-level permission allows every removal).</summary>
    public static async Task OwnedContainerAssetsAsync(HttpContext ctx, bool add, Action<AuthContext, string> requireAccess,
        Func<string, IReadOnlyCollection<string>, HashSet<string>> contained, AssetStore assets, Func<string, List<string>, Task> change)
    {
        var id = ctx.RouteUuid();
        var auth = ctx.Auth();
        var dto = await ctx.Body(ImmichJsonContext.Default.BulkIdsDto);
        requireAccess(auth, id);
        var ids = dto.Ids.Select(i => i.ToLowerInvariant()).ToList();
        var present = contained(id, ids);
        var (results, changed) = add
            ? Add(ids, present, assets.Owned(auth.UserId, ids.Where(i => !present.Contains(i)).Distinct().ToList()))
            : Remove(ids, present, new HashSet<string>(present));
        if (changed.Count > 0) await change(id, changed);
        await ctx.Json(results, ImmichJsonContext.Default.ListBulkIdResponseDto);
    }

    public static BulkIdResponseDto Failed(string id, BulkIdResponseDtoError error) => new() { Id = id, Success = false, Error = error };
}
