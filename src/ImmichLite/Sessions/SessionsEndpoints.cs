using ImmichLite.Auth;
using ImmichLite.Authentication;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Sessions;

public static class SessionsEndpoints
{
    public static void MapSessions(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Sessions");
        var sp = app.ServiceProvider;
        var sessions = sp.GetRequiredService<SessionStore>();
        var login = sp.GetRequiredService<LoginService>();
        var events = sp.GetRequiredService<EventHub>();
        var clock = sp.GetRequiredService<TimeProvider>();
        var j = ImmichJsonContext.Default;

        SessionResponseDto Map(SessionRow s, string? currentId) => new()
        {
            Id = s.Id,
            CreatedAt = Sql.Iso(s.CreatedAt),
            UpdatedAt = Sql.Iso(s.UpdatedAt),
            ExpiresAt = s.ExpiresAt is { } e ? Sql.Iso(e) : null,
            Current = s.Id == currentId,
            DeviceType = s.DeviceType,
            DeviceOS = s.DeviceOS,
        };

        g.MapOp(ApiOps.GetSessions, ctx =>
        {
            var auth = ctx.Auth();
            var list = sessions.ListForUser(auth.UserId).Select(s => Map(s, auth.Session?.Id)).ToList();
            return ctx.Json(list, j.ListSessionResponseDto);
        });

        g.MapOp(ApiOps.CreateSession, async ctx =>
        {
            var auth = ctx.Auth();
            var dto = await ctx.OptionalBody(j.SessionCreateDto, () => new SessionCreateDto());
            if (dto.Duration is { } d && d < 1) throw ApiException.Validation(["duration must not be less than 1"]);
            DateTime? expires = dto.Duration is { } secs ? clock.GetUtcNow().UtcDateTime.AddSeconds(secs) : null;
            var (token, row) = await login.CreateSessionAsync(auth.User, ctx, parentId: auth.Session?.Id,
                deviceType: dto.DeviceType ?? "", deviceOS: dto.DeviceOS ?? "", expiresAt: expires);
            await ctx.Json(new SessionCreateResponseDto
            {
                Id = row.Id,
                Token = token,
                CreatedAt = Sql.Iso(row.CreatedAt),
                UpdatedAt = Sql.Iso(row.UpdatedAt),
                ExpiresAt = row.ExpiresAt is { } e ? Sql.Iso(e) : null,
                Current = false,
                DeviceType = row.DeviceType,
                DeviceOS = row.DeviceOS,
            }, j.SessionCreateResponseDto, ApiOps.CreateSession.SuccessStatus);
        });

        g.MapOp(ApiOps.DeleteAllSessions, async ctx =>
        {
            var auth = ctx.Auth();
            foreach (var id in await sessions.DeleteAllForUserAsync(auth.UserId, auth.Session?.Id)) events.SessionDeleted(id);
            await ctx.NoContent(ApiOps.DeleteAllSessions.SuccessStatus);
        });

        g.MapOp(ApiOps.DeleteSession, async ctx =>
        {
            var id = ctx.RouteUuid();
            var s = sessions.Get(id);
            if (s is null || s.UserId != ctx.Auth().UserId) throw ApiException.BadRequest("Not found or no authDevice.delete access");
            await sessions.DeleteAsync(id);
            events.SessionDeleted(id);
            await ctx.NoContent(ApiOps.DeleteSession.SuccessStatus);
        });

        g.MapOp(ApiOps.LockSession, async ctx =>
        {
            var id = ctx.RouteUuid();
            var s = sessions.Get(id);
            if (s is null || s.UserId != ctx.Auth().UserId) throw ApiException.BadRequest("Not found or no session.lock access");
            await sessions.SetPinExpiresAsync(id, null);
            await ctx.NoContent(ApiOps.LockSession.SuccessStatus);
        });
    }
}
