using System.Runtime.InteropServices;

namespace ImmichLite.Media.Thumbnails;

/// <summary>
/// JPEG decode (with DCT scaling) and encode through the system's TurboJPEG library (Debian/Raspberry Pi OS package
/// <c>libturbojpeg0</c>, libjpeg-turbo 2.1 on Bookworm), which is built with SIMD (SSE2/AVX2 on x64, NEON on arm64).
/// Measured on the build machine with a 4000×3000 JPEG: a 4/8-scaled decode costs about 20 ms of CPU with the system
/// libjpeg-turbo (djpeg) against 49–53 ms inside SkiaSharp 4.155's bundled copy, and a 1920×1440 4:2:0 q80 encode
/// under 10 ms against 22–24 ms — so the JPEG-heavy path (the bulk of a photo library) runs here, while Skia still parses
/// the header (size, ICC profile, EXIF orientation) and does the resampling, colour conversion and WebP encoding.
/// Plain <c>DllImport</c> with blittable signatures (Native-AOT safe). When the library is missing
/// (<see cref="Available"/> false) everything falls back to Skia's own codec.
/// </summary>
internal static class TurboJpeg
{
    const string Lib = "libturbojpeg.so.0";

    [DllImport(Lib)] static extern IntPtr tjInitDecompress();
    [DllImport(Lib)] static extern IntPtr tjInitCompress();
    [DllImport(Lib)] static extern int tjDestroy(IntPtr handle);
    [DllImport(Lib)] static extern int tjDecompressHeader3(IntPtr handle, byte[] jpegBuf, nuint jpegSize,
        out int width, out int height, out int subsamp, out int colorspace);
    [DllImport(Lib)] static extern int tjDecompress2(IntPtr handle, byte[] jpegBuf, nuint jpegSize, IntPtr dstBuf,
        int width, int pitch, int height, int pixelFormat, int flags);
    [DllImport(Lib)] static extern int tjCompress2(IntPtr handle, IntPtr srcBuf, int width, int pitch, int height,
        int pixelFormat, ref IntPtr jpegBuf, ref nuint jpegSize, int jpegSubsamp, int jpegQual, int flags);
    [DllImport(Lib)] static extern void tjFree(IntPtr buffer);
    [DllImport(Lib)] static extern IntPtr tjGetErrorStr2(IntPtr handle);
    [DllImport(Lib)] static extern int tjGetErrorCode(IntPtr handle);

    internal const int PixelFormatRgba = 7, PixelFormatBgra = 8;
    const int ColorspaceCmyk = 3, ColorspaceYcck = 4;
    const int FlagLimitScans = 32768; // refuse progressive JPEGs with absurd scan counts (CPU bomb)
    const int ErrWarning = 0;

    /// <summary>Set to false to force Skia's codec (tests use it to cover both paths).</summary>
    internal static bool Enabled { get; set; } = true;

    static readonly Lazy<bool> Loaded = new(() =>
    {
        try
        {
            var h = tjInitCompress();
            if (h == IntPtr.Zero) return false;
            tjDestroy(h);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    });

    public static bool Available => Enabled && Loaded.Value;

    static string Error(IntPtr h) => Marshal.PtrToStringUTF8(tjGetErrorStr2(h)) ?? "unknown TurboJPEG error";

    /// <summary>Header facts needed to pick a scale; false when TurboJPEG cannot handle the file (CMYK/YCCK, broken
    /// header): the caller then uses Skia.</summary>
    public static bool TryReadHeader(byte[] jpeg, int length, out int width, out int height)
    {
        width = height = 0;
        var h = tjInitDecompress();
        if (h == IntPtr.Zero) return false;
        try
        {
            if (tjDecompressHeader3(h, jpeg, (nuint)length, out width, out height, out _, out int cs) != 0) return false;
            return cs is not (ColorspaceCmyk or ColorspaceYcck) && width > 0 && height > 0;
        }
        finally { tjDestroy(h); }
    }

    /// <summary>libjpeg-turbo's scaled size for num/8 (TJSCALED: ceil).</summary>
    public static int Scaled(int dim, int num) => (dim * num + 7) / 8;

    /// <summary>Decodes into <paramref name="dst"/> at exactly <paramref name="w"/>×<paramref name="h"/> (a size that
    /// <see cref="Scaled"/> produced). Returns false on a fatal error; partial images (corrupt/truncated data) count as
    /// decoded, with <paramref name="partial"/> set.</summary>
    public static bool Decode(byte[] jpeg, int length, IntPtr dst, int w, int h, int pitch, int pixelFormat, out bool partial, out string? error)
    {
        partial = false;
        error = null;
        var handle = tjInitDecompress();
        if (handle == IntPtr.Zero) { error = "tjInitDecompress failed"; return false; }
        try
        {
            if (tjDecompress2(handle, jpeg, (nuint)length, dst, w, pitch, h, pixelFormat, FlagLimitScans) == 0) return true;
            error = Error(handle);
            if (tjGetErrorCode(handle) == ErrWarning) { partial = true; return true; }
            return false;
        }
        finally { tjDestroy(handle); }
    }

    /// <summary>Encodes a BGRA/RGBA buffer; null on failure.</summary>
    public static byte[]? Encode(IntPtr src, int w, int h, int pitch, int pixelFormat, int quality, bool chroma444)
    {
        var handle = tjInitCompress();
        if (handle == IntPtr.Zero) return null;
        IntPtr buf = IntPtr.Zero;
        nuint size = 0;
        try
        {
            if (tjCompress2(handle, src, w, pitch, h, pixelFormat, ref buf, ref size, chroma444 ? 0 : 2, quality, 0) != 0
                || buf == IntPtr.Zero || size == 0 || size > int.MaxValue)
                return null;
            var result = new byte[(int)size];
            Marshal.Copy(buf, result, 0, (int)size);
            return result;
        }
        finally
        {
            if (buf != IntPtr.Zero) tjFree(buf);
            tjDestroy(handle);
        }
    }
}
