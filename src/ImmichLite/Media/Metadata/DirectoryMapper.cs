using System.Globalization;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Exif.Makernotes;
using MetadataExtractor.Formats.Gif;
using MetadataExtractor.Formats.Icc;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Png;
using MetadataExtractor.Formats.WebP;
using MetadataExtractor.Formats.Xmp;
using MetadataExtractor.Formats.Bmp;
using MeDirectory = MetadataExtractor.Directory;

namespace ImmichLite.Media.Metadata;

/// <summary>
/// Maps MetadataExtractor directories (EXIF, GPS, IPTC, ICC, XMP, container headers) onto the builder. Used for the
/// formats read through MetadataExtractor (PNG, WebP, BMP) and as the fallback for TIFF variants TiffExif rejects.
/// </summary>
internal static class DirectoryMapper
{
    // EXIF tag ids (TIFF/EXIF 2.32)
    const int TagNewSubfileType = 0x00FE, TagImageWidth = 0x0100, TagImageHeight = 0x0101, TagBitsPerSample = 0x0102,
        TagImageDescription = 0x010E, TagMake = 0x010F, TagModel = 0x0110, TagOrientation = 0x0112, TagDateTime = 0x0132,
        TagRating = 0x4746, TagExposureTime = 0x829A, TagFNumber = 0x829D, TagIso = 0x8827, TagDateTimeOriginal = 0x9003,
        TagDateTimeDigitized = 0x9004, TagOffsetTime = 0x9010, TagOffsetTimeOriginal = 0x9011, TagOffsetTimeDigitized = 0x9012,
        TagFocalLength = 0x920A, TagSubSecTime = 0x9290, TagSubSecOriginal = 0x9291, TagSubSecDigitized = 0x9292,
        TagColorSpace = 0xA001, TagExifImageWidth = 0xA002, TagExifImageHeight = 0xA003, TagLensModel = 0xA434;
    const int AppleTagContentIdentifier = 0x0011;
    const int IptcTagKeywords = 0x0219, IptcTagCaption = 0x0278;
    const int IccTagDesc = 0x64657363;

    /// <param name="tiffFamily">The file itself is a TIFF container (TIFF, DNG, CR2, NEF, ...): pick the main image's size from the IFDs.</param>
    public static void Apply(IReadOnlyList<MeDirectory> dirs, MetadataBuilder b, bool tiffFamily)
    {
        List<MeDirectory>? ifd0 = null, sub = null;
        foreach (var d in dirs)
        {
            switch (d)
            {
                case ExifIfd0Directory: (ifd0 ??= []).Add(d); break;
                case ExifSubIfdDirectory: (sub ??= []).Add(d); break;
                case JpegDirectory j:
                    if (j.TryGetInt32(JpegDirectory.TagImageWidth, out var jw) && j.TryGetInt32(JpegDirectory.TagImageHeight, out var jh)) b.SetDims(jw, jh);
                    if (b.BitsPerSample is null && j.TryGetInt32(JpegDirectory.TagDataPrecision, out var bits) && bits > 0) b.BitsPerSample = bits;
                    break;
                case PngDirectory p when p.GetPngChunkType() == PngChunkType.IHDR:
                    if (p.TryGetInt32(PngDirectory.TagImageWidth, out var pw) && p.TryGetInt32(PngDirectory.TagImageHeight, out var ph)) b.SetDims(pw, ph);
                    if (b.BitsPerSample is null && p.TryGetInt32(PngDirectory.TagBitsPerSample, out var pb) && pb > 0) b.BitsPerSample = pb;
                    break;
                case WebPDirectory w:
                    if (w.TryGetInt32(WebPDirectory.TagImageWidth, out var ww) && w.TryGetInt32(WebPDirectory.TagImageHeight, out var wh)) b.SetDims(ww, wh);
                    break;
                case GifHeaderDirectory g:
                    if (g.TryGetInt32(GifHeaderDirectory.TagImageWidth, out var gw) && g.TryGetInt32(GifHeaderDirectory.TagImageHeight, out var gh)) b.SetDims(gw, gh);
                    break;
                case BmpHeaderDirectory bmp:
                    if (bmp.TryGetInt32(BmpHeaderDirectory.TagImageWidth, out var bw) && bmp.TryGetInt32(BmpHeaderDirectory.TagImageHeight, out var bh)) b.SetDims(bw, Math.Abs(bh));
                    break;
                case GpsDirectory gps when b.Latitude is null:
                    ApplyGps(gps, b);
                    break;
                case AppleMakernoteDirectory apple when b.LivePhotoCID is null:
                    b.LivePhotoCID = MetadataBuilder.Clean(apple.GetString(AppleTagContentIdentifier));
                    break;
                case IptcDirectory iptc:
                    var kw = iptc.GetStringArray(IptcTagKeywords);
                    if (kw is { Length: > 0 }) (b.IptcKeywords ??= []).AddRange(kw);
                    break;
                case IccDirectory icc when b.ProfileDescription is null:
                    b.ProfileDescription = MetadataBuilder.Clean(IccDescription(icc.GetObject(IccTagDesc) as byte[]));
                    break;
                case XmpDirectory x when x.XmpMeta is not null:
                    FastXmp.Apply(x.XmpMeta, b);
                    break;
            }
        }

        if (tiffFamily) ApplyTiffDims(ifd0, sub, b);

        if (ifd0 is not null) ApplyIfd0(ifd0, b);
        if (sub is not null) ApplySubIfd(sub, b);

        // IPTC caption is the last description fallback (after EXIF ImageDescription and XMP dc:description)
        foreach (var d in dirs)
            if (d is IptcDirectory iptc && MetadataBuilder.Clean(iptc.GetString(IptcTagCaption)) is { } cap) { b.IptcCaption ??= cap; break; }
    }

    /// <summary>ICC 'desc' tag: v2 textDescriptionType (ASCII) or v4 multiLocalizedUnicodeType (UTF-16BE, first/en record).</summary>
    static string? IccDescription(byte[]? raw)
    {
        if (raw is null || raw.Length < 12) return null;
        var span = raw.AsSpan();
        if (span.StartsWith("desc"u8))
        {
            var len = (int)Math.Min(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(span[8..]), (uint)(raw.Length - 12));
            var text = span.Slice(12, len);
            int z = text.IndexOf((byte)0);
            return System.Text.Encoding.ASCII.GetString(z < 0 ? text : text[..z]);
        }
        if (span.StartsWith("mluc"u8) && raw.Length >= 16)
        {
            var count = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(span[8..]);
            var recSize = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(span[12..]);
            if (count == 0 || recSize < 12) return null;
            int chosen = 16;
            for (int i = 0; i < count && 16 + i * recSize + 12 <= raw.Length; i++)
                if (span[16 + i * recSize] == 'e' && span[17 + i * recSize] == 'n') { chosen = 16 + i * recSize; break; }
            if (chosen + 12 > raw.Length) return null;
            var len = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(span[(chosen + 4)..]);
            var off = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(span[(chosen + 8)..]);
            if (off < 0 || len < 0 || off + len > raw.Length) return null;
            return System.Text.Encoding.BigEndianUnicode.GetString(span.Slice(off, len)).TrimEnd('\0');
        }
        return null;
    }

    /// <summary>GPS IFD tags (1..4) from any directory (a GPS IFD, or CR3's CMT4 read as a plain IFD).</summary>
    public static void ApplyGps(MeDirectory gps, MetadataBuilder b)
    {
        if (b.Latitude is null && SafeGeo(gps) is { } l) b.SetGps(l.Latitude, l.Longitude);
    }

    static GeoLocation? SafeGeo(MeDirectory gps)
    {
        var lat = gps.GetRationalArray(GpsDirectory.TagLatitude);
        var lon = gps.GetRationalArray(GpsDirectory.TagLongitude);
        if (lat is not { Length: 3 } || lon is not { Length: 3 }) return null;
        var latRef = gps.GetString(GpsDirectory.TagLatitudeRef);
        var lonRef = gps.GetString(GpsDirectory.TagLongitudeRef);
        var la = Dms(lat);
        var lo = Dms(lon);
        if (la is null || lo is null) return null;
        // exiftool semantics: the reference decides the sign, whatever sign the stored value has
        var latV = Math.Abs(la.Value) * (latRef is ['S' or 's', ..] ? -1 : 1);
        var lonV = Math.Abs(lo.Value) * (lonRef is ['W' or 'w', ..] ? -1 : 1);
        return new GeoLocation(latV, lonV);
    }

    static double? Dms(Rational[] v)
    {
        double deg = v[0].ToDouble(), min = v[1].ToDouble(), sec = v[2].ToDouble();
        if (!double.IsFinite(deg) || !double.IsFinite(min) || !double.IsFinite(sec)) return null;
        return Math.Abs(deg) + Math.Abs(min) / 60 + Math.Abs(sec) / 3600;
    }

    static void ApplyTiffDims(List<MeDirectory>? ifd0, List<MeDirectory>? sub, MetadataBuilder b)
    {
        int bestW = 0, bestH = 0;
        void Consider(List<MeDirectory>? list)
        {
            if (list is null) return;
            foreach (var d in list)
            {
                if (d.TryGetInt32(TagNewSubfileType, out var nst) && nst != 0) continue;
                if (d.TryGetInt32(TagImageWidth, out var w) && d.TryGetInt32(TagImageHeight, out var h) && (long)w * h > (long)bestW * bestH)
                { bestW = w; bestH = h; }
            }
        }
        Consider(ifd0);
        Consider(sub);
        if (bestW > 0) b.SetDims(bestW, bestH);
        if (b.BitsPerSample is null && ifd0 is not null)
            foreach (var d in ifd0)
                if (d.GetObject(TagBitsPerSample) is { } o && FirstInt(o) is int bps and > 0) { b.BitsPerSample = bps; break; }
    }

    static void ApplyIfd0(List<MeDirectory> ifd0, MetadataBuilder b)
    {
        foreach (var d in ifd0)
        {
            b.Make ??= MetadataBuilder.Clean(d.GetString(TagMake));
            b.Model ??= MetadataBuilder.Clean(d.GetString(TagModel));
            if (b.Orientation is null && d.TryGetInt32(TagOrientation, out var o)) b.SetOrientation(o);
            if (b.Description is null) b.Description = MetadataBuilder.Clean(d.GetString(TagImageDescription));
            if (b.Rating is null && d.TryGetInt32(TagRating, out var r)) b.SetRating(r);
            if (b.ExifModify is null && DateParse.TryParse(d.GetString(TagDateTime), out var dt)) b.ExifModify = dt;
            if (b.ExifOffset is null && DateParse.TryParseOffset(d.GetString(TagOffsetTime), out var off)) b.ExifOffset = off;
            // CR3/HEIF put everything in one IFD: EXIF-IFD tags may live here too
            ApplySubIfdTags(d, b);
        }
    }

    static void ApplySubIfd(List<MeDirectory> sub, MetadataBuilder b)
    {
        foreach (var d in sub) ApplySubIfdTags(d, b);
    }

    static void ApplySubIfdTags(MeDirectory d, MetadataBuilder b)
    {
        if (b.ExposureTime is null && d.TryGetRational(TagExposureTime, out var et)) b.SetExposure(et.ToDouble());
        if (b.FNumber is null && d.TryGetRational(TagFNumber, out var fn) && fn.Denominator != 0 && fn.ToDouble() > 0) b.FNumber = Math.Round(fn.ToDouble(), 2);
        if (b.FocalLength is null && d.TryGetRational(TagFocalLength, out var fl) && fl.Denominator != 0 && fl.ToDouble() > 0) b.FocalLength = Math.Round(fl.ToDouble(), 2);
        if (b.Iso is null && d.GetObject(TagIso) is { } isoObj && FirstInt(isoObj) is int iso and > 0) b.Iso = iso;
        b.LensModel ??= LensOrNull(d.GetString(TagLensModel));
        if (b.Colorspace is null && d.TryGetInt32(TagColorSpace, out var cs))
            b.Colorspace = cs switch { 1 => "sRGB", 2 => "Adobe RGB", 0xFFFF => "Uncalibrated", _ => null };
        if (b.ExifOriginal is null && DateParse.TryParse(d.GetString(TagDateTimeOriginal), out var dto)) b.ExifOriginal = WithSubSec(dto, d.GetString(TagSubSecOriginal));
        if (b.ExifDigitized is null && DateParse.TryParse(d.GetString(TagDateTimeDigitized), out var dtd)) b.ExifDigitized = WithSubSec(dtd, d.GetString(TagSubSecDigitized));
        if (b.ExifOffsetOriginal is null && DateParse.TryParseOffset(d.GetString(TagOffsetTimeOriginal), out var oo)) b.ExifOffsetOriginal = oo;
        if (b.ExifOffsetDigitized is null && DateParse.TryParseOffset(d.GetString(TagOffsetTimeDigitized), out var od)) b.ExifOffsetDigitized = od;
        if (b.ExifOffset is null && DateParse.TryParseOffset(d.GetString(TagOffsetTime), out var ot)) b.ExifOffset = ot;
        if (b.ExifModify is { } m && b.ExifModify.Value.Local.Millisecond == 0 && d.GetString(TagSubSecTime) is { } ss && b.ExifModify.Value.Offset is null)
            b.ExifModify = WithSubSec(m, ss);
        if (d.TryGetInt32(TagExifImageWidth, out var ew) && d.TryGetInt32(TagExifImageHeight, out var eh)) { b.ExifTagWidth ??= ew; b.ExifTagHeight ??= eh; }
    }

    /// <summary>Lens names made only of digits (some Canon/Sigma lens ids) are not names.</summary>
    public static string? LensOrNull(string? s)
    {
        s = MetadataBuilder.Clean(s);
        if (s is null) return null;
        foreach (var c in s) if (!(char.IsAsciiDigit(c) || c is '.' or ',' or ' ')) return s;
        return null;
    }

    static FoundDate WithSubSec(FoundDate d, string? subsec)
    {
        subsec = subsec?.Trim().TrimEnd('\0');
        if (string.IsNullOrEmpty(subsec) || d.Local.Ticks % TimeSpan.TicksPerSecond != 0) return d;
        double frac = 0, scale = 0.1;
        foreach (var c in subsec)
        {
            if (!char.IsAsciiDigit(c)) break;
            frac += (c - '0') * scale;
            scale /= 10;
        }
        return d with { Local = d.Local.AddTicks((long)Math.Round(frac * TimeSpan.TicksPerSecond)) };
    }

    static int? FirstInt(object o) => o switch
    {
        int i => i,
        short s => s,
        ushort us => us,
        uint ui => (int)Math.Min(ui, int.MaxValue),
        long l => (int)Math.Clamp(l, int.MinValue, int.MaxValue),
        byte by => by,
        int[] { Length: > 0 } ia => ia[0],
        short[] { Length: > 0 } sa => sa[0],
        ushort[] { Length: > 0 } usa => usa[0],
        uint[] { Length: > 0 } uia => (int)Math.Min(uia[0], int.MaxValue),
        byte[] { Length: > 0 } ba => ba[0],
        Rational r => (int)r.ToDouble(),
        string str when int.TryParse(str.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) => p,
        _ => null,
    };
}
