using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using ImmichLite.Infrastructure;
using ImmichLite.Realtime;
using ImmichLite.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ImmichLite.Tests.Realtime;

/// <summary>The Socket.IO endpoint against the real server: handshake, auth, rooms, delivery, polling upgrade.</summary>
public sealed class SocketIoTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    /// <summary>Events must arrive this fast.</summary>
    static readonly TimeSpan Latency = TimeSpan.FromSeconds(1);

    Task<SocketIoTestClient> Connect(string? token, Action<ClientWebSocketOptions>? configure = null, string path = "/api/socket.io/") =>
        SocketIoTestClient.ConnectAsync(server.BaseUri, token, configure, path);

    async Task<SocketIoTestClient> Joined(TestClient user) => await (await Connect(user.Token)).JoinAsync();

    [Fact]
    public async Task Handshake_sends_the_engine_io_v4_open_packet()
    {
        var user = await server.NewUser();
        await using var c = await Connect(user.Token);
        var sid = c.Open["sid"]!.GetValue<string>();
        Assert.Equal(20, sid.Length);
        Assert.Empty(c.Open["upgrades"]!.AsArray()); // already on websocket
        Assert.Equal(25000, c.Open["pingInterval"]!.GetValue<int>());
        Assert.Equal(20000, c.Open["pingTimeout"]!.GetValue<int>());
        Assert.Equal(1000000, c.Open["maxPayload"]!.GetValue<int>());
    }

    [Fact]
    public async Task Path_works_without_trailing_slash()
    {
        var user = await server.NewUser();
        await using var c = await Connect(user.Token, path: "/api/socket.io");
        await c.JoinAsync();
    }

    [Fact]
    public async Task Namespace_connect_is_acknowledged_then_server_version_is_emitted()
    {
        var user = await server.NewUser();
        await using var c = await Connect(user.Token);
        var socketId = await c.ConnectNamespaceAsync();
        Assert.Equal(20, socketId.Length);
        Assert.NotEqual(c.Open["sid"]!.GetValue<string>(), socketId);
        var version = await c.ExpectEventAsync("on_server_version", Latency);
        Assert.Equal(1, version!["major"]!.GetValue<int>());
        Assert.Equal(134, version["minor"]!.GetValue<int>());
        Assert.Equal(0, version["patch"]!.GetValue<int>());
        Assert.Equal("""42["on_server_version",{"major":1,"minor":134,"patch":0}]""", c.Log.Last());
    }

    [Fact]
    public async Task Authenticates_with_cookie_bearer_and_api_key_headers()
    {
        var user = await server.NewUser();
        await using (var cookie = await Connect(null, o => o.SetRequestHeader("Cookie", $"immich_access_token={user.Token}")))
            await cookie.JoinAsync();
        await using (var bearer = await Connect(null, o => o.SetRequestHeader("Authorization", $"Bearer {user.Token}")))
            await bearer.JoinAsync();
        var key = (await user.Post("/api/api-keys", new JsonObject { ["name"] = "socket", ["permissions"] = new JsonArray("all") }))["secret"]!.GetValue<string>();
        await using (var apiKey = await Connect(null, o => o.SetRequestHeader("x-api-key", key)))
            await apiKey.JoinAsync();
    }

    public static TheoryData<string> Unauthorized => new() { "bad-token", "no-credentials", "query-only", "basic-userinfo", "share-key" };

    [Theory]
    [MemberData(nameof(Unauthorized))]
    public async Task Unauthorized_socket_gets_error_then_is_disconnected(string kind)
    {
        var user = await server.NewUser();
        var query = "EIO=4&transport=websocket";
        Action<ClientWebSocketOptions>? configure = kind switch
        {
            "bad-token" => o => o.SetRequestHeader("x-immich-user-token", "not-a-token"),
            "basic-userinfo" => o => o.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("proxy:secret"))),
            "share-key" => o => o.SetRequestHeader("x-immich-share-key", "nope"),
            _ => null,
        };
        if (kind == "query-only") query += $"&sessionKey={user.Token}&apiKey={user.Token}";
        await using var c = await SocketIoTestClient.ConnectAsync(server.BaseUri, null, configure, query: query);
        await c.SendAsync("40");
        Assert.StartsWith("40{\"sid\":", await c.NextAsync());
        Assert.Equal("""42["error","unauthorized"]""", await c.NextAsync());
        Assert.Equal("41", await c.NextAsync());
        Assert.Null(await c.NextAsync()); // then the server closes the transport
        await c.Closed.WaitAsync(SocketIoTestClient.Wait);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, c.CloseStatus);
    }

    [Fact]
    public async Task Other_namespaces_get_connect_error()
    {
        var user = await server.NewUser();
        await using var c = await Connect(user.Token);
        await c.SendAsync("40/admin,");
        Assert.Equal("""44/admin,{"message":"Invalid namespace"}""", await c.NextAsync());
        await c.JoinAsync(); // "/" still works on the same connection
    }

    [Fact]
    public async Task Client_events_and_acks_are_ignored_and_namespace_disconnect_stops_delivery()
    {
        var user = await server.NewUser();
        var asset = await Uploads.UploadOk(user, Uploads.CorpusFile("jpeg/no-exif_progressive.jpg"));
        await using var c = await Joined(user);
        await c.SendAsync("""42["whatever",1]""");
        await c.SendAsync("""4212["with-ack"]""");
        await user.Delete("/api/assets", new JsonObject { ["ids"] = new JsonArray(asset) }, 204);
        Assert.Equal(asset, (await c.ExpectEventAsync("on_asset_trash", Latency))!.AsArray().Single()!.GetValue<string>());

        await c.SendAsync("41");
        await Task.Delay(300); // let the disconnect land, then forget whatever was already on its way
        c.Drain();
        await user.Post("/api/trash/restore/assets", new JsonObject { ["ids"] = new JsonArray(asset) }, 200);
        await Assert.ThrowsAsync<TimeoutException>(() => c.NextAsync(TimeSpan.FromMilliseconds(500)));
        Assert.False(c.Closed.IsCompleted); // the Engine.IO connection stays open (the client closes it)
    }

    [Fact]
    public async Task Session_delete_reaches_only_that_sessions_socket()
    {
        var user = await server.NewUser();
        var asset = await Uploads.UploadOk(user, Uploads.CorpusFile("jpeg/no-exif_progressive.jpg"));
        var other = await user.Post("/api/sessions", new JsonObject { ["deviceType"] = "phone", ["deviceOS"] = "test" });
        var otherId = other["id"]!.GetValue<string>();
        await using var mine = await Joined(user);
        await using var theirs = await Joined(new TestClient(user.Http) { Token = other["token"]!.GetValue<string>(), UserId = user.UserId });

        var sw = Stopwatch.StartNew();
        await user.Delete($"/api/sessions/{otherId}", expect: 204);
        Assert.Equal(otherId, (await theirs.ExpectEventAsync("on_session_delete", Latency))!.GetValue<string>());
        Assert.True(sw.Elapsed < Latency, $"took {sw.Elapsed}");

        // Barrier: an event for the whole user comes next on my socket, so the session event never came there.
        await user.Delete("/api/assets", new JsonObject { ["ids"] = new JsonArray(asset) }, 204);
        await mine.ExpectEventAsync("on_asset_trash", Latency);
        await theirs.ExpectEventAsync("on_asset_trash", Latency); // still connected, still the user's socket
    }

    [Fact]
    public async Task Trash_restore_and_delete_events_reach_the_owner_only()
    {
        var alice = await server.NewUser("alice");
        var bob = await server.NewUser("bob");
        var a = await Uploads.UploadOk(alice, Uploads.CorpusFile("jpeg/no-exif_progressive.jpg"));
        var b = await Uploads.UploadOk(bob, Uploads.CorpusFile("jpeg/no-exif_progressive.jpg"));
        await using var alice1 = await Joined(alice);
        await using var alice2 = await Joined(alice); // a second device of the same user
        await using var bobs = await Joined(bob);
        var ids = new JsonObject { ["ids"] = new JsonArray(a) };

        var sw = Stopwatch.StartNew();
        await alice.Delete("/api/assets", ids.DeepClone(), 204);
        foreach (var s in new[] { alice1, alice2 })
            Assert.Equal([a], (await s.ExpectEventAsync("on_asset_trash", Latency))!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.True(sw.Elapsed < Latency, $"took {sw.Elapsed}");

        await alice.Post("/api/trash/restore/assets", ids.DeepClone(), 200);
        Assert.Equal([a], (await alice1.ExpectEventAsync("on_asset_restore", Latency))!.AsArray().Select(x => x!.GetValue<string>()));

        await alice.Delete("/api/assets", new JsonObject { ["ids"] = new JsonArray(a), ["force"] = true }, 204);
        Assert.Equal(a, (await alice1.ExpectEventAsync("on_asset_delete", Latency))!.GetValue<string>());

        // Bob's first event is about his own asset: none of Alice's three reached him.
        await bob.Delete("/api/assets", new JsonObject { ["ids"] = new JsonArray(b) }, 204);
        Assert.Equal([b], (await bobs.ExpectEventAsync("on_asset_trash", Latency))!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.DoesNotContain(bobs.Log, p => p.Contains(a));
    }

    [Fact]
    public async Task User_delete_is_broadcast_to_everyone()
    {
        var admin = await server.Admin();
        var u1 = await server.NewUser();
        var u2 = await server.NewUser();
        await using var s1 = await Joined(u1);
        await using var s2 = await Joined(u2);
        await using var sa = await Joined(admin);
        var doomed = await server.NewUser("doomed");
        await admin.Delete($"/api/admin/users/{doomed.UserId}", new JsonObject(), 200);
        foreach (var s in new[] { s1, s2, sa })
            Assert.Equal(doomed.UserId, (await s.ExpectEventAsync("on_user_delete", Latency))!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_transport_requests_get_engine_io_errors()
    {
        var http = server.Anonymous().Http;
        async Task<(HttpStatusCode, JsonNode)> Get(string q)
        {
            var r = await http.GetAsync("/api/socket.io/?" + q);
            return (r.StatusCode, JsonNode.Parse(await r.Content.ReadAsStringAsync())!);
        }
        var (s0, b0) = await Get("EIO=4&transport=carrier-pigeon");
        Assert.Equal(HttpStatusCode.BadRequest, s0);
        Assert.Equal(0, b0["code"]!.GetValue<int>());
        var (s5, b5) = await Get("EIO=3&transport=polling");
        Assert.Equal(HttpStatusCode.BadRequest, s5);
        Assert.Equal(5, b5["code"]!.GetValue<int>());
        var (s1, b1) = await Get("EIO=4&transport=polling&sid=nope");
        Assert.Equal(HttpStatusCode.BadRequest, s1);
        Assert.Equal("Session ID unknown", b1["message"]!.GetValue<string>());
        var (s3, b3) = await Get("EIO=4&transport=websocket"); // not an upgrade request
        Assert.Equal(HttpStatusCode.BadRequest, s3);
        Assert.Equal(3, b3["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Polling_handshake_then_upgrade_to_websocket()
    {
        // No uploads here: the thumbnail pipeline's on_upload_success would land in the polls at its own pace.
        var admin = await server.Admin();
        var user = await server.NewUser();
        var session = await user.Post("/api/sessions", new JsonObject { ["deviceType"] = "browser" });
        var http = new HttpClient { BaseAddress = server.BaseUri };
        http.DefaultRequestHeaders.Add("x-immich-user-token", session["token"]!.GetValue<string>());

        var open = await http.GetAsync("/api/socket.io/?EIO=4&transport=polling&t=1");
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.StartsWith("text/plain", open.Content.Headers.ContentType!.MediaType);
        var openText = await open.Content.ReadAsStringAsync();
        Assert.StartsWith("0{", openText);
        var handshake = JsonNode.Parse(openText[1..])!;
        Assert.Equal(["websocket"], handshake["upgrades"]!.AsArray().Select(x => x!.GetValue<string>()));
        var sid = handshake["sid"]!.GetValue<string>();
        var q = $"/api/socket.io/?EIO=4&transport=polling&sid={sid}";

        var post = await http.PostAsync(q, new StringContent("40", Encoding.UTF8, "text/plain"));
        Assert.Equal("ok", await post.Content.ReadAsStringAsync());
        var packets = new List<string>();
        while (!packets.Any(p => p.StartsWith("42[\"on_server_version\"")))
        {
            using var cts = new CancellationTokenSource(SocketIoTestClient.Wait);
            packets.AddRange((await http.GetStringAsync(q, cts.Token)).Split('\u001e'));
        }
        Assert.StartsWith("40{\"sid\":", packets[0]);

        // An event while still polling: a GET waiting for it returns it.
        var poll = http.GetStringAsync(q);
        var doomed = await server.NewUser("doomed");
        await admin.Delete($"/api/admin/users/{doomed.UserId}", new JsonObject(), 200);
        Assert.Equal($"42[\"on_user_delete\",\"{doomed.UserId}\"]", await poll.WaitAsync(Latency));

        // A GET is in flight when the websocket probe arrives: the server releases it with a noop.
        var pending = http.GetStringAsync(q);
        await Task.Delay(100);
        var ws = new ClientWebSocket();
        await ws.ConnectAsync(SocketIoTestClient.Url(server.BaseUri, query: $"EIO=4&transport=websocket&sid={sid}"), CancellationToken.None);
        await ws.SendAsync("2probe"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var buf = new byte[256];
        var r = await ws.ReceiveAsync(buf, new CancellationTokenSource(SocketIoTestClient.Wait).Token);
        Assert.Equal("3probe", Encoding.UTF8.GetString(buf, 0, r.Count));
        Assert.Equal("6", await pending.WaitAsync(SocketIoTestClient.Wait));
        await ws.SendAsync("5"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);

        // From now on the same connection (rooms and all) delivers over the websocket.
        await using var c = SocketIoTestClient.Adopt(ws);
        var sessionId = session["id"]!.GetValue<string>();
        await user.Delete($"/api/sessions/{sessionId}", expect: 204);
        Assert.Equal(sessionId, (await c.ExpectEventAsync("on_session_delete", Latency))!.GetValue<string>());

        // Polling is over for this sid.
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(q)).StatusCode);
    }

    [Fact]
    public async Task Polling_unauthorized_gets_error_and_disconnect()
    {
        var http = server.Anonymous().Http;
        var open = await http.GetStringAsync("/api/socket.io/?EIO=4&transport=polling");
        var sid = JsonNode.Parse(open[1..])!["sid"]!.GetValue<string>();
        var q = $"/api/socket.io/?EIO=4&transport=polling&sid={sid}";
        await http.PostAsync(q, new StringContent("40"));
        var packets = new List<string>();
        while (!packets.Contains("41"))
        {
            using var cts = new CancellationTokenSource(SocketIoTestClient.Wait);
            packets.AddRange((await http.GetStringAsync(q, cts.Token)).Split('\u001e'));
        }
        Assert.Equal(3, packets.Count);
        Assert.Equal("""42["error","unauthorized"]""", packets[1]);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(q)).StatusCode); // the connection is gone
    }

    internal static async Task WaitUntil(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? SocketIoTestClient.Wait);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(20);
        }
    }
}

/// <summary>Tests that need their own server: shortened timings, direct access to the hub, shutdown.</summary>
public sealed class SocketIoServerTests
{
    sealed class OwnServer : IAsyncDisposable
    {
        public required WebApplication App { get; init; }
        public required Uri BaseUri { get; init; }
        public required string Token { get; init; }
        public required string DataDir { get; init; }
        public RealtimeHub Hub => App.Services.GetRequiredService<RealtimeHub>();
        bool _stopped;

        public static async Task<OwnServer> StartAsync(Action<RealtimeOptions>? configure = null)
        {
            var dir = TestPaths.NewTempDir("realtime");
            var app = ImmichLiteHost.Build([], new AppConfig { Host = "127.0.0.1", Port = 0, MediaLocation = dir, LogLevel = "warn" });
            configure?.Invoke(app.Services.GetRequiredService<RealtimeOptions>());
            await app.StartAsync();
            var baseUri = new Uri(app.Urls.First());
            using var http = new HttpClient { BaseAddress = baseUri };
            var creds = new JsonObject { ["email"] = "admin@example.com", ["password"] = "admin-password", ["name"] = "Admin" };
            (await http.PostAsync("/api/auth/admin-sign-up", new StringContent(creds.ToJsonString(), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
            var login = await http.PostAsync("/api/auth/login", new StringContent(creds.ToJsonString(), Encoding.UTF8, "application/json"));
            var token = JsonNode.Parse(await login.Content.ReadAsStringAsync())!["accessToken"]!.GetValue<string>();
            return new OwnServer { App = app, BaseUri = baseUri, Token = token, DataDir = dir };
        }

        public async Task StopAsync()
        {
            if (_stopped) return;
            _stopped = true;
            await App.StopAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            await App.DisposeAsync();
            try { Directory.Delete(DataDir, true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Pongs_keep_the_connection_alive()
    {
        await using var s = await OwnServer.StartAsync(o => { o.PingInterval = TimeSpan.FromMilliseconds(150); o.PingTimeout = TimeSpan.FromMilliseconds(300); });
        await using var c = await SocketIoTestClient.ConnectAsync(s.BaseUri, s.Token);
        Assert.Equal(150, c.Open["pingInterval"]!.GetValue<int>());
        await c.JoinAsync();
        // at least 4 heartbeats answered (600 ms at the configured pace; a loaded machine gets up to 5 s)
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (c.Pings < 4 && DateTime.UtcNow < deadline && !c.Closed.IsCompleted) await Task.Delay(50);
        Assert.True(c.Pings >= 4, $"only {c.Pings} pings");
        Assert.False(c.Closed.IsCompleted);
        Assert.Equal(1, s.Hub.SocketCount);
        s.App.Services.GetRequiredService<EventHub>().ConfigUpdated();
        Assert.Null(await c.ExpectEventAsync("on_config_update", TimeSpan.FromSeconds(1)));
        Assert.Contains("""42["on_config_update"]""", c.Log); // a ping ("2") may arrive after it
    }

    [Fact]
    public async Task A_missing_pong_closes_the_connection()
    {
        await using var s = await OwnServer.StartAsync(o => { o.PingInterval = TimeSpan.FromMilliseconds(150); o.PingTimeout = TimeSpan.FromMilliseconds(200); });
        await using var c = await SocketIoTestClient.ConnectAsync(s.BaseUri, s.Token);
        c.AutoPong = false;
        await c.JoinAsync();
        await c.Closed.WaitAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(1, c.Pings);
        await SocketIoTests.WaitUntil(() => s.Hub.ConnectionCount == 0);
    }

    [Fact]
    public async Task A_socket_that_never_joins_the_namespace_is_closed()
    {
        await using var s = await OwnServer.StartAsync(o => o.ConnectTimeout = TimeSpan.FromMilliseconds(300));
        await using var c = await SocketIoTestClient.ConnectAsync(s.BaseUri, s.Token);
        await c.Closed.WaitAsync(TimeSpan.FromSeconds(3));
        await SocketIoTests.WaitUntil(() => s.Hub.ConnectionCount == 0);
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_dropped_and_the_server_stays_responsive()
    {
        await using var s = await OwnServer.StartAsync();

        // A well-behaved socket of the same user, to show it keeps working.
        await using var healthy = await (await SocketIoTestClient.ConnectAsync(s.BaseUri, s.Token)).JoinAsync();
        // The stuck one: handshake done by hand, then never read again.
        await using var stuck = await SocketIoTestClient.ConnectAsync(s.BaseUri, s.Token, read: false);
        await stuck.Socket.SendAsync("40"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        await SocketIoTests.WaitUntil(() => s.Hub.SocketCount == 2);

        var hub = s.App.Services.GetRequiredService<EventHub>();
        var userId = JsonNode.Parse(await Authed(s).GetStringAsync("/api/users/me"))!["id"]!.GetValue<string>();
        var payload = "\"" + new string('x', 64 * 1024) + "\"";
        var sw = Stopwatch.StartNew();
        var sent = 0;
        var baseline = healthy.Log.Count;
        // 64 KiB frames until the stuck socket overflows: kernel socket buffers fill first, then the server's
        // per-connection budget. Paced by the healthy reader so only the stuck one falls behind (bounded at 256 MiB).
        while (s.Hub.Overflows == 0 && sent < 4096)
        {
            hub.Publish(new ServerEvent("flood", EventAudience.Users, [userId], payload));
            sent++;
            await SocketIoTests.WaitUntil(() => healthy.Log.Count - baseline >= sent - 4, TimeSpan.FromSeconds(10));
        }
        Assert.Equal(1, s.Hub.Overflows);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"publishing took {sw.Elapsed}");
        await SocketIoTests.WaitUntil(() => s.Hub.SocketCount == 1, TimeSpan.FromSeconds(5));
        Assert.Equal(1, s.Hub.ConnectionCount);

        // The server answers while and after that happens.
        var ping = Stopwatch.StartNew();
        Assert.Equal("pong", JsonNode.Parse(await Authed(s).GetStringAsync("/api/server/ping"))!["res"]!.GetValue<string>());
        Assert.True(ping.Elapsed < TimeSpan.FromSeconds(1), $"ping took {ping.Elapsed}");

        // The healthy socket got every frame and is still connected; its own queue stayed within the budget.
        for (var i = 0; i < sent; i++) Assert.Equal("flood", (await healthy.NextEventAsync(TimeSpan.FromSeconds(10))).Name);
        Assert.False(healthy.Closed.IsCompleted);

        // The stuck client, once it reads again, finds the connection broken (aborted, no close handshake).
        var buf = new byte[1 << 16];
        var ended = false;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (!ended)
            {
                var r = await stuck.Socket.ReceiveAsync(buf, cts.Token);
                ended = r.MessageType == WebSocketMessageType.Close;
            }
        }
        catch (WebSocketException) { ended = true; }
        Assert.True(ended);
    }

    [Fact]
    public async Task Server_shutdown_closes_sockets_with_a_close_frame()
    {
        var s = await OwnServer.StartAsync();
        await using var c = await (await SocketIoTestClient.ConnectAsync(s.BaseUri, s.Token)).JoinAsync();
        var sw = Stopwatch.StartNew();
        await s.StopAsync();
        await c.Closed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, c.CloseStatus);
        Assert.DoesNotContain("41", c.Log); // not a Socket.IO disconnect: clients reconnect
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"shutdown took {sw.Elapsed}");
        await s.DisposeAsync();
    }

    static HttpClient Authed(OwnServer s)
    {
        var http = new HttpClient { BaseAddress = s.BaseUri };
        http.DefaultRequestHeaders.Add("x-immich-user-token", s.Token);
        return http;
    }
}
