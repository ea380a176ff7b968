using System.Text.Json;
using ImmichLite.Assets;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Tags;

namespace ImmichLite.Sync;

/// <summary>The sync the v1.134 app uses by default: POST /sync/full-sync (pages by id) and POST /sync/delta-sync
/// ({needsFullSync, upserted, deleted}). Responses are written in batches straight from the database.</summary>
public static class SyncEndpoints
{
    public static readonly TimeSpan TombstoneAge = TimeSpan.FromDays(100);
    public const int DeltaLimit = 10_000;
    const int Batch = 500;

    public static void MapSync(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Sync");
        var sync = app.ServiceProvider.GetRequiredService<SyncStore>();
        var partners = app.ServiceProvider.GetRequiredService<PartnerStore>();
        var users = app.ServiceProvider.GetRequiredService<UserStore>();
        var tags = app.ServiceProvider.GetRequiredService<TagStore>();
        var stacks = app.ServiceProvider.GetRequiredService<StackStore>();
        var clock = app.ServiceProvider.GetRequiredService<TimeProvider>();
        var j = ImmichJsonContext.Default;

        g.MapOp(ApiOps.GetFullSyncForUser, async ctx =>
        {
            var dto = await ctx.Body(j.AssetFullSyncDto);
            var me = ctx.Auth().UserId;
            if (dto.Limit < 1) throw ApiException.Validation(["limit must not be less than 1"]);
            var owner = dto.UserId ?? me;
            var asPartner = owner != me;
            if (asPartner && !partners.SharingWith(me).Contains(owner)) throw ApiException.BadRequest("Not found or no timeline.read access");
            var cache = new Dictionary<string, UserRow?>();
            await StreamArray(ctx, async (write, flush) =>
            {
                var after = dto.LastId ?? "";
                var left = dto.Limit;
                while (left > 0)
                {
                    var page = sync.FullSyncPage(owner, asPartner, dto.UpdatedUntil, after, Math.Min(Batch, left));
                    var tagged = TagService.ByAsset(tags, page.Select(x => x.Asset.Id).ToList());
                    var stacked = stacks.ByIds(page.Select(x => x.Asset.StackId));
                    foreach (var (a, e) in page) write(AssetMapper.ToDto(a, e, Owner(users, cache, a.OwnerId), me, tagged.GetValueOrDefault(a.Id), StackOf(stacked, a)));
                    await flush();
                    if (page.Count < Math.Min(Batch, left)) break;
                    left -= page.Count;
                    after = page[^1].Asset.Id;
                }
            });
        });

        g.MapOp(ApiOps.GetDeltaSync, async ctx =>
        {
            var dto = await ctx.Body(j.AssetDeltaSyncDto);
            var me = ctx.Auth().UserId;
            var now = clock.GetUtcNow().UtcDateTime;
            var sharing = partners.SharingWith(me);
            var expected = sharing.Append(me).ToHashSet();
            var asked = dto.UserIds.Select(u => u.ToLowerInvariant()).ToHashSet();
            // me first, then the partners sharing with me; each owner read in its own index range
            var owners = sharing.Select(o => (Id: o, AsPartner: true)).Prepend((Id: me, AsPartner: false)).ToList();
            var needsFull = dto.UpdatedAfter < now - TombstoneAge || !asked.SetEquals(expected)
                            || owners.Sum(o => sync.DeltaCount(o.Id, o.AsPartner, dto.UpdatedAfter, DeltaLimit)) >= DeltaLimit;
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json; charset=utf-8";
            using var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
            w.WriteStartObject();
            w.WriteBoolean("needsFullSync", needsFull);
            w.WriteStartArray("upserted");
            if (!needsFull)
            {
                var cache = new Dictionary<string, UserRow?>();
                foreach (var (owner, asPartner) in owners)
                {
                    var from = (Sql.Iso(dto.UpdatedAfter), long.MaxValue);
                    while (true)
                    {
                        var (page, next) = sync.DeltaPage(owner, asPartner, from, Batch);
                        var tagged = TagService.ByAsset(tags, page.Select(x => x.Asset.Id).ToList());
                        var stacked = stacks.ByIds(page.Select(x => x.Asset.StackId));
                        foreach (var (a, e) in page)
                            JsonSerializer.Serialize(w, AssetMapper.ToDto(a, e, Owner(users, cache, a.OwnerId), me, tagged.GetValueOrDefault(a.Id), StackOf(stacked, a)), j.AssetResponseDto);
                        w.Flush();
                        await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted);
                        if (page.Count < Batch) break;
                        from = next;
                    }
                }
            }
            w.WriteEndArray();
            w.WriteStartArray("deleted");
            if (!needsFull)
                foreach (var (owner, asPartner) in owners)
                    foreach (var id in sync.DeltaDeleted(owner, asPartner, dto.UpdatedAfter)) w.WriteStringValue(id);
            w.WriteEndArray();
            w.WriteEndObject();
            w.Flush();
            await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted);
        });
    }

    static StackRow? StackOf(Dictionary<string, StackRow> stacks, AssetRow a) => a.StackId is { } id ? stacks.GetValueOrDefault(id) : null;

    static UserRow? Owner(UserStore users, Dictionary<string, UserRow?> cache, string id)
    {
        if (!cache.TryGetValue(id, out var u)) cache[id] = u = users.Get(id, withDeleted: true);
        return u;
    }

    /// <summary>Writes a JSON array whose items the callback produces in batches, calling flush between them.
    /// Every flush of the pipe goes through the JSON writer first: the writer may hold pipe memory it has not
    /// advanced yet, and starting the response under it is an error.</summary>
    static async Task StreamArray(HttpContext ctx, Func<Action<AssetResponseDto>, Func<Task>, Task> produce)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        using var w = new Utf8JsonWriter(ctx.Response.BodyWriter);
        async Task Flush()
        {
            w.Flush();
            await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted);
        }
        w.WriteStartArray();
        await produce(item => JsonSerializer.Serialize(w, item, ImmichJsonContext.Default.AssetResponseDto), Flush);
        w.WriteEndArray();
        await Flush();
    }
}
