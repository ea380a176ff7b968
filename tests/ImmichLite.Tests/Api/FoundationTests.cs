using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.Api;

/// <summary>The mobile app's connect-and-login sequence, server info, and the error envelope.</summary>
public sealed class FoundationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Mobile_app_login_sequence_is_schema_valid()
    {
        await server.Admin(); // an admin exists, as after first-run setup
        var anon = server.Anonymous();

        // 1. GET /.well-known/immich (outside /api)
        var wk = await anon.Get("/.well-known/immich");
        Assert.Equal("/api", wk["api"]!["endpoint"]!.GetValue<string>());

        // 2. ping, then version, features, config — sequentially, as the app does
        var ping = await anon.Get("/api/server/ping");
        SpecValidator.AssertValid(ping, "ServerPingResponse");
        Assert.Equal("pong", ping["res"]!.GetValue<string>());
        var version = await anon.Get("/api/server/version");
        SpecValidator.AssertValid(version, "ServerVersionResponseDto");
        Assert.Equal(1, version["major"]!.GetValue<int>());
        Assert.Equal(134, version["minor"]!.GetValue<int>());
        Assert.Equal(0, version["patch"]!.GetValue<int>());
        var features = await anon.Get("/api/server/features");
        SpecValidator.AssertValid(features, "ServerFeaturesDto");
        Assert.True(features["passwordLogin"]!.GetValue<bool>());
        Assert.False(features["oauth"]!.GetValue<bool>());
        var config = await anon.Get("/api/server/config");
        SpecValidator.AssertValid(config, "ServerConfigDto");
        Assert.True(config["isInitialized"]!.GetValue<bool>());

        // 3. login: 201 LoginResponseDto, cookies for the web client. The app sends its device headers on every request.
        var app = new HttpClient { BaseAddress = server.BaseUri };
        app.DefaultRequestHeaders.Add("deviceModel", "Pixel 8");
        app.DefaultRequestHeaders.Add("deviceType", "Android");
        app.DefaultRequestHeaders.UserAgent.ParseAdd("Immich_Android_1.134.0");
        var login = await new TestClient(app).PostRaw("/api/auth/login", new JsonObject { ["email"] = ServerFixture.AdminEmail.ToUpperInvariant(), ["password"] = ServerFixture.AdminPassword });
        Assert.Equal(HttpStatusCode.Created, login.StatusCode);
        var cookies = login.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, c => c.StartsWith("immich_access_token=") && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(cookies, c => c.StartsWith("immich_is_authenticated=true"));
        Assert.Contains(cookies, c => c.StartsWith("immich_auth_type=password"));
        var body = JsonNode.Parse(await login.Content.ReadAsStringAsync())!;
        SpecValidator.AssertValid(body, "LoginResponseDto");
        var token = body["accessToken"]!.GetValue<string>();
        Assert.True(token.Length >= 40);

        // 4. users/me and preferences with x-immich-user-token, as the app sends them
        app.DefaultRequestHeaders.Add("x-immich-user-token", token);
        var client = new TestClient(app);
        var me = await client.Get("/api/users/me");
        SpecValidator.AssertValid(me, "UserAdminResponseDto");
        Assert.Equal(ServerFixture.AdminEmail, me["email"]!.GetValue<string>());
        Assert.Equal("", me["oauthId"]!.GetValue<string>());
        Assert.Equal("", me["profileImagePath"]!.GetValue<string>());
        Assert.Equal("admin", me["storageLabel"]!.GetValue<string>());
        var prefs = await client.Get("/api/users/me/preferences");
        SpecValidator.AssertValid(prefs, "UserPreferencesResponseDto");
        Assert.Equal(4L * 1024 * 1024 * 1024, prefs["download"]!["archiveSize"]!.GetValue<long>());
        Assert.True(prefs["memories"]!["enabled"]!.GetValue<bool>());

        // 5. validateToken, and the home screen's user list and storage
        var valid = await client.Post("/api/auth/validateToken", expect: 200);
        SpecValidator.AssertValid(valid, "ValidateAccessTokenResponseDto");
        Assert.True(valid["authStatus"]!.GetValue<bool>());
        SpecValidator.AssertValidArray(await client.Get("/api/users"), "UserResponseDto");
        SpecValidator.AssertValid(await client.Get("/api/server/storage"), "ServerStorageResponseDto");

        // the session records the app's device headers
        var sessions = await client.Get("/api/sessions");
        SpecValidator.AssertValidArray(sessions, "SessionResponseDto");
        var current = sessions.AsArray().Single(s => s!["current"]!.GetValue<bool>());
        Assert.Equal("Pixel 8", current!["deviceType"]!.GetValue<string>());
        Assert.Equal("Android", current["deviceOS"]!.GetValue<string>());

        // 6. logout ends the session: the token no longer works
        var logout = await client.Post("/api/auth/logout", expect: 200);
        SpecValidator.AssertValid(logout, "LogoutResponseDto");
        Assert.Equal("Invalid user token", await TestClient.ExpectError(await app.GetAsync("/api/users/me"), 401));
    }

    [Fact]
    public async Task Every_auth_channel_is_accepted()
    {
        var admin = await server.Admin();
        async Task Ok(HttpRequestMessage req) => Assert.Equal(HttpStatusCode.OK, (await new HttpClient { BaseAddress = server.BaseUri }.SendAsync(req)).StatusCode);
        HttpRequestMessage Me(string path = "/api/users/me") => new(HttpMethod.Get, path);

        var r1 = Me(); r1.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Token); await Ok(r1);
        var r2 = Me(); r2.Headers.Add("Cookie", "immich_access_token=" + admin.Token); await Ok(r2);
        var r3 = Me(); r3.Headers.Add("x-immich-session-token", admin.Token); await Ok(r3);
        await Ok(Me("/api/users/me?sessionKey=" + admin.Token));

        var key = await admin.Post("/api/api-keys", new JsonObject { ["name"] = "cli", ["permissions"] = new JsonArray("all") });
        SpecValidator.AssertValid(key, "APIKeyCreateResponseDto");
        var r4 = Me(); r4.Headers.Add("x-api-key", key["secret"]!.GetValue<string>()); await Ok(r4);
        await Ok(Me("/api/users/me?apiKey=" + key["secret"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Auth_failures_use_the_envelope()
    {
        var anon = server.Anonymous();
        Assert.Equal("Authentication required", await TestClient.ExpectError(await anon.Http.GetAsync("/api/users/me"), 401));

        var bad = new HttpClient { BaseAddress = server.BaseUri };
        bad.DefaultRequestHeaders.Add("x-immich-user-token", "not-a-token");
        Assert.Equal("Invalid user token", await TestClient.ExpectError(await bad.GetAsync("/api/users/me"), 401));

        var badKey = new HttpClient { BaseAddress = server.BaseUri };
        badKey.DefaultRequestHeaders.Add("x-api-key", "nope");
        Assert.Equal("Invalid API key", await TestClient.ExpectError(await badKey.GetAsync("/api/users/me"), 401));

        var user = await server.NewUser("plain");
        await TestClient.ExpectError(await user.Http.GetAsync("/api/admin/users"), 403);
        await TestClient.ExpectError(await user.Http.GetAsync("/api/server/statistics"), 403);
        await TestClient.ExpectError(await user.Http.GetAsync("/api/jobs"), 403);

        var wrong = await anon.PostRaw("/api/auth/login", new JsonObject { ["email"] = ServerFixture.AdminEmail, ["password"] = "wrong" });
        Assert.Equal("Incorrect email or password", await TestClient.ExpectError(wrong, 401));
    }

    [Fact]
    public async Task Api_key_permissions_are_enforced()
    {
        var user = await server.NewUser("keys");
        var key = await user.Post("/api/api-keys", new JsonObject { ["name"] = "read-only", ["permissions"] = new JsonArray("apiKey.read") });
        var k = new HttpClient { BaseAddress = server.BaseUri };
        k.DefaultRequestHeaders.Add("x-api-key", key["secret"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await k.GetAsync("/api/api-keys")).StatusCode);
        var denied = await k.PostAsync("/api/api-keys", new StringContent("""{"name":"x","permissions":["all"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal("Missing required permission: apiKey.create", await TestClient.ExpectError(denied, 403));

        // keys of one user are invisible to another
        var other = await server.NewUser("other");
        var id = key["apiKey"]!["id"]!.GetValue<string>();
        await TestClient.ExpectError(await other.Http.GetAsync($"/api/api-keys/{id}"), 400);
        await TestClient.ExpectError(await other.Send(HttpMethod.Delete, $"/api/api-keys/{id}"), 400);
        var renamed = await user.Put($"/api/api-keys/{id}", new JsonObject { ["name"] = "renamed" });
        Assert.Equal("renamed", renamed["name"]!.GetValue<string>());
        await user.Delete($"/api/api-keys/{id}", expect: 204);
        await TestClient.ExpectError(await k.GetAsync("/api/api-keys"), 401);
    }

    [Fact]
    public async Task Bad_input_is_a_400_with_a_clear_message()
    {
        var anon = server.Anonymous();
        var notEmail = await anon.PostRaw("/api/auth/login", new JsonObject { ["email"] = "not-an-email", ["password"] = "x" });
        Assert.Contains("email must be an email", await TestClient.ExpectError(notEmail, 400));

        var missing = await anon.PostRaw("/api/auth/login", new JsonObject { ["email"] = "a@b.co" });
        Assert.Contains("password", await TestClient.ExpectError(missing, 400));

        var malformed = await anon.Http.PostAsync("/api/auth/login", new StringContent("{\"email\": ", Encoding.UTF8, "application/json"));
        await TestClient.ExpectError(malformed, 400);

        var wrongType = await anon.Http.PostAsync("/api/auth/login", new StringContent("""{"email": 5, "password": "x"}""", Encoding.UTF8, "application/json"));
        await TestClient.ExpectError(wrongType, 400);

        var admin = await server.Admin();
        Assert.Contains("id must be a UUID", await TestClient.ExpectError(await admin.Http.GetAsync("/api/users/not-a-uuid"), 400));
        var badEnum = await admin.PostRaw("/api/api-keys", JsonNode.Parse("""{"name":"x","permissions":["root"]}"""));
        await TestClient.ExpectError(badEnum, 400);
        var badColor = await admin.Put("/api/users/me", JsonNode.Parse("""{"avatarColor":"chartreuse"}"""), expect: 400);
        Assert.Equal(400, badColor["statusCode"]!.GetValue<int>());

        // unknown fields are ignored, as upstream's whitelist does
        var extra = await admin.Put("/api/users/me", JsonNode.Parse("""{"name":"Admin","somethingElse":true}"""));
        Assert.Equal("Admin", extra["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_paths_are_404_and_routes_are_case_insensitive()
    {
        var anon = server.Anonymous();
        Assert.StartsWith("Cannot GET", await TestClient.ExpectError(await anon.Http.GetAsync("/api/no-such-thing"), 404));
        Assert.Equal(HttpStatusCode.OK, (await anon.Http.GetAsync("/api/Server/PING")).StatusCode);
        // a known path with a method it does not have: 404 in the envelope, not 405
        await TestClient.ExpectError(await anon.Send(HttpMethod.Patch, "/api/server/ping"), 404);
    }

    [Fact]
    public async Task Admin_sign_up_only_once()
    {
        await server.Admin();
        var again = await server.Anonymous().PostRaw("/api/auth/admin-sign-up", new JsonObject { ["email"] = "second@example.com", ["password"] = "pw-12345", ["name"] = "Two" });
        Assert.Equal("The server already has an admin", await TestClient.ExpectError(again, 400));
    }

    [Fact]
    public async Task Server_endpoints_report_real_state()
    {
        var admin = await server.Admin();
        var anon = server.Anonymous();
        var types = await anon.Get("/api/server/media-types");
        SpecValidator.AssertValid(types, "ServerMediaTypesResponseDto");
        Assert.Contains(".heic", types["image"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Contains(".mov", types["video"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal([".xmp"], types["sidecar"]!.AsArray().Select(x => x!.GetValue<string>()));
        SpecValidator.AssertValid(await anon.Get("/api/server/theme"), "ServerThemeDto");
        var history = await anon.Get("/api/server/version-history");
        SpecValidator.AssertValidArray(history, "ServerVersionHistoryResponseDto");
        Assert.Equal("1.134.0", history[0]!["version"]!.GetValue<string>());
        SpecValidator.AssertValid(await admin.Get("/api/server/about"), "ServerAboutResponseDto");
        SpecValidator.AssertValid(await admin.Get("/api/server/version-check"), "VersionCheckStateResponseDto");

        var storage = await admin.Get("/api/server/storage");
        var drive = new DriveInfo(server.DataDir);
        Assert.Equal(drive.TotalSize, storage["diskSizeRaw"]!.GetValue<long>());

        // server license: absent, set (shape checked), read back, removed
        await TestClient.ExpectError(await admin.Http.GetAsync("/api/server/license"), 404);
        await admin.Put("/api/server/license", new JsonObject { ["licenseKey"] = "bogus", ["activationKey"] = "x" }, expect: 400);
        var key = "IMSV-" + string.Join("-", Enumerable.Repeat("ABCD", 8));
        var lic = await admin.Put("/api/server/license", new JsonObject { ["licenseKey"] = key, ["activationKey"] = "activation" });
        SpecValidator.AssertValid(lic, "LicenseResponseDto");
        Assert.Equal(key, (await admin.Get("/api/server/license"))["licenseKey"]!.GetValue<string>());
        Assert.True((await admin.Get("/api/server/about"))["licensed"]!.GetValue<bool>());
        await admin.Delete("/api/server/license");
        await TestClient.ExpectError(await admin.Http.GetAsync("/api/server/license"), 404);

        // onboarding flag round trip, reflected in the public config
        Assert.False((await admin.Get("/api/system-metadata/admin-onboarding"))["isOnboarded"]!.GetValue<bool>());
        await admin.Post("/api/system-metadata/admin-onboarding", new JsonObject { ["isOnboarded"] = true }, expect: 204);
        Assert.True((await anon.Get("/api/server/config"))["isOnboarded"]!.GetValue<bool>());
    }
}
