using System.Globalization;
using System.Xml;
using XmpCore;

namespace ImmichLite.Media.Metadata;

/// <summary>
/// Streaming XMP reader (System.Xml.XmlReader, namespace-aware) for the handful of properties we need. XmpCore's
/// full DOM parse and normalisation costs ~3 ms for a 10 KB Lightroom packet; this costs a few hundred microseconds.
/// Understands the RDF shapes writers use: attributes on rdf:Description, property elements with text,
/// rdf:Seq/Bag/Alt arrays of rdf:li, and arrays of structs (rdf:li with attributes, parseType="Resource", nested
/// rdf:Description or child elements).
/// </summary>
internal static class FastXmp
{
    const string Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    const string XmlnsNs = "http://www.w3.org/2000/xmlns/";
    const string XmlNs = "http://www.w3.org/XML/1998/namespace";

    static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CheckCharacters = false,
        CloseInput = true,
    };

    /// <summary>Parses one XMP packet; a malformed packet keeps what was read before the error and adds a warning.</summary>
    public static void Apply(byte[] data, int offset, int count, MetadataBuilder b)
    {
        var sink = new XmpSink(b);
        // trim trailing padding/NULs after the packet (some writers pad with zeros, which XML rejects)
        while (count > 0 && data[offset + count - 1] is 0 or (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') count--;
        if (count == 0) return;
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(data, offset, count, writable: false), Settings);
            Walk(reader, sink);
        }
        catch (XmlException e) { b.Warn("XMP: " + e.Message); }
        sink.Finish();
    }

    static void Walk(XmlReader r, XmpSink sink)
    {
        // element names by depth; property context
        var stack = new List<(string Ns, string Local)>(16);
        int descDepth = -1;               // depth of the top-level rdf:Description
        int propDepth = -1;               // depth of the current top-level property element
        string propNs = "", propLocal = "";
        int liIndex = 0;
        int liDepth = -1;                 // depth of rdf:li elements directly in the property's array

        while (r.Read())
        {
            switch (r.NodeType)
            {
                case XmlNodeType.Element:
                {
                    int depth = r.Depth;
                    string ns = r.NamespaceURI, local = r.LocalName;
                    while (stack.Count > depth) stack.RemoveAt(stack.Count - 1);
                    stack.Add((ns, local));
                    bool empty = r.IsEmptyElement;

                    if (propDepth >= 0 && depth <= propDepth) { propDepth = -1; liDepth = -1; }
                    if (descDepth >= 0 && depth <= descDepth && !(ns == Rdf && local == "Description")) descDepth = -1;

                    if (ns == Rdf && local == "Description" && (descDepth < 0 || depth == descDepth) && depth >= 1 && stack[depth - 1] is (Rdf, "RDF"))
                    {
                        descDepth = depth;
                        ForEachAttribute(r, (ans, alocal, value) => sink.Simple(ans, alocal, value));
                    }
                    else if (descDepth >= 0 && depth == descDepth + 1)
                    {
                        propDepth = depth; propNs = ns; propLocal = local; liIndex = 0; liDepth = -1;
                        // struct shorthand: attributes of the property element are its fields
                        string pns = propNs, plocal = propLocal;
                        ForEachAttribute(r, (ans, alocal, value) => sink.Field(pns, plocal, 0, ans, alocal, value));
                    }
                    else if (propDepth >= 0 && depth > propDepth)
                    {
                        if (ns == Rdf && local == "li" && depth >= 1 && stack[depth - 1].Ns == Rdf && stack[depth - 1].Local is "Seq" or "Bag" or "Alt"
                            && (liDepth < 0 || liDepth == depth) && depth == propDepth + 2)
                        {
                            liDepth = depth;
                            liIndex++;
                        }
                        if (ns != Rdf || local is "li" or "Description")
                        {
                            string pns = propNs, plocal = propLocal;
                            int idx = liIndex;
                            ForEachAttribute(r, (ans, alocal, value) => sink.Field(pns, plocal, idx, ans, alocal, value));
                        }
                    }
                    if (empty && stack.Count > depth) stack.RemoveAt(stack.Count - 1);
                    break;
                }
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.SignificantWhitespace:
                {
                    if (propDepth < 0 || stack.Count == 0) break;
                    int depth = r.Depth - 1; // depth of the element holding this text
                    if (depth < 0 || depth >= stack.Count) break;
                    var (ens, elocal) = stack[depth];
                    var value = r.Value;
                    if (depth == propDepth) sink.Simple(propNs, propLocal, value);
                    else if (ens == Rdf && elocal == "li" && depth == liDepth) sink.Item(propNs, propLocal, liIndex, value);
                    else if (ens != Rdf) sink.Field(propNs, propLocal, liIndex, ens, elocal, value);
                    break;
                }
            }
        }
    }

    static void ForEachAttribute(XmlReader r, Action<string, string, string> onAttr)
    {
        if (!r.HasAttributes) return;
        for (int i = 0; i < r.AttributeCount; i++)
        {
            r.MoveToAttribute(i);
            var ns = r.NamespaceURI;
            if (ns is Rdf or XmlnsNs or XmlNs || ns.Length == 0) continue;
            onAttr(ns, r.LocalName, r.Value);
        }
        r.MoveToElement();
    }

    /// <summary>Feeds an XmpCore tree (from MetadataExtractor's PNG/WebP/TIFF readers) through the same mapping.</summary>
    public static void Apply(IXmpMeta meta, MetadataBuilder b)
    {
        var sink = new XmpSink(b);
        var registry = XmpMetaFactory.SchemaRegistry;
        foreach (var p in meta.Properties)
        {
            if (p.Path is not { } path || p.Value is not { } value) continue;
            var steps = path.Split('/');
            if (!SplitStep(steps[0], registry, out var ns, out var local, out var index)) continue;
            if (steps.Length == 1)
            {
                if (index == 0) sink.Simple(ns, local, value);
                else sink.Item(ns, local, index, value);
            }
            else if (SplitStep(steps[^1], registry, out var fns, out var flocal, out _)) sink.Field(ns, local, index, fns, flocal, value);
        }
        sink.Finish();
    }

    static bool SplitStep(string step, IXmpSchemaRegistry registry, out string ns, out string local, out int index)
    {
        ns = local = ""; index = 0;
        int colon = step.IndexOf(':');
        if (colon <= 0) return false;
        int bracket = step.IndexOf('[');
        local = bracket > colon ? step[(colon + 1)..bracket] : step[(colon + 1)..];
        if (bracket > colon && step.EndsWith(']')) int.TryParse(step.AsSpan(bracket + 1, step.Length - bracket - 2), NumberStyles.Integer, CultureInfo.InvariantCulture, out index);
        ns = registry.GetNamespaceUri(step[..colon]) ?? "";
        return ns.Length > 0;
    }
}

/// <summary>Maps XMP properties onto the builder (the first value wins, as for EXIF).</summary>
internal sealed class XmpSink(MetadataBuilder b)
{
    const string NsXmp = "http://ns.adobe.com/xap/1.0/", NsDc = "http://purl.org/dc/elements/1.1/", NsPs = "http://ns.adobe.com/photoshop/1.0/",
        NsExif = "http://ns.adobe.com/exif/1.0/", NsExifEx = "http://cipa.jp/exif/1.0/", NsAux = "http://ns.adobe.com/exif/1.0/aux/",
        NsTiff = "http://ns.adobe.com/tiff/1.0/", NsLr = "http://ns.adobe.com/lightroom/1.0/", NsDigikam = "http://www.digikam.org/ns/1.0/",
        NsGPano = "http://ns.google.com/photos/1.0/panorama/", NsGCamera = "http://ns.google.com/photos/1.0/camera/",
        NsContainer = "http://ns.google.com/photos/1.0/container/", NsItem = "http://ns.google.com/photos/1.0/container/item/";

    SortedDictionary<int, (string? Semantic, long Length)>? _directory;
    List<string>? _hier, _tags;

    public void Simple(string ns, string local, string value)
    {
        switch (ns)
        {
            case NsXmp:
                if (local == "Rating") { if (b.Rating is null && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var r)) b.SetRating((int)Math.Round(r)); }
                else if (local == "CreateDate") { if (b.XmpCreate is null && DateParse.TryParse(value, out var d)) b.XmpCreate = d; }
                else if (local == "ModifyDate") { if (b.XmpModify is null && DateParse.TryParse(value, out var d)) b.XmpModify = d; }
                break;
            case NsPs:
                if (local == "DateCreated" && b.XmpOriginal is null && DateParse.TryParse(value, out var pd)) b.XmpOriginal = pd;
                break;
            case NsExif:
                if (local == "DateTimeOriginal") { if (DateParse.TryParse(value, out var ed)) b.XmpOriginal = ed; }
                else if (local == "GPSLatitude") { if (XmpGps(value) is { } lat) b.XmpLatitude ??= lat; }
                else if (local == "GPSLongitude") { if (XmpGps(value) is { } lon) b.XmpLongitude ??= lon; }
                break;
            case NsTiff:
                if (local == "Make") b.XmpMake ??= MetadataBuilder.Clean(value);
                else if (local == "Model") b.XmpModel ??= MetadataBuilder.Clean(value);
                break;
            case NsExifEx when local == "LensModel":
            case NsAux when local == "Lens":
                b.XmpLens ??= DirectoryMapper.LensOrNull(value);
                break;
            case NsGPano when local == "ProjectionType":
                b.ProjectionType ??= MetadataBuilder.Clean(value)?.ToUpperInvariant();
                break;
            case NsGCamera:
                if (local is "MotionPhoto" or "MicroVideo") { if (value.Trim() == "1") b.IsMotionPhoto = true; }
                else if (local == "MicroVideoOffset" && long.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var mvo) && mvo > 0) b.MicroVideoFromEnd ??= mvo;
                break;
            case NsDc when local == "description":
                b.XmpDescription ??= MetadataBuilder.Clean(value);
                break;
        }
    }

    public void Item(string ns, string local, int index, string value)
    {
        switch (ns)
        {
            case NsDc when local == "description": if (index == 1) b.XmpDescription ??= MetadataBuilder.Clean(value); break;
            case NsLr when local == "hierarchicalSubject": (_hier ??= []).Add(value); break;
            case NsDigikam when local == "TagsList": (_tags ??= []).Add(value); break;
        }
    }

    public void Field(string propNs, string propLocal, int index, string fieldNs, string fieldLocal, string value)
    {
        if (propNs != NsContainer || propLocal != "Directory" || fieldNs != NsItem || index <= 0) return;
        _directory ??= [];
        _directory.TryGetValue(index, out var e);
        if (fieldLocal == "Semantic") e.Semantic = value.Trim();
        else if (fieldLocal == "Length" && long.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var len)) e.Length = len;
        _directory[index] = e;
    }

    public void Finish()
    {
        if (_hier is not null && b.Hierarchical is null) b.Hierarchical = _hier;
        if (_tags is not null && b.TagsList is null) b.TagsList = _tags;
        if (_directory is null || b.ContainerVideoFromEnd is not null) return;
        // Secondary items are appended after the primary image in directory order, so the motion-photo video
        // starts (its length + the lengths of all later items) bytes before the end of the file.
        long tail = 0;
        foreach (var (_, e) in _directory.Reverse())
        {
            tail += e.Length;
            if (string.Equals(e.Semantic, "MotionPhoto", StringComparison.OrdinalIgnoreCase) && e.Length > 0)
            {
                b.ContainerVideoFromEnd = tail;
                b.ContainerVideoLength = e.Length;
                b.IsMotionPhoto = true;
                return;
            }
        }
    }

    /// <summary>XMP GPS coordinates: "52,12.5807N", "52,12,34.84N" or a plain signed decimal.</summary>
    static double? XmpGps(string s)
    {
        s = s.Trim();
        if (s.Length == 0) return null;
        var last = char.ToUpperInvariant(s[^1]);
        int sign = 1;
        if (last is 'N' or 'S' or 'E' or 'W') { if (last is 'S' or 'W') sign = -1; s = s[..^1]; }
        double total = 0, scale = 1;
        foreach (var part in s.Split(','))
        {
            if (!double.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return null;
            if (v < 0) sign = -sign;
            total += Math.Abs(v) / scale;
            scale *= 60;
        }
        return sign * total;
    }
}
