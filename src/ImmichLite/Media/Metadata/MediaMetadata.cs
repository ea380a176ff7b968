namespace ImmichLite.Media.Metadata;

/// <summary>Reads the metadata of one original (photo or video) and, when given, its XMP sidecar.</summary>
public interface IMetadataExtractor
{
    /// <summary>
    /// Never throws for a broken, truncated, empty or mislabelled file: what could be read is returned and
    /// the problems are listed in <see cref="MediaMetadata.Warnings"/>. Only <see cref="OperationCanceledException"/>
    /// escapes (when <paramref name="ct"/> is cancelled). A missing file is reported as a warning too.
    /// </summary>
    Task<MediaMetadata> ExtractAsync(string path, string? sidecarPath, CancellationToken ct);
}

/// <summary>
/// What the metadata extraction job needs from one file, shaped after Immich's exif row. Every field is null when
/// unknown or invalid (zero dates, GPS 0,0, out-of-range values are dropped, not reported as values).
/// </summary>
public sealed record MediaMetadata
{
    /// <summary>MIME type sniffed from the content (magic bytes), e.g. "image/jpeg", "image/heic", "video/quicktime"; null when unrecognised.</summary>
    public string? MimeType { get; init; }
    /// <summary>True when the sniffed content type disagrees with the file-name extension (e.g. a JPEG named .heic).</summary>
    public bool ExtensionMismatch { get; init; }
    /// <summary>True when the content (or, failing that, the extension) is a video.</summary>
    public bool IsVideo { get; init; }

    public string? Make { get; init; }
    public string? Model { get; init; }
    public string? LensModel { get; init; }
    public double? FNumber { get; init; }
    /// <summary>Formatted as Immich shows it: "1/200" below a quarter second, else seconds with at most one decimal ("2", "0.5", "1.3").</summary>
    public string? ExposureTime { get; init; }
    public int? Iso { get; init; }
    /// <summary>Millimetres.</summary>
    public double? FocalLength { get; init; }

    /// <summary>Stored pixel width of the main image or video track, before orientation is applied.</summary>
    public int? ExifImageWidth { get; init; }
    /// <summary>Stored pixel height of the main image or video track, before orientation is applied.</summary>
    public int? ExifImageHeight { get; init; }
    /// <summary>EXIF orientation "1".."8" (videos: derived from the track rotation); null when absent or invalid (e.g. 0).</summary>
    public string? Orientation { get; init; }

    /// <summary>
    /// When the photo or video was taken. With <see cref="OffsetKnown"/> the offset is the real local offset.
    /// Without it the offset is zero and the value is either the camera's local wall-clock time (EXIF/XMP without a
    /// zone) or, when <see cref="DateTimeOriginalIsUtc"/> is set, a true UTC instant (QuickTime/MP4 header times).
    /// </summary>
    public DateTimeOffset? DateTimeOriginal { get; init; }
    /// <summary>True when the UTC offset of <see cref="DateTimeOriginal"/> came from the file (OffsetTime*, an XMP date with a zone, QuickTime creationdate).</summary>
    public bool OffsetKnown { get; init; }
    /// <summary>True when <see cref="DateTimeOriginal"/> is a UTC instant whose local offset is unknown (mvhd creation time of a video).</summary>
    public bool DateTimeOriginalIsUtc { get; init; }
    /// <summary>Immich-style time zone name of a known offset: "UTC", "UTC+1", "UTC-4", "UTC+5:30". Null when the offset is unknown.</summary>
    public string? TimeZone { get; init; }
    /// <summary>Last modification date recorded in the metadata (EXIF DateTime / XMP ModifyDate / mvhd modification time).</summary>
    public DateTimeOffset? ModifyDate { get; init; }

    public double? Latitude { get; init; }
    public double? Longitude { get; init; }

    public string? Description { get; init; }
    /// <summary>-1 (rejected) .. 5.</summary>
    public int? Rating { get; init; }
    /// <summary>Upper-cased GPano:ProjectionType, e.g. "EQUIRECTANGULAR".</summary>
    public string? ProjectionType { get; init; }
    /// <summary>ICC profile description, e.g. "Display P3", "sRGB IEC61966-2.1".</summary>
    public string? ProfileDescription { get; init; }
    /// <summary>EXIF ColorSpace: "sRGB", "Adobe RGB" or "Uncalibrated".</summary>
    public string? Colorspace { get; init; }
    public int? BitsPerSample { get; init; }

    /// <summary>Average frame rate of the main video stream (frames / stream duration).</summary>
    public double? Fps { get; init; }
    public TimeSpan? Duration { get; init; }
    /// <summary>Codec of the main video stream as ffprobe names it where known ("h264", "hevc", "mjpeg", ...).</summary>
    public string? VideoCodec { get; init; }

    /// <summary>Apple Live Photo pairing id: MakerNote ContentIdentifier (still) or com.apple.quicktime.content.identifier (video).</summary>
    public string? LivePhotoCID { get; init; }
    /// <summary>The file is flagged as a motion photo (XMP GCamera MotionPhoto/MicroVideo, Samsung trailer or mpvd box).</summary>
    public bool IsMotionPhoto { get; init; }
    /// <summary>Byte offset of the MP4 embedded in a motion photo; the bytes there start with an ISO-BMFF box ("....ftyp").</summary>
    public long? EmbeddedVideoOffset { get; init; }
    public long? EmbeddedVideoLength { get; init; }

    /// <summary>Tags as upstream imports them: digiKam TagsList, else lr:hierarchicalSubject ("A|B" becomes "A/B"), else Keywords
    /// (IPTC, QuickTime); XMP dc:subject alone is not imported.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];
    /// <summary>Short reasons for whatever could not be read. Empty for a clean file.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

public sealed class MetadataExtractorOptions
{
    /// <summary>How videos are probed. Default: native container parsing, ffprobe only to fill what is still missing.</summary>
    public VideoProbeMode VideoProbe { get; init; } = VideoProbeMode.NativeThenFfprobe;
    /// <summary>The ffprobe binary: a path or a name looked up on PATH.</summary>
    public string FfprobePath { get; init; } = "ffprobe";
    public TimeSpan FfprobeTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Upper bound of a metadata structure read into memory (moov, HEIF meta, XMP sidecar, ...).</summary>
    public int MaxMetadataBytes { get; init; } = 64 << 20;
}

public enum VideoProbeMode
{
    /// <summary>Parse MP4/MOV/3GP, AVI and MPEG-TS ourselves; run ffprobe only when duration or dimensions are still unknown.</summary>
    NativeThenFfprobe,
    /// <summary>Always run ffprobe as well; its duration, fps, dimensions and rotation win.</summary>
    AlwaysFfprobe,
    /// <summary>Never start a process.</summary>
    NativeOnly,
}
