using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.Api;

/// <summary>Walks all 192 operations of the contract against the running server.</summary>
public sealed class RouteWalkTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    static readonly string[] LastOnes = ["logout", "deleteAllSessions"];

    [Fact]
    public async Task Every_operation_is_routed_and_unbuilt_ones_answer_501()
    {
        await server.Admin();
        var caller = await server.Login(ServerFixture.AdminEmail, ServerFixture.AdminPassword);
        var ops = SpecValidator.Operations().OrderBy(o => LastOnes.Contains(o.Op["operationId"]!.GetValue<string>()) ? 1 : 0).ToList();
        Assert.Equal(192, ops.Count);

        var served = 0;
        var notImplemented = new List<string>();
        foreach (var (method, path, op) in ops)
        {
            var id = op["operationId"]!.GetValue<string>();
            var url = "/api" + System.Text.RegularExpressions.Regex.Replace(path, "\\{[^}]+\\}", m => m.Value switch
            {
                "{name}" => "album-invite",
                _ => caller.UserId, // a real UUID of the right shape
            });
            var req = new HttpRequestMessage(new HttpMethod(method), url);
            if (op["requestBody"] is not null) req.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            var res = await caller.Http.SendAsync(req);
            var text = await res.Content.ReadAsStringAsync();

            Assert.NotEqual(HttpStatusCode.MethodNotAllowed, res.StatusCode);
            if (res.StatusCode == HttpStatusCode.NotFound)
            {
                // a 404 may only be the handler's own answer (a missing file, say), never a route that does not exist
                var msg = JsonNode.Parse(text)!["message"]!.ToString();
                Assert.False(msg.StartsWith("Cannot "), $"{method} {path} ({id}) is not routed: {text}");
            }
            if (res.StatusCode == HttpStatusCode.NotImplemented)
            {
                var body = JsonNode.Parse(text)!;
                Assert.Equal(501, body["statusCode"]!.GetValue<int>());
                Assert.Equal("Not Implemented", body["error"]!.GetValue<string>());
                Assert.False(string.IsNullOrEmpty(body["correlationId"]!.GetValue<string>()));
                notImplemented.Add(id);
            }
            else served++;
            Assert.True((int)res.StatusCode < 500 || res.StatusCode == HttpStatusCode.NotImplemented, $"{method} {path} ({id}) answered {(int)res.StatusCode}: {text}");
        }
        Assert.True(served > 50, $"only {served} operations served");

        // what the docs say matches what the routes do
        var doc = await server.Anonymous().Get("/api/docs/openapi.json");
        var docUnbuilt = new List<string>();
        foreach (var (_, item) in doc["paths"]!.AsObject())
            foreach (var (_, o) in item!.AsObject())
                if (!o!["x-immichlite-implemented"]!.GetValue<bool>()) docUnbuilt.Add(o["operationId"]!.GetValue<string>());
        Assert.Equal(notImplemented.Order(), docUnbuilt.Order());
    }

    [Fact]
    public async Task Unbuilt_operations_still_require_authentication()
    {
        var anon = server.Anonymous();
        // an authenticated operation with no credentials: 401 before anything else
        Assert.Equal("Authentication required", await TestClient.ExpectError(await anon.Http.GetAsync("/api/jobs"), 401));
    }

    [Fact]
    public async Task Api_reference_is_served()
    {
        var anon = server.Anonymous();
        var doc = await anon.Get("/api/docs/openapi.json");
        Assert.Equal("1.134.0", doc["info"]!["version"]!.GetValue<string>());
        var ui = await anon.Http.GetAsync("/api/docs/");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("openapi.json", await ui.Content.ReadAsStringAsync());
    }
}
