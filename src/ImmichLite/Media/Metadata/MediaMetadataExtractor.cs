using System.Buffers.Binary;
using System.Globalization;
using MetadataExtractor;
using MetadataExtractor.Formats.Bmp;
using MetadataExtractor.Formats.Png;
using MetadataExtractor.Formats.WebP;
using MeDirectory = MetadataExtractor.Directory;

namespace ImmichLite.Media.Metadata;

/// <summary>
/// The metadata extractor. Sniffs the format from the content, then reads each file once with bounded reads:
/// JPEG segments, TIFF/EXIF IFDs (JPEG, HEIF, CR3, JXL, TIFF and TIFF-based RAW, RAF's embedded JPEG), XMP (streaming
/// XmlReader), ICC and IPTC with its own small parsers; ISO-BMFF (HEIF/AVIF/CR3/MP4/MOV/3GP), AVI and MPEG-TS
/// containers natively; PNG, WebP and BMP through MetadataExtractor. ffprobe runs for videos only when native parsing
/// leaves duration or size unknown (see <see cref="VideoProbeMode"/>). Stateless and thread-safe; nothing but
/// <see cref="OperationCanceledException"/> escapes.
/// </summary>
public sealed class MediaMetadataExtractor : IMetadataExtractor
{
    readonly MetadataExtractorOptions _options;
    readonly IFfprobe _ffprobe;

    public MediaMetadataExtractor() : this(new MetadataExtractorOptions()) { }

    public MediaMetadataExtractor(MetadataExtractorOptions options, IFfprobe? ffprobe = null)
    {
        _options = options;
        _ffprobe = ffprobe ?? new Ffprobe(options.FfprobePath, options.FfprobeTimeout);
    }

    enum Kind { Unknown, Jpeg, Png, Gif, WebP, Bmp, Tiff, Rw2, Orf, Raf, Heif, Avif, Cr3, Jxl, Mp4, Mov, ThreeGp, Avi, MpegTs, Matroska, WebM, Asf, Flv, MpegPs }

    public Task<MediaMetadata> ExtractAsync(string path, string? sidecarPath, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var b = new MetadataBuilder();
        var ext = Path.GetExtension(path).ToLowerInvariant();
        Kind kind = Kind.Unknown;
        bool readable = false;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 16 * 1024, FileOptions.RandomAccess);
            if (fs.Length == 0)
            {
                b.Warn("empty file");
            }
            else
            {
                Span<byte> head = stackalloc byte[64];
                int n = StreamUtil.ReadAt(fs, 0, head);
                kind = Sniff(head[..n], fs);
                b.MimeType = MimeFor(kind, ext);
                var expected = KindForExtension(ext);
                b.ExtensionMismatch = kind != Kind.Unknown && expected != Kind.Unknown && !SameFamily(kind, expected);
                if (b.ExtensionMismatch) b.Warn($"content is {b.MimeType}, extension says {ext}");
                if (kind == Kind.Unknown) b.Warn("unrecognised file format");
                fs.Position = 0;
                readable = true;
                ReadContainer(fs, kind, b, ct);
            }
        }
        catch (OperationCanceledException) { throw; }
        catch (FileNotFoundException) { b.Warn("file not found"); }
        catch (DirectoryNotFoundException) { b.Warn("file not found"); }
        catch (UnauthorizedAccessException) { b.Warn("file not readable"); }
        catch (Exception e) { b.Warn(Short(e)); }

        b.IsVideo = kind switch
        {
            Kind.Mp4 or Kind.Mov or Kind.ThreeGp or Kind.Avi or Kind.MpegTs or Kind.Matroska or Kind.WebM or Kind.Asf or Kind.Flv or Kind.MpegPs => true,
            Kind.Unknown => VideoExtensions.Contains(ext),
            _ => false,
        };

        if (sidecarPath is not null) ApplySidecar(sidecarPath, b);

        if (readable && b.IsVideo && _options.VideoProbe != VideoProbeMode.NativeOnly && (_options.VideoProbe == VideoProbeMode.AlwaysFfprobe || b.Duration is null || b.Width is null))
            return ProbeThenBuildAsync(path, b, ct);
        return Task.FromResult(b.Build());
    }

    async Task<MediaMetadata> ProbeThenBuildAsync(string path, MetadataBuilder b, CancellationToken ct)
    {
        FfprobeResult result = default;
        try { result = await _ffprobe.ProbeAsync(path, ct).ConfigureAwait(false); }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) { b.Warn("ffprobe: " + Short(e)); return b.Build(); }
        if (result.Output is null)
        {
            b.Warn(result.Error ?? "ffprobe gave no result");
            return b.Build();
        }
        if (result.Error is { } partial) b.Warn(partial);
        ApplyFfprobe(result.Output, b, overrideNative: _options.VideoProbe == VideoProbeMode.AlwaysFfprobe);
        return b.Build();
    }

    internal static void ApplyFfprobe(FfprobeOutput probe, MetadataBuilder b, bool overrideNative)
    {
        var v = Ffprobe.MainVideoStream(probe);
        double? duration = null;
        if (probe.Format?.Duration is { } fd && double.TryParse(fd, NumberStyles.Float, CultureInfo.InvariantCulture, out var fdv) && fdv > 0) duration = fdv;
        else if (v?.Duration is { } sd && double.TryParse(sd, NumberStyles.Float, CultureInfo.InvariantCulture, out var sdv) && sdv > 0) duration = sdv;
        if (duration is { } d && (overrideNative || b.Duration is null)) b.Duration = TimeSpan.FromSeconds(d);
        if (v is not null)
        {
            if (v.Width is > 0 && v.Height is > 0 && (overrideNative || b.Width is null)) { b.Width = v.Width; b.Height = v.Height; }
            if ((Ffprobe.ParseRate(v.AvgFrameRate) ?? Ffprobe.ParseRate(v.RFrameRate)) is { } fps && (overrideNative || b.Fps is null)) b.Fps = Math.Round(fps, 3);
            if (Ffprobe.RotationClockwise(v) is { } rot && (overrideNative || b.Orientation is null)) b.Orientation = IsoBmff.RotationToOrientation(rot) ?? b.Orientation;
            else if (b.Orientation is null) b.Orientation = "1";
            if (v.CodecName is { } codec && (overrideNative || b.VideoCodec is null)) b.VideoCodec = codec;
        }
        var tags = probe.Format?.Tags;
        if (tags is null) return;
        foreach (var (key, value) in tags)
        {
            switch (key)
            {
                case "creation_time":
                    if (b.QtCreate is null && DateParse.TryParse(value, out var ctime)) b.QtCreate = ctime with { IsUtc = true, Offset = null };
                    break;
                case "com.apple.quicktime.creationdate":
                    if (b.QtCreationDate is null && DateParse.TryParse(value, out var cd)) b.QtCreationDate = cd;
                    break;
                case "location":
                case "com.apple.quicktime.location.ISO6709":
                    IsoBmff.ApplyIso6709(value, b);
                    break;
                case "com.apple.quicktime.make": b.Make ??= MetadataBuilder.Clean(value); break;
                case "com.apple.quicktime.model": b.Model ??= MetadataBuilder.Clean(value); break;
                case "com.apple.quicktime.content.identifier": b.LivePhotoCID ??= MetadataBuilder.Clean(value); break;
            }
        }
    }

    void ReadContainer(FileStream fs, Kind kind, MetadataBuilder b, CancellationToken ct)
    {
        int max = _options.MaxMetadataBytes;
        IReadOnlyList<MeDirectory>? dirs = null;
        bool tiffFamily = false;
        switch (kind)
        {
            case Kind.Jpeg:
                Guard(b, "JPEG", () => { ReadJpeg(fs, 0, fs.Length, b, max); return null; });
                break;
            case Kind.Png:
                dirs = Guard(b, "PNG", () => PngMetadataReader.ReadMetadata(fs));
                break;
            case Kind.WebP:
                dirs = Guard(b, "WebP", () => WebPMetadataReader.ReadMetadata(fs));
                break;
            case Kind.Gif:
                ReadGifHeader(fs, b);
                break;
            case Kind.Bmp:
                dirs = Guard(b, "BMP", () => BmpMetadataReader.ReadMetadata(fs));
                break;
            case Kind.Tiff or Kind.Rw2 or Kind.Orf:
                bool parsed = false;
                Guard(b, "TIFF", () => { parsed = TiffExif.Parse(new TiffSource(fs, 0), b, container: true); return null; });
                if (b.RawJpegOffset is { } jo && b.RawJpegLength is { } jl && jo + jl <= fs.Length)
                {
                    var size = (b.Width, b.Height);
                    Guard(b, "RW2 JPEG", () => { ReadJpeg(fs, jo, jl, b, max); return null; });
                    if (size.Width is not null) { b.Width = size.Width; b.Height = size.Height; }
                }
                if (!parsed)
                {
                    // not understood by the fast reader (exotic TIFF variant): let MetadataExtractor try
                    tiffFamily = true;
                    fs.Position = 0;
                    dirs = Guard(b, "TIFF", () => ImageMetadataReader.ReadMetadata(fs));
                }
                break;
            case Kind.Raf:
                Guard(b, "RAF", () => { ReadRaf(fs, b, max); return null; });
                break;
            case Kind.Cr3:
                Guard(b, "CR3", () => { IsoBmff.ReadCr3(fs, b, max); return null; });
                break;
            case Kind.Heif or Kind.Avif:
                Guard(b, "HEIF", () => { IsoBmff.ReadHeif(fs, b, max); return null; });
                break;
            case Kind.Jxl:
                Guard(b, "JXL", () => { IsoBmff.ReadJxl(fs, b, max); return null; });
                break;
            case Kind.Mp4 or Kind.Mov or Kind.ThreeGp:
                Guard(b, "MP4", () => { IsoBmff.ReadMovie(fs, b, max); return (IReadOnlyList<MeDirectory>?)null; });
                break;
            case Kind.Avi:
                Guard(b, "AVI", () => { Avi.Read(fs, b); return (IReadOnlyList<MeDirectory>?)null; });
                break;
            case Kind.MpegTs:
                Guard(b, "MPEG-TS", () => { MpegTs.Read(fs, b); return (IReadOnlyList<MeDirectory>?)null; });
                break;
        }
        ct.ThrowIfCancellationRequested();
        if (dirs is not null)
        {
            foreach (var d in dirs)
                if (d.HasError)
                    foreach (var e in d.Errors) { b.Warn(d.Name + ": " + e); break; }
            DirectoryMapper.Apply(dirs, b, tiffFamily);
        }
        if (kind is Kind.Jpeg or Kind.Heif && b.VideoOffset is null && (b.IsMotionPhoto || b.ContainerVideoFromEnd is not null || b.MicroVideoFromEnd is not null || HasSefTrailerHint(fs)))
            Guard(b, "motion photo", () => { MotionPhoto.LocateInJpeg(fs, b); return (IReadOnlyList<MeDirectory>?)null; });
    }

    static ReadOnlySpan<byte> XmpPreamble => "http://ns.adobe.com/xap/1.0/\0"u8;
    static ReadOnlySpan<byte> ExifPreamble => "Exif\0\0"u8;
    static ReadOnlySpan<byte> IccPreamble => "ICC_PROFILE\0"u8;
    static ReadOnlySpan<byte> PhotoshopPreamble => "Photoshop 3.0\0"u8;

    /// <summary>
    /// Reads the JPEG header segments (everything before the first SOS) with one read and decodes the ones we need
    /// itself: SOFn (size, precision), APP1 Exif (TiffExif), APP1 XMP (FastXmp; extended XMP is skipped), APP2 ICC
    /// (chunks joined), APP13 Photoshop/IPTC. Scan data is never read; a truncated header keeps every complete segment.
    /// </summary>
    static void ReadJpeg(Stream fs, long baseOffset, long length, MetadataBuilder b, int max)
    {
        int want = (int)Math.Min(length, 128 * 1024);
        var buf = new byte[want];
        int have = StreamUtil.ReadAt(fs, baseOffset, buf);
        if (have < 4 || buf[0] != 0xFF || buf[1] != 0xD8) { b.Warn("not a JPEG stream"); return; }
        int pos = 2;
        List<(int Seq, int Start, int Length)>? icc = null;
        List<(int Start, int Length)>? exif = null, xmp = null, photoshop = null;
        while (true)
        {
            if (pos + 4 > have && !Grow(fs, baseOffset, length, ref buf, ref have, pos + 4, max)) break;
            if (buf[pos] != 0xFF) { b.Warn("JPEG marker expected at " + pos.ToString(CultureInfo.InvariantCulture)); break; }
            byte marker = buf[pos + 1];
            if (marker == 0xFF) { pos++; continue; }
            if (marker is 0xD8 or 0x01 or >= 0xD0 and <= 0xD7) { pos += 2; continue; }
            if (marker is 0xDA or 0xD9) break;
            int segLen = buf[pos + 2] << 8 | buf[pos + 3];
            if (segLen < 2) { b.Warn("JPEG segment length invalid"); break; }
            int end = pos + 2 + segLen;
            if (end > have && !Grow(fs, baseOffset, length, ref buf, ref have, end, max))
            {
                b.Warn(end > max ? "JPEG metadata larger than the limit" : "truncated JPEG segment");
                break;
            }
            int body = pos + 4, bodyLen = segLen - 2;
            var seg = buf.AsSpan(body, bodyLen);
            switch (marker)
            {
                case 0xE1 when seg.StartsWith(ExifPreamble): (exif ??= []).Add((body + 6, bodyLen - 6)); break;
                case 0xE1 when seg.StartsWith(XmpPreamble): (xmp ??= []).Add((body + XmpPreamble.Length, bodyLen - XmpPreamble.Length)); break;
                case 0xE2 when seg.StartsWith(IccPreamble) && bodyLen > IccPreamble.Length + 2:
                    (icc ??= []).Add((buf[body + IccPreamble.Length], body + IccPreamble.Length + 2, bodyLen - IccPreamble.Length - 2));
                    break;
                case 0xED when seg.StartsWith(PhotoshopPreamble): (photoshop ??= []).Add((body + PhotoshopPreamble.Length, bodyLen - PhotoshopPreamble.Length)); break;
                case >= 0xC0 and <= 0xCF when marker is not (0xC4 or 0xC8 or 0xCC) && bodyLen >= 5:
                    if (b.Width is null)
                    {
                        int h = buf[body + 1] << 8 | buf[body + 2], w = buf[body + 3] << 8 | buf[body + 4];
                        b.SetDims(w, h);
                        b.BitsPerSample ??= buf[body];
                    }
                    break;
            }
            pos = end;
        }

        if (exif is not null)
            foreach (var (start, len) in exif)
                if (TiffExif.Parse(new TiffSource(buf, start, len), b, container: false)) break;
        if (xmp is not null)
            foreach (var (start, len) in xmp) FastXmp.Apply(buf, start, len, b);
        if (icc is not null && b.ProfileDescription is null)
        {
            icc.Sort((x, y) => x.Seq.CompareTo(y.Seq));
            int total = 0;
            foreach (var c in icc) total += c.Length;
            var profile = new byte[total];
            int o = 0;
            foreach (var c in icc) { buf.AsSpan(c.Start, c.Length).CopyTo(profile.AsSpan(o)); o += c.Length; }
            b.ProfileDescription = Icc.Description(profile);
        }
        if (photoshop is not null)
            foreach (var (start, len) in photoshop) Iptc.ParsePhotoshop(buf.AsSpan(start, len), b);
    }

    static bool Grow(Stream fs, long baseOffset, long length, ref byte[] buf, ref int have, int need, int max)
    {
        if (have >= length || need > max) return false;
        int target = (int)Math.Min(length, Math.Min((long)max, Math.Max((long)need, (long)buf.Length * 2)));
        if (target <= have) return false;
        Array.Resize(ref buf, target);
        have += StreamUtil.ReadAt(fs, baseOffset + have, buf.AsSpan(have, target - have));
        return need <= have;
    }

    /// <summary>RAF: a header, then an embedded full-size JPEG (offset and length at bytes 84 and 88) that carries the EXIF.</summary>
    static void ReadRaf(Stream fs, MetadataBuilder b, int max)
    {
        Span<byte> h = stackalloc byte[92];
        if (StreamUtil.ReadAt(fs, 0, h) < 92) { b.Warn("RAF header truncated"); return; }
        long off = BinaryPrimitives.ReadUInt32BigEndian(h[84..]), len = BinaryPrimitives.ReadUInt32BigEndian(h[88..]);
        if (off <= 0 || len <= 0 || off + len > fs.Length) { b.Warn("RAF preview missing"); return; }
        ReadJpeg(fs, off, len, b, max);
    }

    static bool HasSefTrailerHint(FileStream fs)
    {
        Span<byte> t = stackalloc byte[4];
        return fs.Length > 16 && StreamUtil.ReadAt(fs, fs.Length - 4, t) == 4 && t.SequenceEqual("SEFT"u8);
    }

    static IReadOnlyList<MeDirectory>? Guard(MetadataBuilder b, string what, Func<IReadOnlyList<MeDirectory>?> read)
    {
        try { return read(); }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) { b.Warn(what + ": " + Short(e)); return null; }
    }

    static string Short(Exception e)
    {
        var msg = e.Message;
        if (msg.Length > 160) msg = msg[..160];
        return e.GetType().Name + ": " + msg;
    }

    static void ReadGifHeader(Stream s, MetadataBuilder b)
    {
        Span<byte> h = stackalloc byte[10];
        if (StreamUtil.ReadAt(s, 0, h) < 10) { b.Warn("GIF header truncated"); return; }
        b.SetDims(BinaryPrimitives.ReadUInt16LittleEndian(h[6..]), BinaryPrimitives.ReadUInt16LittleEndian(h[8..]));
    }

    void ApplySidecar(string sidecarPath, MetadataBuilder b)
    {
        byte[]? data;
        try
        {
            var info = new FileInfo(sidecarPath);
            if (!info.Exists) { b.Warn("sidecar not found"); return; }
            if (info.Length > _options.MaxMetadataBytes) { b.Warn("sidecar too large"); return; }
            data = File.ReadAllBytes(sidecarPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { b.Warn("sidecar unreadable: " + e.Message); return; }
        if (data.Length == 0) { b.Warn("sidecar is empty"); return; }

        var sc = new MetadataBuilder();
        FastXmp.Apply(data, 0, data.Length, sc);
        foreach (var w in sc.Warnings) b.Warn("sidecar " + w);
        // sidecar wins for the fields users edit: description, rating, date, location, tags
        if (sc.XmpDescription is not null) b.Description = sc.XmpDescription;
        if (sc.Rating is not null) b.Rating = sc.Rating;
        var date = sc.XmpOriginal ?? sc.XmpCreate;
        if (date is not null) b.SidecarDate = date;
        if (sc.XmpLatitude is { } lat && sc.XmpLongitude is { } lon && MetadataBuilder.ValidGps(lat, lon)) { b.Latitude = lat; b.Longitude = lon; }
        // upstream merges the sidecar's tags over the file's field by field ({...file, ...sidecar})
        b.TagsList = sc.TagsList ?? b.TagsList;
        b.Hierarchical = sc.Hierarchical ?? b.Hierarchical;
        b.ProjectionType ??= sc.ProjectionType;
        b.XmpMake ??= sc.XmpMake;
        b.XmpModel ??= sc.XmpModel;
        b.XmpLens ??= sc.XmpLens;
    }

    // ---------------------------------------------------------------- format detection

    // (u8 string literals encode chars >= 0x80 as UTF-8, so binary magics are spelled as byte arrays)
    static ReadOnlySpan<byte> PngMagic => [0x89, (byte)'P', (byte)'N', (byte)'G'];
    static ReadOnlySpan<byte> JxlMagic => [0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' ', 0x0D, 0x0A, 0x87, 0x0A];
    static ReadOnlySpan<byte> EbmlMagic => [0x1A, 0x45, 0xDF, 0xA3];
    static ReadOnlySpan<byte> AsfMagic => [0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11];
    static ReadOnlySpan<byte> MpegPsMagic => [0, 0, 1, 0xBA];

    static Kind Sniff(ReadOnlySpan<byte> h, Stream s)
    {
        if (h.Length < 4) return Kind.Unknown;
        if (h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) return Kind.Jpeg;
        if (h.StartsWith(PngMagic)) return Kind.Png;
        if (h.StartsWith("GIF8"u8)) return Kind.Gif;
        if (h.Length >= 12 && h.StartsWith("RIFF"u8))
        {
            var form = h.Slice(8, 4);
            if (form.SequenceEqual("WEBP"u8)) return Kind.WebP;
            if (form.SequenceEqual("AVI "u8)) return Kind.Avi;
            return Kind.Unknown;
        }
        if (h.StartsWith("II*\0"u8) || h.StartsWith("MM\0*"u8)) return Kind.Tiff;
        if (h.StartsWith("IIU\0"u8)) return Kind.Rw2;
        if (h.StartsWith("IIRO"u8) || h.StartsWith("IIRS"u8) || h.StartsWith("MMOR"u8)) return Kind.Orf;
        if (h.StartsWith("FUJIFILMCCD-RAW"u8)) return Kind.Raf;
        if (h.StartsWith("BM"u8) && h.Length >= 18) return Kind.Bmp;
        if (h[0] == 0xFF && h[1] == 0x0A) return Kind.Jxl;
        if (h.Length >= 12 && h.StartsWith(JxlMagic)) return Kind.Jxl;
        if (h.StartsWith(EbmlMagic)) return h.IndexOf("webm"u8) >= 0 ? Kind.WebM : Kind.Matroska;
        if (h.StartsWith(AsfMagic)) return Kind.Asf;
        if (h.StartsWith("FLV"u8)) return Kind.Flv;
        if (h.StartsWith(MpegPsMagic)) return Kind.MpegPs;
        if (h.Length >= 12 && h.Slice(4, 4).SequenceEqual("ftyp"u8)) return SniffFtyp(h, s);
        if (h.Length >= 8)
        {
            var t = h.Slice(4, 4);
            if (t.SequenceEqual("moov"u8) || t.SequenceEqual("mdat"u8) || t.SequenceEqual("wide"u8) || t.SequenceEqual("free"u8) || t.SequenceEqual("skip"u8) || t.SequenceEqual("pnot"u8))
                return Kind.Mov;
        }
        // MPEG-TS needs more than 64 bytes
        Span<byte> ts = stackalloc byte[600];
        int n = StreamUtil.ReadAt(s, 0, ts);
        if (MpegTs.Sniff(ts[..n], out _, out _)) return Kind.MpegTs;
        return Kind.Unknown;
    }

    static Kind SniffFtyp(ReadOnlySpan<byte> h, Stream s)
    {
        uint size = BinaryPrimitives.ReadUInt32BigEndian(h);
        Span<byte> ftyp = stackalloc byte[256];
        int n = StreamUtil.ReadAt(s, 0, ftyp[..(int)Math.Clamp(size, 12, 256)]);
        var body = ftyp[8..Math.Max(8, n)];
        var major = body[..4];
        if (major.SequenceEqual("crx "u8)) return Kind.Cr3;
        if (major.SequenceEqual("avif"u8) || major.SequenceEqual("avis"u8)) return Kind.Avif;
        if (major.SequenceEqual("heic"u8) || major.SequenceEqual("heix"u8) || major.SequenceEqual("heim"u8) || major.SequenceEqual("heis"u8)
            || major.SequenceEqual("hevc"u8) || major.SequenceEqual("hevx"u8) || major.SequenceEqual("mif1"u8) || major.SequenceEqual("msf1"u8) || major.SequenceEqual("mif2"u8))
        {
            // mif1 with an avif compatible brand is AVIF
            for (int i = 8; i + 4 <= body.Length; i += 4)
                if (body.Slice(i, 4).SequenceEqual("avif"u8)) return Kind.Avif;
            return Kind.Heif;
        }
        if (major.SequenceEqual("qt  "u8)) return Kind.Mov;
        if (major[..3].SequenceEqual("3gp"u8) || major[..3].SequenceEqual("3g2"u8)) return Kind.ThreeGp;
        return Kind.Mp4;
    }

    static readonly HashSet<string> VideoExtensions =
    [
        ".mp4", ".mov", ".m4v", ".3gp", ".3g2", ".mts", ".m2ts", ".ts", ".avi", ".mkv", ".webm", ".wmv", ".flv", ".mpg", ".mpeg",
        ".mp2t", ".ogv", ".qt", ".asf", ".vob", ".insv", ".mxf",
    ];

    static Kind KindForExtension(string ext) => ext switch
    {
        ".jpg" or ".jpeg" or ".jpe" or ".jfif" => Kind.Jpeg,
        ".png" => Kind.Png,
        ".gif" => Kind.Gif,
        ".webp" => Kind.WebP,
        ".bmp" => Kind.Bmp,
        ".tif" or ".tiff" or ".dng" or ".cr2" or ".nef" or ".nrw" or ".arw" or ".srw" or ".sr2" or ".srf" or ".pef" or ".erf" or ".3fr" or ".iiq" or ".mos" or ".kdc" or ".dcr" or ".mef" => Kind.Tiff,
        ".rw2" or ".raw" => Kind.Rw2,
        ".orf" => Kind.Orf,
        ".raf" => Kind.Raf,
        ".heic" or ".heif" or ".hif" => Kind.Heif,
        ".avif" => Kind.Avif,
        ".cr3" => Kind.Cr3,
        ".jxl" => Kind.Jxl,
        ".mp4" or ".m4v" or ".insv" => Kind.Mp4,
        ".mov" or ".qt" => Kind.Mov,
        ".3gp" or ".3g2" => Kind.ThreeGp,
        ".avi" => Kind.Avi,
        ".mts" or ".m2ts" or ".ts" or ".mp2t" => Kind.MpegTs,
        ".mkv" => Kind.Matroska,
        ".webm" => Kind.WebM,
        ".wmv" or ".asf" => Kind.Asf,
        ".flv" => Kind.Flv,
        ".mpg" or ".mpeg" or ".vob" => Kind.MpegPs,
        _ => Kind.Unknown,
    };

    static int Family(Kind k) => k switch
    {
        Kind.Tiff or Kind.Rw2 or Kind.Orf => 1,
        Kind.Heif or Kind.Avif => 2,
        Kind.Mp4 or Kind.Mov or Kind.ThreeGp => 3,
        Kind.Matroska or Kind.WebM => 4,
        _ => 100 + (int)k,
    };

    static bool SameFamily(Kind a, Kind b) => Family(a) == Family(b);

    static string? MimeFor(Kind kind, string ext) => kind switch
    {
        Kind.Jpeg => "image/jpeg",
        Kind.Png => "image/png",
        Kind.Gif => "image/gif",
        Kind.WebP => "image/webp",
        Kind.Bmp => "image/bmp",
        Kind.Tiff => ext switch
        {
            ".dng" => "image/dng",
            ".cr2" => "image/x-canon-cr2",
            ".nef" => "image/x-nikon-nef",
            ".nrw" => "image/x-nikon-nrw",
            ".arw" => "image/x-sony-arw",
            ".sr2" => "image/x-sony-sr2",
            ".srf" => "image/x-sony-srf",
            ".srw" => "image/x-samsung-srw",
            ".pef" => "image/x-pentax-pef",
            ".erf" => "image/x-epson-erf",
            ".3fr" => "image/x-hasselblad-3fr",
            ".iiq" => "image/x-phaseone-iiq",
            ".kdc" => "image/x-kodak-kdc",
            ".dcr" => "image/x-kodak-dcr",
            ".mef" => "image/x-mamiya-mef",
            ".mos" => "image/x-leaf-mos",
            _ => "image/tiff",
        },
        Kind.Rw2 => "image/x-panasonic-rw2",
        Kind.Orf => "image/x-olympus-orf",
        Kind.Raf => "image/x-fuji-raf",
        Kind.Heif => ext == ".heif" || ext == ".hif" ? "image/heif" : "image/heic",
        Kind.Avif => "image/avif",
        Kind.Cr3 => "image/x-canon-cr3",
        Kind.Jxl => "image/jxl",
        Kind.Mp4 => "video/mp4",
        Kind.Mov => "video/quicktime",
        Kind.ThreeGp => ext == ".mp4" ? "video/mp4" : "video/3gpp",
        Kind.Avi => "video/x-msvideo",
        Kind.MpegTs => "video/mp2t",
        Kind.Matroska => "video/x-matroska",
        Kind.WebM => "video/webm",
        Kind.Asf => "video/x-ms-wmv",
        Kind.Flv => "video/x-flv",
        Kind.MpegPs => "video/mpeg",
        _ => null,
    };
}
