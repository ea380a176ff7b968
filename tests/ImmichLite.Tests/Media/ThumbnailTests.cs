using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.InteropServices;
using ImmichLite.Media.Thumbnails;
using SkiaSharp;

namespace ImmichLite.Tests.Media;

/// <summary>
/// Thumbnail generation over the real-world corpus in ../shared/testdata/media (see its MANIFEST.md). Synthetic inputs
/// (bomb headers, 12-MP JPEGs) are generated into a temporary folder by the tests themselves.
/// </summary>
public sealed class ThumbnailTests : IDisposable
{
    static readonly ThumbnailOptions Defaults = new();
    readonly string _tmp = Path.Combine(Path.GetTempPath(), "immichlite-thumbs-" + Guid.NewGuid().ToString("N"));
    readonly ThumbnailGenerator _gen = new();

    public ThumbnailTests() => Directory.CreateDirectory(_tmp);

    public void Dispose()
    {
        try { Directory.Delete(_tmp, recursive: true); } catch (IOException) { }
    }

    static readonly Lazy<string> CorpusDir = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ImmichLite.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException($"ImmichLite.sln not found above {AppContext.BaseDirectory}");
        var media = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "testdata", "media"));
        if (!File.Exists(Path.Combine(media, "MANIFEST.md")))
            throw new InvalidOperationException(
                $"The media test corpus is missing: expected {media}/MANIFEST.md (../shared/testdata/media beside the repository).");
        return media;
    });

    static string Corpus(string relative)
    {
        var p = Path.Combine(CorpusDir.Value, relative);
        Assert.True(File.Exists(p), $"corpus file missing: {p}");
        return p;
    }

    static string[] CorpusFolder(string folder) =>
        Directory.GetFiles(Path.Combine(CorpusDir.Value, folder)).Order(StringComparer.Ordinal).ToArray();

    sealed record Output(ThumbnailResult Result, string Preview, string Thumbnail);

    async Task<Output> Generate(string source, bool isVideo = false, string? orientation = null, ThumbnailOptions? options = null, string? tag = null)
    {
        var name = tag ?? Path.GetFileNameWithoutExtension(source);
        var dir = Path.Combine(_tmp, name, "a", "b"); // nested: the generator must create folders
        var preview = Path.Combine(dir, name + "-preview.jpeg");
        var thumb = Path.Combine(dir, name + "-thumbnail.webp");
        var res = await _gen.GenerateAsync(source, isVideo, orientation, preview, thumb, options ?? Defaults, CancellationToken.None);
        return new Output(res, preview, thumb);
    }

    // ------------------------------------------------------------------ helpers on output files

    static void AssertJpeg(string path)
    {
        var b = File.ReadAllBytes(path);
        Assert.True(b.Length > 100 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF, $"{path} is not a JPEG");
        Assert.True(b[^2] == 0xFF && b[^1] == 0xD9, $"{path} does not end with EOI");
    }

    static void AssertWebp(string path)
    {
        var b = File.ReadAllBytes(path);
        Assert.True(b.Length > 20 && b.AsSpan(0, 4).SequenceEqual("RIFF"u8) && b.AsSpan(8, 4).SequenceEqual("WEBP"u8), $"{path} is not a WebP");
        Assert.Equal(b.Length - 8, (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(4)));
    }

    static (int W, int H) ImageSize(string path)
    {
        using var codec = SKCodec.Create(path);
        Assert.NotNull(codec);
        return (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>Decodes a file and scales it to w×h RGBA (unpremultiplied, sRGB).</summary>
    static byte[] Pixels(string path, int w, int h, int frame = 0)
    {
        using var codec = SKCodec.Create(path);
        Assert.NotNull(codec);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        using var full = new SKBitmap(info);
        var r = codec.GetPixels(info, full.GetPixels(), full.RowBytes, new SKCodecOptions(frame));
        Assert.True(r is SKCodecResult.Success or SKCodecResult.IncompleteInput, $"decode {path}: {r}");
        return Scale(full, w, h);
    }

    static byte[] Scale(SKBitmap src, int w, int h)
    {
        using var dst = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul, SKColorSpace.CreateSrgb()));
        Assert.True(src.PeekPixels().ScalePixels(dst.PeekPixels(), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)));
        return dst.GetPixelSpan().ToArray();
    }

    /// <summary>Mean absolute difference per channel (RGB), 0..255.</summary>
    static double MeanAbsDiff(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        long sum = 0;
        int n = 0;
        for (int i = 0; i < a.Length; i += 4)
            for (int c = 0; c < 3; c++) { sum += Math.Abs(a[i + c] - b[i + c]); n++; }
        return (double)sum / n;
    }

    static (double R, double G, double B) MeanColor(byte[] rgba)
    {
        double r = 0, g = 0, b = 0;
        int n = rgba.Length / 4;
        for (int i = 0; i < rgba.Length; i += 4) { r += rgba[i]; g += rgba[i + 1]; b += rgba[i + 2]; }
        return (r / n / 255, g / n / 255, b / n / 255);
    }

    static void AssertShortSides(Output o, int sourceShortSide)
    {
        var r = o.Result;
        Assert.Equal(Math.Min(sourceShortSide, Defaults.PreviewSize), Math.Min(r.PreviewWidth, r.PreviewHeight));
        Assert.Equal(Math.Min(Math.Min(sourceShortSide, Defaults.PreviewSize), Defaults.ThumbnailSize), Math.Min(r.ThumbnailWidth, r.ThumbnailHeight));
        AssertJpeg(o.Preview);
        AssertWebp(o.Thumbnail);
        Assert.Equal((r.PreviewWidth, r.PreviewHeight), ImageSize(o.Preview));
        Assert.Equal((r.ThumbnailWidth, r.ThumbnailHeight), ImageSize(o.Thumbnail));
        // aspect ratio preserved between preview and thumbnail (within rounding)
        Assert.InRange((double)r.ThumbnailWidth / r.ThumbnailHeight, (double)r.PreviewWidth / r.PreviewHeight * 0.98, (double)r.PreviewWidth / r.PreviewHeight * 1.02);
        AssertNoTempFiles(Path.GetDirectoryName(o.Preview)!);
    }

    static void AssertNoTempFiles(string dir)
    {
        if (!Directory.Exists(dir)) return;
        var temps = Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".tmp", StringComparison.Ordinal)).ToArray();
        Assert.True(temps.Length == 0, "temporary files left: " + string.Join(", ", temps));
    }

    static void AssertHashMatchesPreview(Output o)
    {
        var hash = o.Result.Thumbhash;
        Assert.InRange(hash.Length, 5, 40);
        var (w, h, rgba) = ThumbHash.ToRgba(hash);
        Assert.Equal(w * h * 4, rgba.Length);
        double aspect = (double)o.Result.PreviewWidth / o.Result.PreviewHeight;
        double decodedAspect = (double)w / h;
        // ThumbHash stores the aspect ratio coarsely (as its DCT term counts): same orientation and within ~35%.
        Assert.Equal(aspect >= 1, decodedAspect >= 1 || Math.Abs(aspect - 1) < 0.15);
        Assert.InRange(decodedAspect / aspect, 0.65, 1.5);
        var previewAvg = MeanColor(Pixels(o.Preview, 32, 32));
        var hashAvg = ThumbHash.AverageRgba(hash);
        Assert.True(Math.Abs(previewAvg.R - hashAvg.R) < 0.08 && Math.Abs(previewAvg.G - hashAvg.G) < 0.08 && Math.Abs(previewAvg.B - hashAvg.B) < 0.08,
            $"thumbhash average {hashAvg} vs preview average {previewAvg}");
        var decodedAvg = MeanColor(rgba);
        Assert.True(Math.Abs(previewAvg.R - decodedAvg.R) < 0.1 && Math.Abs(previewAvg.G - decodedAvg.G) < 0.1 && Math.Abs(previewAvg.B - decodedAvg.B) < 0.1,
            $"decoded thumbhash average {decodedAvg} vs preview average {previewAvg}");
    }

    // ------------------------------------------------------------------ orientation

    [Fact]
    public async Task All_eight_exif_orientations_render_the_same_landscape_picture()
    {
        var files = CorpusFolder("orientation").Where(f => Path.GetFileName(f).StartsWith("landscape_orientation-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(8, files.Length);
        var outputs = new List<Output>();
        foreach (var f in files) outputs.Add(await Generate(f));
        byte[]? reference = null, referenceThumb = null;
        foreach (var o in outputs)
        {
            Assert.Equal((600, 450), (o.Result.PreviewWidth, o.Result.PreviewHeight));
            Assert.Equal((333, 250), (o.Result.ThumbnailWidth, o.Result.ThumbnailHeight));
            AssertShortSides(o, 450);
            var px = Pixels(o.Preview, 64, 48);
            var tpx = Pixels(o.Thumbnail, 64, 48);
            reference ??= px;
            referenceThumb ??= tpx;
            double diff = MeanAbsDiff(reference, px), tdiff = MeanAbsDiff(referenceThumb, tpx);
            Assert.True(diff < 6, $"{Path.GetFileName(o.Preview)} differs from orientation 1 by {diff:0.0}/255 on average");
            Assert.True(tdiff < 6, $"{Path.GetFileName(o.Thumbnail)} differs from orientation 1 by {tdiff:0.0}/255 on average");
        }
        // control: without applying orientation, orientation-3 must differ a lot (the comparison above is meaningful)
        var upsideDown = Pixels(files.Single(f => f.Contains("orientation-3", StringComparison.Ordinal)), 64, 48);
        Assert.True(MeanAbsDiff(reference!, upsideDown) > 20);
    }

    [Fact]
    public async Task Explicit_orientation_argument_overrides_the_file()
    {
        var f = Corpus("orientation/landscape_orientation-1_normal.jpg");
        var o = await Generate(f, orientation: "6", tag: "forced6");
        Assert.Equal((450, 600), (o.Result.PreviewWidth, o.Result.PreviewHeight));
        var invalid = await Generate(f, orientation: "0", tag: "invalid0");
        Assert.Equal((600, 450), (invalid.Result.PreviewWidth, invalid.Result.PreviewHeight));
    }

    [Fact]
    public async Task Camera_written_orientation_6_becomes_portrait()
    {
        var o = await Generate(Corpus("orientation/canon-sx60hs_orientation-6_camera-written.jpg"));
        Assert.Equal((1440, 1920), (o.Result.PreviewWidth, o.Result.PreviewHeight));
        Assert.Equal((250, 333), (o.Result.ThumbnailWidth, o.Result.ThumbnailHeight));
        AssertShortSides(o, 1536);
        AssertHashMatchesPreview(o);
        Assert.True(ThumbHash.ApproximateAspectRatio(o.Result.Thumbhash) < 1);
    }

    [Fact]
    public async Task Invalid_orientation_0_is_treated_as_normal()
    {
        var o = await Generate(Corpus("orientation/huawei-ele-l29_orientation-0-invalid.jpg"));
        Assert.Equal((500, 375), (o.Result.PreviewWidth, o.Result.PreviewHeight));
    }

    // ------------------------------------------------------------------ sizes, formats, thumbhash

    [Fact]
    public async Task Every_corpus_jpeg_gets_correct_sizes_formats_and_thumbhash()
    {
        foreach (var f in CorpusFolder("jpeg").Concat(CorpusFolder("panorama")))
        {
            var o = await Generate(f);
            var (w, h) = ImageSize(f);
            AssertShortSides(o, Math.Min(w, h));
            AssertHashMatchesPreview(o);
            Assert.True(o.Result.Decoder is "turbojpeg" or "skia-jpeg", o.Result.Decoder);
        }
    }

    [Fact]
    public async Task Small_images_are_never_enlarged()
    {
        var o = await Generate(Corpus("jpeg/canon-eos40d_dslr-exif_gimp-resized.jpg"));
        Assert.Equal((100, 68, 100, 68), (o.Result.PreviewWidth, o.Result.PreviewHeight, o.Result.ThumbnailWidth, o.Result.ThumbnailHeight));
        AssertShortSides(o, 68);
        AssertHashMatchesPreview(o);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Twelve_megapixel_jpeg_is_decoded_scaled_not_at_full_resolution(bool turbo)
    {
        var src = Path.Combine(_tmp, "12mp.jpg");
        WriteNoiseJpeg(src, 4000, 3000);
        bool was = TurboJpeg.Enabled;
        TurboJpeg.Enabled = turbo;
        try
        {
            var (w, h, _, decoder) = await ThumbnailGenerator.DecodeOnlyAsync(src, false, null, Defaults, CancellationToken.None);
            if (turbo) Assert.True(TurboJpeg.Available, "libturbojpeg0 (Debian package) is not installed");
            Assert.Equal(turbo ? "turbojpeg" : "skia-jpeg", decoder);
            // libjpeg M/8 scaling: 4/8 of 4000x3000 is 2000x1500, the smallest scale whose short side covers 1440
            // (3/8 would give a 1125 short side); the full 12-MP bitmap is never allocated.
            Assert.Equal((2000, 1500), (w, h));
            var o = await Generate(src, tag: "12mp-" + turbo);
            Assert.Equal((1920, 1440, 333, 250), (o.Result.PreviewWidth, o.Result.PreviewHeight, o.Result.ThumbnailWidth, o.Result.ThumbnailHeight));
            AssertShortSides(o, 3000);
            AssertHashMatchesPreview(o);
            // both decoders render the same picture
            var p3 = await Generate(Corpus("jpeg/nikon-d800e_display-p3-icc.jpg"), tag: "p3-" + turbo);
            Assert.True(MeanAbsDiff(Pixels(p3.Preview, 60, 40), Pixels(Corpus("jpeg/nikon-d800e_display-p3-icc.jpg"), 60, 40)) < 4);
            var o6 = await Generate(Corpus("orientation/canon-sx60hs_orientation-6_camera-written.jpg"), tag: "o6-" + turbo);
            Assert.Equal((1440, 1920), (o6.Result.PreviewWidth, o6.Result.PreviewHeight));
        }
        finally { TurboJpeg.Enabled = was; }
    }

    static void WriteNoiseJpeg(string path, int w, int h)
    {
        using var bmp = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bmp))
        {
            using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(w, h),
                [SKColors.OrangeRed, SKColors.SteelBlue, SKColors.ForestGreen], SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = shader };
            canvas.DrawRect(0, 0, w, h, paint);
        }
        using var data = bmp.PeekPixels().Encode(new SKJpegEncoderOptions(85));
        File.WriteAllBytes(path, data.ToArray());
    }

    [Fact]
    public async Task Display_p3_profile_is_converted_to_srgb()
    {
        var f = Corpus("jpeg/nikon-d800e_display-p3-icc.jpg");
        var o = await Generate(f);
        // Decoding the same file WITHOUT colour management (pixels read as if they were sRGB) must differ from ours.
        using var codec = SKCodec.Create(f);
        var raw = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul, null);
        using var unmanaged = new SKBitmap(raw);
        Assert.Equal(SKCodecResult.Success, codec.GetPixels(raw, unmanaged.GetPixels(), unmanaged.RowBytes, new SKCodecOptions(0)));
        using var unmanagedSrgb = new SKBitmap(new SKImageInfo(raw.Width, raw.Height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb()));
        Marshal.Copy(unmanaged.Bytes, 0, unmanagedSrgb.GetPixels(), unmanaged.ByteCount);
        var naive = Scale(unmanagedSrgb, 60, 40);
        var ours = Pixels(o.Preview, 60, 40);
        var managed = Pixels(f, 60, 40); // Skia colour-managed decode of the original as the reference
        Assert.True(MeanAbsDiff(ours, managed) < 4, "preview should match a colour-managed decode");
        Assert.True(MeanAbsDiff(ours, naive) > MeanAbsDiff(ours, managed) + 1, "preview looks like P3 values shown as sRGB (no conversion)");
    }

    [Fact]
    public void Thumbhash_encoder_round_trips_synthetic_images()
    {
        // 100x50 solid colour: aspect 2, average = that colour
        var rgba = new byte[100 * 50 * 4];
        for (int i = 0; i < rgba.Length; i += 4) { rgba[i] = 200; rgba[i + 1] = 40; rgba[i + 2] = 60; rgba[i + 3] = 255; }
        var hash = ThumbHash.Encode(100, 50, rgba);
        Assert.InRange(ThumbHash.ApproximateAspectRatio(hash), 1.7, 2.5);
        var avg = ThumbHash.AverageRgba(hash);
        Assert.InRange(avg.R, 200 / 255.0 - 0.04, 200 / 255.0 + 0.04);
        Assert.InRange(avg.G, 40 / 255.0 - 0.04, 40 / 255.0 + 0.04);
        Assert.InRange(avg.B, 60 / 255.0 - 0.04, 60 / 255.0 + 0.04);
        Assert.Equal(1.0, avg.A);
        Assert.Equal(0, hash[2] & 0x80); // no alpha flag

        // left half transparent, right half blue: alpha flag set, decoded alpha low on the left, high on the right
        var half = new byte[40 * 40 * 4];
        for (int y = 0; y < 40; y++)
            for (int x = 20; x < 40; x++) { int i = (y * 40 + x) * 4; half[i + 2] = 255; half[i + 3] = 255; }
        var h2 = ThumbHash.Encode(40, 40, half);
        Assert.NotEqual(0, h2[2] & 0x80);
        var (w, h, px) = ThumbHash.ToRgba(h2);
        Assert.True(px[(h / 2 * w + 2) * 4 + 3] < 100 && px[(h / 2 * w + w - 3) * 4 + 3] > 150);
        Assert.True(px[(h / 2 * w + w - 3) * 4 + 2] > 150, "right side should decode blue");

        Assert.Throws<ArgumentOutOfRangeException>(() => ThumbHash.Encode(101, 10, new byte[101 * 10 * 4]));
    }

    // ------------------------------------------------------------------ other formats

    [Fact]
    public async Task Heic_and_heif_decode_through_libheif()
    {
        var files = CorpusFolder("heic").Append(Corpus("motionphoto/samsung-s22_motionphoto_offset+0530_gps.heic")).ToArray();
        foreach (var f in files)
        {
            Output o;
            try { o = await Generate(f); }
            catch (ThumbnailException e) when (e.InnerException is DllNotFoundException)
            {
                Assert.Fail($"HEIC needs libheif (Debian package libheif1) installed: {e.Message}");
                return;
            }
            Assert.Equal("libheif", o.Result.Decoder);
            Assert.Equal(1440, Math.Min(o.Result.PreviewWidth, o.Result.PreviewHeight));
            AssertShortSides(o, 1440);
            AssertHashMatchesPreview(o);
        }
        // iPhone 15 Pro portrait shot: stored as a rotated grid (irot), EXIF says 6 — rotation must be applied exactly once
        var portrait = await Generate(Corpus("heic/apple-iphone15pro_offset+0100_gps_orientation-6.heic"), orientation: "6", tag: "heic-o6");
        Assert.Equal((1440, 1920), (portrait.Result.PreviewWidth, portrait.Result.PreviewHeight));
        var landscape = await Generate(Corpus("heic/apple-iphone7_gps.heic"), tag: "heic-land");
        Assert.Equal((1920, 1440), (landscape.Result.PreviewWidth, landscape.Result.PreviewHeight));
    }

    [Fact]
    public async Task Raw_files_use_their_embedded_previews()
    {
        var dng = await Generate(Corpus("raw/canon-eos6d_lossy-linear.dng"));
        Assert.StartsWith("raw-preview-tiff", dng.Result.Decoder);
        Assert.Equal((1024, 683), (dng.Result.PreviewWidth, dng.Result.PreviewHeight));
        AssertShortSides(dng, 683);
        AssertHashMatchesPreview(dng);

        var cr3 = await Generate(Corpus("raw/canon-eos-r6_rawdata-pruned_offset+0200.cr3"));
        Assert.StartsWith("raw-preview-cr3", cr3.Result.Decoder);
        Assert.Equal((1620, 1080), (cr3.Result.PreviewWidth, cr3.Result.PreviewHeight));
        AssertShortSides(cr3, 1080);
        AssertHashMatchesPreview(cr3);
    }

    [Fact]
    public async Task Other_still_formats()
    {
        var webp = await Generate(Corpus("formats/htc-desire_exif-gps.webp"));
        Assert.Equal("skia-webp", webp.Result.Decoder);
        AssertShortSides(webp, 776);
        var png = await Generate(Corpus("formats/screenshot.png"));
        Assert.Equal("skia-png", png.Result.Decoder);
        AssertShortSides(png, 332);
        AssertHashMatchesPreview(png);
        var pngExif = await Generate(Corpus("formats/png-with-exif-chunk.png"));
        AssertShortSides(pngExif, 256);
        var avif = await Generate(Corpus("formats/canon-eos70d_exif.avif"));
        Assert.Equal((2160, 1440), (avif.Result.PreviewWidth, avif.Result.PreviewHeight));
        AssertShortSides(avif, 3648);
        AssertHashMatchesPreview(avif);
        var tiff = await Generate(Corpus("formats/exif-example.tiff"));
        Assert.Equal("ffmpeg-tiff", tiff.Result.Decoder);
        AssertShortSides(tiff, 43);
        var jxl = await Generate(Corpus("formats/nikon-d1x_exif_converted.jxl"));
        Assert.Equal("ffmpeg-jxl", jxl.Result.Decoder);
        Assert.Equal((200, 130), (jxl.Result.PreviewWidth, jxl.Result.PreviewHeight));
        AssertHashMatchesPreview(jxl);
    }

    [Theory]
    [InlineData("formats/animated_pythagoras.gif")]
    [InlineData("formats/animated_loop.webp")]
    public async Task Animated_images_use_their_first_frame(string file)
    {
        var f = Corpus(file);
        // near-lossless preview so small differences between frames are measurable
        var o = await Generate(f, options: Defaults with { PreviewQuality = 100, PreviewChroma444 = true });
        var (w, h) = ImageSize(f);
        Assert.Equal((w, h), (o.Result.PreviewWidth, o.Result.PreviewHeight)); // small: preview at source size
        AssertShortSides(o, Math.Min(w, h));
        var ours = Pixels(o.Preview, w, h);
        double toFirst = MeanAbsDiff(ours, Pixels(f, w, h, frame: 0));
        Assert.True(toFirst < 6, $"preview differs from frame 0 by {toFirst:0.0}");
        // control: some later frame looks different, and the preview does not match it
        using var codec = SKCodec.Create(f);
        int n = codec.FrameCount;
        Assert.True(n > 1);
        var later = new[] { 1, n / 4, n / 2, 3 * n / 4, n - 1 }.Distinct().Where(k => k > 0)
            .Select(k => (k, diff: MeanAbsDiff(ours, Pixels(f, w, h, frame: k)))).MaxBy(t => t.diff);
        Assert.True(later.diff > 1.3 * toFirst + 0.3, $"frame 0 ({toFirst:0.0}) should match better than frame {later.k} ({later.diff:0.0})");
    }

    // ------------------------------------------------------------------ video

    [Fact]
    public async Task Videos_get_poster_frames_with_rotation_applied()
    {
        foreach (var f in CorpusFolder("video").Append(Corpus("livephoto/apple-iphone6s_livephoto.mov")))
        {
            var o = await Generate(f, isVideo: true);
            Assert.Equal("ffmpeg-video", o.Result.Decoder);
            var r = o.Result;
            AssertJpeg(o.Preview);
            AssertWebp(o.Thumbnail);
            Assert.True(Math.Min(r.PreviewWidth, r.PreviewHeight) <= 1440);
            Assert.Equal((r.PreviewWidth, r.PreviewHeight), ImageSize(o.Preview));
            Assert.Equal((r.ThumbnailWidth, r.ThumbnailHeight), ImageSize(o.Thumbnail));
            Assert.Equal(Math.Min(250, Math.Min(r.PreviewWidth, r.PreviewHeight)), Math.Min(r.ThumbnailWidth, r.ThumbnailHeight));
            bool rotated90 = Path.GetFileName(f).Contains("rotation-90", StringComparison.Ordinal)
                             || Path.GetFileName(f).Contains("dolby-vision", StringComparison.Ordinal); // that MOV is rotation 90 too
            if (rotated90) Assert.True(r.PreviewHeight > r.PreviewWidth, $"{Path.GetFileName(f)} should be portrait, got {r.PreviewWidth}x{r.PreviewHeight}");
            else Assert.True(r.PreviewWidth > r.PreviewHeight, $"{Path.GetFileName(f)} should be landscape, got {r.PreviewWidth}x{r.PreviewHeight}");
            if (!f.Contains("pixel7", StringComparison.Ordinal)) AssertHashMatchesPreview(o); // the Pixel 7 clip is almost black
            AssertNoTempFiles(Path.GetDirectoryName(o.Preview)!);
        }
    }

    [Fact]
    public async Task Video_1080p_preview_is_not_enlarged()
    {
        var o = await Generate(Corpus("video/android-6.0.1_h264_gps.mp4"), isVideo: true);
        Assert.Equal((1920, 1080, 444, 250), (o.Result.PreviewWidth, o.Result.PreviewHeight, o.Result.ThumbnailWidth, o.Result.ThumbnailHeight));
    }

    [Fact]
    public async Task Anamorphic_video_is_shown_with_square_pixels()
    {
        // 720x480 storage with a 32:27 sample aspect ratio (NTSC 16:9) displays as 853x480.
        var clip = Path.Combine(_tmp, "anamorphic.mp4");
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=720x480:rate=10:duration=1",
                     "-vf", "setsar=32/27", "-c:v", "mpeg4", "-q:v", "5", clip })
            psi.ArgumentList.Add(a);
        using (var p = Process.Start(psi)!)
        {
            var err = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, "ffmpeg could not make the test clip: " + err);
        }
        var o = await Generate(clip, isVideo: true);
        Assert.Equal((853, 480), (o.Result.PreviewWidth, o.Result.PreviewHeight));
        Assert.Equal((444, 250), (o.Result.ThumbnailWidth, o.Result.ThumbnailHeight));
    }

    // ------------------------------------------------------------------ hostile input

    [Fact]
    public async Task Edge_cases_and_metadata_stubs_succeed_or_fail_cleanly()
    {
        var files = CorpusFolder("edge-cases").Concat(CorpusFolder("metadata-stubs"))
            .Concat(CorpusFolder("motionphoto").Where(f => f.EndsWith(".jpg", StringComparison.Ordinal))).ToArray();
        Assert.True(files.Length >= 16);
        int failures = 0;
        foreach (var f in files)
        {
            var name = Path.GetFileNameWithoutExtension(f);
            var dir = Path.Combine(_tmp, "edge", name);
            var preview = Path.Combine(dir, "p.jpeg");
            var thumb = Path.Combine(dir, "t.webp");
            try
            {
                var r = await _gen.GenerateAsync(f, false, null, preview, thumb, Defaults, CancellationToken.None);
                AssertJpeg(preview);
                AssertWebp(thumb);
                Assert.Equal((r.PreviewWidth, r.PreviewHeight), ImageSize(preview));
            }
            catch (ThumbnailException e)
            {
                failures++;
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                var left = Directory.Exists(dir) ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories) : [];
                Assert.True(left.Length == 0, $"{name} failed ({e.Message}) but left files: {string.Join(", ", left)}");
            }
            AssertNoTempFiles(dir);
        }
        Assert.True(failures >= 4, "the empty file, the DNL JPEG and RAW stubs without previews must fail");
    }

    [Fact]
    public async Task Empty_and_undecodable_files_throw_thumbnail_exceptions_with_reasons()
    {
        var empty = await Assert.ThrowsAsync<ThumbnailException>(() => Generate(Corpus("edge-cases/empty-0-bytes.jpg")));
        Assert.Contains("empty", empty.Message);
        var dnl = await Assert.ThrowsAsync<ThumbnailException>(() => Generate(Corpus("edge-cases/jpeg_dnl-marker_libjpeg-undecodable.jpg")));
        Assert.Contains("JPEG", dnl.Message);
        var stub = await Assert.ThrowsAsync<ThumbnailException>(() => Generate(Corpus("metadata-stubs/canon-eos-m50_stub.cr3")));
        Assert.Contains("preview", stub.Message);
        var missing = await Assert.ThrowsAsync<ThumbnailException>(() => Generate(Path.Combine(_tmp, "does-not-exist.jpg")));
        Assert.Contains("not found", missing.Message);
        var garbage = Path.Combine(_tmp, "garbage.jpg");
        File.WriteAllBytes(garbage, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251)).ToArray());
        await Assert.ThrowsAsync<ThumbnailException>(() => Generate(garbage));
        var textAsVideo = Path.Combine(_tmp, "notavideo.mp4");
        File.WriteAllText(textAsVideo, "this is not a video at all");
        await Assert.ThrowsAsync<ThumbnailException>(() => Generate(textAsVideo, isVideo: true));
        // extension mismatch: a JPEG named .heic is decoded by content
        var mismatch = await Generate(Corpus("edge-cases/jpeg-content_with-heic-extension.heic"));
        Assert.True(mismatch.Result.Decoder is "turbojpeg" or "skia-jpeg", mismatch.Result.Decoder);
    }

    [Fact]
    public async Task Decompression_bomb_header_is_refused_quickly_without_allocating()
    {
        var bomb = Path.Combine(_tmp, "bomb.png");
        File.WriteAllBytes(bomb, BombPng(30000, 30000));
        Assert.True(new FileInfo(bomb).Length < 200);
        var sw = Stopwatch.StartNew();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = await Assert.ThrowsAsync<ThumbnailException>(() => Generate(bomb));
        sw.Stop();
        Assert.Contains("30000x30000", e.Message);
        Assert.Contains("limit", e.Message);
        Assert.True(sw.ElapsedMilliseconds < 2000, $"refusal took {sw.ElapsedMilliseconds} ms");
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 50_000_000);
        Assert.False(Directory.Exists(Path.Combine(_tmp, "bomb")) && Directory.GetFiles(Path.Combine(_tmp, "bomb"), "*", SearchOption.AllDirectories).Length > 0);

        // the same claim in a JPEG frame header (SOF0 of a real 100x75 JPEG patched to 30000x30000)
        var jpeg = File.ReadAllBytes(Corpus("jpeg/canon-sd1100is_picasa-tags.jpg"));
        int sof = FindSof0(jpeg);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), 30000);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), 30000);
        var jbomb = Path.Combine(_tmp, "bomb.jpg");
        File.WriteAllBytes(jbomb, jpeg);
        sw.Restart();
        var je = await Assert.ThrowsAsync<ThumbnailException>(() => Generate(jbomb));
        Assert.Contains("30000x30000", je.Message);
        Assert.True(sw.ElapsedMilliseconds < 2000, $"refusal took {sw.ElapsedMilliseconds} ms");

        // The limit is the caller's: a normal photo is refused under a tiny MaxPixels, for stills, HEIC and video alike.
        var small = Defaults with { MaxPixels = 10_000 };
        await Assert.ThrowsAsync<ThumbnailException>(() => Generate(Corpus("jpeg/apple-iphone4_gps.jpg"), options: small));
        await Assert.ThrowsAsync<ThumbnailException>(() => Generate(Corpus("heic/apple-iphone7_gps.heic"), options: small));
        await Assert.ThrowsAsync<ThumbnailException>(() => Generate(Corpus("video/camera_mjpeg-pcm.avi"), isVideo: true, options: small));
        await Assert.ThrowsAsync<ThumbnailException>(() => Generate(Corpus("formats/nikon-d1x_exif_converted.jxl"), options: small));
    }

    static int FindSof0(byte[] jpeg)
    {
        int pos = 2;
        while (pos + 4 < jpeg.Length)
        {
            Assert.Equal(0xFF, jpeg[pos]);
            if (jpeg[pos + 1] is 0xC0 or 0xC2) return pos;
            pos += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
        }
        throw new InvalidOperationException("no SOF0");
    }

    [Fact]
    public async Task Truncated_heic_video_and_raw_fail_cleanly()
    {
        foreach (var (source, isVideo, keep) in new[]
                 {
                     ("heic/apple-iphone7_gps.heic", false, 60_000),
                     ("heic/apple-iphone7_gps.heic", false, 600_000),
                     ("video/apple-iphone6_h264_gps_rotation-90.mov", true, 30_000),
                     ("video/camera_mjpeg-pcm.avi", true, 2_000),
                     ("raw/canon-eos-r6_rawdata-pruned_offset+0200.cr3", false, 5_000),
                     ("raw/canon-eos6d_lossy-linear.dng", false, 1_000),
                 })
        {
            var bytes = File.ReadAllBytes(Corpus(source));
            var cut = Path.Combine(_tmp, "cut-" + keep + "-" + Path.GetFileName(source));
            File.WriteAllBytes(cut, bytes.AsSpan(0, Math.Min(keep, bytes.Length)).ToArray());
            var dir = Path.Combine(_tmp, "cutout-" + keep + Path.GetFileNameWithoutExtension(source));
            try
            {
                var r = await _gen.GenerateAsync(cut, isVideo, null, Path.Combine(dir, "p.jpeg"), Path.Combine(dir, "t.webp"), Defaults, CancellationToken.None);
                AssertJpeg(Path.Combine(dir, "p.jpeg")); // a decoder may salvage a partial image: then it must be complete files
            }
            catch (ThumbnailException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                Assert.True(!Directory.Exists(dir) || Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Length == 0, $"{cut}: files left after failure");
            }
        }
    }

    /// <summary>A PNG whose IHDR claims w×h RGBA with a tiny (valid zlib) IDAT.</summary>
    static byte[] BombPng(int w, int h)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, w);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), h);
        ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
        WriteChunk(ms, "IHDR", ihdr);
        using (var z = new MemoryStream())
        {
            using (var zl = new ZLibStream(z, CompressionLevel.Fastest, leaveOpen: true)) zl.Write(new byte[64]);
            WriteChunk(ms, "IDAT", z.ToArray());
        }
        WriteChunk(ms, "IEND", []);
        return ms.ToArray();
    }

    static void WriteChunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var td = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(td, 0);
        data.CopyTo(td, 4);
        s.Write(td);
        BinaryPrimitives.WriteUInt32BigEndian(len, Crc32(td));
        s.Write(len);
    }

    static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    // ------------------------------------------------------------------ writing

    [Fact]
    public async Task Outputs_replace_existing_files_atomically_and_cancellation_is_honoured()
    {
        var f = Corpus("jpeg/kodak-dc240_unmodified-camera-original.jpg");
        var dir = Path.Combine(_tmp, "replace");
        Directory.CreateDirectory(dir);
        var preview = Path.Combine(dir, "x-preview.jpeg");
        var thumb = Path.Combine(dir, "x-thumbnail.webp");
        File.WriteAllText(preview, "old");
        File.WriteAllText(thumb, "old");
        await _gen.GenerateAsync(f, false, null, preview, thumb, Defaults, CancellationToken.None);
        AssertJpeg(preview);
        AssertWebp(thumb);
        Assert.Equal(2, Directory.GetFiles(dir).Length);

        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var p2 = Path.Combine(_tmp, "cancelled", "p.jpeg");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _gen.GenerateAsync(f, false, null, p2, Path.Combine(_tmp, "cancelled", "t.webp"), Defaults, cts.Token));
        Assert.False(File.Exists(p2));
    }

    [Fact]
    public async Task Concurrent_generation_is_safe()
    {
        var files = CorpusFolder("orientation").Concat(CorpusFolder("heic").Take(2)).ToArray();
        var results = await Task.WhenAll(files.Select((f, i) => Generate(f, tag: "par" + i)));
        Assert.All(results, r => Assert.True(r.Result.PreviewWidth > 0));
    }
}
