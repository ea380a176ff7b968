using System.Runtime.InteropServices;

namespace ImmichLite.Infrastructure;

/// <summary>glibc malloc settings for a process that decodes images natively (Skia, TurboJPEG, libheif). By default
/// glibc raises its mmap threshold to the size of the largest block freed so far (up to 32 MiB), so after the first
/// decoded photo every multi-megabyte pixel buffer comes from the heap instead of its own mapping, and freeing it
/// does not give the memory back: a 1,000-photo ingest ended at ~220–280 MB RSS. A fixed 256 KiB threshold keeps
/// large buffers in mappings that are returned on free (scripts/bench-ingest.sh; docs/PERFORMANCE.md).
/// The MALLOC_MMAP_THRESHOLD_ / MALLOC_ARENA_MAX environment variables, when set, win. No-op off glibc.</summary>
public static class NativeHeap
{
    const int M_MMAP_THRESHOLD = -3;
    const int M_ARENA_MAX = -8;

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int Mallopt(int param, int value);

    public static void Configure()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is null) Mallopt(M_MMAP_THRESHOLD, 256 * 1024);
            // decoding runs on a few job threads; one arena per core is plenty and keeps fragments from spreading
            if (Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is null) Mallopt(M_ARENA_MAX, Math.Max(2, Environment.ProcessorCount));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }
}
