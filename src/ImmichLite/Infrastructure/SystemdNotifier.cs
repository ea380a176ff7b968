using System.Net.Sockets;
using System.Text;

namespace ImmichLite.Infrastructure;

/// <summary>sd_notify without libsystemd: READY=1 once Kestrel listens, WATCHDOG=1 at half the
/// WatchdogSec interval while the process is healthy, STOPPING=1 on shutdown. Does nothing outside systemd.</summary>
public sealed class SystemdNotifier(IHostApplicationLifetime lifetime, ILogger<SystemdNotifier> log) : IHostedService, IDisposable
{
    readonly string? _socket = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
    Timer? _watchdog;

    public Task StartAsync(CancellationToken ct)
    {
        if (string.IsNullOrEmpty(_socket)) return Task.CompletedTask;
        lifetime.ApplicationStarted.Register(() =>
        {
            Notify("READY=1\nSTATUS=Serving the Immich API");
            if (long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out var usec) && usec > 0)
            {
                var every = TimeSpan.FromMicroseconds(usec / 2.0);
                _watchdog = new Timer(_ => Notify("WATCHDOG=1"), null, every, every);
            }
        });
        lifetime.ApplicationStopping.Register(() => Notify("STOPPING=1"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct)
    {
        _watchdog?.Dispose();
        return Task.CompletedTask;
    }

    public bool Notify(string state)
    {
        if (string.IsNullOrEmpty(_socket)) return false;
        try
        {
            // a leading '@' names an abstract socket
            var path = _socket[0] == '@' ? "\0" + _socket[1..] : _socket;
            using var s = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            s.Connect(new UnixDomainSocketEndPoint(path));
            s.Send(Encoding.UTF8.GetBytes(state));
            return true;
        }
        catch (SocketException e)
        {
            log.LogWarning("sd_notify failed: {Error}", e.Message);
            return false;
        }
    }

    public void Dispose() => _watchdog?.Dispose();
}
