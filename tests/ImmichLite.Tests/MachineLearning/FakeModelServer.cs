using System.Collections.Concurrent;
using System.Net;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.MachineLearning;

/// <summary>A local stand-in for Hugging Face's <c>/{org}/{model}/resolve/main/{path}</c> route (HttpListener on
/// 127.0.0.1): serves the given files, honours Range requests, and can cut a file's first response off halfway.</summary>
public sealed class FakeModelServer : IDisposable
{
    readonly HttpListener _listener = new();
    readonly Dictionary<string, byte[]> _files;
    readonly ConcurrentDictionary<string, int> _cutOnce = new();
    public ConcurrentQueue<(string Path, string? Range, int Status)> Requests { get; } = new();
    public string BaseUrl { get; }

    public FakeModelServer(Dictionary<string, byte[]> files)
    {
        _files = files;
        BaseUrl = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    /// <summary>The next response for this URL path sends half the bytes, then drops the connection.</summary>
    public void CutOnce(string urlPath) => _cutOnce[urlPath] = 1;

    async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => Serve(ctx));
        }
    }

    async Task Serve(HttpListenerContext ctx)
    {
        var path = ctx.Request.Url!.AbsolutePath;
        var range = ctx.Request.Headers["Range"];
        var res = ctx.Response;
        try
        {
            if (!_files.TryGetValue(path, out var body))
            {
                Requests.Enqueue((path, range, 404));
                res.StatusCode = 404;
                res.Close();
                return;
            }
            long from = 0;
            if (range is { } r && r.StartsWith("bytes=") && r.EndsWith('-')) from = long.Parse(r[6..^1]);
            if (from >= body.Length && from > 0)
            {
                Requests.Enqueue((path, range, 416));
                res.StatusCode = 416;
                res.AddHeader("Content-Range", $"bytes */{body.Length}");
                res.Close();
                return;
            }
            var status = from > 0 ? 206 : 200;
            Requests.Enqueue((path, range, status));
            res.StatusCode = status;
            if (from > 0) res.AddHeader("Content-Range", $"bytes {from}-{body.Length - 1}/{body.Length}");
            res.ContentLength64 = body.Length - from;
            if (_cutOnce.TryRemove(path, out _))
            {
                var half = (int)(body.Length - from) / 2;
                await res.OutputStream.WriteAsync(body.AsMemory((int)from, half));
                await res.OutputStream.FlushAsync();
                res.Abort();
                return;
            }
            await res.OutputStream.WriteAsync(body.AsMemory((int)from));
            res.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
