using System.Runtime.InteropServices;
using System.Text;

namespace ImmichLite.Media.Thumbnails;

/// <summary>
/// In-process HEIF/HEIC/AVIF decoding through the system's libheif (Debian/Raspberry Pi OS package <c>libheif1</c>,
/// 1.15 on Bookworm, which brings libde265 for HEVC and dav1d/aom for AV1). Plain <c>DllImport</c> with blittable
/// signatures only, so it works under Native AOT and resolves lazily: a machine without libheif1 fails here with
/// <see cref="DllNotFoundException"/>, which the generator turns into a clear <see cref="ThumbnailException"/>.
/// libheif applies the container's own transformations (irot/imir/clap) while decoding and reports the transformed
/// size, so EXIF orientation must NOT be applied again to HEIF output.
/// </summary>
internal static class LibHeif
{
    const string Lib = "libheif.so.1";

    [StructLayout(LayoutKind.Sequential)]
    struct HeifError
    {
        public int Code;
        public int Subcode;
        public IntPtr Message;
    }

    const int ColorspaceRgb = 1;
    const int ChromaInterleavedRgba = 11;
    const int ChannelInterleaved = 10;
    const int ProfileProf = 0x70726f66; // 'prof'
    const int ProfileRicc = 0x72494343; // 'rICC'

    [DllImport(Lib)] static extern IntPtr heif_init(IntPtr parameters);
    [DllImport(Lib)] static extern IntPtr heif_context_alloc();
    [DllImport(Lib)] static extern void heif_context_free(IntPtr ctx);
    [DllImport(Lib)] static extern HeifError heif_context_read_from_file(IntPtr ctx, byte[] path, IntPtr options);
    [DllImport(Lib)] static extern HeifError heif_context_get_primary_image_handle(IntPtr ctx, out IntPtr handle);
    [DllImport(Lib)] static extern void heif_image_handle_release(IntPtr handle);
    [DllImport(Lib)] static extern int heif_image_handle_get_width(IntPtr handle);
    [DllImport(Lib)] static extern int heif_image_handle_get_height(IntPtr handle);
    [DllImport(Lib)] static extern int heif_image_handle_has_alpha_channel(IntPtr handle);
    [DllImport(Lib)] static extern int heif_image_handle_get_color_profile_type(IntPtr handle);
    [DllImport(Lib)] static extern UIntPtr heif_image_handle_get_raw_color_profile_size(IntPtr handle);
    [DllImport(Lib)] static extern HeifError heif_image_handle_get_raw_color_profile(IntPtr handle, byte[] data);
    [DllImport(Lib)] static extern HeifError heif_decode_image(IntPtr handle, out IntPtr image, int colorspace, int chroma, IntPtr options);
    [DllImport(Lib)] static extern void heif_image_release(IntPtr image);
    [DllImport(Lib)] static extern IntPtr heif_image_get_plane_readonly(IntPtr image, int channel, out int stride);
    [DllImport(Lib)] static extern int heif_image_get_width(IntPtr image, int channel);
    [DllImport(Lib)] static extern int heif_image_get_height(IntPtr image, int channel);

    static readonly Lazy<bool> Initialized = new(() =>
    {
        try { heif_init(IntPtr.Zero); } catch (EntryPointNotFoundException) { /* libheif < 1.13 needs no init */ }
        return true;
    });

    /// <summary>A decoded HEIF primary image: interleaved 8-bit RGBA owned by libheif until disposed.</summary>
    internal sealed class Image : IDisposable
    {
        IntPtr _ctx, _handle, _image;
        public int Width { get; }
        public int Height { get; }
        public IntPtr Pixels { get; }
        public int Stride { get; }
        public bool HasAlpha { get; }
        public byte[]? Icc { get; }

        internal Image(IntPtr ctx, IntPtr handle, IntPtr image, int w, int h, IntPtr px, int stride, bool alpha, byte[]? icc)
        {
            _ctx = ctx; _handle = handle; _image = image;
            Width = w; Height = h; Pixels = px; Stride = stride; HasAlpha = alpha; Icc = icc;
        }

        public void Dispose()
        {
            if (_image != IntPtr.Zero) { heif_image_release(_image); _image = IntPtr.Zero; }
            if (_handle != IntPtr.Zero) { heif_image_handle_release(_handle); _handle = IntPtr.Zero; }
            if (_ctx != IntPtr.Zero) { heif_context_free(_ctx); _ctx = IntPtr.Zero; }
        }
    }

    static string Describe(HeifError e)
    {
        var msg = e.Message != IntPtr.Zero ? Marshal.PtrToStringUTF8(e.Message) : null;
        return $"libheif error {e.Code}.{e.Subcode}: {msg}";
    }

    /// <summary>Opens, checks the size against <paramref name="maxPixels"/> (before any pixel is decoded), and decodes
    /// the primary image. Throws <see cref="ThumbnailException"/> for bad input, <see cref="DllNotFoundException"/>
    /// when libheif is not installed.</summary>
    public static Image Decode(string path, long maxPixels)
    {
        _ = Initialized.Value;
        IntPtr ctx = heif_context_alloc();
        if (ctx == IntPtr.Zero) throw new ThumbnailException("libheif: could not allocate a context");
        IntPtr handle = IntPtr.Zero, image = IntPtr.Zero;
        bool ok = false;
        try
        {
            var pathBytes = Encoding.UTF8.GetBytes(path + "\0");
            var err = heif_context_read_from_file(ctx, pathBytes, IntPtr.Zero);
            if (err.Code != 0) throw new ThumbnailException($"HEIF file cannot be read ({Describe(err)})");
            err = heif_context_get_primary_image_handle(ctx, out handle);
            if (err.Code != 0 || handle == IntPtr.Zero) throw new ThumbnailException($"HEIF file has no primary image ({Describe(err)})");
            int w = heif_image_handle_get_width(handle), h = heif_image_handle_get_height(handle);
            if (w <= 0 || h <= 0) throw new ThumbnailException($"HEIF primary image has an invalid size {w}x{h}");
            if ((long)w * h > maxPixels)
                throw new ThumbnailException($"image is {w}x{h} = {(long)w * h} pixels, above the limit of {maxPixels}");
            bool alpha = heif_image_handle_has_alpha_channel(handle) != 0;
            byte[]? icc = null;
            int ptype = heif_image_handle_get_color_profile_type(handle);
            if (ptype is ProfileProf or ProfileRicc)
            {
                ulong size = (ulong)heif_image_handle_get_raw_color_profile_size(handle);
                if (size is > 0 and < 4 * 1024 * 1024)
                {
                    icc = new byte[size];
                    if (heif_image_handle_get_raw_color_profile(handle, icc).Code != 0) icc = null;
                }
            }
            err = heif_decode_image(handle, out image, ColorspaceRgb, ChromaInterleavedRgba, IntPtr.Zero);
            if (err.Code != 0 || image == IntPtr.Zero) throw new ThumbnailException($"HEIF image cannot be decoded ({Describe(err)})");
            IntPtr px = heif_image_get_plane_readonly(image, ChannelInterleaved, out int stride);
            int iw = heif_image_get_width(image, ChannelInterleaved), ih = heif_image_get_height(image, ChannelInterleaved);
            if (px == IntPtr.Zero || iw <= 0 || ih <= 0 || stride < iw * 4)
                throw new ThumbnailException("HEIF decode returned no RGBA plane");
            ok = true;
            return new Image(ctx, handle, image, iw, ih, px, stride, alpha, icc);
        }
        finally
        {
            if (!ok)
            {
                if (image != IntPtr.Zero) heif_image_release(image);
                if (handle != IntPtr.Zero) heif_image_handle_release(handle);
                heif_context_free(ctx);
            }
        }
    }
}
