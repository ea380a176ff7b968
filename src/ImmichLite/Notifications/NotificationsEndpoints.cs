using System.Text.Json;
using System.Text.Json.Nodes;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Notifications;

/// <summary>The bell menu: a user's notifications (list with filters, read/unread one or many, dismiss one or many),
/// and POST /admin/notifications, by which an admin notifies a user; the user's sockets get on_notification.
/// Another user's notification is "not found" (400 in Immich's words), in bulk as one by one. E-mail templates and
/// the test e-mail need SMTP, which this server does not have: those two operations stay 501.</summary>
public static class NotificationsEndpoints
{
    const string NoAccess = "Not found or no notification.read access";

    public static void MapNotifications(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Notifications");
        var admin = app.MapApiGroup("Notifications (Admin)");
        var sp = app.ServiceProvider;
        var store = sp.GetRequiredService<NotificationStore>();
        var users = sp.GetRequiredService<UserStore>();
        var events = sp.GetRequiredService<EventHub>();
        var clock = sp.GetRequiredService<TimeProvider>();
        var j = ImmichJsonContext.Default;

        static NotificationDto ToDto(NotificationRow n) => new()
        {
            Id = n.Id, CreatedAt = n.CreatedAt, ReadAt = n.ReadAt, Title = n.Title, Description = n.Description,
            Level = EnumText.TryParse<NotificationLevel>(n.Level, out var l) ? l : NotificationLevel.Info,
            Type = EnumText.TryParse<NotificationType>(n.Type, out var t) ? t : NotificationType.Custom,
            Data = n.Data is null ? null : JsonNode.Parse(n.Data) as JsonObject,
        };

        static string? QueryEnum<T>(HttpContext ctx, string name) where T : struct, Enum
        {
            if (ctx.QueryString(name) is not { } v) return null;
            return EnumText.TryParse<T>(v, out _) ? v
                : throw ApiException.Validation([$"{name} must be one of the following values: {string.Join(", ", EnumText.All<T>())}"]);
        }

        List<string> RequireOwned(HttpContext ctx, List<string> ids)
        {
            var distinct = ids.Distinct().ToList();
            if (store.CountOwned(ctx.Auth().UserId, distinct) != distinct.Count) throw ApiException.BadRequest(NoAccess);
            return distinct;
        }

        g.MapOp(ApiOps.GetNotifications, ctx =>
        {
            var rows = store.Search(ctx.Auth().UserId, ctx.QueryUuid("id"), QueryEnum<NotificationLevel>(ctx, "level"),
                QueryEnum<NotificationType>(ctx, "type"), ctx.QueryBool("unread"));
            return ctx.Json(rows.Select(ToDto).ToList(), j.ListNotificationDto);
        });

        g.MapOp(ApiOps.GetNotification, ctx =>
        {
            var n = store.Get(ctx.Auth().UserId, ctx.RouteUuid()) ?? throw ApiException.BadRequest(NoAccess);
            return ctx.Json(ToDto(n), j.NotificationDto);
        });

        g.MapOp(ApiOps.UpdateNotification, async ctx =>
        {
            var me = ctx.Auth().UserId;
            var id = ctx.RouteUuid();
            var dto = await ctx.Body(j.NotificationUpdateDto);
            _ = store.Get(me, id) ?? throw ApiException.BadRequest(NoAccess);
            // readAt absent: unchanged; null: unread again
            if (dto.ReadAt is not null || ctx.BodySetsNull("readAt"))
                await store.SetReadAtAsync(me, [id], dto.ReadAt, clock.GetUtcNow().UtcDateTime);
            await ctx.Json(ToDto(store.Get(me, id)!), j.NotificationDto);
        });

        g.MapOp(ApiOps.UpdateNotifications, async ctx =>
        {
            var dto = await ctx.Body(j.NotificationUpdateAllDto);
            var ids = RequireOwned(ctx, dto.Ids);
            if (dto.ReadAt is not null || ctx.BodySetsNull("readAt"))
                await store.SetReadAtAsync(ctx.Auth().UserId, ids, dto.ReadAt, clock.GetUtcNow().UtcDateTime);
            await ctx.NoContent(200);
        });

        g.MapOp(ApiOps.DeleteNotification, async ctx =>
        {
            var ids = RequireOwned(ctx, [ctx.RouteUuid()]);
            await store.DeleteAsync(ctx.Auth().UserId, ids);
            await ctx.NoContent(200);
        });

        g.MapOp(ApiOps.DeleteNotifications, async ctx =>
        {
            var dto = await ctx.Body(j.NotificationDeleteAllDto);
            await store.DeleteAsync(ctx.Auth().UserId, RequireOwned(ctx, dto.Ids));
            await ctx.NoContent(200);
        });

        admin.MapOp(ApiOps.CreateNotification, async ctx =>
        {
            var dto = await ctx.Body(j.NotificationCreateDto);
            if (string.IsNullOrWhiteSpace(dto.Title)) throw ApiException.Validation(["title should not be empty"]);
            if (users.Get(dto.UserId) is null) throw ApiException.BadRequest("User not found");
            var row = new NotificationRow(Ids.New(), dto.UserId, EnumText.Of(dto.Level ?? NotificationLevel.Info),
                EnumText.Of(dto.Type ?? NotificationType.Custom), dto.Title, dto.Description, dto.Data?.ToJsonString(), dto.ReadAt,
                clock.GetUtcNow().UtcDateTime);
            await store.InsertAsync(row);
            var result = ToDto(row);
            events.Publish(new ServerEvent("on_notification", EventAudience.Users, [dto.UserId], JsonSerializer.Serialize(result, j.NotificationDto)));
            await ctx.Json(result, j.NotificationDto, 201);
        });
    }
}
