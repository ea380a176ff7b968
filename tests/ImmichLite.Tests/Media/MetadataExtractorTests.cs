using System.Buffers.Binary;
using ImmichLite.Media.Metadata;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.Media;

/// <summary>
/// The metadata extractor against the real-file corpus in ../shared/testdata/media (see its MANIFEST.md).
/// Expected values were cross-checked by hand with exiftool 12.57 (-n).
/// </summary>
public class MetadataExtractorTests
{
    static readonly MediaMetadataExtractor Extractor = new(new MetadataExtractorOptions { VideoProbe = VideoProbeMode.NativeOnly });

    static string Media(string relative)
    {
        var root = TestPaths.RequireShared(TestPaths.Media);
        return TestPaths.RequireShared(Path.Combine(root, relative));
    }

    static Task<MediaMetadata> Extract(string relative, string? sidecar = null) =>
        Extractor.ExtractAsync(Media(relative), sidecar, CancellationToken.None);

    static void Near(double expected, double? actual, double tolerance = 1e-4)
    {
        Assert.NotNull(actual);
        Assert.InRange(actual!.Value, expected - tolerance, expected + tolerance);
    }

    static DateTimeOffset Dto(int y, int mo, int d, int h, int mi, int s, double offsetHours = 0, int ms = 0) =>
        new DateTimeOffset(y, mo, d, h, mi, s, TimeSpan.FromHours(offsetHours)).AddMilliseconds(ms);

    // ------------------------------------------------------------------ whole corpus

    [Fact]
    public async Task EveryCorpusFile_IsExtractedWithoutThrowing()
    {
        var root = TestPaths.RequireShared(TestPaths.Media);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).ToArray();
        Assert.True(files.Length >= 72, $"expected the 72-file corpus in {root}, found {files.Length}");
        var extractor = new MediaMetadataExtractor(); // default mode: ffprobe only when native parsing leaves gaps
        var failures = new List<string>();
        foreach (var f in files)
        {
            try
            {
                var m = await extractor.ExtractAsync(f, null, CancellationToken.None);
                if (new FileInfo(f).Length > 0 && m.MimeType is null) failures.Add($"{f}: no MIME type ({string.Join("; ", m.Warnings)})");
            }
            catch (Exception e) { failures.Add($"{f}: {e}"); }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    // ------------------------------------------------------------------ JPEG camera data

    [Fact]
    public async Task Canon40D_ExposureData_AndDateWithoutOffset()
    {
        var m = await Extract("jpeg/canon-eos40d_dslr-exif_gimp-resized.jpg");
        Assert.Equal("image/jpeg", m.MimeType);
        Assert.Equal("Canon", m.Make);
        Assert.Equal("Canon EOS 40D", m.Model);
        Assert.Equal(7.1, m.FNumber);
        Assert.Equal("1/160", m.ExposureTime);
        Assert.Equal(100, m.Iso);
        Assert.Equal(135, m.FocalLength);
        Assert.Equal((100, 68), (m.ExifImageWidth, m.ExifImageHeight));
        Assert.Equal("1", m.Orientation);
        Assert.Equal(Dto(2008, 5, 30, 15, 56, 1), m.DateTimeOriginal);
        Assert.False(m.OffsetKnown);
        Assert.False(m.DateTimeOriginalIsUtc);
        Assert.Null(m.TimeZone);
        Assert.Equal("sRGB IEC61966-2.1", m.ProfileDescription);
        Assert.Equal(8, m.BitsPerSample);
        Assert.Empty(m.Warnings);
        Assert.False(m.IsVideo);
        Assert.False(m.IsMotionPhoto);
    }

    [Fact]
    public async Task NikonP6000_SignedGps()
    {
        var m = await Extract("jpeg/nikon-coolpix-p6000_gps.jpg");
        Near(43.4674483, m.Latitude);
        Near(11.8851267, m.Longitude);
        Assert.Equal("NIKON", m.Make);
        Assert.Equal("1/75", m.ExposureTime);
        Assert.Null(m.Description); // blank ImageDescription (spaces) is no description
    }

    [Theory]
    [InlineData("jpeg/apple-iphone4_gps.jpg", 41.853, 12.4888333)]
    [InlineData("livephoto/apple-iphone6s_livephoto.jpg", 52.2096778, -0.8955306)]
    [InlineData("metadata-stubs/gopro-hero6_gps_stub.jpg", 40.6584192, -73.9933543)]
    [InlineData("metadata-stubs/google-pixel8pro_offset+0200_gps_stub.jpg", 40.4000694, -3.7146472)]
    [InlineData("metadata-stubs/apple-iphone12pro_proraw_truncated.dng", 34.0596083, -84.681725)]
    [InlineData("heic/apple-iphone7_gps.heic", 41.2203, -96.071625)]
    [InlineData("heic/hmd-nokia-8.3-5g_hdr_no-make-model_gps.heif", 40.6629935, -3.7637405)]
    [InlineData("heic/apple-iphone11promax_offset-0500_gps.heic", 39.0513444, -94.2887722)]
    [InlineData("formats/htc-desire_exif-gps.webp", 45.5006667, 9.1103333)]
    [InlineData("panorama/samsung-gear360_equirectangular-gpano_gps.jpg", 59.8408333, 30.51)]
    public async Task Gps_IsSignedByReference(string file, double lat, double lon)
    {
        var m = await Extract(file);
        Near(lat, m.Latitude);
        Near(lon, m.Longitude);
    }

    [Fact]
    public async Task Pixel8Pro_OffsetTimeOriginal_AndUltraHdrIsNotAMotionPhoto()
    {
        var m = await Extract("jpeg/google-pixel8pro_ultrahdr-gainmap_offset+0100.jpg");
        Assert.Equal("Google", m.Make);
        Assert.Equal("Pixel 8 Pro", m.Model);
        Assert.Equal("Pixel 8 Pro back camera 2.23mm f/1.95", m.LensModel);
        Assert.Equal(Dto(2023, 11, 1, 15, 11, 17, 1, 49), m.DateTimeOriginal);
        Assert.True(m.OffsetKnown);
        Assert.Equal("UTC+1", m.TimeZone);
        Assert.Equal(TimeSpan.FromHours(1), m.DateTimeOriginal!.Value.Offset);
        Assert.Equal("Display P3", m.ProfileDescription);
        Assert.False(m.IsMotionPhoto);
        Assert.Null(m.EmbeddedVideoOffset);
        Assert.Null(m.EmbeddedVideoLength);
    }

    [Fact]
    public async Task CanonR5_LightroomExport_Offset()
    {
        var m = await Extract("jpeg/canon-eos-r5_offset+0100_unicode-name_fin-de-journée.jpg");
        Assert.Equal("Canon EOS R5", m.Model);
        Assert.Equal("EF70-200mm f/2.8L IS USM", m.LensModel);
        Assert.True(m.OffsetKnown);
        Assert.Equal(Dto(2021, 7, 10, 20, 39, 25, 1, 770), m.DateTimeOriginal);
        Assert.Equal("UTC+1", m.TimeZone);
    }

    [Fact]
    public async Task NikonD5000_OffsetComesFromXmpCreateDate()
    {
        var m = await Extract("jpeg/nikon-d5000_xmp-createdate-with-tz.jpg");
        Assert.Equal(Dto(2011, 3, 12, 15, 36, 11, 1), m.DateTimeOriginal);
        Assert.True(m.OffsetKnown);
        Assert.Equal("UTC+1", m.TimeZone);
    }

    [Fact]
    public async Task Canon500D_XmpRating_AndDescription()
    {
        var m = await Extract("jpeg/canon-eos500d_xmp-rating.jpg");
        Assert.Equal(3, m.Rating);
        Assert.Equal("Mongol Els", m.Description);
        Assert.Equal("Canon EOS 500D", m.Model);
        Assert.Equal("Uncalibrated", m.Colorspace);
    }

    [Fact]
    public async Task Keywords_FromIptc_Picasa_AndHierarchicalSubject()
    {
        var iptc = await Extract("jpeg/canon-eos7d_iptc-keywords.jpg");
        Assert.Equal(["cactus", "ever", "lang", "alo", "sonne"], iptc.Keywords);

        var picasa = await Extract("jpeg/canon-sd1100is_picasa-tags.jpg");
        Assert.Equal(["Frost", "Yard"], picasa.Keywords);
        Assert.Equal("Image-Description", picasa.Description);

        var faces = await Extract("jpeg/faces_mwg-regions_orientation-6.jpg");
        Assert.Equal(["People/Marie Curie", "People/Pierre Curie"], faces.Keywords);
        Assert.Equal("6", faces.Orientation);
    }

    [Fact]
    public async Task Icc_DisplayP3_AndNoExif()
    {
        var p3 = await Extract("jpeg/nikon-d800e_display-p3-icc.jpg");
        Assert.Equal("Display P3", p3.ProfileDescription);
        Assert.Equal("NIKON D800E", p3.Model);

        var none = await Extract("jpeg/no-exif_progressive.jpg");
        Assert.Null(none.Make);
        Assert.Null(none.DateTimeOriginal);
        Assert.Equal((721, 332), (none.ExifImageWidth, none.ExifImageHeight));
        Assert.Empty(none.Warnings);
    }

    // ------------------------------------------------------------------ orientation

    [Theory]
    [InlineData("orientation/landscape_orientation-1_normal.jpg", "1", 600, 450)]
    [InlineData("orientation/landscape_orientation-2_mirror-horizontal.jpg", "2", 600, 450)]
    [InlineData("orientation/landscape_orientation-3_rotate-180.jpg", "3", 600, 450)]
    [InlineData("orientation/landscape_orientation-4_mirror-vertical.jpg", "4", 600, 450)]
    [InlineData("orientation/landscape_orientation-5_mirror-horizontal-rotate-270cw.jpg", "5", 450, 600)]
    [InlineData("orientation/landscape_orientation-6_rotate-90cw.jpg", "6", 450, 600)]
    [InlineData("orientation/landscape_orientation-7_mirror-horizontal-rotate-90cw.jpg", "7", 450, 600)]
    [InlineData("orientation/landscape_orientation-8_rotate-270cw.jpg", "8", 450, 600)]
    [InlineData("orientation/apple-iphone5s_orientation-3_rotate-180.jpg", "3", 500, 375)]
    [InlineData("orientation/canon-sx60hs_orientation-6_camera-written.jpg", "6", 2048, 1536)]
    public async Task Orientation_AndStoredDimensions(string file, string orientation, int w, int h)
    {
        var m = await Extract(file);
        Assert.Equal(orientation, m.Orientation);
        Assert.Equal((w, h), (m.ExifImageWidth, m.ExifImageHeight));
    }

    [Fact]
    public async Task Orientation_InvalidZero_IsNull()
    {
        var m = await Extract("orientation/huawei-ele-l29_orientation-0-invalid.jpg");
        Assert.Null(m.Orientation);
        Assert.Equal("HUAWEI", m.Make);
        Near(48.3027778, m.Latitude);
    }

    // ------------------------------------------------------------------ HEIC/HEIF

    [Theory]
    [InlineData("heic/apple-iphone7_gps.heic", "iPhone 7", 2019, 3, 21, 11, 4, 22, null, 4032, 3024)]
    [InlineData("heic/apple-iphone11promax_offset-0500_gps.heic", "iPhone 11 Pro Max", 2021, 4, 11, 15, 47, 53, -5.0, 2566, 3313)]
    [InlineData("heic/apple-iphone15pro_offset+0100_gps_orientation-6.heic", "iPhone 15 Pro", 2023, 10, 31, 11, 44, 43, 1.0, 4032, 3024)]
    [InlineData("heic/apple-iphone11pro_exif-at-eof_offset-0400_gps.heic", "iPhone 11 Pro", 2020, 5, 4, 18, 39, 11, -4.0, 3024, 4032)]
    [InlineData("heic/samsung-galaxy-a32_offset+0100_gps.heic", "SM-A326B", 2023, 12, 12, 18, 39, 16, 1.0, 4000, 3000)]
    public async Task Heic_DatesOffsetsAndContainerSize(string file, string model, int y, int mo, int d, int h, int mi, int s, double? offset, int w, int hh)
    {
        var m = await Extract(file);
        Assert.Equal("image/heic", m.MimeType);
        Assert.Equal(model, m.Model);
        Assert.NotNull(m.DateTimeOriginal);
        var local = m.DateTimeOriginal!.Value;
        Assert.Equal(new DateTime(y, mo, d, h, mi, s), new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second));
        Assert.Equal(offset is not null, m.OffsetKnown);
        if (offset is { } o) Assert.Equal(TimeSpan.FromHours(o), local.Offset);
        Assert.Equal((w, hh), (m.ExifImageWidth, m.ExifImageHeight));
        Assert.NotNull(m.Latitude);
        Assert.Empty(m.Warnings);
    }

    [Fact]
    public async Task Heic_Iphone15Pro_OrientationLensAndIcc()
    {
        var m = await Extract("heic/apple-iphone15pro_offset+0100_gps_orientation-6.heic");
        Assert.Equal("6", m.Orientation);
        Assert.Equal("iPhone 15 Pro back triple camera 2.22mm f/2.2", m.LensModel);
        Assert.Equal("Display P3", m.ProfileDescription);
        Assert.Equal("1/60", m.ExposureTime);
        Assert.Equal(400, m.Iso);
    }

    [Fact]
    public async Task Heif_WithoutMakeModel_StillHasGpsAndSize()
    {
        var m = await Extract("heic/hmd-nokia-8.3-5g_hdr_no-make-model_gps.heif");
        Assert.Equal("image/heif", m.MimeType);
        Assert.Null(m.Make);
        Assert.Null(m.Model);
        Assert.Equal((4608, 3456), (m.ExifImageWidth, m.ExifImageHeight));
        Assert.Equal(1.89, m.FNumber);
    }

    // ------------------------------------------------------------------ other formats

    [Fact]
    public async Task Avif_CarriesCameraExif()
    {
        var m = await Extract("formats/canon-eos70d_exif.avif");
        Assert.Equal("image/avif", m.MimeType);
        Assert.Equal("Canon EOS 70D", m.Model);
        Assert.Equal("EF50mm f/1.8 STM", m.LensModel);
        Assert.Equal(Dto(2015, 10, 11, 14, 41, 44), m.DateTimeOriginal);
        Assert.Equal((5472, 3648), (m.ExifImageWidth, m.ExifImageHeight));
    }

    [Fact]
    public async Task WebP_Png_Jxl_Tiff_Gif()
    {
        var webp = await Extract("formats/htc-desire_exif-gps.webp");
        Assert.Equal("image/webp", webp.MimeType);
        Assert.Equal("HTC Desire", webp.Model);
        Assert.Equal(Dto(2011, 5, 6, 9, 59, 48), webp.DateTimeOriginal);
        Assert.Equal((776, 909), (webp.ExifImageWidth, webp.ExifImageHeight));

        var animated = await Extract("formats/animated_loop.webp");
        Assert.Equal((500, 313), (animated.ExifImageWidth, animated.ExifImageHeight));

        var png = await Extract("formats/png-with-exif-chunk.png");
        Assert.Equal("image/png", png.MimeType);
        Assert.Equal("This is an image with exif data", png.Description);

        var screenshot = await Extract("formats/screenshot.png");
        Assert.Equal("DELL U2515H", screenshot.ProfileDescription);
        Assert.Equal((721, 332), (screenshot.ExifImageWidth, screenshot.ExifImageHeight));

        var jxl = await Extract("formats/nikon-d1x_exif_converted.jxl");
        Assert.Equal("image/jxl", jxl.MimeType);
        Assert.Equal("NIKON D1X", jxl.Model);
        Assert.Empty(jxl.Keywords); // its keywords are XMP dc:subject only, which upstream does not import as tags

        var tiff = await Extract("formats/exif-example.tiff");
        Assert.Equal("image/tiff", tiff.MimeType);
        Assert.Equal((65, 43), (tiff.ExifImageWidth, tiff.ExifImageHeight));
        Assert.Equal("sRGB IEC61966-2.1", tiff.ProfileDescription);

        var gif = await Extract("formats/animated_pythagoras.gif");
        Assert.Equal("image/gif", gif.MimeType);
        Assert.Equal((591, 639), (gif.ExifImageWidth, gif.ExifImageHeight));
    }

    // ------------------------------------------------------------------ RAW and metadata stubs

    [Fact]
    public async Task Cr3_CanonR6()
    {
        var m = await Extract("raw/canon-eos-r6_rawdata-pruned_offset+0200.cr3");
        Assert.Equal("image/x-canon-cr3", m.MimeType);
        Assert.Equal("Canon", m.Make);
        Assert.Equal("Canon EOS R6", m.Model);
        Assert.Equal("RF70-200mm F2.8 L IS USM", m.LensModel);
        Assert.Equal("1/4", m.ExposureTime);
        Assert.Equal(25, m.FNumber);
        Assert.Equal(Dto(2021, 5, 12, 12, 21, 21, 2, 920), m.DateTimeOriginal);
        Assert.Equal("UTC+2", m.TimeZone);
        Assert.Equal((3408, 2272), (m.ExifImageWidth, m.ExifImageHeight));
    }

    [Fact]
    public async Task Dng_MainImageSizeComesFromTheRawSubIfd()
    {
        var m = await Extract("raw/canon-eos6d_lossy-linear.dng");
        Assert.Equal("image/dng", m.MimeType);
        Assert.Equal("Canon EOS 6D", m.Model);
        Assert.Equal("EF24-105mm f/4L IS USM", m.LensModel);
        Assert.Equal((1224, 816), (m.ExifImageWidth, m.ExifImageHeight));
        Assert.Equal(1000, m.Iso);
        Assert.Equal(Dto(2019, 6, 6, 7, 29, 51, 2), m.DateTimeOriginal); // EXIF OffsetTime +02:00
    }

    [Theory]
    [InlineData("metadata-stubs/canon-eos350d_stub.cr2", "image/x-canon-cr2", "Canon", "Canon EOS 350D DIGITAL", 2005, 8, 3, 18, 59, 18, null)]
    [InlineData("metadata-stubs/canon-eos-m50_stub.cr3", "image/x-canon-cr3", "Canon", "Canon EOS M50", 2018, 2, 21, 12, 8, 56, 0.0)]
    [InlineData("metadata-stubs/nikon-d70_stub.nef", "image/x-nikon-nef", "NIKON CORPORATION", "NIKON D70", 2004, 6, 9, 16, 2, 35, null)]
    [InlineData("metadata-stubs/fujifilm-s5pro_stub.raf", "image/x-fuji-raf", "FUJIFILM", "FinePix S5Pro", 2007, 5, 22, 13, 58, 30, null)]
    [InlineData("metadata-stubs/panasonic-dmc-lx3_stub.rw2", "image/x-panasonic-rw2", "Panasonic", "DMC-LX3", 2008, 8, 6, 15, 21, 56, null)]
    [InlineData("metadata-stubs/apple-iphone12pro_proraw_truncated.dng", "image/dng", "Apple", "iPhone 12 Pro", 2020, 12, 29, 14, 24, 45, -5.0)]
    [InlineData("metadata-stubs/google-pixel8pro_offset+0200_gps_stub.jpg", "image/jpeg", "Google", "Pixel 8 Pro", 2023, 10, 6, 22, 53, 51, 2.0)]
    [InlineData("metadata-stubs/gopro-hero6_gps_stub.jpg", "image/jpeg", "GoPro", "HERO6 Black", 2017, 10, 3, 10, 58, 29, null)]
    public async Task MetadataStubs_HaveCameraMetadata(string file, string mime, string make, string model, int y, int mo, int d, int h, int mi, int s, double? offset)
    {
        var m = await Extract(file);
        Assert.Equal(mime, m.MimeType);
        Assert.Equal(make, m.Make);
        Assert.Equal(model, m.Model);
        Assert.NotNull(m.FNumber);
        Assert.NotNull(m.ExposureTime);
        var local = m.DateTimeOriginal!.Value;
        Assert.Equal(new DateTime(y, mo, d, h, mi, s), new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second));
        Assert.Equal(offset is not null, m.OffsetKnown);
        if (offset is { } o) Assert.Equal(TimeSpan.FromHours(o), local.Offset);
    }

    [Fact]
    public async Task Rw2_SensorCropSize_AndIso()
    {
        var m = await Extract("metadata-stubs/panasonic-dmc-lx3_stub.rw2");
        Assert.Equal((3648, 2736), (m.ExifImageWidth, m.ExifImageHeight));
        Assert.Equal(80, m.Iso);
    }

    // ------------------------------------------------------------------ panorama

    [Fact]
    public async Task Panorama_Equirectangular()
    {
        var m = await Extract("panorama/samsung-gear360_equirectangular-gpano_gps.jpg");
        Assert.Equal("EQUIRECTANGULAR", m.ProjectionType);
        Assert.NotNull(m.Latitude);
    }

    [Fact]
    public async Task Panorama_InvalidLatitude213_GivesNoGps()
    {
        var m = await Extract("panorama/xiaomi-mimix2_gpano_invalid-gps-lat-213.jpg");
        Assert.Equal("EQUIRECTANGULAR", m.ProjectionType);
        Assert.Null(m.Latitude);
        Assert.Null(m.Longitude);
        Assert.Equal("UTC+2", m.TimeZone);
    }

    // ------------------------------------------------------------------ hostile input

    [Fact]
    public async Task EmptyFile_GivesAWarning()
    {
        var m = await Extract("edge-cases/empty-0-bytes.jpg");
        Assert.Null(m.MimeType);
        Assert.Null(m.Make);
        Assert.Contains("empty file", m.Warnings);
    }

    [Fact]
    public async Task Truncated_Corrupt_Dnl_GivePartialMetadata()
    {
        var truncated = await Extract("edge-cases/truncated_premature-eof.jpg");
        Assert.Equal((705, 725), (truncated.ExifImageWidth, truncated.ExifImageHeight));
        Assert.Null(truncated.Orientation); // Orientation tag 0

        var corrupt = await Extract("edge-cases/olympus-u1020_corrupt-scan-data.jpg");
        Assert.Equal("OLYMPUS IMAGING CORP.", corrupt.Make);
        Assert.Equal(Dto(2015, 9, 8, 11, 2, 17), corrupt.DateTimeOriginal);

        var dnl = await Extract("edge-cases/jpeg_dnl-marker_libjpeg-undecodable.jpg");
        Assert.Equal("image/jpeg", dnl.MimeType);
    }

    [Fact]
    public async Task WrongExtension_IsSniffedFromContent()
    {
        var m = await Extract("edge-cases/jpeg-content_with-heic-extension.heic");
        Assert.Equal("image/jpeg", m.MimeType);
        Assert.True(m.ExtensionMismatch);
        Assert.Equal("Canon EOS 6D", m.Model);
        Assert.Equal("EQUIRECTANGULAR", m.ProjectionType);
        Assert.Contains(m.Warnings, w => w.Contains(".heic", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ZeroDates_AreNull()
    {
        var m = await Extract("edge-cases/olympus-c750uz_zero-dates-0000.jpg");
        Assert.Null(m.DateTimeOriginal);
        Assert.False(m.OffsetKnown);
        Assert.Equal("C750UZ", m.Model);
    }

    [Fact]
    public async Task BlankDateTimeOriginal_FallsBackToCreateDate()
    {
        var m = await Extract("edge-cases/fujifilm-sp2500_blank-dates.jpg");
        Assert.Equal(Dto(2003, 9, 10, 20, 59, 18), m.DateTimeOriginal);
    }

    [Fact]
    public async Task GpsZeroZero_IsRejected()
    {
        var m = await Extract("edge-cases/samsung-gt-i9000_gps-0-0.jpg");
        Assert.Null(m.Latitude);
        Assert.Null(m.Longitude);
        Assert.Equal("GT-I9000", m.Model);
    }

    [Fact]
    public async Task MissingFile_GivesAWarning()
    {
        var m = await Extractor.ExtractAsync(Path.Combine(Path.GetTempPath(), "does-not-exist-" + Guid.NewGuid().ToString("N") + ".jpg"), null, CancellationToken.None);
        Assert.Contains("file not found", m.Warnings);
    }

    [Fact]
    public async Task GarbageAndTruncatedCopies_NeverThrow()
    {
        var dir = TestPaths.NewTempDir("metadata-garbage");
        try
        {
            var rng = new Random(42);
            var sources = new[]
            {
                "jpeg/canon-eos40d_dslr-exif_gimp-resized.jpg", "heic/apple-iphone7_gps.heic", "video/apple-iphone6_h264_gps_rotation-90.mov",
                "raw/canon-eos6d_lossy-linear.dng", "video/sony-ilce-7m3_avchd.mts", "raw/canon-eos-r6_rawdata-pruned_offset+0200.cr3",
                "formats/htc-desire_exif-gps.webp", "video/camera_mjpeg-pcm.avi", "motionphoto/samsung-s20ultra_microvideo-trailer_shortened.jpg",
            };
            foreach (var src in sources)
            {
                var bytes = await File.ReadAllBytesAsync(Media(src));
                var ext = Path.GetExtension(src);
                // truncations at several points, and copies with random bytes flipped in the header area
                foreach (var cut in new[] { 1, 7, 13, 64, 200, 1000, 5000, bytes.Length / 3, bytes.Length / 2 })
                {
                    var p = Path.Combine(dir, $"cut{cut}{ext}");
                    await File.WriteAllBytesAsync(p, bytes.AsSpan(0, Math.Min(cut, bytes.Length)).ToArray());
                    await Extractor.ExtractAsync(p, null, CancellationToken.None);
                }
                for (int i = 0; i < 20; i++)
                {
                    var copy = (byte[])bytes.Clone();
                    for (int k = 0; k < 16; k++) copy[rng.Next(Math.Min(copy.Length, 64 * 1024))] = (byte)rng.Next(256);
                    var p = Path.Combine(dir, $"flip{i}{ext}");
                    await File.WriteAllBytesAsync(p, copy);
                    await Extractor.ExtractAsync(p, null, CancellationToken.None);
                }
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task Cancellation_IsTheOnlyException()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Extractor.ExtractAsync(Media("jpeg/canon-eos40d_dslr-exif_gimp-resized.jpg"), null, cts.Token));
    }

    // ------------------------------------------------------------------ videos

    [Theory]
    [InlineData("video/apple-iphone6_h264_gps_rotation-90.mov", "video/quicktime", 4.0017, 29.988, "6", 568, 320, 32.0929, 34.862)]
    [InlineData("video/apple-ipadmini_hevc_gps_rotation-90.mov", "video/quicktime", 1.1667, 29.957, "6", 1280, 720, 52.4597, 13.322)]
    [InlineData("video/apple-iphone14pro_hevc_dolby-vision-hdr_gps.mov", "video/quicktime", 0.1067, 30.0, "6", 1280, 720, 51.5334, -0.1255)]
    [InlineData("video/android-6.0.1_h264_gps.mp4", "video/mp4", 0.171, 30.02, "1", 1920, 1080, 51.4169, -0.0806)]
    [InlineData("video/apple-coremedia_h264_3gpp-loci-location.mp4", "video/mp4", 3.635, 29.986, "1", 1280, 720, 52.36929, 6.67609)]
    [InlineData("video/google-pixel7_h264_rotation-180_zero-createdate.mp4", "video/mp4", 1.206, 29.87, "3", 1920, 1080, null, null)]
    [InlineData("video/android_3gp5-brand_gps-0-0_rotation-90.mp4", "video/mp4", 1.3, 30.0, "6", 1280, 720, null, null)]
    [InlineData("video/camera_mjpeg-pcm.avi", "video/x-msvideo", 2.7333, 15.0, null, 320, 240, null, null)]
    [InlineData("video/sony-ilce-7m3_avchd.mts", "video/mp2t", 0.55, 25.0, null, 1920, 1080, null, null)]
    [InlineData("livephoto/apple-iphone6s_livephoto.mov", "video/quicktime", 1.2333, 10.645, "1", 1440, 1080, 52.2097, -0.8955)]
    public async Task Video_DurationFpsRotationSizeGps(string file, string mime, double duration, double fps, string? orientation, int w, int h, double? lat, double? lon)
    {
        var m = await Extract(file);
        Assert.True(m.IsVideo);
        Assert.Equal(mime, m.MimeType);
        Near(duration, m.Duration?.TotalSeconds, 0.02);
        Near(fps, m.Fps, 0.02);
        Assert.Equal(orientation, m.Orientation);
        Assert.Equal((w, h), (m.ExifImageWidth, m.ExifImageHeight));
        if (lat is null) { Assert.Null(m.Latitude); Assert.Null(m.Longitude); }
        else { Near(lat.Value, m.Latitude); Near(lon!.Value, m.Longitude); }
    }

    [Fact]
    public async Task Video_AppleCreationDateCarriesTheOffset()
    {
        var m = await Extract("video/apple-iphone6_h264_gps_rotation-90.mov");
        Assert.Equal(Dto(2019, 7, 24, 11, 25, 40, 3), m.DateTimeOriginal);
        Assert.True(m.OffsetKnown);
        Assert.Equal("UTC+3", m.TimeZone);
        Assert.Equal("Apple", m.Make);
        Assert.Equal("iPhone 6", m.Model);
        Assert.Equal("h264", m.VideoCodec);
    }

    [Fact]
    public async Task Video_MvhdCreationTime_IsUtcWithUnknownOffset()
    {
        var m = await Extract("video/android-6.0.1_h264_gps.mp4");
        Assert.Equal(Dto(2017, 2, 22, 8, 20, 28), m.DateTimeOriginal);
        Assert.False(m.OffsetKnown);
        Assert.True(m.DateTimeOriginalIsUtc);
        Assert.Null(m.TimeZone);
    }

    [Fact]
    public async Task Avchd_H264SeiCarriesMakeModelAndDate()
    {
        var m = await Extract("video/sony-ilce-7m3_avchd.mts");
        Assert.Equal("Sony", m.Make);
        Assert.Equal("ILCE-7M3", m.Model);
        Assert.Equal(Dto(2019, 4, 24, 22, 24, 0, 2), m.DateTimeOriginal);
        Assert.True(m.OffsetKnown);
        Assert.Equal("h264", m.VideoCodec);
    }

    [Fact]
    public async Task Video_ZeroCreateDate_GivesNoDate()
    {
        var m = await Extract("video/google-pixel7_h264_rotation-180_zero-createdate.mp4");
        Assert.Null(m.DateTimeOriginal);
        Assert.Null(m.ModifyDate);
    }

    [Fact]
    public async Task LivePhoto_StillAndVideoShareTheContentIdentifier()
    {
        var still = await Extract("livephoto/apple-iphone6s_livephoto.jpg");
        var video = await Extract("livephoto/apple-iphone6s_livephoto.mov");
        Assert.Equal("E905E6C6-C747-4805-942F-9904A0281F02", still.LivePhotoCID);
        Assert.Equal(still.LivePhotoCID, video.LivePhotoCID);
        Assert.Equal(Dto(2021, 4, 10, 11, 44, 0, 1, 814), still.DateTimeOriginal);
        Assert.Equal(Dto(2021, 4, 10, 11, 43, 59, 1), video.DateTimeOriginal);
        Assert.True(video.OffsetKnown);
    }

    [Fact]
    public async Task Ffprobe_AgreesWithNativeParsing()
    {
        var withFfprobe = new MediaMetadataExtractor(new MetadataExtractorOptions { VideoProbe = VideoProbeMode.AlwaysFfprobe });
        var root = TestPaths.RequireShared(TestPaths.Media);
        var videos = Directory.GetFiles(Path.Combine(root, "video")).Append(Path.Combine(root, "livephoto", "apple-iphone6s_livephoto.mov"));
        foreach (var v in videos)
        {
            var native = await Extractor.ExtractAsync(v, null, CancellationToken.None);
            var probed = await withFfprobe.ExtractAsync(v, null, CancellationToken.None);
            Assert.False(probed.Warnings.Any(w => w.Contains("ffprobe", StringComparison.Ordinal)), $"{v}: {string.Join("; ", probed.Warnings)} (is ffprobe from the ffmpeg package on PATH?)");
            Near(probed.Duration!.Value.TotalSeconds, native.Duration?.TotalSeconds, 0.1);
            Assert.Equal((probed.ExifImageWidth, probed.ExifImageHeight), (native.ExifImageWidth, native.ExifImageHeight));
            Near(probed.Fps!.Value, native.Fps, probed.Fps!.Value * 0.01);
            Assert.Equal(probed.Orientation ?? "1", native.Orientation ?? "1");
            Assert.Equal(probed.VideoCodec, native.VideoCodec);
        }
    }

    [Fact]
    public async Task Ffprobe_Missing_IsAWarningNotAnError()
    {
        var ffprobe = new Ffprobe("/nonexistent/ffprobe-" + Guid.NewGuid().ToString("N"));
        var result = await ffprobe.ProbeAsync(Media("video/camera_mjpeg-pcm.avi"), CancellationToken.None);
        Assert.Null(result.Output);
        Assert.Contains("could not be started", result.Error);

        var real = await new Ffprobe().ProbeAsync(Media("video/camera_mjpeg-pcm.avi"), CancellationToken.None);
        Assert.True(real.Output is not null, real.Error);
        Assert.Equal("mjpeg", Ffprobe.MainVideoStream(real.Output!)?.CodecName);

        var extractor = new MediaMetadataExtractor(new MetadataExtractorOptions { VideoProbe = VideoProbeMode.AlwaysFfprobe, FfprobePath = "/nonexistent/ffprobe" });
        var m = await extractor.ExtractAsync(Media("video/apple-iphone6_h264_gps_rotation-90.mov"), null, CancellationToken.None);
        Assert.Contains(m.Warnings, w => w.Contains("ffprobe", StringComparison.Ordinal));
        Near(4.0017, m.Duration?.TotalSeconds, 0.02); // native values survive
    }

    [Fact]
    public async Task Ffprobe_BrokenFile_ReturnsWhatItCan()
    {
        var dir = TestPaths.NewTempDir("metadata-ffprobe");
        try
        {
            var p = Path.Combine(dir, "noise.mkv");
            await File.WriteAllBytesAsync(p, Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray());
            var extractor = new MediaMetadataExtractor(new MetadataExtractorOptions { FfprobeTimeout = TimeSpan.FromSeconds(20) });
            var m = await extractor.ExtractAsync(p, null, CancellationToken.None);
            Assert.True(m.IsVideo);
            Assert.Null(m.Duration);
            Assert.NotEmpty(m.Warnings);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    // ------------------------------------------------------------------ motion photos

    [Theory]
    [InlineData("motionphoto/google-pixel4xl_motionphoto-v1_shortened.jpg", 131582L, 8730L)]
    [InlineData("motionphoto/samsung-s20ultra_microvideo-trailer_shortened.jpg", 20345L, 2538L)]
    [InlineData("motionphoto/samsung-s22_motionphoto_offset+0530_gps.heic", 1455411L, 2193658L)]
    public async Task MotionPhoto_EmbeddedVideoIsFound(string file, long offset, long length)
    {
        var m = await Extract(file);
        Assert.True(m.IsMotionPhoto);
        Assert.Equal(offset, m.EmbeddedVideoOffset);
        Assert.Equal(length, m.EmbeddedVideoLength);
        await using var fs = File.OpenRead(Media(file));
        Assert.True(offset + length <= fs.Length);
        var head = new byte[8];
        fs.Position = offset;
        await fs.ReadExactlyAsync(head);
        Assert.Equal("ftyp"u8.ToArray(), head[4..8]);
        Assert.InRange(BinaryPrimitives.ReadUInt32BigEndian(head), 8u, 4096u);
    }

    [Fact]
    public async Task MotionPhoto_SamsungHeic_DateAndOffset()
    {
        var m = await Extract("motionphoto/samsung-s22_motionphoto_offset+0530_gps.heic");
        Assert.Equal("UTC+5:30", m.TimeZone);
        Assert.Equal(new TimeSpan(5, 30, 0), m.DateTimeOriginal!.Value.Offset);
        Near(12.9603784, m.Latitude);
    }

    [Fact]
    public async Task NonMotionPhotos_HaveNoEmbeddedVideo()
    {
        foreach (var f in new[] { "heic/samsung-galaxy-a32_offset+0100_gps.heic", "jpeg/google-pixel8pro_ultrahdr-gainmap_offset+0100.jpg", "livephoto/apple-iphone6s_livephoto.jpg" })
        {
            var m = await Extract(f);
            Assert.False(m.IsMotionPhoto, f);
            Assert.Null(m.EmbeddedVideoOffset);
        }
    }

    // ------------------------------------------------------------------ sidecar

    [Fact]
    public async Task Sidecar_OverridesDescriptionRatingDateGpsAndTags()
    {
        var dir = TestPaths.NewTempDir("metadata-sidecar");
        try
        {
            var xmp = Path.Combine(dir, "photo.jpg.xmp");
            await File.WriteAllTextAsync(xmp, """
                <?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
                <x:xmpmeta xmlns:x="adobe:ns:meta/">
                 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
                  <rdf:Description rdf:about=""
                    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
                    xmlns:dc="http://purl.org/dc/elements/1.1/"
                    xmlns:exif="http://ns.adobe.com/exif/1.0/"
                    xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
                    xmp:Rating="5"
                    exif:DateTimeOriginal="2020-02-03T04:05:06.000+05:30"
                    exif:GPSLatitude="48,51.5N"
                    exif:GPSLongitude="2,17.7W">
                   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">From the sidecar</rdf:li></rdf:Alt></dc:description>
                   <lr:hierarchicalSubject><rdf:Bag><rdf:li>Places|Paris</rdf:li><rdf:li>Trips</rdf:li></rdf:Bag></lr:hierarchicalSubject>
                  </rdf:Description>
                 </rdf:RDF>
                </x:xmpmeta>
                <?xpacket end="w"?>
                """);
            var m = await Extract("jpeg/canon-eos500d_xmp-rating.jpg", xmp);
            Assert.Equal("From the sidecar", m.Description);
            Assert.Equal(5, m.Rating);
            Assert.Equal(Dto(2020, 2, 3, 4, 5, 6, 5.5), m.DateTimeOriginal);
            Assert.Equal("UTC+5:30", m.TimeZone);
            Near(48.858333, m.Latitude);
            Near(-2.295, m.Longitude);
            Assert.Equal(["Places/Paris", "Trips"], m.Keywords);
            Assert.Equal("Canon EOS 500D", m.Model); // file values the sidecar does not carry stay

            var broken = Path.Combine(dir, "broken.xmp");
            await File.WriteAllTextAsync(broken, "<x:xmpmeta><rdf:RDF");
            var b = await Extract("jpeg/canon-eos500d_xmp-rating.jpg", broken);
            Assert.Equal(3, b.Rating);
            Assert.Contains(b.Warnings, w => w.StartsWith("sidecar", StringComparison.Ordinal));

            var missing = await Extract("jpeg/canon-eos500d_xmp-rating.jpg", Path.Combine(dir, "none.xmp"));
            Assert.Contains("sidecar not found", missing.Warnings);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    // ------------------------------------------------------------------ small rules

    [Theory]
    [InlineData("0000:00:00 00:00:00")]
    [InlineData("    :  :     :  :  ")]
    [InlineData("")]
    [InlineData("2019:13:01 00:00:00")]
    [InlineData("garbage")]
    public void DateParse_RejectsInvalidDates(string s) => Assert.False(DateParse.TryParse(s, out _));

    [Theory]
    [InlineData("2011:03:12 15:36:11", 2011, 3, 12, 15, 36, 11, null)]
    [InlineData("2011-03-12T15:36:11.00+01:00", 2011, 3, 12, 15, 36, 11, 60)]
    [InlineData("2023-09-22T18:34:05+0200", 2023, 9, 22, 18, 34, 5, 120)]
    [InlineData("2021:05:12 10:21:21Z", 2021, 5, 12, 10, 21, 21, 0)]
    [InlineData("2020-02-03T04:05-05:30", 2020, 2, 3, 4, 5, 0, -330)]
    public void DateParse_ReadsExifAndIsoForms(string s, int y, int mo, int d, int h, int mi, int sec, int? offsetMinutes)
    {
        Assert.True(DateParse.TryParse(s, out var date));
        Assert.Equal(new DateTime(y, mo, d, h, mi, sec), date.Local);
        Assert.Equal(offsetMinutes is null ? null : TimeSpan.FromMinutes(offsetMinutes.Value), date.Offset);
    }

    [Theory]
    [InlineData(0, "UTC")]
    [InlineData(60, "UTC+1")]
    [InlineData(-240, "UTC-4")]
    [InlineData(330, "UTC+5:30")]
    [InlineData(-570, "UTC-9:30")]
    public void ZoneName_IsImmichStyle(int minutes, string expected) => Assert.Equal(expected, MetadataBuilder.ZoneName(TimeSpan.FromMinutes(minutes)));

    [Theory]
    [InlineData(0.005, "1/200")]
    [InlineData(1 / 801.0, "1/801")]
    [InlineData(0.25, "1/4")]
    [InlineData(0.5, "0.5")]
    [InlineData(0.997683, "1")]
    [InlineData(2, "2")]
    [InlineData(1.3, "1.3")]
    [InlineData(30, "30")]
    public void ExposureTime_IsFormattedAsImmichShowsIt(double seconds, string expected) => Assert.Equal(expected, MetadataBuilder.FormatExposure(seconds));
}
