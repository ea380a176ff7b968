using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace ImmichLite.Media.Metadata;

/// <summary>Random access to the bytes of a TIFF structure: an in-memory block or a seekable file.</summary>
internal sealed class TiffSource
{
    readonly byte[]? _buf;
    readonly int _base, _len;
    readonly Stream? _stream;
    readonly long _streamBase;

    public TiffSource(byte[] buffer, int offset, int length) { _buf = buffer; _base = offset; _len = length; }
    public TiffSource(Stream stream, long offset) { _stream = stream; _streamBase = offset; _len = (int)Math.Min(int.MaxValue, stream.Length - offset); }

    public long Length => _len;

    /// <summary>Copies dst.Length bytes at offset (relative to the TIFF header); false when out of range.</summary>
    public bool Read(long offset, Span<byte> dst)
    {
        if (offset < 0 || offset + dst.Length > _len) return false;
        if (_buf is not null) { _buf.AsSpan(_base + (int)offset, dst.Length).CopyTo(dst); return true; }
        return StreamUtil.ReadAt(_stream!, _streamBase + offset, dst) == dst.Length;
    }

    public byte[]? ReadBytes(long offset, long count, int max)
    {
        if (count <= 0 || count > max || offset < 0 || offset + count > _len) return null;
        var arr = new byte[count];
        return Read(offset, arr) ? arr : null;
    }
}

/// <summary>
/// A small TIFF/EXIF reader for exactly the tags Immich stores: IFD0, EXIF IFD, GPS IFD, SubIFDs (for the main image
/// size of TIFF-based RAW files), embedded XMP/ICC/IPTC of TIFF files, and the Apple maker note (ContentIdentifier).
/// Other maker notes are never parsed, which is most of what a general-purpose reader spends its time on.
/// Malformed structures end the walk of that IFD; nothing throws.
/// </summary>
internal static class TiffExif
{
    const ushort TNewSubfileType = 0x00FE, TImageWidth = 0x0100, TImageHeight = 0x0101, TBitsPerSample = 0x0102, TImageDescription = 0x010E,
        TMake = 0x010F, TModel = 0x0110, TOrientation = 0x0112, TDateTime = 0x0132, TSubIfds = 0x014A, TXmp = 0x02BC, TRating = 0x4746,
        TIptc = 0x83BB, TExifIfd = 0x8769, TIcc = 0x8773, TGpsIfd = 0x8825, TExposureTime = 0x829A, TFNumber = 0x829D, TIso = 0x8827,
        TDateTimeOriginal = 0x9003, TDateTimeDigitized = 0x9004, TOffsetTime = 0x9010, TOffsetTimeOriginal = 0x9011, TOffsetTimeDigitized = 0x9012,
        TFocalLength = 0x920A, TMakerNote = 0x927C, TSubSecTime = 0x9290, TSubSecOriginal = 0x9291, TSubSecDigitized = 0x9292, TColorSpace = 0xA001,
        TExifImageWidth = 0xA002, TExifImageHeight = 0xA003, TLensModel = 0xA434;

    const int MaxEntries = 1000;

    readonly record struct Entry(ushort Tag, ushort Type, uint Count, long ValuePos);

    sealed class Ctx(TiffSource src, bool little, MetadataBuilder b, bool container)
    {
        public bool Rw2;
        public readonly int[] Rw2Border = new int[4]; // top, left, bottom, right
        public readonly TiffSource Src = src;
        public readonly bool Little = little;
        public readonly MetadataBuilder B = b;
        public readonly bool Container = container;
        public int BestW, BestH;
        public int Visited;
        public long MakerNotePos = -1, MakerNoteLen;
        public string? SubSecModify;
        public double? Lat, Lon;
        public char LatRef, LonRef;
    }

    /// <summary>Parses a TIFF structure. <paramref name="container"/>: the file itself is TIFF-based (TIFF, DNG, CR2, NEF, ...).</summary>
    public static bool Parse(TiffSource src, MetadataBuilder b, bool container, bool gpsOnly = false)
    {
        Span<byte> h = stackalloc byte[8];
        if (!src.Read(0, h)) { b.Warn("EXIF: TIFF header truncated"); return false; }
        bool little;
        if (h[0] == 'I' && h[1] == 'I') little = true;
        else if (h[0] == 'M' && h[1] == 'M') little = false;
        else { b.Warn("EXIF: not a TIFF header"); return false; }
        var ctx = new Ctx(src, little, b, container) { Rw2 = h[2] == 0x55 };
        long ifd0 = U32(ctx, h[4..]);
        if (gpsOnly) { WalkIfd(ctx, ifd0, IfdKind.Gps, 0); return true; }
        WalkIfd(ctx, ifd0, IfdKind.Ifd0, 0);
        if (ctx.Rw2 && ctx.Rw2Border is [var top, var left, var bottom, var right] && right > left && bottom > top) { ctx.BestW = right - left; ctx.BestH = bottom - top; }
        if (container && ctx.BestW > 0) b.SetDims(ctx.BestW, ctx.BestH);
        if (ctx.MakerNotePos >= 0 && b.Make is { } make && make.StartsWith("Apple", StringComparison.OrdinalIgnoreCase)) AppleMakerNote(ctx);
        if (ctx.SubSecModify is { } ss && b.ExifModify is { } m) b.ExifModify = WithSubSec(m, ss);
        return true;
    }

    enum IfdKind { Ifd0, Exif, Gps, Sub }

    static void WalkIfd(Ctx c, long offset, IfdKind kind, int depth)
    {
        if (offset <= 0 || depth > 4 || ++c.Visited > 64) return;
        Span<byte> cnt = stackalloc byte[2];
        if (!c.Src.Read(offset, cnt)) return;
        int n = U16(c, cnt);
        if (n == 0 || n > MaxEntries) return;
        var raw = c.Src.ReadBytes(offset + 2, n * 12L, 12 * MaxEntries);
        if (raw is null) return;
        int subW = 0, subH = 0;
        long subfileType = 0;
        for (int i = 0; i < n; i++)
        {
            var e = raw.AsSpan(i * 12, 12);
            ushort tag = U16(c, e), type = U16(c, e[2..]);
            uint count = U32(c, e[4..]);
            int size = TypeSize(type);
            if (size == 0 || count == 0) continue;
            long total = (long)size * count;
            long valuePos = total <= 4 ? offset + 2 + i * 12 + 8 : U32(c, e[8..]);
            var entry = new Entry(tag, type, count, valuePos);
            switch (kind)
            {
                case IfdKind.Gps: Gps(c, entry); break;
                case IfdKind.Sub:
                    if (tag == TNewSubfileType) subfileType = UInt(c, entry) ?? 0;
                    else if (tag == TImageWidth) subW = (int)(UInt(c, entry) ?? 0);
                    else if (tag == TImageHeight) subH = (int)(UInt(c, entry) ?? 0);
                    break;
                default: Tag(c, entry, kind, ref subW, ref subH, ref subfileType, depth); break;
            }
        }
        if ((kind == IfdKind.Sub || kind == IfdKind.Ifd0) && subfileType == 0 && (long)subW * subH > (long)c.BestW * c.BestH) { c.BestW = subW; c.BestH = subH; }
        if (kind == IfdKind.Gps && c.B.Latitude is null) FinishGps(c);
    }

    static void Gps(Ctx c, Entry e)
    {
        switch (e.Tag)
        {
            case 1: c.LatRef = Ascii(c, e, 4) is [var lr, ..] ? lr : '\0'; break;
            case 2: c.Lat = Dms(c, e); break;
            case 3: c.LonRef = Ascii(c, e, 4) is [var lo, ..] ? lo : '\0'; break;
            case 4: c.Lon = Dms(c, e); break;
        }
    }

    static void FinishGps(Ctx c)
    {
        // the reference letter decides the sign, whatever sign the stored value has (as exiftool does)
        if (c.Lat is { } lat && c.Lon is { } lon)
            c.B.SetGps(Math.Abs(lat) * (c.LatRef is 'S' or 's' ? -1 : 1), Math.Abs(lon) * (c.LonRef is 'W' or 'w' ? -1 : 1));
    }

    static double? Dms(Ctx c, Entry e)
    {
        if (e.Type is not (5 or 10) || e.Count < 1) return null;
        double total = 0, scale = 1;
        for (int i = 0; i < Math.Min(3, (int)e.Count); i++)
        {
            var v = Rational(c, e, i);
            if (v is null || !double.IsFinite(v.Value)) return i == 0 ? null : total;
            total += Math.Abs(v.Value) / scale;
            scale *= 60;
        }
        return total;
    }

    static void Tag(Ctx c, Entry e, IfdKind kind, ref int w, ref int h, ref long subfileType, int depth)
    {
        var b = c.B;
        switch (e.Tag)
        {
            case TNewSubfileType: subfileType = UInt(c, e) ?? 0; break;
            // Panasonic RW2 IFD0: sensor size, ISO, and the embedded JPEG that carries the full EXIF
            case 0x0002 when c.Rw2 && kind == IfdKind.Ifd0: w = (int)(UInt(c, e) ?? 0); break;
            case 0x0003 when c.Rw2 && kind == IfdKind.Ifd0: h = (int)(UInt(c, e) ?? 0); break;
            case >= 0x0004 and <= 0x0007 when c.Rw2 && kind == IfdKind.Ifd0: c.Rw2Border[e.Tag - 4] = (int)(UInt(c, e) ?? 0); break;
            case 0x0017 when c.Rw2 && kind == IfdKind.Ifd0: if (b.Iso is null && UInt(c, e) is { } riso and > 0) b.Iso = (int)riso; break;
            case 0x002E when c.Rw2 && kind == IfdKind.Ifd0 && e.Type == 7: b.RawJpegOffset = e.ValuePos; b.RawJpegLength = e.Count; break;
            case TImageWidth: if (kind == IfdKind.Ifd0) w = (int)(UInt(c, e) ?? 0); break;
            case TImageHeight: if (kind == IfdKind.Ifd0) h = (int)(UInt(c, e) ?? 0); break;
            case TBitsPerSample: if (c.Container && kind == IfdKind.Ifd0 && b.BitsPerSample is null && UInt(c, e) is { } bps and > 0) b.BitsPerSample = (int)bps; break;
            case TImageDescription: b.Description ??= MetadataBuilder.Clean(Ascii(c, e, 4096)); break;
            case TMake: b.Make ??= MetadataBuilder.Clean(Ascii(c, e, 256)); break;
            case TModel: b.Model ??= MetadataBuilder.Clean(Ascii(c, e, 256)); break;
            case TOrientation: if (b.Orientation is null && UInt(c, e) is { } o) b.SetOrientation((int)o); break;
            case TDateTime: if (b.ExifModify is null && DateParse.TryParse(Ascii(c, e, 64), out var dt)) b.ExifModify = dt; break;
            case TRating: if (b.Rating is null && SInt(c, e) is { } r) b.SetRating(r); break;
            case TExposureTime: if (b.ExposureTime is null && Rational(c, e, 0) is { } et) b.SetExposure(et); break;
            case TFNumber: if (b.FNumber is null && Rational(c, e, 0) is { } fn and > 0 && double.IsFinite(fn)) b.FNumber = Math.Round(fn, 2); break;
            case TFocalLength: if (b.FocalLength is null && Rational(c, e, 0) is { } fl and > 0 && double.IsFinite(fl)) b.FocalLength = Math.Round(fl, 2); break;
            case TIso: if (b.Iso is null && UInt(c, e) is { } iso and > 0) b.Iso = (int)Math.Min(iso, int.MaxValue); break;
            case TLensModel: b.LensModel ??= DirectoryMapper.LensOrNull(Ascii(c, e, 256)); break;
            case TColorSpace:
                if (b.Colorspace is null && UInt(c, e) is { } cs) b.Colorspace = cs switch { 1 => "sRGB", 2 => "Adobe RGB", 0xFFFF => "Uncalibrated", _ => null };
                break;
            case TDateTimeOriginal: if (b.ExifOriginal is null && DateParse.TryParse(Ascii(c, e, 64), out var d1)) b.ExifOriginal = b.PendingSubSecOriginal is { } s1 ? WithSubSec(d1, s1) : d1; break;
            case TDateTimeDigitized: if (b.ExifDigitized is null && DateParse.TryParse(Ascii(c, e, 64), out var d2)) b.ExifDigitized = b.PendingSubSecDigitized is { } s2 ? WithSubSec(d2, s2) : d2; break;
            case TSubSecOriginal:
                if (Ascii(c, e, 16) is { } sso) { if (b.ExifOriginal is { } eo) b.ExifOriginal = WithSubSec(eo, sso); else b.PendingSubSecOriginal = sso; }
                break;
            case TSubSecDigitized:
                if (Ascii(c, e, 16) is { } ssd) { if (b.ExifDigitized is { } ed) b.ExifDigitized = WithSubSec(ed, ssd); else b.PendingSubSecDigitized = ssd; }
                break;
            case TSubSecTime: c.SubSecModify ??= Ascii(c, e, 16); break;
            case TOffsetTime: if (b.ExifOffset is null && DateParse.TryParseOffset(Ascii(c, e, 16), out var o0)) b.ExifOffset = o0; break;
            case TOffsetTimeOriginal: if (b.ExifOffsetOriginal is null && DateParse.TryParseOffset(Ascii(c, e, 16), out var o1)) b.ExifOffsetOriginal = o1; break;
            case TOffsetTimeDigitized: if (b.ExifOffsetDigitized is null && DateParse.TryParseOffset(Ascii(c, e, 16), out var o2)) b.ExifOffsetDigitized = o2; break;
            case TExifImageWidth: if (UInt(c, e) is { } ew) b.ExifTagWidth ??= (int)ew; break;
            case TExifImageHeight: if (UInt(c, e) is { } eh) b.ExifTagHeight ??= (int)eh; break;
            case TMakerNote: if (c.MakerNotePos < 0) { c.MakerNotePos = e.ValuePos; c.MakerNoteLen = e.Count; } break;
            case TExifIfd: if (UInt(c, e) is { } exif) WalkIfd(c, exif, IfdKind.Exif, depth + 1); break;
            case TGpsIfd: if (UInt(c, e) is { } gps) WalkIfd(c, gps, IfdKind.Gps, depth + 1); break;
            case TSubIfds:
                if (c.Container)
                    for (int i = 0; i < Math.Min(8, (int)e.Count); i++)
                        if (UIntAt(c, e, i) is { } sub) WalkIfd(c, sub, IfdKind.Sub, depth + 1);
                break;
            case TXmp:
                if (c.Container && c.Src.ReadBytes(e.ValuePos, e.Count, 16 << 20) is { } xmp) FastXmp.Apply(xmp, 0, xmp.Length, b);
                break;
            case TIcc:
                if (c.Container && b.ProfileDescription is null && c.Src.ReadBytes(e.ValuePos, e.Count, 16 << 20) is { } icc) b.ProfileDescription = Icc.Description(icc);
                break;
            case TIptc:
                if (c.Container && c.Src.ReadBytes(e.ValuePos, (long)e.Count * TypeSize(e.Type), 16 << 20) is { } iptc) Iptc.Parse(iptc, b);
                break;
        }
    }

    static ReadOnlySpan<byte> AppleMagic => "Apple iOS\0"u8;

    /// <summary>Apple maker note: "Apple iOS\0", version, "MM", then an IFD whose offsets count from the note's start.</summary>
    static void AppleMakerNote(Ctx c)
    {
        if (c.MakerNoteLen < 16 || c.B.LivePhotoCID is not null) return;
        var note = c.Src.ReadBytes(c.MakerNotePos, Math.Min(c.MakerNoteLen, 1 << 20), 1 << 20);
        if (note is null || !note.AsSpan().StartsWith(AppleMagic)) return;
        bool little = note[12] == 'I';
        int n = little ? BinaryPrimitives.ReadUInt16LittleEndian(note.AsSpan(14)) : BinaryPrimitives.ReadUInt16BigEndian(note.AsSpan(14));
        for (int i = 0; i < n && 16 + i * 12 + 12 <= note.Length; i++)
        {
            var e = note.AsSpan(16 + i * 12, 12);
            ushort tag = little ? BinaryPrimitives.ReadUInt16LittleEndian(e) : BinaryPrimitives.ReadUInt16BigEndian(e);
            ushort type = little ? BinaryPrimitives.ReadUInt16LittleEndian(e[2..]) : BinaryPrimitives.ReadUInt16BigEndian(e[2..]);
            uint count = little ? BinaryPrimitives.ReadUInt32LittleEndian(e[4..]) : BinaryPrimitives.ReadUInt32BigEndian(e[4..]);
            if (tag != 0x0011 || type != 2) continue;
            long pos = count <= 4 ? 16 + i * 12 + 8 : (little ? BinaryPrimitives.ReadUInt32LittleEndian(e[8..]) : BinaryPrimitives.ReadUInt32BigEndian(e[8..]));
            if (pos < 0 || pos + count > note.Length) return;
            c.B.LivePhotoCID = MetadataBuilder.Clean(AsciiOf(note.AsSpan((int)pos, (int)count)));
            return;
        }
    }

    public static FoundDate WithSubSec(FoundDate d, string subsec)
    {
        if (d.Local.Ticks % TimeSpan.TicksPerSecond != 0) return d;
        double frac = 0, scale = 0.1;
        foreach (var ch in subsec.Trim())
        {
            if (!char.IsAsciiDigit(ch)) break;
            frac += (ch - '0') * scale;
            scale /= 10;
        }
        return frac == 0 ? d : d with { Local = d.Local.AddTicks((long)Math.Round(frac * TimeSpan.TicksPerSecond)) };
    }

    static int TypeSize(ushort type) => type switch
    {
        1 or 2 or 6 or 7 => 1,
        3 or 8 => 2,
        4 or 9 or 11 or 13 => 4,
        5 or 10 or 12 => 8,
        _ => 0,
    };

    static ushort U16(Ctx c, ReadOnlySpan<byte> s) => c.Little ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s);
    static uint U32(Ctx c, ReadOnlySpan<byte> s) => c.Little ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);

    static long? UInt(Ctx c, Entry e) => UIntAt(c, e, 0);

    static long? UIntAt(Ctx c, Entry e, int index)
    {
        if (index >= e.Count) return null;
        Span<byte> v = stackalloc byte[4];
        switch (e.Type)
        {
            case 1 or 7: if (!c.Src.Read(e.ValuePos + index, v[..1])) return null; return v[0];
            case 3: if (!c.Src.Read(e.ValuePos + index * 2L, v[..2])) return null; return U16(c, v);
            case 4 or 13: if (!c.Src.Read(e.ValuePos + index * 4L, v)) return null; return U32(c, v);
            case 8: if (!c.Src.Read(e.ValuePos + index * 2L, v[..2])) return null; return (short)U16(c, v);
            case 9: if (!c.Src.Read(e.ValuePos + index * 4L, v)) return null; return (int)U32(c, v);
            case 2:
                return long.TryParse(Ascii(c, e, 32), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : null;
            default: return null;
        }
    }

    static int? SInt(Ctx c, Entry e) => UInt(c, e) is { } v ? (int)(e.Type == 3 ? (short)v : v) : null;

    static double? Rational(Ctx c, Entry e, int index)
    {
        if (index >= e.Count) return null;
        Span<byte> v = stackalloc byte[8];
        switch (e.Type)
        {
            case 5:
            {
                if (!c.Src.Read(e.ValuePos + index * 8L, v)) return null;
                uint num = U32(c, v), den = U32(c, v[4..]);
                return den == 0 ? null : (double)num / den;
            }
            case 10:
            {
                if (!c.Src.Read(e.ValuePos + index * 8L, v)) return null;
                int num = (int)U32(c, v), den = (int)U32(c, v[4..]);
                return den == 0 ? null : (double)num / den;
            }
            case 11:
                if (!c.Src.Read(e.ValuePos + index * 4L, v[..4])) return null;
                return BitConverter.Int32BitsToSingle((int)U32(c, v));
            default:
                return UIntAt(c, e, index);
        }
    }

    static string? Ascii(Ctx c, Entry e, int max)
    {
        if (e.Type is not (1 or 2 or 7)) return null;
        int len = (int)Math.Min(e.Count, (uint)max);
        Span<byte> tmp = len <= 256 ? stackalloc byte[len] : new byte[len];
        if (!c.Src.Read(e.ValuePos, tmp)) return null;
        return AsciiOf(tmp);
    }

    static string AsciiOf(ReadOnlySpan<byte> s)
    {
        int z = s.IndexOf((byte)0);
        if (z >= 0) s = s[..z];
        // EXIF ASCII is often UTF-8 in practice; fall back to Latin-1 for invalid sequences
        return System.Text.Unicode.Utf8.IsValid(s) ? Encoding.UTF8.GetString(s) : Encoding.Latin1.GetString(s);
    }
}

/// <summary>ICC profile: the 'desc' tag (v2 textDescriptionType or v4 multiLocalizedUnicodeType).</summary>
internal static class Icc
{
    public static string? Description(byte[] profile)
    {
        if (profile.Length < 132) return null;
        var p = profile.AsSpan();
        uint count = BinaryPrimitives.ReadUInt32BigEndian(p[128..]);
        for (int i = 0; i < Math.Min(count, 200u) && 132 + i * 12 + 12 <= p.Length; i++)
        {
            var e = p.Slice(132 + i * 12, 12);
            if (!e[..4].SequenceEqual("desc"u8)) continue;
            long off = BinaryPrimitives.ReadUInt32BigEndian(e[4..]), len = BinaryPrimitives.ReadUInt32BigEndian(e[8..]);
            if (off < 0 || off + len > p.Length) return null;
            return MetadataBuilder.Clean(DescTag(p.Slice((int)off, (int)len)));
        }
        return null;
    }

    static string? DescTag(ReadOnlySpan<byte> t)
    {
        if (t.Length < 12) return null;
        if (t.StartsWith("desc"u8))
        {
            var len = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(t[8..]), (uint)(t.Length - 12));
            var text = t.Slice(12, len);
            int z = text.IndexOf((byte)0);
            return Encoding.ASCII.GetString(z < 0 ? text : text[..z]);
        }
        if (t.StartsWith("mluc"u8) && t.Length >= 16)
        {
            var count = BinaryPrimitives.ReadUInt32BigEndian(t[8..]);
            var recSize = (int)BinaryPrimitives.ReadUInt32BigEndian(t[12..]);
            if (count == 0 || recSize < 12) return null;
            int chosen = 16;
            for (int i = 0; i < count && 16 + i * recSize + 12 <= t.Length; i++)
                if (t[16 + i * recSize] == 'e' && t[17 + i * recSize] == 'n') { chosen = 16 + i * recSize; break; }
            if (chosen + 12 > t.Length) return null;
            var len = (int)BinaryPrimitives.ReadUInt32BigEndian(t[(chosen + 4)..]);
            var off = (int)BinaryPrimitives.ReadUInt32BigEndian(t[(chosen + 8)..]);
            if (off < 0 || len < 0 || off + len > t.Length) return null;
            return Encoding.BigEndianUnicode.GetString(t.Slice(off, len)).TrimEnd('\0');
        }
        return null;
    }
}

/// <summary>IPTC-IIM records (from a Photoshop 8BIM 0x0404 resource or a TIFF IPTC tag): keywords and caption.</summary>
internal static class Iptc
{
    public static void Parse(ReadOnlySpan<byte> data, MetadataBuilder b)
    {
        bool utf8 = false;
        int pos = 0;
        while (pos + 5 <= data.Length)
        {
            if (data[pos] != 0x1C) break;
            int rec = data[pos + 1], ds = data[pos + 2];
            int len = data[pos + 3] << 8 | data[pos + 4];
            pos += 5;
            if ((len & 0x8000) != 0) break; // extended length: not used by the fields we read
            if (pos + len > data.Length) break;
            var value = data.Slice(pos, len);
            if (rec == 1 && ds == 90) utf8 = value.IndexOf("\u001B%G"u8) >= 0;
            else if (rec == 2 && ds == 25) (b.IptcKeywords ??= []).Add(Decode(value, utf8));
            else if (rec == 2 && ds == 120) b.IptcCaption ??= MetadataBuilder.Clean(Decode(value, utf8));
            pos += len;
        }
    }

    static string Decode(ReadOnlySpan<byte> v, bool utf8) =>
        utf8 || System.Text.Unicode.Utf8.IsValid(v) ? Encoding.UTF8.GetString(v) : Encoding.Latin1.GetString(v);

    /// <summary>Photoshop "Photoshop 3.0\0" APP13 payload: 8BIM resources; 0x0404 is IPTC-IIM.</summary>
    public static void ParsePhotoshop(ReadOnlySpan<byte> data, MetadataBuilder b)
    {
        int pos = 0;
        while (pos + 12 <= data.Length)
        {
            if (!data.Slice(pos, 4).SequenceEqual("8BIM"u8)) break;
            int id = data[pos + 4] << 8 | data[pos + 5];
            int nameLen = data[pos + 6];
            int p = pos + 6 + 1 + nameLen;
            if ((1 + nameLen) % 2 == 1) p++;
            if (p + 4 > data.Length) break;
            long size = BinaryPrimitives.ReadUInt32BigEndian(data[p..]);
            p += 4;
            if (size < 0 || p + size > data.Length) break;
            if (id == 0x0404) Parse(data.Slice(p, (int)size), b);
            pos = p + (int)size + (int)(size & 1);
        }
    }
}
