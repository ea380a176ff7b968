using System.Globalization;
using System.IO.Compression;
using ImmichLite.Data;

namespace ImmichLite.Geocoding;

/// <summary>The geodata file that scripts/fetch-geodata.sh writes and the build embeds (logical name
/// <see cref="ResourceName"/>): gzip'd UTF-8 TSV; '#' lines are metadata (the first carries key=value fields such
/// as dataDate=2023-03-05), every other line is
/// <c>geonameid latitude longitude name countryCode countryName admin1Name admin2Name timezone</c>, empty = unknown.</summary>
public static class GeodataFile
{
    public const string ResourceName = "ImmichLite.geodata.tsv.gz";

    /// <summary>The embedded data, or null in a build made without .cache/geodata (the geocoder then reports itself unavailable).</summary>
    public static Stream? OpenEmbedded() => typeof(GeodataFile).Assembly.GetManifestResourceStream(ResourceName);

    /// <summary>Parses the (gzip'd) stream: header fields go to <paramref name="header"/> as they are met, places are yielded in file order.</summary>
    public static IEnumerable<GeodataPlace> Read(Stream gzip, IDictionary<string, string> header)
    {
        using var unzip = new GZipStream(gzip, CompressionMode.Decompress, leaveOpen: true);
        using var reader = new StreamReader(unzip, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        var lineNo = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (line.Length == 0) continue;
            if (line[0] == '#')
            {
                foreach (var field in line[1..].Split('\t'))
                {
                    var eq = field.IndexOf('=');
                    if (eq > 0) header[field[..eq]] = field[(eq + 1)..];
                }
                continue;
            }
            var f = line.Split('\t');
            if (f.Length < 9
                || !long.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
                || !double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
                || !double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
                || !GeoMath.IsValid(lat, lon) || f[3].Length == 0)
                throw new InvalidDataException($"geodata line {lineNo} is malformed: {line[..Math.Min(line.Length, 80)]}");
            yield return new GeodataPlace(id, lat, lon, f[3], f[4], NullIfEmpty(f[5]), NullIfEmpty(f[6]), NullIfEmpty(f[7]), NullIfEmpty(f[8]));
        }
    }

    static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
