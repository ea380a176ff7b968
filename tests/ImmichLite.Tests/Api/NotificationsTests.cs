using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;
using ImmichLite.Tests.Realtime;

namespace ImmichLite.Tests.Api;

/// <summary>The bell menu through HTTP: an admin notifies a user (who hears it on the socket), the user filters, reads,
/// un-reads and dismisses; nobody else reaches it.</summary>
public sealed class NotificationsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    static JsonArray Ids(params string[] ids) => new(ids.Select(i => (JsonNode)i!).ToArray());

    async Task<string> Notify(TestClient admin, string userId, string title, string? level = null, string? type = null)
    {
        var body = new JsonObject { ["userId"] = userId, ["title"] = title };
        if (level is not null) body["level"] = level;
        if (type is not null) body["type"] = type;
        var n = await admin.Post("/api/admin/notifications", body);
        SpecValidator.AssertValid(n, "NotificationDto");
        return n["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task Admin_notifies_a_user_who_hears_it_and_reads_and_dismisses_it()
    {
        var admin = await server.Admin();
        var user = await server.NewUser("bell");
        await using var socket = await SocketIoTestClient.ConnectAsync(server.BaseUri, user.Token);
        await socket.JoinAsync();

        var created = await admin.Post("/api/admin/notifications", new JsonObject
        {
            ["userId"] = user.UserId, ["title"] = "Backup is late", ["description"] = "No upload for a week",
            ["level"] = "warning", ["type"] = "SystemMessage", ["data"] = new JsonObject { ["days"] = 7 },
        });
        SpecValidator.AssertValid(created, "NotificationDto");
        Assert.Equal("warning", created["level"]!.GetValue<string>());
        Assert.Equal(7, created["data"]!["days"]!.GetValue<int>());
        Assert.Null(created["readAt"]);
        var heard = await socket.ExpectEventAsync("on_notification", TimeSpan.FromSeconds(2));
        Assert.Equal(created["id"]!.GetValue<string>(), heard!["id"]!.GetValue<string>());
        Assert.Equal("Backup is late", heard["title"]!.GetValue<string>());

        var id = created["id"]!.GetValue<string>();
        var plain = await Notify(admin, user.UserId, "Hello");
        var error = await Notify(admin, user.UserId, "Job failed", "error", "JobFailed");
        var list = await user.Get("/api/notifications");
        SpecValidator.AssertValidArray(list, "NotificationDto");
        Assert.Equal([error, plain, id], list.AsArray().Select(n => n!["id"]!.GetValue<string>()));  // newest first
        Assert.Equal("info", list[1]!["level"]!.GetValue<string>());
        Assert.Equal("Custom", list[1]!["type"]!.GetValue<string>());
        Assert.Equal([error], (await user.Get("/api/notifications?level=error")).AsArray().Select(n => n!["id"]!.GetValue<string>()));
        Assert.Equal([id], (await user.Get("/api/notifications?type=SystemMessage")).AsArray().Select(n => n!["id"]!.GetValue<string>()));
        Assert.Equal([plain], (await user.Get($"/api/notifications?id={plain}")).AsArray().Select(n => n!["id"]!.GetValue<string>()));

        // read one, then all; un-read one; an empty body changes nothing
        var read = await user.Put($"/api/notifications/{id}", new JsonObject { ["readAt"] = "2026-11-27T10:00:00.000Z" });
        SpecValidator.AssertValid(read, "NotificationDto");
        Assert.Equal(new DateTime(2026, 11, 27, 10, 0, 0, DateTimeKind.Utc), read["readAt"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal(2, (await user.Get("/api/notifications?unread=true")).AsArray().Count);
        Assert.NotNull((await user.Put($"/api/notifications/{id}", new JsonObject()))["readAt"]);
        await user.Put("/api/notifications", new JsonObject { ["ids"] = Ids(plain, error), ["readAt"] = "2026-11-27T11:00:00.000Z" });
        Assert.Empty((await user.Get("/api/notifications?unread=true")).AsArray());
        Assert.Null((await user.Put($"/api/notifications/{plain}", new JsonObject { ["readAt"] = null }))["readAt"]);
        Assert.Equal([plain], (await user.Get("/api/notifications?unread=true")).AsArray().Select(n => n!["id"]!.GetValue<string>()));

        // dismiss one, then the rest
        await user.Delete($"/api/notifications/{id}");
        await TestClient.ExpectError(await user.Http.GetAsync($"/api/notifications/{id}"), 400);
        await user.Delete("/api/notifications", new JsonObject { ["ids"] = Ids(plain, error) });
        Assert.Empty((await user.Get("/api/notifications")).AsArray());
    }

    [Fact]
    public async Task Nobody_else_reaches_a_notification_and_bad_input_is_400()
    {
        var admin = await server.Admin();
        var owner = await server.NewUser("bell-owner");
        var other = await server.NewUser("bell-other");
        var id = await Notify(admin, owner.UserId, "Mine");
        var theirs = await Notify(admin, other.UserId, "Theirs");

        Assert.DoesNotContain((await other.Get("/api/notifications")).AsArray(), n => n!["id"]!.GetValue<string>() == id);
        await TestClient.ExpectError(await other.Http.GetAsync($"/api/notifications/{id}"), 400);
        await TestClient.ExpectError(await other.Send(HttpMethod.Put, $"/api/notifications/{id}", new JsonObject { ["readAt"] = "2026-01-01T00:00:00Z" }), 400);
        await TestClient.ExpectError(await other.Send(HttpMethod.Delete, $"/api/notifications/{id}"), 400);
        // a bulk change naming one foreign id changes nothing at all
        await TestClient.ExpectError(await other.Send(HttpMethod.Put, "/api/notifications", new JsonObject { ["ids"] = Ids(theirs, id), ["readAt"] = "2026-01-01T00:00:00Z" }), 400);
        await TestClient.ExpectError(await other.Send(HttpMethod.Delete, "/api/notifications", new JsonObject { ["ids"] = Ids(theirs, id) }), 400);
        Assert.Null((await other.Get($"/api/notifications/{theirs}"))["readAt"]);
        Assert.Equal("Mine", (await owner.Get($"/api/notifications/{id}"))["title"]!.GetValue<string>());

        // only admins create; input is checked
        await TestClient.ExpectError(await owner.PostRaw("/api/admin/notifications", new JsonObject { ["userId"] = owner.UserId, ["title"] = "x" }), 403);
        await TestClient.ExpectError(await admin.PostRaw("/api/admin/notifications", new JsonObject { ["userId"] = owner.UserId }), 400);
        await TestClient.ExpectError(await admin.PostRaw("/api/admin/notifications", new JsonObject { ["userId"] = Guid.NewGuid().ToString(), ["title"] = "x" }), 400);
        await TestClient.ExpectError(await admin.PostRaw("/api/admin/notifications", new JsonObject { ["userId"] = owner.UserId, ["title"] = "x", ["level"] = "loud" }), 400);
        await TestClient.ExpectError(await owner.Http.GetAsync("/api/notifications?level=loud"), 400);
        await TestClient.ExpectError(await owner.Http.GetAsync("/api/notifications?unread=maybe"), 400);
        await TestClient.ExpectError(await owner.Http.GetAsync("/api/notifications/not-a-uuid"), 400);
        await TestClient.ExpectError(await owner.Send(HttpMethod.Put, "/api/notifications", new JsonObject { ["ids"] = Ids("nope") }), 400);
        // no SMTP here: e-mail templates and the test e-mail are not built
        await TestClient.ExpectError(await admin.PostRaw("/api/admin/notifications/test-email", new JsonObject()), 501);
    }
}
