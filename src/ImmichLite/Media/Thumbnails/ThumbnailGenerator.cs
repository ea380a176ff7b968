using ImmichLite.Infrastructure;
using System.Globalization;
using SkiaSharp;

namespace ImmichLite.Media.Thumbnails;

/// <summary>
/// Decode once, derive everything: the source is decoded a single time into a buffer no larger than needed for the
/// preview (libjpeg DCT scaling for JPEG, libwebp scaling for WebP, ffmpeg's scaler for video and ffmpeg-decoded
/// stills), EXIF orientation is applied and colours are converted to sRGB (embedded ICC profiles such as Display P3
/// are honoured by Skia's skcms) in the one resampling pass that makes the preview; the thumbnail is made from the
/// preview and the ThumbHash from the thumbnail.
/// <para><b>Decoder per format, chosen by measurement on the test corpus (2-core x64 build machine under heavy shared
/// load; CPU times, which the load does not inflate much; see docs/PERFORMANCE.md for the batch benchmark):</b></para>
/// <list type="bullet">
/// <item>JPEG: header (size, ICC, EXIF orientation) by Skia, pixels by the system libjpeg-turbo through TurboJPEG
/// (<see cref="TurboJpeg"/>, Debian <c>libturbojpeg0</c>) with M/8 DCT scaling; the preview JPEG is encoded by TurboJPEG too.
/// A 4/8-scaled decode of a 4000×3000 JPEG costs ~20 ms CPU there against 49–53 ms in SkiaSharp's bundled libjpeg, and the
/// 1920×1440 encode &lt;10 ms against 22–24 ms. Without libturbojpeg0 (or for CMYK JPEGs) Skia's codec does it all.</item>
/// <item>PNG, WebP (still and animated: first frame), GIF (first frame), BMP, ICO, WBMP: SkiaSharp (in-process).</item>
/// <item>HEIC/HEIF and AVIF: libheif through P/Invoke (<see cref="LibHeif"/>, Debian <c>libheif1</c>). ffmpeg 5.1 cannot read
/// HEIF image items at all ("moov atom not found" on every corpus HEIC). <c>heif-convert</c> (libheif-examples) works but
/// adds a process, a full-size JPEG encode and a second decode: 380 ms CPU per corpus HEIC for heif-convert to JPEG alone
/// (1.3–3 s wall to PNG) against 230–460 ms CPU for the in-process libheif decode, which also keeps the exact pixels and the
/// ICC profile (Display P3 on iPhones). AVIF falls back to ffmpeg (dav1d, ~0.7 s for 20 MP) when libheif is absent.</item>
/// <item>Camera RAW (DNG, CR2, CR3, NEF, ARW, RAF, RW2, ORF, PEF…): the largest embedded JPEG preview (<see cref="RawPreview"/>:
/// a few ms to locate), decoded like any JPEG. ffmpeg 5.1 cannot decode DNG compression 34892 nor CR3, and demosaicing
/// with LibRaw costs seconds per file on a Pi. Files without a usable preview (metadata stubs, truncated files) fail with
/// a <see cref="ThumbnailException"/>; their sensor data is never decoded.</item>
/// <item>TIFF and JPEG XL (Skia decodes neither): ffmpeg (tiff, libjxl), frame piped back as raw RGBA.</item>
/// <item>Videos: ffmpeg poster frame (<see cref="FfmpegFrames.PosterFrameAsync"/>).</item>
/// </list>
/// Memory: JPEG (the common case), WebP and video never hold a full-resolution bitmap. PNG/GIF/BMP (no decoder-side
/// scaling in Skia) and HEIF/AVIF (HEVC/AV1 cannot decode scaled) are decoded at full size, bounded by
/// <see cref="ThumbnailOptions.MaxPixels"/> (4 bytes per pixel); a 12-MP HEIC peaks at ~200–260 MiB RSS in the benchmark.
/// The format is sniffed from the content, not the extension (a JPEG named .heic decodes as JPEG); the one use of the
/// extension is that a TIFF-structured file with a RAW extension is never decoded as a plain TIFF.
/// </summary>
public sealed class ThumbnailGenerator : IThumbnailGenerator
{
    /// <summary>Name of the decoder used for a source format; appears in <see cref="ThumbnailResult.Decoder"/>.</summary>
    internal enum Sniffed { Unknown, Jpeg, Png, Gif, Webp, Bmp, Heif, Cr3, Tiff, Raf, Jxl, IsoBmffOther }

    public Task<ThumbnailResult> GenerateAsync(string sourcePath, bool isVideo, string? orientation, string previewPath,
        string thumbnailPath, ThumbnailOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sourcePath);
        ArgumentNullException.ThrowIfNull(previewPath);
        ArgumentNullException.ThrowIfNull(thumbnailPath);
        ArgumentNullException.ThrowIfNull(options);
        if (options.PreviewSize < 1 || options.ThumbnailSize < 1 || options.MaxPixels < 1
            || options.PreviewQuality is < 1 or > 100 || options.ThumbnailQuality is < 1 or > 100)
            throw new ArgumentOutOfRangeException(nameof(options), "sizes, qualities (1..100) and MaxPixels must be positive");
        // CPU-bound work: keep it off the caller's thread (request threads, the job loop).
        return Task.Run(() => GenerateCoreAsync(sourcePath, isVideo, orientation, previewPath, thumbnailPath, options, ct), ct);
    }

    async Task<ThumbnailResult> GenerateCoreAsync(string sourcePath, bool isVideo, string? orientation, string previewPath,
        string thumbnailPath, ThumbnailOptions options, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        FileInfo fi;
        try { fi = new FileInfo(sourcePath); }
        catch (Exception e) when (e is ArgumentException or PathTooLongException or NotSupportedException)
        { throw new ThumbnailException($"invalid source path: {e.Message}", e); }
        if (!fi.Exists) throw new ThumbnailException($"source file not found: {sourcePath}");
        if (fi.Length == 0) throw new ThumbnailException("source file is empty (0 bytes)");

        using var decoded = isVideo
            ? await DecodeVideoAsync(sourcePath, options, ct).ConfigureAwait(false)
            : await DecodeImageAsync(sourcePath, ParseOrientation(orientation), options, ct).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return Derive(decoded, previewPath, thumbnailPath, options);
    }

    /// <summary>Test hook: runs only the decode step and reports the size of the buffer the decoder produced (stored
    /// orientation), so tests can check that scaled decoding avoided a full-resolution bitmap.</summary>
    internal static async Task<(int Width, int Height, int Orientation, string Decoder)> DecodeOnlyAsync(string sourcePath,
        bool isVideo, string? orientation, ThumbnailOptions options, CancellationToken ct)
    {
        using var d = isVideo
            ? await DecodeVideoAsync(sourcePath, options, ct).ConfigureAwait(false)
            : await DecodeImageAsync(sourcePath, ParseOrientation(orientation), options, ct).ConfigureAwait(false);
        return (d.Pixmap.Width, d.Pixmap.Height, d.Orientation, d.Decoder);
    }

    static int ParseOrientation(string? o) =>
        int.TryParse(o, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= 8 ? v : 0;

    // ======================================================================== decoding

    /// <summary>Pixels in stored orientation plus the orientation still to apply (1..8).</summary>
    internal sealed class Decoded(SKPixmap pixmap, int orientation, string decoder, IDisposable owner) : IDisposable
    {
        public SKPixmap Pixmap { get; } = pixmap;
        public int Orientation { get; } = orientation;
        public string Decoder { get; } = decoder;
        public void Dispose() { Pixmap.Dispose(); owner.Dispose(); }
    }

    static Decoded FromBitmap(SKBitmap bmp, int orientation, string decoder)
    {
        var pm = bmp.PeekPixels() ?? throw new ThumbnailException("decoded bitmap has no pixels");
        return new Decoded(pm, orientation, decoder, bmp);
    }

    static async Task<Decoded> DecodeVideoAsync(string path, ThumbnailOptions o, CancellationToken ct)
    {
        var bmp = await FfmpegFrames.PosterFrameAsync(path, o.PreviewSize, o.MaxPixels, ct).ConfigureAwait(false);
        return FromBitmap(bmp, 1, "ffmpeg-video");
    }

    internal static Sniffed Sniff(ReadOnlySpan<byte> h)
    {
        if (h.Length >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) return Sniffed.Jpeg;
        if (h.Length >= 8 && h[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return Sniffed.Png;
        if (h.Length >= 4 && h[..4].SequenceEqual("GIF8"u8)) return Sniffed.Gif;
        if (h.Length >= 12 && h[..4].SequenceEqual("RIFF"u8) && h.Slice(8, 4).SequenceEqual("WEBP"u8)) return Sniffed.Webp;
        if (h.Length >= 2 && h[0] == 'B' && h[1] == 'M') return Sniffed.Bmp;
        if (h.Length >= 15 && h[..15].SequenceEqual("FUJIFILMCCD-RAW"u8)) return Sniffed.Raf;
        if (h.Length >= 4 && ((h[0] == 'I' && h[1] == 'I' && (h[2] is 0x2A or 0x55 or 0x52 or 0x53)) ||
                              (h[0] == 'M' && h[1] == 'M' && (h[3] is 0x2A or 0x52)))) return Sniffed.Tiff;
        if (h.Length >= 2 && h[0] == 0xFF && h[1] == 0x0A) return Sniffed.Jxl;
        if (h.Length >= 12 && h[..12].SequenceEqual((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' ', 0x0D, 0x0A, 0x87, 0x0A])) return Sniffed.Jxl;
        if (h.Length >= 12 && h.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            int boxLen = Math.Min(h.Length, (int)Math.Min(int.MaxValue, (uint)(h[0] << 24 | h[1] << 16 | h[2] << 8 | h[3])));
            for (int i = 8; i + 4 <= boxLen; i += 4)
            {
                if (i == 12) continue; // minor version
                var brand = h.Slice(i, 4);
                if (brand.SequenceEqual("crx "u8)) return Sniffed.Cr3;
                if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("hevc"u8) ||
                    brand.SequenceEqual("heim"u8) || brand.SequenceEqual("heis"u8) || brand.SequenceEqual("hevx"u8) ||
                    brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8) || brand.SequenceEqual("avif"u8) ||
                    brand.SequenceEqual("avis"u8) || brand.SequenceEqual("mif2"u8))
                    return Sniffed.Heif;
            }
            return Sniffed.IsoBmffOther;
        }
        return Sniffed.Unknown;
    }

    static async Task<Decoded> DecodeImageAsync(string path, int orientation, ThumbnailOptions o, CancellationToken ct)
    {
        var head = new byte[64];
        int n;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ThumbnailException($"cannot read the source file: {e.Message}", e); }

        var kind = Sniff(head.AsSpan(0, n));
        switch (kind)
        {
            case Sniffed.Heif:
                return DecodeHeif(path, o);
            case Sniffed.Cr3 or Sniffed.Tiff or Sniffed.Raf:
            {
                var (viaPreview, looksRaw, tiffOrientation) = DecodeRawPreview(path, orientation, o);
                if (viaPreview is not null) return viaPreview;
                if (kind != Sniffed.Tiff || looksRaw || RawExtensions.Contains(Path.GetExtension(path)))
                    throw new ThumbnailException("RAW file has no usable embedded JPEG preview (sensor data is not decoded)");
                // A plain TIFF (no JPEG inside, no RAW markers): ffmpeg's TIFF decoder.
                var bmp = await FfmpegStill(path, o, ct, "TIFF").ConfigureAwait(false);
                int orient = orientation != 0 ? orientation : tiffOrientation != 0 ? tiffOrientation : 1;
                return FromBitmap(bmp, orient, "ffmpeg-tiff");
            }
            case Sniffed.Jxl:
            {
                var bmp = await FfmpegStill(path, o, ct, "JPEG XL").ConfigureAwait(false);
                return FromBitmap(bmp, orientation == 0 ? 1 : orientation, "ffmpeg-jxl");
            }
            case Sniffed.IsoBmffOther:
                throw new ThumbnailException("file is an ISO-BMFF (MP4/MOV/3GP) container, not a still image");
            case Sniffed.Jpeg when TurboJpeg.Available:
                return DecodeJpegFile(path, orientation, o);
            default:
            {
                SKCodec? codec;
                SKCodecResult result;
                try { codec = SKCodec.Create(path, out result); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                { throw new ThumbnailException($"cannot read the source file: {e.Message}", e); }
                if (codec is null)
                {
                    if (kind == Sniffed.Unknown && result == SKCodecResult.Unimplemented)
                    {
                        // Not a format Skia knows and not one sniffed above: let ffmpeg try (it knows many more).
                        var bmp = await FfmpegStill(path, o, ct, "unrecognised image format").ConfigureAwait(false);
                        return FromBitmap(bmp, orientation == 0 ? 1 : orientation, "ffmpeg-image");
                    }
                    throw new ThumbnailException($"{DescribeKind(kind)} cannot be decoded ({Describe(result)})");
                }
                using (codec) return DecodeWithSkia(codec, orientation, o, "skia");
            }
        }
    }

    static string DescribeKind(Sniffed k) => k switch
    {
        Sniffed.Unknown => "file is not a recognised image and",
        Sniffed.Jpeg => "JPEG",
        Sniffed.Png => "PNG",
        Sniffed.Gif => "GIF",
        Sniffed.Webp => "WebP",
        Sniffed.Bmp => "BMP",
        _ => "image",
    };

    static string Describe(SKCodecResult r) => r switch
    {
        SKCodecResult.IncompleteInput => "the data ends before the image does: truncated file",
        SKCodecResult.InvalidInput => "invalid or unsupported data",
        SKCodecResult.ErrorInInput => "corrupt data",
        SKCodecResult.Unimplemented => "unsupported format or feature",
        SKCodecResult.InvalidConversion => "unsupported pixel format",
        SKCodecResult.InvalidScale => "unsupported scale",
        SKCodecResult.InvalidParameters => "invalid parameters",
        SKCodecResult.CouldNotRewind => "stream cannot rewind",
        SKCodecResult.InternalError => "internal decoder error",
        _ => "decoder error",
    };

    static async Task<SKBitmap> FfmpegStill(string path, ThumbnailOptions o, CancellationToken ct, string what)
    {
        try { return await FfmpegFrames.StillFrameAsync(path, o.PreviewSize, o.MaxPixels, ct).ConfigureAwait(false); }
        catch (ThumbnailException e) { throw new ThumbnailException($"{what}: {e.Message}", e); }
    }

    static Decoded DecodeHeif(string path, ThumbnailOptions o)
    {
        LibHeif.Image img;
        try { img = LibHeif.Decode(path, o.MaxPixels); }
        catch (DllNotFoundException e)
        {
            throw new ThumbnailException("HEIC/HEIF/AVIF decoding needs libheif (Debian package libheif1), which is not installed", e);
        }
        try
        {
            var cs = SKColorSpace.CreateSrgb();
            if (img.Icc is { } icc)
            {
                using var data = SKData.CreateCopy(icc);
                cs = SKColorSpace.CreateIcc(data) ?? cs; // unreadable profile: assume sRGB
            }
            var info = new SKImageInfo(img.Width, img.Height, SKColorType.Rgba8888,
                img.HasAlpha ? SKAlphaType.Unpremul : SKAlphaType.Opaque, cs);
            var pm = new SKPixmap(info, img.Pixels, img.Stride);
            // libheif already applied irot/imir: EXIF orientation inside HEIF must not be applied again.
            return new Decoded(pm, 1, "libheif", img);
        }
        catch
        {
            img.Dispose();
            throw;
        }
    }

    /// <summary>Camera RAW extensions: a TIFF-structured file with one of these is never decoded as a plain TIFF
    /// (its main image is sensor data, ffmpeg would render noise or placeholders).</summary>
    static readonly HashSet<string> RawExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".3fr", ".ari", ".arw", ".cap", ".cin", ".cr2", ".cr3", ".crw", ".dcr", ".dng", ".erf", ".fff", ".iiq", ".k25",
        ".kdc", ".mrw", ".nef", ".nrw", ".orf", ".ori", ".pef", ".raf", ".raw", ".rw2", ".rwl", ".sr2", ".srf", ".srw", ".x3f",
    };

    static (Decoded? Decoded, bool LooksRaw, int Orientation) DecodeRawPreview(string path, int orientation, ThumbnailOptions o)
    {
        RawPreview.Result found;
        byte[] jpeg;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            found = RawPreview.Find(fs);
            if (found.Best is null) return (null, found.LooksRaw, found.Orientation);
            jpeg = new byte[found.Best.Length];
            fs.Position = found.Best.Offset;
            fs.ReadExactly(jpeg);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ThumbnailException($"cannot read the source file: {e.Message}", e); }

        // Orientation: metadata's value, else the RAW's own IFD0 tag (the preview JPEG usually carries none), else the
        // preview's EXIF (read by the codec).
        int orient = orientation != 0 ? orientation : found.Orientation;
        try
        {
            return (DecodeJpegBytes(jpeg, jpeg.Length, orient, o, "raw-preview-" + found.Best.Container + "-"), true, orient);
        }
        catch (ThumbnailException e) when (!e.Message.Contains("limit", StringComparison.Ordinal))
        {
            throw new ThumbnailException($"embedded {found.Best.Container} preview is not a decodable JPEG ({e.Message})", e);
        }
    }

    /// <summary>Largest JPEG read into memory for TurboJPEG (bigger files go through Skia's streaming decoder).</summary>
    const long MaxJpegBytesInMemory = 256L * 1024 * 1024;

    static Decoded DecodeJpegFile(string path, int orientation, ThumbnailOptions o)
    {
        byte[] buf;
        int len;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            if (fs.Length > MaxJpegBytesInMemory)
            {
                using var big = SKCodec.Create(fs) ?? throw new ThumbnailException("JPEG cannot be decoded (invalid or unsupported data)");
                return DecodeWithSkia(big, orientation, o, "skia");
            }
            len = (int)fs.Length;
            buf = System.Buffers.ArrayPool<byte>.Shared.Rent(len);
            try { fs.ReadExactly(buf, 0, len); }
            catch { System.Buffers.ArrayPool<byte>.Shared.Return(buf); throw; }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ThumbnailException($"cannot read the source file: {e.Message}", e); }
        try { return DecodeJpegBytes(buf, len, orientation, o, ""); }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(buf); }
    }

    /// <summary>JPEG bytes in memory: Skia parses the header (size, ICC profile, EXIF orientation); TurboJPEG decodes at
    /// the smallest M/8 scale whose short side still covers the preview; the buffer is tagged with the source colour
    /// space and converted to sRGB while the preview is resampled. CMYK/YCCK JPEGs and anything TurboJPEG rejects go
    /// through Skia's codec instead.</summary>
    static Decoded DecodeJpegBytes(byte[] buf, int len, int orientation, ThumbnailOptions o, string prefix)
    {
        using var codec = SKCodec.Create(new MemoryStream(buf, 0, len, writable: false), out var result)
            ?? throw new ThumbnailException($"JPEG cannot be decoded ({Describe(result)})");
        var src = codec.Info;
        if (src.Width <= 0 || src.Height <= 0) throw new ThumbnailException($"image has an invalid size {src.Width}x{src.Height}");
        long pixels = (long)src.Width * src.Height;
        if (pixels > o.MaxPixels)
            throw new ThumbnailException($"image is {src.Width}x{src.Height} = {pixels} pixels, above the limit of {o.MaxPixels}");
        string skiaPrefix = prefix.Length == 0 ? "skia" : prefix + "skia";
        if (!TurboJpeg.Available || !TurboJpeg.TryReadHeader(buf, len, out int w, out int h) || w != src.Width || h != src.Height)
            return DecodeWithSkia(codec, orientation, o, skiaPrefix);

        int target = Math.Min(o.PreviewSize, Math.Min(w, h));
        int num = 8;
        for (int k = 1; k <= 8; k++)
            if (Math.Min(TurboJpeg.Scaled(w, k), TurboJpeg.Scaled(h, k)) >= target) { num = k; break; }
        int sw = TurboJpeg.Scaled(w, num), sh = TurboJpeg.Scaled(h, num);

        var colorType = SKImageInfo.PlatformColorType;
        int pixelFormat = colorType == SKColorType.Bgra8888 ? TurboJpeg.PixelFormatBgra : TurboJpeg.PixelFormatRgba;
        var cs = src.ColorSpace ?? SKColorSpace.CreateSrgb();
        var info = new SKImageInfo(sw, sh, colorType, SKAlphaType.Opaque, cs);
        var bmp = new SKBitmap();
        try
        {
            if (!bmp.TryAllocPixels(info)) throw new ThumbnailException($"cannot allocate a {sw}x{sh} decode buffer");
            if (!TurboJpeg.Decode(buf, len, bmp.GetPixels(), sw, sh, bmp.RowBytes, pixelFormat, out bool partial, out _))
                return DecodeWithSkia(codec, orientation, o, skiaPrefix); // fatal for TurboJPEG: let Skia try (and explain)
            int orient = orientation != 0 ? orientation : OriginToExif(codec.EncodedOrigin);
            var decoded = FromBitmap(bmp, orient, prefix + "turbojpeg" + (partial ? "-partial" : ""));
            bmp = null;
            return decoded;
        }
        finally { bmp?.Dispose(); }
    }

    /// <summary>Decodes with a Skia codec into a preview-sized-or-larger buffer (DCT/WebP scaling when it helps), in sRGB.</summary>
    static Decoded DecodeWithSkia(SKCodec codec, int orientation, ThumbnailOptions o, string prefix)
    {
        var src = codec.Info;
        if (src.Width <= 0 || src.Height <= 0) throw new ThumbnailException($"image has an invalid size {src.Width}x{src.Height}");
        long pixels = (long)src.Width * src.Height;
        if (pixels > o.MaxPixels)
            throw new ThumbnailException($"image is {src.Width}x{src.Height} = {pixels} pixels, above the limit of {o.MaxPixels}");

        var format = codec.EncodedFormat;
        int w = src.Width, h = src.Height;
        int shortSide = Math.Min(w, h);
        if (shortSide > o.PreviewSize && format is SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Webp)
        {
            // Smallest decoder scale whose short side still covers the preview: never decode at full size when the
            // decoder can scale for free (libjpeg's M/8 IDCT scaling, libwebp's scaled decode).
            var scaled = codec.GetScaledDimensions((float)o.PreviewSize / shortSide);
            if (Math.Min(scaled.Width, scaled.Height) >= o.PreviewSize && scaled.Width <= w && scaled.Height <= h)
            {
                w = scaled.Width;
                h = scaled.Height;
            }
        }

        var alpha = src.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul;
        var info = new SKImageInfo(w, h, SKImageInfo.PlatformColorType, alpha, SKColorSpace.CreateSrgb());
        var bmp = new SKBitmap();
        try
        {
            if (!bmp.TryAllocPixels(info)) throw new ThumbnailException($"cannot allocate a {w}x{h} decode buffer");
            var result = codec.GetPixels(info, bmp.GetPixels(), bmp.RowBytes, new SKCodecOptions(0));
            // Truncated or partly corrupt data still yields an image (Skia fills the rows it could not decode), as
            // libvips does with fail-on=none; anything else is an error.
            if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput))
                throw new ThumbnailException($"{format} image cannot be decoded ({Describe(result)})");
            int orient = orientation != 0 ? orientation : OriginToExif(codec.EncodedOrigin);
            string suffix = result == SKCodecResult.Success ? "" : "-partial";
            var decoded = FromBitmap(bmp, orient, $"{prefix}-{format.ToString().ToLowerInvariant()}{suffix}");
            bmp = null;
            return decoded;
        }
        finally { bmp?.Dispose(); }
    }

    static int OriginToExif(SKEncodedOrigin o) => o switch
    {
        SKEncodedOrigin.TopLeft => 1,
        SKEncodedOrigin.TopRight => 2,
        SKEncodedOrigin.BottomRight => 3,
        SKEncodedOrigin.BottomLeft => 4,
        SKEncodedOrigin.LeftTop => 5,
        SKEncodedOrigin.RightTop => 6,
        SKEncodedOrigin.RightBottom => 7,
        SKEncodedOrigin.LeftBottom => 8,
        _ => 1,
    };

    // ======================================================================== deriving

    static ThumbnailResult Derive(Decoded d, string previewPath, string thumbnailPath, ThumbnailOptions o)
    {
        var src = d.Pixmap;
        bool swap = d.Orientation >= 5;
        int ow = swap ? src.Height : src.Width, oh = swap ? src.Width : src.Height;
        var (pw, ph) = FitShortSide(ow, oh, o.PreviewSize);
        bool opaque = src.AlphaType == SKAlphaType.Opaque;

        using var preview = Render(src, d.Orientation, pw, ph, opaque);
        var (tw, th) = FitShortSide(pw, ph, o.ThumbnailSize);
        using var previewPm = preview.PeekPixels();
        using var thumb = Render(previewPm, 1, tw, th, opaque);
        var (hw, hh) = FitInside(tw, th, 100);
        using var thumbPm = thumb.PeekPixels();
        byte[] hash;
        using (var small = Render(thumbPm, 1, hw, hh, opaque))
        using (var rgba = new SKBitmap(new SKImageInfo(hw, hh, SKColorType.Rgba8888, SKAlphaType.Unpremul, SKColorSpace.CreateSrgb())))
        {
            using var rgbaPm = rgba.PeekPixels();
            using var smallPm = small.PeekPixels();
            if (!smallPm.ReadPixels(rgbaPm)) throw new ThumbnailException("ThumbHash conversion failed");
            hash = ThumbHash.Encode(hw, hh, rgba.GetPixelSpan());
        }

        var jpeg = EncodeJpeg(previewPm, opaque, o.PreviewQuality, o.PreviewChroma444);
        byte[] webp;
        using (var webpData = thumbPm.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, o.ThumbnailQuality))
                              ?? throw new ThumbnailException("WebP encoding failed"))
            webp = webpData.ToArray();
        WriteBoth(previewPath, jpeg, thumbnailPath, webp);
        return new ThumbnailResult(pw, ph, tw, th, hash, d.Decoder);
    }

    /// <summary>JPEG, 4:2:0 unless <see cref="ThumbnailOptions.PreviewChroma444"/>; transparent sources are flattened
    /// onto white first (JPEG has no alpha).</summary>
    static byte[] EncodeJpeg(SKPixmap pm, bool opaque, int quality, bool chroma444)
    {
        var opts = new SKJpegEncoderOptions(quality,
            chroma444 ? SKJpegEncoderDownsample.Downsample444 : SKJpegEncoderDownsample.Downsample420,
            SKJpegEncoderAlphaOption.Ignore);
        if (opaque) return EncodeJpegPixmap(pm, opts, quality, chroma444);
        using var flat = new SKBitmap(new SKImageInfo(pm.Width, pm.Height, SKImageInfo.PlatformColorType, SKAlphaType.Opaque, SKColorSpace.CreateSrgb()));
        using (var canvas = new SKCanvas(flat))
        using (var img = SKImage.FromPixels(pm))
        {
            canvas.Clear(SKColors.White);
            canvas.DrawImage(img, 0, 0, Bilinear);
        }
        using var flatPm = flat.PeekPixels();
        return EncodeJpegPixmap(flatPm, opts, quality, chroma444);
    }

    static byte[] EncodeJpegPixmap(SKPixmap pm, SKJpegEncoderOptions opts, int quality, bool chroma444)
    {
        if (TurboJpeg.Available && pm.ColorType is SKColorType.Bgra8888 or SKColorType.Rgba8888)
        {
            var bytes = TurboJpeg.Encode(pm.GetPixels(), pm.Width, pm.Height, pm.RowBytes,
                pm.ColorType == SKColorType.Bgra8888 ? TurboJpeg.PixelFormatBgra : TurboJpeg.PixelFormatRgba, quality, chroma444);
            if (bytes is not null) return bytes;
        }
        using var data = pm.Encode(opts) ?? throw new ThumbnailException("JPEG encoding failed");
        return data.ToArray();
    }

    internal static (int W, int H) FitShortSide(int w, int h, int shortTarget)
    {
        int s = Math.Min(w, h);
        if (s <= shortTarget) return (w, h);
        double k = (double)shortTarget / s;
        return w <= h
            ? (shortTarget, Math.Max(1, (int)Math.Round(h * k)))
            : (Math.Max(1, (int)Math.Round(w * k)), shortTarget);
    }

    internal static (int W, int H) FitInside(int w, int h, int box)
    {
        int l = Math.Max(w, h);
        if (l <= box) return (w, h);
        double k = (double)box / l;
        return (Math.Max(1, (int)Math.Round(w * k)), Math.Max(1, (int)Math.Round(h * k)));
    }

    static readonly SKSamplingOptions Bilinear = new(SKFilterMode.Linear, SKMipmapMode.None);

    /// <summary>Resamples <paramref name="src"/> (stored orientation) into a new dw×dh sRGB bitmap with
    /// <paramref name="orientation"/> applied. Large reductions first halve with 2×2 box filtering (exact with bilinear
    /// at a factor of 2) so no source pixel is skipped; the last step is bilinear at a factor below 2.</summary>
    static SKBitmap Render(SKPixmap src, int orientation, int dw, int dh, bool opaque)
    {
        bool swap = orientation >= 5;
        int targetW = swap ? dh : dw, targetH = swap ? dw : dh; // target in stored orientation
        SKBitmap? step = null;
        try
        {
            var cur = src;
            while (cur.Width >= targetW * 2 && cur.Height >= targetH * 2)
            {
                var next = new SKBitmap(new SKImageInfo(cur.Width / 2, cur.Height / 2, SKImageInfo.PlatformColorType,
                    opaque ? SKAlphaType.Opaque : SKAlphaType.Premul, cur.ColorSpace ?? SKColorSpace.CreateSrgb()));
                using var nextPm = next.PeekPixels();
                if (!cur.ScalePixels(nextPm, Bilinear)) { next.Dispose(); throw new ThumbnailException("resampling failed"); }
                if (step is not null) { cur.Dispose(); step.Dispose(); }
                step = next;
                cur = next.PeekPixels();
            }

            var dst = new SKBitmap(new SKImageInfo(dw, dh, SKImageInfo.PlatformColorType,
                opaque ? SKAlphaType.Opaque : SKAlphaType.Premul, SKColorSpace.CreateSrgb()));
            try
            {
                using var canvas = new SKCanvas(dst);
                if (!opaque) canvas.Clear(SKColors.Transparent);
                canvas.SetMatrix(OrientationMatrix(orientation, cur.Width, cur.Height, dw, dh));
                using var img = SKImage.FromPixels(cur) ?? throw new ThumbnailException("resampling failed");
                using var paint = new SKPaint { BlendMode = SKBlendMode.Src };
                canvas.DrawImage(img, 0, 0, Bilinear, paint);
                canvas.Flush();
            }
            catch
            {
                dst.Dispose();
                throw;
            }
            if (step is not null) cur.Dispose();
            return dst;
        }
        finally { step?.Dispose(); }
    }

    /// <summary>Maps stored pixel coordinates (W×H) to display coordinates for EXIF orientation 1..8, scaled to dw×dh.</summary>
    internal static SKMatrix OrientationMatrix(int orientation, int w, int h, int dw, int dh)
    {
        bool swap = orientation >= 5;
        float sx = (float)dw / (swap ? h : w), sy = (float)dh / (swap ? w : h);
        // rows: x' = a x + b y + c ; y' = d x + e y + f  (before scaling)
        (float a, float b, float c, float d, float e, float f) = orientation switch
        {
            2 => (-1f, 0f, w, 0f, 1f, 0f),          // mirror horizontal
            3 => (-1f, 0f, w, 0f, -1f, h),          // rotate 180
            4 => (1f, 0f, 0f, 0f, -1f, h),          // mirror vertical
            5 => (0f, 1f, 0f, 1f, 0f, 0f),          // transpose
            6 => (0f, -1f, h, 1f, 0f, 0f),          // rotate 90 CW
            7 => (0f, -1f, h, -1f, 0f, w),          // transverse
            8 => (0f, 1f, 0f, -1f, 0f, w),          // rotate 270 CW
            _ => (1f, 0f, 0f, 0f, 1f, 0f),
        };
        return new SKMatrix(a * sx, b * sx, c * sx, d * sy, e * sy, f * sy, 0, 0, 1);
    }

    // ======================================================================== writing

    /// <summary>Writes both files through temporary names in their target folders and renames them into place, so a
    /// reader never sees a partial file; on any failure neither temporary nor (newly written) target is left behind.</summary>
    static void WriteBoth(string previewPath, byte[] preview, string thumbPath, byte[] thumb)
    {
        string? tmpPreview = null, tmpThumb = null;
        bool previewMoved = false;
        try
        {
            tmpPreview = WriteTemp(previewPath, preview);
            tmpThumb = WriteTemp(thumbPath, thumb);
            File.Move(tmpPreview, previewPath, overwrite: true);
            previewMoved = true;
            tmpPreview = null;
            File.Move(tmpThumb, thumbPath, overwrite: true);
            tmpThumb = null;
        }
        catch
        {
            StorageLayout.TryDelete(tmpPreview);
            StorageLayout.TryDelete(tmpThumb);
            if (previewMoved) StorageLayout.TryDelete(previewPath);
            throw;
        }
    }

    static string WriteTemp(string target, byte[] data)
    {
        var full = Path.GetFullPath(target);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
            fs.Write(data);
        }
        catch
        {
            StorageLayout.TryDelete(tmp);
            throw;
        }
        return tmp;
    }
}
