using System.Globalization;
using System.Text.Json;
using ImmichLite.Data;
using ImmichLite.Users;

namespace ImmichLite.Memories;

/// <summary>Upstream's nightly memories jobs. "On this day": for every day from three days before today to three days
/// after, once per day (the last day done is kept in system metadata, so a second run makes nothing new), each user
/// whose preferences have memories enabled gets one memory per past year that has photos taken on that month and day
/// (at most the 10 latest years, 20 assets each: theirs and those of partners who share into their timeline; in the
/// timeline, not trashed, with a preview), shown from the start to the end of that day (UTC). Cleanup: memories not
/// saved go 30 days after they were made. Runs at start-up, then hourly (only a new day does any work).</summary>
public sealed class MemoryGenerator(MemoryStore memories, UserStore users, UserService userService, SystemMetadataStore metadata,
    TimeProvider clock, ILogger<MemoryGenerator> log) : BackgroundService
{
    public const int Days = 3;
    public const int MaxYears = 10;
    public const int MaxAssets = 20;
    public static readonly TimeSpan KeepUnsaved = TimeSpan.FromDays(30);
    public const string StateKey = "memories-state";

    readonly SemaphoreSlim _gate = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        await Task.Yield(); // never hold up the host's start
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try { await RunAsync(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "memory generation failed"); }
        } while (await timer.WaitForNextTickAsync(stop));
    }

    /// <summary>Makes the memories of the days around <paramref name="today"/> not done yet, then (when there were any)
    /// cleans up old unsaved memories. Returns how many memories were made.</summary>
    public async Task<int> RunAsync(DateOnly today)
    {
        await _gate.WaitAsync();
        try
        {
            var start = today.AddDays(-Days);
            var last = LastDone() ?? start;
            List<(string UserId, List<string> OwnerIds)>? owners = null;
            var made = 0;
            for (var i = 0; i <= Days * 2; i++)
            {
                var target = start.AddDays(i);
                if (last >= target) continue;
                owners ??= users.List().Where(u => userService.GetPreferences(u.Id).Memories.Enabled)
                    .Select(u => (u.Id, memories.TimelineOwners(u.Id))).ToList();
                var created = owners.SelectMany(o => OnThisDay(o.UserId, o.OwnerIds, target)).ToList();
                if (created.Count > 0) await memories.CreateManyAsync(created);
                made += created.Count;
                await SetLastDoneAsync(target);
                last = target;
            }
            if (made > 0) log.LogInformation("Created {Count} on-this-day memories", made);
            if (owners is not null) // a new day was done
            {
                var removed = await memories.DeleteUnsavedBeforeAsync(clock.GetUtcNow().UtcDateTime - KeepUnsaved);
                if (removed > 0) log.LogInformation("Removed {Count} unsaved memories older than {Days} days", removed, KeepUnsaved.Days);
            }
            return made;
        }
        finally { _gate.Release(); }
    }

    /// <summary>One memory per past year (latest first, at most 10) with assets taken on the target's month and day.</summary>
    List<(MemoryRow, List<string>)> OnThisDay(string userId, List<string> ownerIds, DateOnly target)
    {
        var result = new List<(MemoryRow, List<string>)>();
        if (memories.YearRange(ownerIds) is not { } range) return result;
        var now = clock.GetUtcNow().UtcDateTime;
        var showAt = target.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        for (var year = Math.Min(range.Last, target.Year - 1); year >= range.First && result.Count < MaxYears; year--)
        {
            if (target.Month == 2 && target.Day == 29 && !DateTime.IsLeapYear(year)) continue;
            var day = new DateOnly(year, target.Month, target.Day);
            var ids = memories.TakenOn(ownerIds, day, MaxAssets);
            if (ids.Count == 0) continue;
            result.Add((new MemoryRow
            {
                Id = Ids.New(), OwnerId = userId, Type = "on_this_day", Data = MemoryService.DataJson(year),
                MemoryAt = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), ShowAt = showAt, HideAt = showAt.AddDays(1).AddMilliseconds(-1),
                CreatedAt = now, UpdatedAt = now,
            }, ids));
        }
        return result;
    }

    DateOnly? LastDone()
    {
        if (metadata.Get(StateKey) is not { } json) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.TryGetProperty("lastOnThisDayDate", out var v) && v.ValueKind == JsonValueKind.String &&
                   DateTime.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
                ? DateOnly.FromDateTime(d)
                : null;
        }
        catch (JsonException) { return null; }
    }

    Task SetLastDoneAsync(DateOnly day) =>
        metadata.SetAsync(StateKey, $$"""{"lastOnThisDayDate":"{{Sql.Iso(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc))}}"}""");
}
