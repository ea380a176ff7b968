using System.Globalization;

namespace ImmichLite.Media.Metadata;

/// <summary>A date as found in a file: wall-clock time plus the offset when the file states it.</summary>
internal readonly record struct FoundDate(DateTime Local, TimeSpan? Offset, bool IsUtc = false)
{
    public DateTimeOffset ToOffset() => new(DateTime.SpecifyKind(Local, DateTimeKind.Unspecified), Offset ?? TimeSpan.Zero);
}

/// <summary>Mutable accumulator: readers fill it in priority order (first value wins unless a setter says otherwise).</summary>
internal sealed class MetadataBuilder
{
    public string? MimeType;
    public bool ExtensionMismatch;
    public bool IsVideo;
    public string? Make, Model, LensModel, ExposureTime, Orientation, Description, ProjectionType, ProfileDescription, Colorspace, LivePhotoCID, VideoCodec;
    public double? FNumber, FocalLength, Fps, Latitude, Longitude;
    public int? Iso, Width, Height, Rating, BitsPerSample;
    public TimeSpan? Duration;
    public bool IsMotionPhoto;
    public long? VideoOffset, VideoLength;
    // motion-photo hints from XMP, resolved against the file length by MotionPhotoLocator
    public long? ContainerVideoFromEnd, ContainerVideoLength, MicroVideoFromEnd;
    // XMP fallbacks (used when EXIF has nothing; a sidecar overrides)
    public double? XmpLatitude, XmpLongitude;
    public string? XmpMake, XmpModel, XmpLens, XmpDescription, IptcCaption;
    // EXIF details resolved at the end
    public string? PendingSubSecOriginal, PendingSubSecDigitized;
    public int? ExifTagWidth, ExifTagHeight;
    public long? RawJpegOffset, RawJpegLength;
    /// <summary>Date from the XMP sidecar: overrides every date found in the file.</summary>
    public FoundDate? SidecarDate;

    // dates, by source, combined in Build()
    public FoundDate? ExifOriginal, ExifDigitized, ExifModify, XmpOriginal, XmpCreate, XmpModify, QtCreationDate, QtCreate, QtModify, OtherCreate;
    public TimeSpan? ExifOffsetOriginal, ExifOffsetDigitized, ExifOffset;

    // keywords, by source; IptcKeywords also holds what exiftool names Keywords elsewhere (QuickTime keywords)
    public List<string>? TagsList, Hierarchical, IptcKeywords;

    public readonly List<string> Warnings = [];

    public void Warn(string message)
    {
        if (Warnings.Count < 20 && !Warnings.Contains(message)) Warnings.Add(message);
    }

    public static string? Clean(string? s)
    {
        if (s is null) return null;
        s = s.Trim().TrimEnd('\0').Trim();
        return s.Length == 0 ? null : s;
    }

    public void SetGps(double lat, double lon)
    {
        if (Latitude is not null) return;
        if (!ValidGps(lat, lon)) return;
        Latitude = lat;
        Longitude = lon;
    }

    public static bool ValidGps(double lat, double lon) =>
        double.IsFinite(lat) && double.IsFinite(lon) && lat is >= -90 and <= 90 && lon is >= -180 and <= 180 && !(lat == 0 && lon == 0);

    public void SetOrientation(int value)
    {
        if (Orientation is null && value is >= 1 and <= 8) Orientation = value.ToString(CultureInfo.InvariantCulture);
    }

    public void SetRating(int value)
    {
        if (Rating is null && value is >= -1 and <= 5) Rating = value;
    }

    public void SetDims(int w, int h)
    {
        if (Width is null && w > 0 && h > 0) { Width = w; Height = h; }
    }

    public void SetExposure(double seconds)
    {
        if (ExposureTime is not null || !double.IsFinite(seconds) || seconds <= 0) return;
        ExposureTime = FormatExposure(seconds);
    }

    public static string FormatExposure(double seconds)
    {
        if (seconds < 0.25001) return "1/" + ((long)(0.5 + 1 / seconds)).ToString(CultureInfo.InvariantCulture);
        var s = Math.Round(seconds, 1, MidpointRounding.AwayFromZero).ToString("0.0", CultureInfo.InvariantCulture);
        return s.EndsWith(".0", StringComparison.Ordinal) ? s[..^2] : s;
    }

    public MediaMetadata Build()
    {
        // DateTimeOriginal: EXIF original, EXIF digitized (CreateDate), XMP, QuickTime Keys creationdate, mvhd, others.
        Description ??= XmpDescription ?? IptcCaption;
        if (Width is null && ExifTagWidth is { } ew && ExifTagHeight is { } eh) SetDims(ew, eh);
        Make ??= XmpMake;
        Model ??= XmpModel;
        LensModel ??= XmpLens;
        if (Latitude is null && XmpLatitude is { } xla && XmpLongitude is { } xlo) SetGps(xla, xlo);

        FoundDate? date = null;
        TimeSpan? offset = null;
        if (SidecarDate is { } sd) { date = sd; offset = sd.Offset; }
        else if (ExifOriginal is { } eo) { date = eo; offset = ExifOffsetOriginal ?? ExifOffset; }
        else if (ExifDigitized is { } ed) { date = ed; offset = ExifOffsetDigitized ?? ExifOffset; }
        else if (XmpOriginal is { } xo) { date = xo; offset = xo.Offset; }
        else if (XmpCreate is { } xc) { date = xc; offset = xc.Offset; }
        else if (QtCreationDate is { } qcd) { date = qcd; offset = qcd.Offset; }
        else if (QtCreate is { } qc) { date = qc; }
        else if (OtherCreate is { } oc) { date = oc; offset = oc.Offset; }

        if (date is { } d && offset is null && !d.IsUtc && SidecarDate is null)
        {
            // EXIF without a zone: borrow the offset of another record of the same moment that carries one
            // (XMP CreateDate/DateTimeOriginal, EXIF digitized offset, QuickTime creationdate).
            offset = d.Offset ?? SameMomentOffset(d.Local, XmpOriginal) ?? SameMomentOffset(d.Local, XmpCreate)
                ?? SameMomentOffset(d.Local, QtCreationDate) ?? (ExifDigitized is { } dd && SameMinute(dd.Local, d.Local) ? ExifOffsetDigitized : null);
        }
        if (date is { } d2 && d2.Offset is { } own && offset is null) offset = own;

        DateTimeOffset? dto = null;
        bool known = false, isUtc = false;
        if (date is { } final)
        {
            try
            {
                if (offset is { } off && Math.Abs(off.TotalHours) <= 14) { dto = new DateTimeOffset(DateTime.SpecifyKind(final.Local, DateTimeKind.Unspecified), off); known = true; }
                else { dto = new DateTimeOffset(DateTime.SpecifyKind(final.Local, DateTimeKind.Unspecified), TimeSpan.Zero); isUtc = final.IsUtc; }
            }
            catch (ArgumentOutOfRangeException) { Warn("date out of range"); }
        }

        FoundDate? modify = ExifModify ?? XmpModify ?? QtModify;
        DateTimeOffset? modifyDto = null;
        if (modify is { } m)
        {
            var mo = m.Offset ?? (ExifModify is not null ? ExifOffset : null);
            try { modifyDto = new DateTimeOffset(DateTime.SpecifyKind(m.Local, DateTimeKind.Unspecified), mo is { } x && Math.Abs(x.TotalHours) <= 14 ? x : TimeSpan.Zero); }
            catch (ArgumentOutOfRangeException) { }
        }

        return new MediaMetadata
        {
            MimeType = MimeType,
            ExtensionMismatch = ExtensionMismatch,
            IsVideo = IsVideo,
            Make = Make,
            Model = Model,
            LensModel = LensModel,
            FNumber = FNumber,
            ExposureTime = ExposureTime,
            Iso = Iso,
            FocalLength = FocalLength,
            ExifImageWidth = Width,
            ExifImageHeight = Height,
            Orientation = Orientation,
            DateTimeOriginal = dto,
            OffsetKnown = known,
            DateTimeOriginalIsUtc = isUtc,
            TimeZone = known ? ZoneName(dto!.Value.Offset) : null,
            ModifyDate = modifyDto,
            Latitude = Latitude,
            Longitude = Longitude,
            Description = Description,
            Rating = Rating,
            ProjectionType = ProjectionType,
            ProfileDescription = ProfileDescription,
            Colorspace = Colorspace,
            BitsPerSample = BitsPerSample,
            Fps = Fps,
            Duration = Duration,
            VideoCodec = VideoCodec,
            LivePhotoCID = LivePhotoCID,
            IsMotionPhoto = IsMotionPhoto || VideoOffset is not null,
            EmbeddedVideoOffset = VideoOffset,
            EmbeddedVideoLength = VideoOffset is null ? null : VideoLength,
            Keywords = BuildKeywords(),
            Warnings = Warnings.ToArray(),
        };
    }

    static bool SameMinute(DateTime a, DateTime b) => Math.Abs((a - b).TotalSeconds) < 60;

    static TimeSpan? SameMomentOffset(DateTime local, FoundDate? other) =>
        other is { Offset: { } off } o && !o.IsUtc && SameMinute(o.Local, local) ? off : null;

    /// <summary>The fields upstream (v1.134, through exiftool) imports as tags, first found wins: TagsList, else
    /// HierarchicalSubject ("a|b" is the path a/b; a "/" inside a level becomes "|"), else Keywords. XMP dc:subject
    /// (exiftool's Subject) is not among them.</summary>
    IReadOnlyList<string> BuildKeywords()
    {
        if (TagsList is { Count: > 0 }) return Dedup(TagsList);
        if (Hierarchical is { Count: > 0 })
        {
            var list = new List<string>(Hierarchical.Count);
            foreach (var h in Hierarchical) list.Add(string.Join('/', h.Split('|').Select(level => level.Replace('/', '|'))));
            return Dedup(list);
        }
        return IptcKeywords is null ? [] : Dedup(IptcKeywords);
    }

    static string[] Dedup(List<string> items)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>(items.Count);
        foreach (var i in items)
        {
            var t = i.Trim();
            if (t.Length > 0 && seen.Add(t)) result.Add(t);
        }
        return result.ToArray();
    }

    /// <summary>Immich's fixed-offset zone names: "UTC", "UTC+1", "UTC-4", "UTC+5:30".</summary>
    public static string ZoneName(TimeSpan offset)
    {
        if (offset == TimeSpan.Zero) return "UTC";
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return abs.Minutes == 0
            ? $"UTC{sign}{abs.Hours.ToString(CultureInfo.InvariantCulture)}"
            : $"UTC{sign}{abs.Hours.ToString(CultureInfo.InvariantCulture)}:{abs.Minutes.ToString("00", CultureInfo.InvariantCulture)}";
    }
}

/// <summary>Allocation-light, exception-free date parsing for the formats found in EXIF, XMP and QuickTime.</summary>
internal static class DateParse
{
    /// <summary>
    /// Parses "YYYY:MM:DD HH:MM:SS[.fff][Z|+HH:MM|+HHMM]" and ISO 8601 variants ("YYYY-MM-DDTHH:MM[:SS][.fff][zone]",
    /// "YYYY-MM-DD", "YYYY"). Zero, blank or impossible dates give false.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> s, out FoundDate date)
    {
        date = default;
        s = s.Trim().TrimEnd('\0').Trim();
        if (s.Length < 4) return false;
        int pos = 0;
        if (!Num(s, ref pos, 4, out var year)) return false;
        int month = 1, day = 1, hour = 0, minute = 0, second = 0;
        double frac = 0;
        TimeSpan? offset = null;
        if (pos < s.Length && (s[pos] == ':' || s[pos] == '-'))
        {
            pos++;
            if (!Num(s, ref pos, 2, out month)) return false;
            if (pos < s.Length && (s[pos] == ':' || s[pos] == '-'))
            {
                pos++;
                if (!Num(s, ref pos, 2, out day)) return false;
                if (pos < s.Length && (s[pos] == ' ' || s[pos] == 'T'))
                {
                    pos++;
                    while (pos < s.Length && s[pos] == ' ') pos++;
                    if (!Num(s, ref pos, 2, out hour)) return false;
                    if (pos < s.Length && s[pos] == ':') { pos++; if (!Num(s, ref pos, 2, out minute)) return false; }
                    if (pos < s.Length && s[pos] == ':') { pos++; if (!Num(s, ref pos, 2, out second)) return false; }
                    if (pos < s.Length && (s[pos] == '.' || s[pos] == ','))
                    {
                        pos++;
                        double scale = 0.1;
                        while (pos < s.Length && char.IsAsciiDigit(s[pos])) { frac += (s[pos] - '0') * scale; scale /= 10; pos++; }
                    }
                    while (pos < s.Length && s[pos] == ' ') pos++;
                    if (pos < s.Length)
                    {
                        if (!TryParseOffset(s[pos..], out var off)) { /* trailing junk: keep the date without a zone */ }
                        else offset = off;
                    }
                }
            }
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year is >= 1 and <= 9999 ? year : 2000, month)
            || hour > 23 || minute > 59 || second > 60) return false;
        if (second == 60) second = 59;
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        if (frac > 0) local = local.AddTicks((long)Math.Round(frac * TimeSpan.TicksPerSecond));
        date = new FoundDate(local, offset);
        return true;
    }

    /// <summary>"Z", "+01:00", "-0500", "+05:30", "+01". Blank or "   :  " gives false.</summary>
    public static bool TryParseOffset(ReadOnlySpan<char> s, out TimeSpan offset)
    {
        offset = default;
        s = s.Trim().TrimEnd('\0').Trim();
        if (s.Length == 0) return false;
        if (s is "Z" or "z") { offset = TimeSpan.Zero; return true; }
        if (s[0] != '+' && s[0] != '-') return false;
        var neg = s[0] == '-';
        int pos = 1;
        if (!Num(s, ref pos, 2, out var h)) return false;
        int m = 0;
        if (pos < s.Length && s[pos] == ':') pos++;
        if (pos < s.Length && !Num(s, ref pos, 2, out m)) return false;
        if (pos != s.Length || h > 14 || m > 59) return false;
        offset = new TimeSpan(h, m, 0);
        if (neg) offset = -offset;
        return true;
    }

    static bool Num(ReadOnlySpan<char> s, ref int pos, int digits, out int value)
    {
        value = 0;
        if (pos + digits > s.Length) return false;
        for (int i = 0; i < digits; i++)
        {
            var c = s[pos + i];
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        pos += digits;
        return true;
    }
}
