// Metadata extraction throughput over a folder: `MetadataBench <folder> [rounds=5] [--passes N] [--dump] [--profile] [--ffprobe]`.
// A round extracts every file of the folder N times (--passes, default 1), after one untimed warm-up pass.
// Prints one line per round ("round N: F files in S s = X files/s (cpu C s)"), then "median: X files/s" (wall clock)
// and "cpu-median: Y files/s" (files per CPU-second of this process, which a loaded machine distorts less).
// --dump prints every field of every file instead (for eyeballing against exiftool).
using System.Diagnostics;
using System.Globalization;
using ImmichLite.Media.Metadata;

if (args.Length < 1) { Console.Error.WriteLine("usage: MetadataBench <folder> [rounds] [--dump] [--ffprobe]"); return 2; }
var folder = args[0];
int rounds = args.Length > 1 && int.TryParse(args[1], out var r) ? r : 5;
bool dump = args.Contains("--dump");
int passes = Array.IndexOf(args, "--passes") is var pi and >= 0 && pi + 1 < args.Length && int.TryParse(args[pi + 1], out var pv) ? pv : 1;
var options = new MetadataExtractorOptions { VideoProbe = args.Contains("--ffprobe") ? VideoProbeMode.AlwaysFfprobe : VideoProbeMode.NativeThenFfprobe };
var extractor = new MediaMetadataExtractor(options);
var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
    .Where(f => !f.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && !f.EndsWith(".xmp", StringComparison.OrdinalIgnoreCase))
    .OrderBy(f => f, StringComparer.Ordinal).ToArray();
if (files.Length == 0) { Console.Error.WriteLine("no files in " + folder); return 2; }

if (dump)
{
    foreach (var f in files)
    {
        var m = await extractor.ExtractAsync(f, null, CancellationToken.None);
        Console.WriteLine("== " + Path.GetRelativePath(folder, f));
        Console.WriteLine(string.Join(" | ", Fields(m).Where(kv => kv.Value is not null).Select(kv => kv.Key + "=" + kv.Value)));
    }
    return 0;
}

if (args.Contains("--profile"))
{
    var per = new Dictionary<string, double>();
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    foreach (var f in files) await extractor.ExtractAsync(f, null, CancellationToken.None);
    for (int i = 0; i < rounds; i++)
        foreach (var f in files)
        {
            var t = Stopwatch.GetTimestamp();
            await extractor.ExtractAsync(f, null, CancellationToken.None);
            per[f] = per.GetValueOrDefault(f) + Stopwatch.GetElapsedTime(t).TotalMilliseconds / rounds;
        }
    foreach (var (f, ms) in per.OrderByDescending(kv => kv.Value))
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ms,8:F3} ms  {Path.GetRelativePath(folder, f)}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total {per.Values.Sum():F2} ms wall per round, {(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / (rounds + 1):F2} ms CPU per round"));
    return 0;
}

// warm-up (JIT) round, not counted
foreach (var f in files) await extractor.ExtractAsync(f, null, CancellationToken.None);
var rates = new List<double>();
var cpuRates = new List<double>();
var proc = Process.GetCurrentProcess();
for (int i = 1; i <= rounds; i++)
{
    proc.Refresh();
    var cpu0 = proc.TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    for (int p = 0; p < passes; p++)
        foreach (var f in files) await extractor.ExtractAsync(f, null, CancellationToken.None);
    sw.Stop();
    proc.Refresh();
    var cpu = (proc.TotalProcessorTime - cpu0).TotalSeconds;
    int count = files.Length * passes;
    var rate = count / sw.Elapsed.TotalSeconds;
    rates.Add(rate);
    cpuRates.Add(count / Math.Max(cpu, 1e-6));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {i}: {count} files in {sw.Elapsed.TotalSeconds:F4} s = {rate:F1} files/s (cpu {cpu:F4} s)"));
}
rates.Sort();
cpuRates.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median: {rates[rates.Count / 2]:F1} files/s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cpu-median: {cpuRates[cpuRates.Count / 2]:F1} files/s"));
return 0;

static IEnumerable<KeyValuePair<string, string?>> Fields(MediaMetadata m)
{
    string? S(object? o) => o switch { null => null, double d => d.ToString("0.######", CultureInfo.InvariantCulture), DateTimeOffset t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture), _ => Convert.ToString(o, CultureInfo.InvariantCulture) };
    yield return new("mime", m.MimeType);
    if (m.ExtensionMismatch) yield return new("extMismatch", "true");
    if (m.IsVideo) yield return new("video", "true");
    yield return new("make", m.Make);
    yield return new("model", m.Model);
    yield return new("lens", m.LensModel);
    yield return new("f", S(m.FNumber));
    yield return new("exp", m.ExposureTime);
    yield return new("iso", S(m.Iso));
    yield return new("focal", S(m.FocalLength));
    yield return new("size", m.ExifImageWidth is null ? null : $"{m.ExifImageWidth}x{m.ExifImageHeight}");
    yield return new("orient", m.Orientation);
    yield return new("date", S(m.DateTimeOriginal));
    if (m.DateTimeOriginal is not null) yield return new("offsetKnown", m.OffsetKnown ? "true" : m.DateTimeOriginalIsUtc ? "utc" : "false");
    yield return new("tz", m.TimeZone);
    yield return new("modify", S(m.ModifyDate));
    yield return new("gps", m.Latitude is null ? null : $"{S(m.Latitude)},{S(m.Longitude)}");
    yield return new("desc", m.Description);
    yield return new("rating", S(m.Rating));
    yield return new("proj", m.ProjectionType);
    yield return new("icc", m.ProfileDescription);
    yield return new("cs", m.Colorspace);
    yield return new("bits", S(m.BitsPerSample));
    yield return new("fps", S(m.Fps));
    yield return new("dur", S(m.Duration?.TotalSeconds));
    yield return new("codec", m.VideoCodec);
    yield return new("cid", m.LivePhotoCID);
    if (m.IsMotionPhoto) yield return new("motion", $"{m.EmbeddedVideoOffset}+{m.EmbeddedVideoLength}");
    if (m.Keywords.Count > 0) yield return new("tags", string.Join(";", m.Keywords));
    if (m.Warnings.Count > 0) yield return new("warn", string.Join(" / ", m.Warnings));
}
