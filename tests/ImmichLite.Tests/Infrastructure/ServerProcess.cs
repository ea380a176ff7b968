using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ImmichLite.Tests.Infrastructure;

/// <summary>The server as a separate OS process (dotnet immichlite.dll), so tests can kill -9 it.</summary>
public sealed class ServerProcess : IDisposable
{
    readonly Process _process;
    public Uri BaseUri { get; }
    public string DataDir { get; }

    ServerProcess(Process p, Uri uri, string dataDir) { _process = p; BaseUri = uri; DataDir = dataDir; }

    public static async Task<ServerProcess> StartAsync(string dataDir, int? port = null)
    {
        port ??= FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "immichlite.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, "--host", "127.0.0.1", "--port", port.Value.ToString(), "--data", dataDir, "--log-level", "warn", "--model-base-url", "http://127.0.0.1:9"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var uri = new Uri($"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (p.HasExited) throw new InvalidOperationException($"server exited with {p.ExitCode}");
            try
            {
                if ((await http.GetAsync("/api/server/ping")).StatusCode == HttpStatusCode.OK) return new ServerProcess(p, uri, dataDir);
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(50);
        }
        p.Kill(true);
        throw new TimeoutException("server did not answer ping within 30 s");
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void KillHard()
    {
        if (!_process.HasExited) { _process.Kill(entireProcessTree: true); _process.WaitForExit(10_000); }
    }

    public void Dispose()
    {
        KillHard();
        _process.Dispose();
    }
}
