using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ImmichLite.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace ImmichLite.Tests.Infrastructure;

/// <summary>The real server (Kestrel on 127.0.0.1, a random port) over a real SQLite file in a fresh data folder.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    WebApplication? _app;
    public string DataDir { get; } = TestPaths.NewTempDir("data");
    public Uri BaseUri { get; private set; } = null!;
    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "admin-password";

    public async Task InitializeAsync()
    {
        // models come only from <data>/model-cache (a test puts a tiny one there); a download attempt goes nowhere
        var config = new AppConfig { Host = "127.0.0.1", Port = 0, MediaLocation = DataDir, LogLevel = "warn", ModelBaseUrl = "http://127.0.0.1:9" };
        _app = ImmichLiteHost.Build([], config);
        await _app.StartAsync();
        BaseUri = new Uri(_app.Urls.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) { await _app.StopAsync(); await _app.DisposeAsync(); }
        try { Directory.Delete(DataDir, true); } catch (IOException) { }
    }

    /// <summary>The running server's services, for driving background work (a nightly job for a chosen day) from a test.</summary>
    public IServiceProvider Services => _app!.Services;

    public TestClient Anonymous() => new(new HttpClient { BaseAddress = BaseUri });

    readonly SemaphoreSlim _adminGate = new(1, 1);
    TestClient? _admin;

    /// <summary>Signs the admin up once (first call), then logs in.</summary>
    public async Task<TestClient> Admin()
    {
        await _adminGate.WaitAsync();
        try
        {
            if (_admin is not null) return _admin;
            var anon = Anonymous();
            var status = (await anon.Get("/api/server/config"))["isInitialized"]!.GetValue<bool>();
            if (!status)
            {
                var r = await anon.PostRaw("/api/auth/admin-sign-up", new JsonObject { ["email"] = AdminEmail, ["password"] = AdminPassword, ["name"] = "Admin" });
                Assert.Equal(201, (int)r.StatusCode);
            }
            _admin = await Login(AdminEmail, AdminPassword);
            return _admin;
        }
        finally { _adminGate.Release(); }
    }

    public Task<TestClient> Login(string email, string password) => TestClient.Login(BaseUri, email, password);

    /// <summary>Creates a user through the admin API and logs them in.</summary>
    public async Task<TestClient> NewUser(string? name = null, long? quota = null)
    {
        var admin = await Admin();
        var email = $"{name ?? "user"}-{Guid.NewGuid():N}@example.com";
        var body = new JsonObject { ["email"] = email, ["password"] = "user-password", ["name"] = name ?? "User", ["shouldChangePassword"] = false };
        if (quota is not null) body["quotaSizeInBytes"] = quota;
        var r = await admin.PostRaw("/api/admin/users", body);
        Assert.Equal(201, (int)r.StatusCode);
        return await Login(email, "user-password");
    }
}

public sealed class TestClient(HttpClient http)
{
    public HttpClient Http { get; } = http;
    public string UserId { get; init; } = "";
    public string Token { get; init; } = "";

    public Task<HttpResponseMessage> Send(HttpMethod method, string path, JsonNode? body = null)
    {
        var req = new HttpRequestMessage(method, path);
        if (body is not null) req.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return Http.SendAsync(req);
    }

    /// <summary>POST /api/auth/login on the server at <paramref name="baseUri"/>; a client that sends the new session's token.</summary>
    public static async Task<TestClient> Login(Uri baseUri, string email, string password)
    {
        var anon = new TestClient(new HttpClient { BaseAddress = baseUri });
        return ForSession(baseUri, await anon.Post("/api/auth/login", new JsonObject { ["email"] = email, ["password"] = password }));
    }

    /// <summary>A client for the session a login response (LoginResponseDto) created.</summary>
    public static TestClient ForSession(Uri baseUri, JsonNode login)
    {
        var token = login["accessToken"]!.GetValue<string>();
        var c = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(5) };
        c.DefaultRequestHeaders.Add("x-immich-user-token", token);
        return new TestClient(c) { UserId = login["userId"]!.GetValue<string>(), Token = token };
    }

    public Task<HttpResponseMessage> PostRaw(string path, JsonNode? body = null) => Send(HttpMethod.Post, path, body);

    public async Task<JsonNode> Get(string path, int expect = 200) => await Expect(await Http.GetAsync(path), expect);
    public async Task<JsonNode> Post(string path, JsonNode? body = null, int expect = 201) => await Expect(await Send(HttpMethod.Post, path, body), expect);
    public async Task<JsonNode> Put(string path, JsonNode? body = null, int expect = 200) => await Expect(await Send(HttpMethod.Put, path, body), expect);
    public async Task<JsonNode> Delete(string path, JsonNode? body = null, int expect = 200) => await Expect(await Send(HttpMethod.Delete, path, body), expect);

    public static async Task<JsonNode> Expect(HttpResponseMessage r, int status)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode == status, $"{r.RequestMessage?.Method} {r.RequestMessage?.RequestUri}: expected {status}, got {(int)r.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    /// <summary>Asserts Immich's error envelope and returns its message (joined when a list).</summary>
    public static async Task<string> ExpectError(HttpResponseMessage r, int status)
    {
        var body = await Expect(r, status);
        Assert.Equal(status, body["statusCode"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(body["error"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(body["correlationId"]!.GetValue<string>()));
        Assert.StartsWith("application/json", r.Content.Headers.ContentType?.MediaType);
        return body["message"] is JsonArray a ? string.Join("; ", a.Select(x => x!.GetValue<string>())) : body["message"]!.GetValue<string>();
    }
}
