using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace ImmichLite.Media.Metadata;

internal static class StreamUtil
{
    /// <summary>Reads up to buffer.Length bytes at pos; returns how many were read (short at end of file).</summary>
    public static int ReadAt(Stream s, long pos, Span<byte> buffer)
    {
        if (pos < 0 || pos >= s.Length) return 0;
        s.Position = pos;
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n <= 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>Reads [pos, pos+len) clipped to the file; null when nothing could be read or len exceeds max.</summary>
    public static byte[]? ReadBlock(Stream s, long pos, long len, int max)
    {
        if (len <= 0 || pos < 0 || pos >= s.Length) return null;
        len = Math.Min(len, s.Length - pos);
        if (len > max) return null;
        var buf = new byte[len];
        int n = ReadAt(s, pos, buf);
        return n == len ? buf : buf.AsSpan(0, n).ToArray();
    }

    public static uint FourCC(string s) => (uint)(s[0] << 24 | s[1] << 16 | s[2] << 8 | s[3]);

    /// <summary>True when an ISO-BMFF box that looks like an MP4 "ftyp" starts at pos.</summary>
    public static bool LooksLikeMp4At(Stream s, long pos)
    {
        Span<byte> h = stackalloc byte[8];
        if (ReadAt(s, pos, h) < 8) return false;
        var size = BinaryPrimitives.ReadUInt32BigEndian(h);
        return size is >= 8 and <= 4096 && h[4] == 'f' && h[5] == 't' && h[6] == 'y' && h[7] == 'p';
    }
}

/// <summary>A box inside an in-memory buffer.</summary>
internal readonly ref struct Box(uint type, ReadOnlySpan<byte> body)
{
    public readonly uint Type = type;
    public readonly ReadOnlySpan<byte> Body = body;
}

/// <summary>Iterates the boxes in a buffer; stops quietly at the first malformed header (truncated files).</summary>
internal ref struct BoxIterator(ReadOnlySpan<byte> data)
{
    ReadOnlySpan<byte> _rest = data;
    public Box Current { get; private set; }

    public bool MoveNext()
    {
        if (_rest.Length < 8) return false;
        long size = BinaryPrimitives.ReadUInt32BigEndian(_rest);
        uint type = BinaryPrimitives.ReadUInt32BigEndian(_rest[4..]);
        int header = 8;
        if (size == 1)
        {
            if (_rest.Length < 16) return false;
            size = (long)BinaryPrimitives.ReadUInt64BigEndian(_rest[8..]);
            header = 16;
        }
        else if (size == 0) size = _rest.Length;
        if (size < header) return false;
        if (size > _rest.Length) size = _rest.Length; // truncated: parse what is there
        Current = new Box(type, _rest[header..(int)size]);
        _rest = _rest[(int)size..];
        return true;
    }

    public BoxIterator GetEnumerator() => this;
}

/// <summary>Bounds-checked big-endian reader over a span: reads past the end yield zero and set <see cref="Failed"/>.</summary>
internal ref struct SpanReader(ReadOnlySpan<byte> data)
{
    readonly ReadOnlySpan<byte> _d = data;
    public int Pos;
    public bool Failed;
    public readonly int Remaining => Math.Max(0, _d.Length - Pos);
    public readonly ReadOnlySpan<byte> Rest => Pos <= _d.Length ? _d[Pos..] : default;

    bool Need(int n) { if (Pos + n <= _d.Length) return true; Failed = true; Pos = _d.Length; return false; }
    public byte U8() => Need(1) ? _d[Pos++] : (byte)0;
    public ushort U16() { if (!Need(2)) return 0; var v = BinaryPrimitives.ReadUInt16BigEndian(_d[Pos..]); Pos += 2; return v; }
    public uint U32() { if (!Need(4)) return 0; var v = BinaryPrimitives.ReadUInt32BigEndian(_d[Pos..]); Pos += 4; return v; }
    public ulong U64() { if (!Need(8)) return 0; var v = BinaryPrimitives.ReadUInt64BigEndian(_d[Pos..]); Pos += 8; return v; }
    public ulong UN(int bytes) => bytes switch { 0 => 0, 2 => U16(), 4 => U32(), 8 => U64(), _ => Skip(bytes) };
    ulong Skip(int n) { if (Need(n)) Pos += n; return 0; }
    public void SkipBytes(int n) { if (Need(n)) Pos += n; }
    public string CString()
    {
        var rest = Rest;
        int z = rest.IndexOf((byte)0);
        var s = Encoding.UTF8.GetString(z < 0 ? rest : rest[..z]);
        Pos += z < 0 ? rest.Length : z + 1;
        return s;
    }
}

/// <summary>
/// ISO base media file format (MP4/MOV/3GP, HEIF/HEIC/AVIF, JPEG XL container) parsing for the fields that
/// MetadataExtractor 2.4.3 does not give (or gives slowly): movie/track headers, frame counts, Apple keys,
/// 3GPP/Android location, HEIF items and properties, the Samsung "mpvd" motion-photo box.
/// </summary>
internal static class IsoBmff
{
    static readonly uint Moov = StreamUtil.FourCC("moov"), Meta = StreamUtil.FourCC("meta"), Mpvd = StreamUtil.FourCC("mpvd"),
        Mvhd = StreamUtil.FourCC("mvhd"), Trak = StreamUtil.FourCC("trak"), Tkhd = StreamUtil.FourCC("tkhd"), Mdia = StreamUtil.FourCC("mdia"),
        Mdhd = StreamUtil.FourCC("mdhd"), Hdlr = StreamUtil.FourCC("hdlr"), Minf = StreamUtil.FourCC("minf"), Stbl = StreamUtil.FourCC("stbl"),
        Stsd = StreamUtil.FourCC("stsd"), Stts = StreamUtil.FourCC("stts"), Udta = StreamUtil.FourCC("udta"), Keys = StreamUtil.FourCC("keys"),
        Ilst = StreamUtil.FourCC("ilst"), Data = StreamUtil.FourCC("data"), Loci = StreamUtil.FourCC("loci"), Vide = StreamUtil.FourCC("vide"),
        Pitm = StreamUtil.FourCC("pitm"), Iinf = StreamUtil.FourCC("iinf"), Infe = StreamUtil.FourCC("infe"), Iloc = StreamUtil.FourCC("iloc"),
        Iprp = StreamUtil.FourCC("iprp"), Ipco = StreamUtil.FourCC("ipco"), Ipma = StreamUtil.FourCC("ipma"), Idat = StreamUtil.FourCC("idat"),
        Ispe = StreamUtil.FourCC("ispe"), Colr = StreamUtil.FourCC("colr"), Pixi = StreamUtil.FourCC("pixi"), Iref = StreamUtil.FourCC("iref"),
        Cdsc = StreamUtil.FourCC("cdsc"), Exif = StreamUtil.FourCC("Exif"), Mime = StreamUtil.FourCC("mime"), Xml = StreamUtil.FourCC("xml "),
        Prof = StreamUtil.FourCC("prof"), RIcc = StreamUtil.FourCC("rICC"),
        CXyz = 0xA978797A /* ©xyz */, CMak = 0xA96D616B /* ©mak */, CMod = 0xA96D6F64 /* ©mod */, CDay = 0xA9646179 /* ©day */;

    static readonly DateTime Epoch1904 = new(1904, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>One top-level box: where it starts, its header length and total size (clipped to the file).</summary>
    public readonly record struct TopBox(uint Type, long Offset, int HeaderLength, long Size);

    /// <summary>Lists the top-level boxes by reading only their headers.</summary>
    public static List<TopBox> TopLevel(Stream s, MetadataBuilder b)
    {
        var list = new List<TopBox>();
        long pos = 0, len = s.Length;
        Span<byte> h = stackalloc byte[16];
        while (pos + 8 <= len && list.Count < 10_000)
        {
            if (StreamUtil.ReadAt(s, pos, h) < 8) break;
            long size = BinaryPrimitives.ReadUInt32BigEndian(h);
            uint type = BinaryPrimitives.ReadUInt32BigEndian(h[4..]);
            int header = 8;
            if (size == 1)
            {
                if (pos + 16 > len) break;
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(h[8..]);
                header = 16;
            }
            else if (size == 0) size = len - pos;
            if (size < header) { b.Warn("malformed box header at " + pos.ToString(CultureInfo.InvariantCulture)); break; }
            if (pos + size > len) { b.Warn("truncated file"); size = len - pos; }
            list.Add(new TopBox(type, pos, header, size));
            pos += size;
        }
        return list;
    }

    // ---------------------------------------------------------------- movies (MP4/MOV/3GP)

    sealed class Track
    {
        public uint Handler;
        public int TkhdWidth, TkhdHeight, StsdWidth, StsdHeight, Rotation;
        public uint Timescale;
        public ulong MediaDuration;
        public long SampleCount;
        public string? Codec;
    }

    public static void ReadMovie(Stream s, MetadataBuilder b, int maxBytes)
    {
        var boxes = TopLevel(s, b);
        foreach (var box in boxes)
        {
            if (box.Type != Moov) continue;
            var moov = StreamUtil.ReadBlock(s, box.Offset + box.HeaderLength, box.Size - box.HeaderLength, maxBytes);
            if (moov is null) { b.Warn("moov box too large or unreadable"); return; }
            ParseMoov(moov, b);
            return;
        }
        b.Warn("no moov box");
    }

    static void ParseMoov(ReadOnlySpan<byte> moov, MetadataBuilder b)
    {
        uint timescale = 0;
        ulong duration = 0;
        var tracks = new List<Track>();
        foreach (var box in new BoxIterator(moov))
        {
            if (box.Type == Mvhd)
            {
                var r = new SpanReader(box.Body);
                var version = r.U8(); r.SkipBytes(3);
                ulong created = version == 1 ? r.U64() : r.U32();
                ulong modified = version == 1 ? r.U64() : r.U32();
                timescale = r.U32();
                duration = version == 1 ? r.U64() : r.U32();
                if (!r.Failed)
                {
                    if (QtTime(created) is { } c) b.QtCreate ??= new FoundDate(c, null, IsUtc: true);
                    if (QtTime(modified) is { } m) b.QtModify ??= new FoundDate(m, TimeSpan.Zero, IsUtc: true);
                }
            }
            else if (box.Type == Trak) tracks.Add(ParseTrak(box.Body));
            else if (box.Type == Udta) ParseUdta(box.Body, b);
            else if (box.Type == Meta) ParseMeta(box.Body, b);
        }

        if (timescale > 0 && duration > 0 && duration != uint.MaxValue && duration != ulong.MaxValue)
            b.Duration ??= TimeSpan.FromSeconds((double)duration / timescale);

        Track? video = null;
        foreach (var t in tracks)
            if (t.Handler == Vide && (t.StsdWidth > 0 || t.TkhdWidth > 0)) { video = t; break; }
        if (video is null) return;
        if (video.StsdWidth > 0 && video.StsdHeight > 0) b.SetDims(video.StsdWidth, video.StsdHeight);
        else b.SetDims(video.TkhdWidth, video.TkhdHeight);
        b.VideoCodec ??= video.Codec;
        b.Orientation ??= RotationToOrientation(video.Rotation);
        if (video.SampleCount > 0 && video.MediaDuration > 0 && video.Timescale > 0)
            b.Fps ??= Math.Round(video.SampleCount * (double)video.Timescale / video.MediaDuration, 3);
        if (b.Duration is null && video.Timescale > 0 && video.MediaDuration > 0)
            b.Duration = TimeSpan.FromSeconds((double)video.MediaDuration / video.Timescale);
    }

    /// <summary>Clockwise display rotation in degrees to an EXIF orientation (Immich: 90 → 6, 180 → 3, 270 → 8).</summary>
    public static string? RotationToOrientation(int cwDegrees) => (((cwDegrees % 360) + 360) % 360) switch
    {
        0 => "1",
        90 => "6",
        180 => "3",
        270 => "8",
        _ => null,
    };

    static DateTime? QtTime(ulong seconds)
    {
        if (seconds == 0 || seconds > 8_000_000_000UL) return null; // 0 = unset; beyond ~2157 = junk
        var dt = Epoch1904.AddSeconds(seconds);
        return dt.Year < 1971 ? null : DateTime.SpecifyKind(dt, DateTimeKind.Unspecified);
    }

    static Track ParseTrak(ReadOnlySpan<byte> trak)
    {
        var t = new Track();
        foreach (var box in new BoxIterator(trak))
        {
            if (box.Type == Tkhd)
            {
                var r = new SpanReader(box.Body);
                var version = r.U8(); r.SkipBytes(3);
                r.SkipBytes(version == 1 ? 8 + 8 + 4 + 4 + 8 : 4 + 4 + 4 + 4 + 4);
                r.SkipBytes(8 + 2 + 2 + 2 + 2);
                int a = (int)r.U32(), bb = (int)r.U32();
                r.SkipBytes(7 * 4);
                uint w = r.U32(), h = r.U32();
                if (!r.Failed)
                {
                    t.TkhdWidth = (int)(w >> 16);
                    t.TkhdHeight = (int)(h >> 16);
                    // display matrix [a b; c d] in 16.16: rotation angle clockwise on screen
                    var angle = Math.Atan2(bb / 65536.0, a / 65536.0) * 180 / Math.PI;
                    t.Rotation = (int)Math.Round(angle / 90) * 90;
                }
            }
            else if (box.Type == Mdia) ParseMdia(box.Body, t);
        }
        return t;
    }

    static void ParseMdia(ReadOnlySpan<byte> mdia, Track t)
    {
        foreach (var box in new BoxIterator(mdia))
        {
            if (box.Type == Mdhd)
            {
                var r = new SpanReader(box.Body);
                var version = r.U8(); r.SkipBytes(3);
                r.SkipBytes(version == 1 ? 16 : 8);
                t.Timescale = r.U32();
                t.MediaDuration = version == 1 ? r.U64() : r.U32();
            }
            else if (box.Type == Hdlr)
            {
                var r = new SpanReader(box.Body);
                r.SkipBytes(8);
                t.Handler = r.U32();
            }
            else if (box.Type == Minf)
            {
                foreach (var m in new BoxIterator(box.Body))
                    if (m.Type == Stbl) ParseStbl(m.Body, t);
            }
        }
    }

    static void ParseStbl(ReadOnlySpan<byte> stbl, Track t)
    {
        foreach (var box in new BoxIterator(stbl))
        {
            if (box.Type == Stsd)
            {
                var r = new SpanReader(box.Body);
                r.SkipBytes(4);
                if (r.U32() == 0) continue;
                var entrySize = r.U32();
                var format = r.U32();
                t.Codec = CodecName(format);
                r.SkipBytes(6 + 2 + 16);
                int w = r.U16(), h = r.U16();
                if (!r.Failed && entrySize >= 36) { t.StsdWidth = w; t.StsdHeight = h; }
            }
            else if (box.Type == Stts)
            {
                var r = new SpanReader(box.Body);
                r.SkipBytes(4);
                var n = r.U32();
                long count = 0;
                for (uint i = 0; i < n && !r.Failed; i++)
                {
                    count += r.U32();
                    r.U32();
                }
                if (!r.Failed) t.SampleCount = count;
            }
        }
    }

    static string? CodecName(uint fourcc)
    {
        Span<byte> f = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(f, fourcc);
        return Encoding.ASCII.GetString(f) switch
        {
            "avc1" or "avc3" => "h264",
            "hvc1" or "hev1" or "dvh1" or "dvhe" => "hevc",
            "av01" => "av1",
            "vp09" => "vp9",
            "vp08" => "vp8",
            "mp4v" => "mpeg4",
            "jpeg" or "mjpa" or "mjpb" => "mjpeg",
            "apch" or "apcn" or "apcs" or "apco" or "ap4h" or "ap4x" => "prores",
            "s263" or "h263" => "h263",
            var other => other.Trim().ToLowerInvariant() is { Length: > 0 } o && o.All(char.IsAsciiLetterOrDigit) ? o : null,
        };
    }

    static void ParseUdta(ReadOnlySpan<byte> udta, MetadataBuilder b)
    {
        foreach (var box in new BoxIterator(udta))
        {
            if (box.Type == CXyz) { if (UdtaText(box.Body) is { } xyz) ApplyIso6709(xyz, b); }
            else if (box.Type == CMak) b.Make ??= MetadataBuilder.Clean(UdtaText(box.Body));
            else if (box.Type == CMod) b.Model ??= MetadataBuilder.Clean(UdtaText(box.Body));
            else if (box.Type == CDay) { if (UdtaText(box.Body) is { } day && DateParse.TryParse(day, out var dd)) b.OtherCreate ??= dd; }
            else if (box.Type == Loci) ParseLoci(box.Body, b);
            else if (box.Type == Meta) ParseMeta(box.Body, b);
        }
    }

    /// <summary>QuickTime user-data text: u16 length, u16 language, text (or, for some writers, a plain string).</summary>
    static string? UdtaText(ReadOnlySpan<byte> body)
    {
        if (body.Length >= 4)
        {
            int len = BinaryPrimitives.ReadUInt16BigEndian(body);
            if (len > 0 && 4 + len <= body.Length) return Encoding.UTF8.GetString(body.Slice(4, len)).TrimEnd('\0');
        }
        // iTunes-style child 'data' box
        foreach (var box in new BoxIterator(body))
            if (box.Type == Data && box.Body.Length >= 8) return Encoding.UTF8.GetString(box.Body[8..]).TrimEnd('\0');
        return null;
    }

    static void ParseLoci(ReadOnlySpan<byte> body, MetadataBuilder b)
    {
        var r = new SpanReader(body);
        r.SkipBytes(4 + 2);
        // name: UTF-8 null-terminated, or UTF-16 with BOM (terminated by two zero bytes)
        if (r.Remaining >= 2 && r.Rest[0] == 0xFE && r.Rest[1] == 0xFF)
        {
            var rest = r.Rest;
            int i = 2;
            while (i + 1 < rest.Length && !(rest[i] == 0 && rest[i + 1] == 0)) i += 2;
            r.SkipBytes(Math.Min(rest.Length, i + 2));
        }
        else r.CString();
        r.U8(); // role
        int lon = (int)r.U32(), lat = (int)r.U32();
        if (!r.Failed) b.SetGps(lat / 65536.0, lon / 65536.0);
    }

    /// <summary>moov/meta (QuickTime, not a full box) or udta/meta (ISO, a full box): hdlr + keys + ilst.</summary>
    static void ParseMeta(ReadOnlySpan<byte> body, MetadataBuilder b)
    {
        // QuickTime's meta starts directly with a child box ("....hdlr"); the ISO one has 4 bytes of version/flags first.
        if (body.Length >= 8 && !(body[4] == 'h' && body[5] == 'd' && body[6] == 'l' && body[7] == 'r')) body = body[4..];
        List<string>? keys = null;
        foreach (var box in new BoxIterator(body))
        {
            if (box.Type == Keys)
            {
                var r = new SpanReader(box.Body);
                r.SkipBytes(4);
                var n = r.U32();
                keys = new List<string>((int)Math.Min(n, 256));
                for (uint i = 0; i < n && !r.Failed; i++)
                {
                    var size = (int)r.U32();
                    r.U32(); // namespace, usually 'mdta'
                    if (size < 8 || size - 8 > r.Remaining) break;
                    keys.Add(Encoding.UTF8.GetString(r.Rest[..(size - 8)]));
                    r.SkipBytes(size - 8);
                }
            }
            else if (box.Type == Ilst)
            {
                foreach (var item in new BoxIterator(box.Body))
                {
                    string? key = null;
                    if (keys is not null && item.Type >= 1 && item.Type <= keys.Count) key = keys[(int)item.Type - 1];
                    foreach (var data in new BoxIterator(item.Body))
                    {
                        if (data.Type != Data || data.Body.Length < 8) continue;
                        var typeCode = BinaryPrimitives.ReadUInt32BigEndian(data.Body) & 0xFFFFFF;
                        var payload = data.Body[8..];
                        string? text = typeCode switch
                        {
                            1 => Encoding.UTF8.GetString(payload),
                            2 => Encoding.BigEndianUnicode.GetString(payload),
                            _ => null,
                        };
                        if (key is not null) ApplyKey(key, text, b);
                        else if (item.Type == CXyz && text is not null) ApplyIso6709(text, b);
                        else if (item.Type == CMak) b.Make ??= MetadataBuilder.Clean(text);
                        else if (item.Type == CMod) b.Model ??= MetadataBuilder.Clean(text);
                        break;
                    }
                }
            }
        }
    }

    static void ApplyKey(string key, string? text, MetadataBuilder b)
    {
        if (text is null) return;
        switch (key)
        {
            case "com.apple.quicktime.make": b.Make ??= MetadataBuilder.Clean(text); break;
            case "com.apple.quicktime.model": b.Model ??= MetadataBuilder.Clean(text); break;
            case "com.apple.quicktime.content.identifier": b.LivePhotoCID ??= MetadataBuilder.Clean(text); break;
            case "com.apple.quicktime.location.ISO6709": ApplyIso6709(text, b); break;
            case "com.apple.quicktime.creationdate":
                if (b.QtCreationDate is null && DateParse.TryParse(text, out var cd)) b.QtCreationDate = cd;
                break;
            case "com.apple.quicktime.description": b.Description ??= MetadataBuilder.Clean(text); break;
            case "com.apple.quicktime.keywords":
                foreach (var k in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) (b.IptcKeywords ??= []).Add(k);
                break;
            case "com.android.capture.fps":
                break;
        }
    }

    /// <summary>ISO 6709 "+52.2097-000.8955+103.640/" (also ±DDMM.M / ±DDMMSS.S forms).</summary>
    public static void ApplyIso6709(string s, MetadataBuilder b)
    {
        if (b.Latitude is not null) return;
        var span = s.AsSpan().Trim();
        if (!NextCoord(ref span, 2, out var lat) || !NextCoord(ref span, 3, out var lon)) return;
        b.SetGps(lat, lon);
    }

    static bool NextCoord(ref ReadOnlySpan<char> s, int degreeDigits, out double value)
    {
        value = 0;
        if (s.Length < 2 || (s[0] != '+' && s[0] != '-')) return false;
        int end = 1;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.')) end++;
        var num = s[1..end];
        if (!double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out var raw)) return false;
        int intDigits = num.IndexOf('.') is var dot and >= 0 ? dot : num.Length;
        double v = raw;
        if (intDigits == degreeDigits + 2) { var deg = Math.Floor(raw / 100); v = deg + (raw - deg * 100) / 60; }
        else if (intDigits == degreeDigits + 4)
        {
            var deg = Math.Floor(raw / 10000); var rem = raw - deg * 10000; var min = Math.Floor(rem / 100);
            v = deg + min / 60 + (rem - min * 100) / 3600;
        }
        value = s[0] == '-' ? -v : v;
        s = s[end..];
        return true;
    }

    // ---------------------------------------------------------------- HEIF / AVIF still images

    /// <summary>Reads the HEIF item structure: EXIF/XMP payloads and ICC go through MetadataExtractor's readers.</summary>
    public static void ReadHeif(Stream s, MetadataBuilder b, int maxBytes)
    {
        var boxes = TopLevel(s, b);
        foreach (var box in boxes)
        {
            if (box.Type == Mpvd && box.Size > box.HeaderLength)
            {
                var start = box.Offset + box.HeaderLength;
                if (StreamUtil.LooksLikeMp4At(s, start)) { b.VideoOffset = start; b.VideoLength = box.Size - box.HeaderLength; b.IsMotionPhoto = true; }
            }
        }
        foreach (var box in boxes)
        {
            if (box.Type != Meta) continue;
            var meta = StreamUtil.ReadBlock(s, box.Offset + box.HeaderLength, box.Size - box.HeaderLength, maxBytes);
            if (meta is null || meta.Length < 4) { b.Warn("HEIF meta box unreadable"); break; }
            ParseHeifMeta(s, meta.AsSpan(4), b, maxBytes);
            break;
        }
    }

    struct Item
    {
        public uint Id, Type;
        public string? ContentType;
        public int Method;
        public List<(long Offset, long Length)>? Extents;
    }

    static void ParseHeifMeta(Stream s, ReadOnlySpan<byte> meta, MetadataBuilder b, int maxBytes)
    {
        uint primary = 0;
        var items = new Dictionary<uint, Item>();
        ReadOnlySpan<byte> ipco = default, ipma = default, idat = default, iref = default;
        foreach (var box in new BoxIterator(meta))
        {
            if (box.Type == Pitm)
            {
                var r = new SpanReader(box.Body);
                var v = r.U8(); r.SkipBytes(3);
                primary = v == 0 ? r.U16() : r.U32();
            }
            else if (box.Type == Iinf)
            {
                var r = new SpanReader(box.Body);
                var v = r.U8(); r.SkipBytes(3);
                r.SkipBytes(v == 0 ? 2 : 4);
                foreach (var infe in new BoxIterator(r.Rest))
                {
                    if (infe.Type != Infe) continue;
                    var ir = new SpanReader(infe.Body);
                    var iv = ir.U8(); ir.SkipBytes(3);
                    if (iv < 2) continue;
                    uint id = iv == 2 ? ir.U16() : ir.U32();
                    ir.U16();
                    uint type = ir.U32();
                    ir.CString();
                    string? ct = type == Mime ? ir.CString() : null;
                    if (ir.Failed && type != Mime) continue;
                    items.TryGetValue(id, out var it);
                    it.Id = id; it.Type = type; it.ContentType = ct;
                    items[id] = it;
                }
            }
            else if (box.Type == Iloc) ParseIloc(box.Body, items);
            else if (box.Type == Iprp)
            {
                foreach (var p in new BoxIterator(box.Body))
                {
                    if (p.Type == Ipco) ipco = p.Body;
                    else if (p.Type == Ipma && ipma.IsEmpty) ipma = p.Body;
                }
            }
            else if (box.Type == Idat) idat = box.Body;
            else if (box.Type == Iref) iref = box.Body;
        }

        // primary item properties: ispe (size), colr (ICC), pixi (bit depth)
        if (!ipco.IsEmpty && !ipma.IsEmpty && primary != 0)
        {
            var propBodies = CollectBodies(ipco);
            var assoc = Associations(ipma, primary);
            foreach (var idx in assoc)
            {
                if (idx < 1 || idx > propBodies.Count) continue;
                var (type, start, length) = propBodies[idx - 1];
                var body = ipco.Slice(start, length);
                if (type == Ispe && body.Length >= 12)
                    b.SetDims((int)BinaryPrimitives.ReadUInt32BigEndian(body[4..]), (int)BinaryPrimitives.ReadUInt32BigEndian(body[8..]));
                else if (type == Colr && body.Length > 4)
                {
                    var ct = BinaryPrimitives.ReadUInt32BigEndian(body);
                    if ((ct == Prof || ct == RIcc) && b.ProfileDescription is null) b.ProfileDescription = Icc.Description(body[4..].ToArray());
                }
                else if (type == Pixi && body.Length >= 6 && b.BitsPerSample is null && body[4] > 0) b.BitsPerSample = body[5];
            }
        }

        // EXIF and XMP items: prefer those that describe the primary item (iref cdsc)
        var describing = iref.IsEmpty ? null : Describing(iref, primary);
        Item? exif = null, xmp = null;
        foreach (var it in items.Values)
        {
            bool forPrimary = describing?.Contains(it.Id) ?? false;
            if (it.Type == Exif && (exif is null || forPrimary)) exif = it;
            else if (it.Type == Mime && it.ContentType is { } ct && ct.Contains("rdf+xml", StringComparison.OrdinalIgnoreCase) && (xmp is null || forPrimary)) xmp = it;
        }
        if (exif is { } e1 && ReadItem(s, e1, idat, maxBytes) is { Length: > 8 } exifBytes)
        {
            var tiffOffset = BinaryPrimitives.ReadUInt32BigEndian(exifBytes);
            long start = 4 + (long)tiffOffset;
            if (start >= exifBytes.Length || tiffOffset > 64)
            {
                // some writers omit the offset or point wrongly: look for the TIFF header
                start = FindTiffHeader(exifBytes);
            }
            if (start >= 0 && start < exifBytes.Length - 8) TiffExif.Parse(new TiffSource(exifBytes, (int)start, exifBytes.Length - (int)start), b, container: false);
            else b.Warn("EXIF item without a TIFF header");
        }
        if (xmp is { } x1 && ReadItem(s, x1, idat, maxBytes) is { Length: > 0 } xmpBytes) FastXmp.Apply(xmpBytes, 0, xmpBytes.Length, b);
    }

    static long FindTiffHeader(byte[] data)
    {
        for (int i = 0; i + 4 <= Math.Min(data.Length, 64); i++)
            if ((data[i] == 'I' && data[i + 1] == 'I' && data[i + 2] == 42 && data[i + 3] == 0) || (data[i] == 'M' && data[i + 1] == 'M' && data[i + 2] == 0 && data[i + 3] == 42))
                return i;
        return -1;
    }

    static List<(uint Type, int Start, int Length)> CollectBodies(ReadOnlySpan<byte> ipco)
    {
        var list = new List<(uint, int, int)>();
        int pos = 0;
        while (pos + 8 <= ipco.Length)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(ipco[pos..]);
            uint type = BinaryPrimitives.ReadUInt32BigEndian(ipco[(pos + 4)..]);
            int header = 8;
            if (size == 1 && pos + 16 <= ipco.Length) { size = (long)BinaryPrimitives.ReadUInt64BigEndian(ipco[(pos + 8)..]); header = 16; }
            else if (size == 0) size = ipco.Length - pos;
            if (size < header) break;
            if (pos + size > ipco.Length) size = ipco.Length - pos;
            list.Add((type, pos + header, (int)size - header));
            pos += (int)size;
        }
        return list;
    }

    static List<int> Associations(ReadOnlySpan<byte> ipma, uint itemId)
    {
        var result = new List<int>();
        var r = new SpanReader(ipma);
        var version = r.U8();
        var flags = (uint)r.U8() << 16 | (uint)r.U8() << 8 | r.U8();
        var count = r.U32();
        for (uint i = 0; i < count && !r.Failed; i++)
        {
            uint id = version < 1 ? r.U16() : r.U32();
            int n = r.U8();
            for (int j = 0; j < n && !r.Failed; j++)
            {
                int idx = (flags & 1) != 0 ? r.U16() & 0x7FFF : r.U8() & 0x7F;
                if (id == itemId) result.Add(idx);
            }
            if (id == itemId) break;
        }
        return result;
    }

    static HashSet<uint>? Describing(ReadOnlySpan<byte> iref, uint primary)
    {
        var r = new SpanReader(iref);
        var version = r.U8(); r.SkipBytes(3);
        HashSet<uint>? set = null;
        var rest = r.Rest;
        foreach (var refBox in new BoxIterator(rest))
        {
            if (refBox.Type != Cdsc) continue;
            var rr = new SpanReader(refBox.Body);
            uint from = version == 0 ? rr.U16() : rr.U32();
            int n = rr.U16();
            for (int i = 0; i < n && !rr.Failed; i++)
            {
                uint to = version == 0 ? rr.U16() : rr.U32();
                if (to == primary) (set ??= []).Add(from);
            }
        }
        return set;
    }

    static void ParseIloc(ReadOnlySpan<byte> body, Dictionary<uint, Item> items)
    {
        var r = new SpanReader(body);
        var version = r.U8(); r.SkipBytes(3);
        var a = r.U8();
        var c = r.U8();
        int offsetSize = a >> 4, lengthSize = a & 15, baseOffsetSize = c >> 4, indexSize = version is 1 or 2 ? c & 15 : 0;
        uint count = version < 2 ? r.U16() : r.U32();
        for (uint i = 0; i < count && !r.Failed; i++)
        {
            uint id = version < 2 ? r.U16() : r.U32();
            int method = 0;
            if (version is 1 or 2) method = r.U16() & 15;
            r.U16(); // data reference index
            long baseOffset = (long)r.UN(baseOffsetSize);
            int extentCount = r.U16();
            var extents = new List<(long, long)>(Math.Min(extentCount, 16));
            for (int e = 0; e < extentCount && !r.Failed; e++)
            {
                if (indexSize > 0) r.UN(indexSize);
                long off = (long)r.UN(offsetSize);
                long len = (long)r.UN(lengthSize);
                extents.Add((baseOffset + off, len));
            }
            if (r.Failed) break;
            items.TryGetValue(id, out var it);
            it.Id = id; it.Method = method; it.Extents = extents;
            items[id] = it;
        }
    }

    static byte[]? ReadItem(Stream s, Item item, ReadOnlySpan<byte> idat, int maxBytes)
    {
        if (item.Extents is not { Count: > 0 } extents) return null;
        long total = 0;
        foreach (var (_, len) in extents) total += len;
        if (total <= 0 || total > maxBytes) return null;
        var buf = new byte[total];
        int pos = 0;
        foreach (var (off, len) in extents)
        {
            if (item.Method == 1)
            {
                if (off < 0 || off + len > idat.Length) return null;
                idat.Slice((int)off, (int)len).CopyTo(buf.AsSpan(pos));
            }
            else if (item.Method == 0)
            {
                if (StreamUtil.ReadAt(s, off, buf.AsSpan(pos, (int)len)) < len) return pos > 0 ? buf.AsSpan(0, pos).ToArray() : null;
            }
            else return null;
            pos += (int)len;
        }
        return buf;
    }

    // ---------------------------------------------------------------- Canon CR3

    static ReadOnlySpan<byte> CanonUuid => [0x85, 0xC0, 0xB6, 0x87, 0x82, 0x0F, 0x11, 0xE0, 0x81, 0x11, 0xF4, 0xCE, 0x46, 0x2B, 0x6A, 0x48];
    static ReadOnlySpan<byte> XmpUuid => [0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC];
    static readonly uint Uuid = StreamUtil.FourCC("uuid"), Cmt1 = StreamUtil.FourCC("CMT1"), Cmt2 = StreamUtil.FourCC("CMT2"), Cmt4 = StreamUtil.FourCC("CMT4");

    /// <summary>
    /// CR3: moov/uuid(Canon) holds CMT1 (IFD0), CMT2 (EXIF IFD) and CMT4 (GPS IFD), each a complete TIFF; a top-level
    /// uuid box holds the XMP packet. The maker notes (CMT3) and previews are not read.
    /// </summary>
    public static void ReadCr3(Stream s, MetadataBuilder b, int maxBytes)
    {
        Span<byte> id = stackalloc byte[16];
        foreach (var box in TopLevel(s, b))
        {
            if (box.Type == Moov)
            {
                var moov = StreamUtil.ReadBlock(s, box.Offset + box.HeaderLength, box.Size - box.HeaderLength, maxBytes);
                if (moov is null) { b.Warn("moov box too large or unreadable"); continue; }
                foreach (var child in new BoxIterator(moov))
                {
                    if (child.Type != Uuid || child.Body.Length < 16 || !child.Body[..16].SequenceEqual(CanonUuid)) continue;
                    foreach (var cmt in new BoxIterator(child.Body[16..]))
                    {
                        if (cmt.Type != Cmt1 && cmt.Type != Cmt2 && cmt.Type != Cmt4) continue;
                        var bytes = cmt.Body.ToArray();
                        TiffExif.Parse(new TiffSource(bytes, 0, bytes.Length), b, container: false, gpsOnly: cmt.Type == Cmt4);
                    }
                }
            }
            else if (box.Type == Uuid && box.Size - box.HeaderLength > 16)
            {
                if (StreamUtil.ReadAt(s, box.Offset + box.HeaderLength, id) == 16 && id.SequenceEqual(XmpUuid))
                {
                    var xmp = StreamUtil.ReadBlock(s, box.Offset + box.HeaderLength + 16, box.Size - box.HeaderLength - 16, maxBytes);
                    if (xmp is not null) FastXmp.Apply(xmp, 0, xmp.Length, b);
                }
            }
        }
    }

    // ---------------------------------------------------------------- JPEG XL container

    public static void ReadJxl(Stream s, MetadataBuilder b, int maxBytes)
    {
        foreach (var box in TopLevel(s, b))
        {
            if (box.Type == Exif)
            {
                var data = StreamUtil.ReadBlock(s, box.Offset + box.HeaderLength, box.Size - box.HeaderLength, maxBytes);
                if (data is { Length: > 8 })
                {
                    long start = 4 + (long)BinaryPrimitives.ReadUInt32BigEndian(data);
                    if (start >= data.Length) start = FindTiffHeader(data);
                    if (start >= 0 && start < data.Length - 8) TiffExif.Parse(new TiffSource(data, (int)start, data.Length - (int)start), b, container: false);
                }
            }
            else if (box.Type == Xml)
            {
                var data = StreamUtil.ReadBlock(s, box.Offset + box.HeaderLength, box.Size - box.HeaderLength, maxBytes);
                if (data is { Length: > 0 }) FastXmp.Apply(data, 0, data.Length, b);
            }
        }
    }
}
