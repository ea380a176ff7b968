using System.Collections.Frozen;

namespace ImmichLite.Infrastructure;

public enum MediaKind { None, Image, Video, Sidecar }

/// <summary>The file types Immich v1.134 accepts, with their MIME types (GET /server/media-types).</summary>
public static class MediaTypes
{
    static readonly (string Ext, string Mime)[] Raw =
    [
        (".3fr", "image/3fr"), (".ari", "image/ari"), (".arw", "image/arw"), (".cap", "image/cap"), (".cin", "image/cin"),
        (".cr2", "image/cr2"), (".cr3", "image/cr3"), (".crw", "image/crw"), (".dcr", "image/dcr"), (".dng", "image/dng"),
        (".erf", "image/erf"), (".fff", "image/fff"), (".iiq", "image/iiq"), (".k25", "image/k25"), (".kdc", "image/kdc"),
        (".mrw", "image/mrw"), (".nef", "image/nef"), (".nrw", "image/nrw"), (".orf", "image/orf"), (".ori", "image/ori"),
        (".pef", "image/pef"), (".psd", "image/psd"), (".raf", "image/raf"), (".raw", "image/raw"), (".rw2", "image/rw2"),
        (".rwl", "image/rwl"), (".sr2", "image/sr2"), (".srf", "image/srf"), (".srw", "image/srw"), (".x3f", "image/x3f"),
    ];

    static readonly (string Ext, string Mime)[] OtherImages =
    [
        (".avif", "image/avif"), (".gif", "image/gif"), (".jpeg", "image/jpeg"), (".jpg", "image/jpeg"), (".png", "image/png"),
        (".webp", "image/webp"), (".bmp", "image/bmp"), (".heic", "image/heic"), (".heif", "image/heif"), (".hif", "image/hif"),
        (".insp", "image/jpeg"), (".jp2", "image/jp2"), (".jpe", "image/jpeg"), (".jxl", "image/jxl"), (".svg", "image/svg+xml"),
        (".tif", "image/tiff"), (".tiff", "image/tiff"),
    ];

    static readonly (string Ext, string Mime)[] Videos =
    [
        (".3gp", "video/3gpp"), (".3gpp", "video/3gpp"), (".avi", "video/avi"), (".flv", "video/x-flv"), (".insv", "video/mp4"),
        (".m2t", "video/mp2t"), (".m2ts", "video/mp2t"), (".m4v", "video/x-m4v"), (".mkv", "video/x-matroska"),
        (".mov", "video/quicktime"), (".mp4", "video/mp4"), (".mpe", "video/mpeg"), (".mpeg", "video/mpeg"), (".mpg", "video/mpeg"),
        (".mts", "video/mp2t"), (".vob", "video/mpeg"), (".webm", "video/webm"), (".wmv", "video/x-ms-wmv"),
    ];

    public static readonly FrozenSet<string> WebImages = new[] { ".avif", ".gif", ".jpeg", ".jpg", ".png", ".webp" }.ToFrozenSet();

    static readonly FrozenDictionary<string, (string Mime, MediaKind Kind)> ByExt =
        Raw.Concat(OtherImages).Select(x => (x.Ext, (x.Mime, MediaKind.Image)))
            .Concat(Videos.Select(x => (x.Ext, (x.Mime, MediaKind.Video))))
            .Append((".xmp", ("application/xml", MediaKind.Sidecar)))
            .ToFrozenDictionary(x => x.Item1, x => x.Item2);

    public static List<string> ImageExtensions() => Raw.Concat(OtherImages).Select(x => x.Ext).ToList();
    public static List<string> VideoExtensions() => Videos.Select(x => x.Ext).ToList();
    public static List<string> SidecarExtensions() => [".xmp"];

    public static MediaKind KindOf(string fileName) =>
        ByExt.TryGetValue(Path.GetExtension(fileName).ToLowerInvariant(), out var v) ? v.Kind : MediaKind.None;

    public static string MimeOf(string fileName) =>
        ByExt.TryGetValue(Path.GetExtension(fileName).ToLowerInvariant(), out var v) ? v.Mime : "application/octet-stream";
}
