using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.Api;

public sealed class UsersTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Admin_manages_users_with_soft_delete_and_restore()
    {
        var admin = await server.Admin();
        var created = await admin.Post("/api/admin/users", new JsonObject
        {
            ["email"] = "Alice@Example.com", ["password"] = "alice-pass", ["name"] = "Alice",
            ["quotaSizeInBytes"] = 1_000_000, ["storageLabel"] = "alice", ["avatarColor"] = "green",
        });
        SpecValidator.AssertValid(created, "UserAdminResponseDto");
        Assert.Equal("alice@example.com", created["email"]!.GetValue<string>());
        Assert.Equal(1_000_000, created["quotaSizeInBytes"]!.GetValue<long>());
        Assert.Equal(0, created["quotaUsageInBytes"]!.GetValue<long>());
        Assert.Equal("green", created["avatarColor"]!.GetValue<string>());
        Assert.True(created["shouldChangePassword"]!.GetValue<bool>());
        var id = created["id"]!.GetValue<string>();

        // duplicate e-mail and storage label are refused
        Assert.Equal("User exists", await TestClient.ExpectError(await admin.PostRaw("/api/admin/users",
            new JsonObject { ["email"] = "alice@example.com", ["password"] = "x", ["name"] = "A2" }), 400));

        // update: name, quota removed with an explicit null, label cleared
        var updated = await admin.Put($"/api/admin/users/{id}", JsonNode.Parse("""{"name":"Alice B","quotaSizeInBytes":null,"storageLabel":null}"""));
        Assert.Equal("Alice B", updated["name"]!.GetValue<string>());
        Assert.Null(updated["quotaSizeInBytes"]);
        Assert.True(updated.AsObject().ContainsKey("quotaSizeInBytes"));
        Assert.Null(updated["storageLabel"]);

        // the user logs in and sees themself
        var alice = await server.Login("alice@example.com", "alice-pass");
        Assert.Equal(id, (await alice.Get("/api/users/me"))["id"]!.GetValue<string>());
        SpecValidator.AssertValid(await alice.Get($"/api/users/{id}"), "UserResponseDto");

        // soft delete hides the user and ends their access; restore brings them back
        var deleted = await admin.Delete($"/api/admin/users/{id}", new JsonObject());
        Assert.Equal("deleted", deleted["status"]!.GetValue<string>());
        Assert.NotNull(deleted["deletedAt"]);
        await TestClient.ExpectError(await alice.Http.GetAsync("/api/users/me"), 401);
        Assert.DoesNotContain((await admin.Get("/api/admin/users")).AsArray(), u => u!["id"]!.GetValue<string>() == id);
        Assert.Contains((await admin.Get("/api/admin/users?withDeleted=true")).AsArray(), u => u!["id"]!.GetValue<string>() == id);
        var restored = await admin.Post($"/api/admin/users/{id}/restore", expect: 200);
        Assert.Equal("active", restored["status"]!.GetValue<string>());
        Assert.Null(restored["deletedAt"]);
        Assert.Equal(HttpStatusCode.OK, (await alice.Http.GetAsync("/api/users/me")).StatusCode);

        // the admin cannot be deleted
        var adminId = (await admin.Get("/api/users/me"))["id"]!.GetValue<string>();
        await TestClient.ExpectError(await admin.Send(HttpMethod.Delete, $"/api/admin/users/{adminId}", new JsonObject()), 403);
        await TestClient.ExpectError(await admin.Http.GetAsync($"/api/admin/users/{Guid.NewGuid()}"), 400);
    }

    [Fact]
    public async Task Preferences_default_then_update_partially()
    {
        var user = await server.NewUser("prefs");
        var p = await user.Get("/api/users/me/preferences");
        Assert.False(p["folders"]!["enabled"]!.GetValue<bool>());
        Assert.True(p["people"]!["enabled"]!.GetValue<bool>());
        Assert.False(p["ratings"]!["enabled"]!.GetValue<bool>());
        var upd = await user.Put("/api/users/me/preferences", JsonNode.Parse("""{"ratings":{"enabled":true},"download":{"archiveSize":1048576},"avatar":{"color":"purple"}}"""));
        SpecValidator.AssertValid(upd, "UserPreferencesResponseDto");
        Assert.True(upd["ratings"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(1048576, upd["download"]!["archiveSize"]!.GetValue<long>());
        Assert.True(upd["people"]!["enabled"]!.GetValue<bool>());
        Assert.True((await user.Get("/api/users/me/preferences"))["ratings"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("purple", (await user.Get("/api/users/me"))["avatarColor"]!.GetValue<string>());
        await user.Put("/api/users/me/preferences", JsonNode.Parse("""{"download":{"archiveSize":0}}"""), expect: 400);

        var admin = await server.Admin();
        var viaAdmin = await admin.Get($"/api/admin/users/{user.UserId}/preferences");
        Assert.True(viaAdmin["ratings"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Password_change_and_pin_code_flow()
    {
        var user = await server.NewUser("pin");
        await TestClient.ExpectError(await user.PostRaw("/api/auth/change-password", new JsonObject { ["password"] = "wrong", ["newPassword"] = "new-password" }), 400);
        var changed = await user.Post("/api/auth/change-password", new JsonObject { ["password"] = "user-password", ["newPassword"] = "new-password" }, expect: 200);
        SpecValidator.AssertValid(changed, "UserAdminResponseDto");
        var me = await user.Get("/api/users/me");
        var again = await server.Login(me["email"]!.GetValue<string>(), "new-password");

        var status = await again.Get("/api/auth/status");
        SpecValidator.AssertValid(status, "AuthStatusResponseDto");
        Assert.False(status["pinCode"]!.GetValue<bool>());
        Assert.Contains("6-digit", await TestClient.ExpectError(await again.PostRaw("/api/auth/pin-code", new JsonObject { ["pinCode"] = "12ab" }), 400));
        await again.Post("/api/auth/pin-code", new JsonObject { ["pinCode"] = "123456" }, expect: 201);
        Assert.True((await again.Get("/api/auth/status"))["pinCode"]!.GetValue<bool>());
        await TestClient.ExpectError(await again.PostRaw("/api/auth/pin-code", new JsonObject { ["pinCode"] = "654321" }), 400);

        Assert.Equal("Wrong PIN code", await TestClient.ExpectError(await again.PostRaw("/api/auth/session/unlock", new JsonObject { ["pinCode"] = "000000" }), 400));
        await again.Post("/api/auth/session/unlock", new JsonObject { ["pinCode"] = "123456" }, expect: 200);
        var elevated = await again.Get("/api/auth/status");
        Assert.True(elevated["isElevated"]!.GetValue<bool>());
        Assert.NotNull(elevated["pinExpiresAt"]);
        await again.Post("/api/auth/session/lock", expect: 200);
        Assert.False((await again.Get("/api/auth/status"))["isElevated"]!.GetValue<bool>());

        await again.Put("/api/auth/pin-code", new JsonObject { ["pinCode"] = "123456", ["newPinCode"] = "111111" }, expect: 200);
        await again.Delete("/api/auth/pin-code", new JsonObject { ["password"] = "new-password" }, expect: 200);
        Assert.False((await again.Get("/api/auth/status"))["pinCode"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Sessions_can_be_listed_created_and_revoked()
    {
        var user = await server.NewUser("sess");
        var me = await user.Get("/api/users/me");
        var second = await server.Login(me["email"]!.GetValue<string>(), "user-password");
        var list = await user.Get("/api/sessions");
        Assert.Equal(2, list.AsArray().Count);

        var created = await user.Post("/api/sessions", new JsonObject { ["deviceOS"] = "cast", ["deviceType"] = "TV", ["duration"] = 3600 });
        SpecValidator.AssertValid(created, "SessionCreateResponseDto");
        Assert.NotNull(created["expiresAt"]);
        var tv = new HttpClient { BaseAddress = server.BaseUri };
        tv.DefaultRequestHeaders.Add("x-immich-user-token", created["token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await tv.GetAsync("/api/users/me")).StatusCode);

        // another user cannot delete it
        var stranger = await server.NewUser("stranger");
        await TestClient.ExpectError(await stranger.Send(HttpMethod.Delete, $"/api/sessions/{created["id"]}"), 400);
        await user.Delete($"/api/sessions/{created["id"]}", expect: 204);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tv.GetAsync("/api/users/me")).StatusCode);

        // delete all others keeps the caller's own session
        await user.Delete("/api/sessions", expect: 204);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.Http.GetAsync("/api/users/me")).StatusCode);
        Assert.Single((await user.Get("/api/sessions")).AsArray());
    }

    [Fact]
    public async Task Profile_image_upload_serve_and_delete()
    {
        var user = await server.NewUser("avatar");
        await TestClient.ExpectError(await user.Http.GetAsync($"/api/users/{user.UserId}/profile-image"), 404);
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(png);
        part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(part, "file", "me.png");
        var res = await user.Http.PostAsync("/api/users/profile-image", form);
        var body = await TestClient.Expect(res, 201);
        SpecValidator.AssertValid(body, "CreateProfileImageResponseDto");
        var img = await user.Http.GetAsync($"/api/users/{user.UserId}/profile-image?d=123");
        Assert.Equal(HttpStatusCode.OK, img.StatusCode);
        Assert.Equal(png, await img.Content.ReadAsByteArrayAsync());
        Assert.NotEqual("", (await user.Get("/api/users/me"))["profileImagePath"]!.GetValue<string>());

        var bad = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "evil.exe" } };
        await TestClient.ExpectError(await user.Http.PostAsync("/api/users/profile-image", bad), 400);

        await user.Delete("/api/users/profile-image", expect: 204);
        await TestClient.ExpectError(await user.Http.GetAsync($"/api/users/{user.UserId}/profile-image"), 404);
    }

    [Fact]
    public async Task User_license_round_trip()
    {
        var user = await server.NewUser("lic");
        await TestClient.ExpectError(await user.Http.GetAsync("/api/users/me/license"), 404);
        var key = "IMCL-" + string.Join("-", Enumerable.Repeat("WXYZ", 8));
        var lic = await user.Put("/api/users/me/license", new JsonObject { ["licenseKey"] = key, ["activationKey"] = "act" });
        SpecValidator.AssertValid(lic, "LicenseResponseDto");
        var me = await user.Get("/api/users/me");
        Assert.Equal(key, me["license"]!["licenseKey"]!.GetValue<string>());
        await user.Delete("/api/users/me/license");
        Assert.Null((await user.Get("/api/users/me"))["license"]);
    }
}
