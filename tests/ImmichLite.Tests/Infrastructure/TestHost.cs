using System.Runtime.CompilerServices;

namespace ImmichLite.Tests.Infrastructure;

/// <summary>The test process hosts many real servers at once (one per test class, all in parallel) plus their
/// clients, all on one thread pool. On a 2-core machine the pool starts with 2 threads and adds more slowly, so a
/// burst of blocking work (SQLite, file I/O) could hold back a server's timers — its socket heartbeats — for a
/// second or more. A higher floor keeps the servers' timing close to what a real deployment sees.</summary>
static class TestHost
{
    [ModuleInitializer]
    internal static void RaiseThreadPoolFloor()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
