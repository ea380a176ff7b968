namespace ImmichLite.Media.Thumbnails;

/// <summary>Sizes and qualities for one generation run. Sizes are the SHORT side ("fit outside"); nothing is ever
/// enlarged. Defaults are Immich v1.134's: preview JPEG 1440 q80, thumbnail WebP 250 q80.</summary>
/// <param name="MaxPixels">Sources whose declared width × height exceeds this are refused before any pixel buffer is
/// allocated (decompression-bomb guard; libvips/sharp use the same idea with limitInputPixels).</param>
public sealed record ThumbnailOptions(
    int PreviewSize = 1440,
    int PreviewQuality = 80,
    int ThumbnailSize = 250,
    int ThumbnailQuality = 80,
    int MaxPixels = 100_000_000)
{
    /// <summary>Preview JPEG chroma: false (default) = 4:2:0, true = 4:4:4. Immich v1.134 writes 4:4:4 at quality ≥ 80;
    /// this server defaults to 4:2:0 because on a Raspberry Pi the 4:4:4 encode of a 1440p preview costs about 2.5× the
    /// 4:2:0 one (measured 290–360 ms vs 115–160 ms on the loaded build machine for a 1920×1440 preview) and the file is
    /// about twice as large, while camera JPEGs are 4:2:0 to begin with. No client depends on the subsampling.</summary>
    public bool PreviewChroma444 { get; init; }
}

/// <summary>What was written. <paramref name="Decoder"/> names the decode path that produced the pixels
/// (e.g. <c>skia-jpeg</c>, <c>libheif</c>, <c>raw-preview-dng</c>, <c>ffmpeg-video</c>), for logs and tests.</summary>
public sealed record ThumbnailResult(
    int PreviewWidth,
    int PreviewHeight,
    int ThumbnailWidth,
    int ThumbnailHeight,
    byte[] Thumbhash,
    string Decoder);

public interface IThumbnailGenerator
{
    /// <summary>Decodes <paramref name="sourcePath"/> once and writes the preview JPEG to <paramref name="previewPath"/>
    /// and the thumbnail WebP to <paramref name="thumbnailPath"/> (folders are created; each file appears atomically
    /// or not at all). <paramref name="orientation"/> is the EXIF orientation "1".."8" from metadata extraction, or
    /// null to let the generator read it from the file; it is ignored for videos and HEIF (whose containers carry
    /// their own rotation, applied by the decoder). Throws <see cref="ThumbnailException"/> for anything that cannot
    /// be thumbnailed (unsupported, corrupt, too large, empty); other exceptions mean a bug or an I/O failure of the
    /// destination.</summary>
    Task<ThumbnailResult> GenerateAsync(string sourcePath, bool isVideo, string? orientation, string previewPath,
        string thumbnailPath, ThumbnailOptions options, CancellationToken ct);
}

/// <summary>The source cannot be thumbnailed; <see cref="Exception.Message"/> says why in words fit for a log.</summary>
public sealed class ThumbnailException : Exception
{
    public ThumbnailException(string message) : base(message) { }
    public ThumbnailException(string message, Exception inner) : base(message, inner) { }
}
