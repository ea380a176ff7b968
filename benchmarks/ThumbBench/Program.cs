using System.Diagnostics;
using System.Globalization;
using ImmichLite.Media.Thumbnails;

// Usage: ThumbBench <input folder> <output folder> [--parallel N] [--recursive] [--repeat N] [--quiet]
// Runs ThumbnailGenerator.GenerateAsync (preview JPEG 1440 q80 + thumbnail WebP 250 q80 + ThumbHash) over every file
// and prints one line per file, then a summary line "SUMMARY files=… ok=… failed=… wall_ms=… per_image_ms=… peak_rss_mb=…".
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: ThumbBench <input folder> <output folder> [--parallel N] [--recursive] [--repeat N] [--quiet]");
    return 2;
}
string input = args[0], output = args[1];
int parallel = 1, repeat = 1;
bool recursive = false, quiet = false;
for (int i = 2; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--parallel": parallel = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--repeat": repeat = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--recursive": recursive = true; break;
        case "--quiet": quiet = true; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}
var files = Directory.GetFiles(input, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
    .Where(f => !f.EndsWith(".md", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToArray();
var videoExt = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".mov", ".mp4", ".m4v", ".mts", ".m2ts", ".avi", ".3gp", ".mkv", ".webm" };
var gen = new ThumbnailGenerator();
var options = new ThumbnailOptions();
Directory.CreateDirectory(output);

int ok = 0, failed = 0;
var sw = Stopwatch.StartNew();
for (int r = 0; r < repeat; r++)
{
    await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (f, ct) =>
    {
        var name = Path.GetFileNameWithoutExtension(f);
        var t = Stopwatch.StartNew();
        try
        {
            var res = await gen.GenerateAsync(f, videoExt.Contains(Path.GetExtension(f)), null,
                Path.Combine(output, name + "-preview.jpeg"), Path.Combine(output, name + "-thumbnail.webp"), options, ct);
            Interlocked.Increment(ref ok);
            if (!quiet)
                Console.WriteLine($"ok   {t.Elapsed.TotalMilliseconds,7:0.0} ms  {res.Decoder,-24} preview {res.PreviewWidth}x{res.PreviewHeight} thumb {res.ThumbnailWidth}x{res.ThumbnailHeight} hash {res.Thumbhash.Length}B  {Path.GetRelativePath(input, f)}");
        }
        catch (ThumbnailException e)
        {
            Interlocked.Increment(ref failed);
            if (!quiet) Console.WriteLine($"FAIL {t.Elapsed.TotalMilliseconds,7:0.0} ms  {Path.GetRelativePath(input, f)}: {e.Message}");
        }
    });
}
sw.Stop();
long peak = 0;
foreach (var line in File.ReadLines("/proc/self/status"))
    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
        peak = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
int total = files.Length * repeat;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"SUMMARY files={total} ok={ok} failed={failed} parallel={parallel} wall_ms={sw.Elapsed.TotalMilliseconds:0} per_image_ms={sw.Elapsed.TotalMilliseconds / Math.Max(1, total):0.0} peak_rss_mb={peak / 1024.0:0.0}"));
return 0;
