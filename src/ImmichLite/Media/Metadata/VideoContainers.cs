using System.Buffers.Binary;

namespace ImmichLite.Media.Metadata;

/// <summary>AVI (RIFF) header: the main and video stream headers sit in the first kilobytes.</summary>
internal static class Avi
{
    static string CollapseSpaces(string s)
    {
        while (s.Contains("  ", StringComparison.Ordinal)) s = s.Replace("  ", " ", StringComparison.Ordinal);
        return s;
    }

    public static void Read(Stream s, MetadataBuilder b)
    {
        var head = StreamUtil.ReadBlock(s, 0, 256 * 1024, 256 * 1024);
        if (head is null || head.Length < 12) { b.Warn("AVI header truncated"); return; }
        Walk(head.AsSpan(12), b, depth: 0, inVideoStream: false);
    }

    static void Walk(ReadOnlySpan<byte> data, MetadataBuilder b, int depth, bool inVideoStream)
    {
        int pos = 0;
        bool videoStrl = inVideoStream;
        while (pos + 8 <= data.Length && depth < 4)
        {
            var id = data.Slice(pos, 4);
            int size = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(data[(pos + 4)..]), int.MaxValue - 16);
            var body = data.Slice(pos + 8, Math.Min(size, data.Length - pos - 8));
            if (id.SequenceEqual("LIST"u8) && body.Length >= 4)
            {
                var listType = body[..4];
                if (listType.SequenceEqual("hdrl"u8) || listType.SequenceEqual("strl"u8)) Walk(body[4..], b, depth + 1, false);
                else if (listType.SequenceEqual("movi"u8)) return;
            }
            else if (id.SequenceEqual("avih"u8) && body.Length >= 40)
            {
                uint usPerFrame = BinaryPrimitives.ReadUInt32LittleEndian(body);
                uint frames = BinaryPrimitives.ReadUInt32LittleEndian(body[16..]);
                int w = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[32..]), h = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[36..]);
                if (usPerFrame > 0 && frames > 0)
                {
                    b.Duration ??= TimeSpan.FromTicks((long)usPerFrame * frames * 10);
                    b.Fps ??= Math.Round(1_000_000.0 / usPerFrame, 3);
                }
                b.SetDims(w, h);
            }
            else if (id.SequenceEqual("IDIT"u8) && b.OtherCreate is null) // DateTimeOriginal ("Mon Jan 01 12:00:00 2001" or ISO)
            {
                var text = System.Text.Encoding.ASCII.GetString(body).TrimEnd('\0', ' ', '\n');
                if (DateParse.TryParse(text, out var d)) b.OtherCreate = d;
                else if (DateTime.TryParseExact(CollapseSpaces(text), "ddd MMM d HH:mm:ss yyyy", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var dt))
                    b.OtherCreate = new FoundDate(dt, null);
            }
            else if (id.SequenceEqual("strh"u8) && body.Length >= 36)
            {
                videoStrl = body[..4].SequenceEqual("vids"u8);
                if (videoStrl)
                {
                    uint scale = BinaryPrimitives.ReadUInt32LittleEndian(body[20..]), rate = BinaryPrimitives.ReadUInt32LittleEndian(body[24..]);
                    uint length = BinaryPrimitives.ReadUInt32LittleEndian(body[32..]);
                    if (scale > 0 && rate > 0)
                    {
                        b.Fps = Math.Round((double)rate / scale, 3);
                        if (length > 0) b.Duration = TimeSpan.FromSeconds((double)length * scale / rate);
                    }
                }
            }
            else if (id.SequenceEqual("strf"u8) && videoStrl && body.Length >= 20)
            {
                var compression = body.Slice(16, 4);
                b.VideoCodec ??= compression.SequenceEqual("MJPG"u8) || compression.SequenceEqual("mjpg"u8) ? "mjpeg"
                    : compression.SequenceEqual("H264"u8) || compression.SequenceEqual("h264"u8) || compression.SequenceEqual("avc1"u8) ? "h264"
                    : compression.SequenceEqual("XVID"u8) || compression.SequenceEqual("DIVX"u8) || compression.SequenceEqual("DX50"u8) ? "mpeg4"
                    : null;
            }
            pos += 8 + size + (size & 1);
        }
    }
}

/// <summary>
/// MPEG transport streams (.mts/.m2ts/.ts): PAT/PMT to find the video PID, PES timestamps from the head and
/// the tail of the file for the duration, and the H.264 SPS (or MPEG-2 sequence header) for size and frame rate.
/// Reads at most 1 MiB from each end.
/// </summary>
internal static class MpegTs
{
    const int Window = 256 * 1024;

    public static bool Sniff(ReadOnlySpan<byte> head, out int packetSize, out int syncOffset)
    {
        foreach (var (size, off) in new[] { (188, 0), (192, 4) })
        {
            if (head.Length >= off + size * 2 + 1 && head[off] == 0x47 && head[off + size] == 0x47 && head[off + 2 * size] == 0x47)
            { packetSize = size; syncOffset = off; return true; }
        }
        packetSize = 0; syncOffset = 0;
        return false;
    }

    sealed class State
    {
        public int PmtPid = -1, VideoPid = -1, VideoType;
        public readonly HashSet<int> TimedPids = [];
        public long FirstPts = -1, LastPts = -1;
        public readonly List<long> VideoPts = [];
        public byte[]? SpsPayload;
        public readonly byte[] Pes = new byte[64 * 1024];
        public int PesLength;
        public bool CollectingPes;
    }

    public static void Read(Stream s, MetadataBuilder b)
    {
        var head = StreamUtil.ReadBlock(s, 0, Window, Window);
        if (head is null || !Sniff(head, out var ps, out var so)) { b.Warn("MPEG-TS sync not found"); return; }
        var st = new State();
        Scan(head, ps, so, st, head: true);
        if (st.VideoPid < 0) { b.Warn("MPEG-TS: no video stream in the first MiB"); return; }

        long len = s.Length;
        if (len > Window)
        {
            long start = len - Window;
            start -= start % ps; // keep packet alignment for files without junk
            var tail = StreamUtil.ReadBlock(s, start, len - start, Window + ps);
            if (tail is not null)
            {
                // re-synchronise: find an offset where three packets in a row start with 0x47
                for (int off = 0; off < ps && off + 2 * ps < tail.Length; off++)
                    if (tail[off] == 0x47 && tail[off + ps] == 0x47 && tail[off + 2 * ps] == 0x47)
                    {
                        // the 4-byte M2TS timestamp precedes the sync byte
                        Scan(tail, ps, off, st, head: false);
                        break;
                    }
            }
        }

        b.VideoCodec ??= st.VideoType switch { 0x1B => "h264", 0x24 => "hevc", 0x01 or 0x02 => "mpeg2video", 0x10 => "mpeg4", 0xEA => "vc1", _ => null };
        double? frameDuration = null;
        if (st.SpsPayload is { } pay)
        {
            if (st.VideoType == 0x1B) H264.ApplyMdpm(pay, b);
            if (st.VideoType == 0x1B && H264.TryParseSpsFromAnnexB(pay, out var w, out var h, out var fps))
            {
                b.SetDims(w, h);
                if (fps > 0) { b.Fps ??= Math.Round(fps, 3); frameDuration = 1 / fps; }
            }
            else if (st.VideoType is 0x01 or 0x02 && Mpeg2.TryParseSequenceHeader(pay, out var mw, out var mh, out var mfps))
            {
                b.SetDims(mw, mh);
                if (mfps > 0) { b.Fps ??= mfps; frameDuration = 1 / mfps; }
            }
        }
        if (frameDuration is null && st.VideoPts.Count > 2)
        {
            st.VideoPts.Sort();
            long best = long.MaxValue;
            for (int i = 1; i < st.VideoPts.Count; i++) { var d = st.VideoPts[i] - st.VideoPts[i - 1]; if (d > 0 && d < best) best = d; }
            if (best != long.MaxValue) { frameDuration = best / 90000.0; b.Fps ??= Math.Round(90000.0 / best, 3); }
        }
        if (st.FirstPts >= 0 && st.LastPts > st.FirstPts)
        {
            var seconds = (st.LastPts - st.FirstPts) / 90000.0 + (frameDuration ?? 0);
            if (seconds is > 0 and < 1e6) b.Duration ??= TimeSpan.FromSeconds(seconds);
        }
    }

    static void Scan(byte[] data, int ps, int syncOffset, State st, bool head)
    {
        for (int p = syncOffset; p + 188 <= data.Length; p += ps)
        {
            if (data[p] != 0x47) continue;
            var pkt = data.AsSpan(p, 188);
            bool pusi = (pkt[1] & 0x40) != 0;
            int pid = (pkt[1] & 0x1F) << 8 | pkt[2];
            int afc = (pkt[3] >> 4) & 3;
            int payloadStart = 4;
            if (afc is 2 or 3) payloadStart += 1 + pkt[4];
            if (afc is 0 or 2 || payloadStart >= 188) continue;
            var payload = pkt[payloadStart..];

            if (pid == 0 && pusi && head && st.PmtPid < 0) ParsePat(payload, st);
            else if (pid == st.PmtPid && pusi && head && st.VideoPid < 0) ParsePmt(payload, st);
            else if (pusi && payload.Length >= 14 && payload[0] == 0 && payload[1] == 0 && payload[2] == 1)
            {
                int streamId = payload[3];
                bool isPesWithHeader = streamId is >= 0xC0 and <= 0xEF or 0xBD or 0xFD;
                long pts = -1;
                if (isPesWithHeader && (payload[7] & 0x80) != 0) pts = ReadPts(payload[9..]);
                if (pts >= 0 && st.TimedPids.Contains(pid))
                {
                    if (head && (st.FirstPts < 0 || pts < st.FirstPts)) st.FirstPts = pts;
                    if (pts > st.LastPts) st.LastPts = pts;
                    if (pid == st.VideoPid && head && st.VideoPts.Count < 64) st.VideoPts.Add(pts);
                }
                if (pid == st.VideoPid && head && st.SpsPayload is null)
                {
                    if (st.CollectingPes) FinishPes(st);
                    if (st.SpsPayload is null)
                    {
                        st.PesLength = 0;
                        st.CollectingPes = true;
                        int hdr = 9 + payload[8];
                        if (hdr < payload.Length) Append(st, payload[hdr..]);
                    }
                }
            }
            else if (pid == st.VideoPid && head && st.CollectingPes)
            {
                Append(st, payload);
                if (st.PesLength == st.Pes.Length) FinishPes(st);
            }
        }
        if (head && st.CollectingPes) FinishPes(st);
    }

    static void Append(State st, ReadOnlySpan<byte> data)
    {
        int n = Math.Min(data.Length, st.Pes.Length - st.PesLength);
        data[..n].CopyTo(st.Pes.AsSpan(st.PesLength));
        st.PesLength += n;
    }

    static void FinishPes(State st)
    {
        st.CollectingPes = false;
        if (st.PesLength < 8) return;
        var arr = st.Pes.AsSpan(0, st.PesLength).ToArray();
        bool has = st.VideoType == 0x1B ? H264.FindNal(arr, 7) >= 0 : st.VideoType is 0x01 or 0x02 && Mpeg2.FindStartCode(arr, 0xB3) >= 0;
        if (has) st.SpsPayload = arr;
        st.PesLength = 0;
    }

    static long ReadPts(ReadOnlySpan<byte> p)
    {
        if (p.Length < 5) return -1;
        return ((long)(p[0] >> 1) & 7) << 30 | (long)p[1] << 22 | ((long)p[2] >> 1) << 15 | (long)p[3] << 7 | ((long)p[4] >> 1);
    }

    static void ParsePat(ReadOnlySpan<byte> payload, State st)
    {
        int ptr = payload[0];
        var sec = payload[(1 + ptr)..];
        if (sec.Length < 8 || sec[0] != 0) return;
        int sectionLength = (sec[1] & 0x0F) << 8 | sec[2];
        int end = Math.Min(3 + sectionLength - 4, sec.Length);
        for (int i = 8; i + 4 <= end; i += 4)
        {
            int program = sec[i] << 8 | sec[i + 1];
            int pid = (sec[i + 2] & 0x1F) << 8 | sec[i + 3];
            if (program != 0) { st.PmtPid = pid; return; }
        }
    }

    static void ParsePmt(ReadOnlySpan<byte> payload, State st)
    {
        int ptr = payload[0];
        if (1 + ptr >= payload.Length) return;
        var sec = payload[(1 + ptr)..];
        if (sec.Length < 12 || sec[0] != 2) return;
        int sectionLength = (sec[1] & 0x0F) << 8 | sec[2];
        int end = Math.Min(3 + sectionLength - 4, sec.Length);
        int progInfoLen = (sec[10] & 0x0F) << 8 | sec[11];
        for (int i = 12 + progInfoLen; i + 5 <= end;)
        {
            int type = sec[i];
            int pid = (sec[i + 1] & 0x1F) << 8 | sec[i + 2];
            int esInfo = (sec[i + 3] & 0x0F) << 8 | sec[i + 4];
            if (type is 0x1B or 0x24 or 0x01 or 0x02 or 0x10 or 0xEA && st.VideoPid < 0) { st.VideoPid = pid; st.VideoType = type; }
            // audio and video carry the timeline; subtitles (PGS 0x90..0x92) and private data do not
            if (type is not (0x05 or 0x06 or 0x0D or 0x90 or 0x91 or 0x92)) st.TimedPids.Add(pid);
            i += 5 + esInfo;
        }
    }
}

/// <summary>Exp-Golomb bit reader over an RBSP (emulation-prevention bytes already removed).</summary>
internal ref struct BitReader(ReadOnlySpan<byte> data)
{
    readonly ReadOnlySpan<byte> _d = data;
    int _bit;
    public bool Failed;

    public uint Bits(int n)
    {
        uint v = 0;
        for (int i = 0; i < n; i++)
        {
            if (_bit >> 3 >= _d.Length) { Failed = true; return 0; }
            v = v << 1 | (uint)((_d[_bit >> 3] >> (7 - (_bit & 7))) & 1);
            _bit++;
        }
        return v;
    }

    public bool Flag() => Bits(1) == 1;

    public uint Ue()
    {
        int zeros = 0;
        while (Bits(1) == 0) { if (Failed || ++zeros > 31) { Failed = true; return 0; } }
        return zeros == 0 ? 0 : (1u << zeros) - 1 + Bits(zeros);
    }

    public int Se()
    {
        var k = Ue();
        return (k & 1) == 1 ? (int)((k + 1) / 2) : -(int)(k / 2);
    }
}

internal static class H264
{
    static ReadOnlySpan<byte> MdpmUuid => [0x17, 0xEE, 0x8C, 0x60, 0xF8, 0x4D, 0x11, 0xD9, 0x8C, 0xD6, 0x08, 0x00, 0x20, 0x0C, 0x9A, 0x66, (byte)'M', (byte)'D', (byte)'P', (byte)'M'];

    /// <summary>
    /// AVCHD camcorders put a "Modified DV Pack Metadata" block in an SEI user-data payload (UUID 17ee8c60-f84d-11d9-
    /// 8cd6-0800200c9a66 + "MDPM"): 5-byte entries, tag 0x18/0x19 = BCD recording date with a time-zone byte,
    /// 0xe0 = maker code, 0xe4..0xe6 = Sony model name.
    /// </summary>
    public static void ApplyMdpm(byte[] data, MetadataBuilder b)
    {
        for (int i = 0; i + 4 < data.Length; i++)
        {
            if (!(data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 && (data[i + 3] & 0x1F) == 6)) continue;
            int end = i + 4;
            while (end + 2 < data.Length && !(data[end] == 0 && data[end + 1] == 0 && (data[end + 2] == 1 || data[end + 2] == 0))) end++;
            if (end + 2 >= data.Length) end = data.Length;
            var rbsp = Unescape(data.AsSpan(i + 4, end - i - 4));
            if (ParseSei(rbsp, b)) return;
            i = end - 1;
        }
    }

    static bool ParseSei(ReadOnlySpan<byte> sei, MetadataBuilder b)
    {
        int pos = 0;
        while (pos < sei.Length)
        {
            int type = 0, size = 0;
            while (pos < sei.Length) { int t = sei[pos++]; type += t; if (t != 255) break; }
            while (pos < sei.Length) { int t = sei[pos++]; size += t; if (t != 255) break; }
            if (type == 0x80 || pos + size > sei.Length) return false;
            if (type == 5 && size > 21 && sei.Slice(pos, 20).SequenceEqual(MdpmUuid))
            {
                Mdpm(sei.Slice(pos + 20, size - 20), b);
                return true;
            }
            pos += size;
        }
        return false;
    }

    static void Mdpm(ReadOnlySpan<byte> p, MetadataBuilder b)
    {
        int count = p[0];
        byte[]? d18 = null, d19 = null;
        int make = 0;
        var model = new System.Text.StringBuilder();
        for (int k = 0, pos = 1; k < count && pos + 5 <= p.Length; k++, pos += 5)
        {
            var tag = p[pos];
            var v = p.Slice(pos + 1, 4);
            if (tag == 0x18) d18 = v.ToArray();
            else if (tag == 0x19) d19 = v.ToArray();
            else if (tag == 0xE0) make = v[0] << 8 | v[1];
            else if (tag is >= 0xE4 and <= 0xE6) foreach (var c in v) if (c is >= 0x20 and < 0x7F) model.Append((char)c);
        }
        var makeName = make switch { 0x0103 => "Panasonic", 0x0108 => "Sony", 0x1011 => "Canon", 0x1104 => "JVC", _ => null };
        b.Make ??= makeName;
        if (makeName == "Sony" && model.Length > 0) b.Model ??= model.ToString().Trim();
        if (d18 is not null && d19 is not null)
        {
            static int Bcd(byte x) => (x >> 4) * 10 + (x & 0x0F);
            int tz = d18[0];
            int year = Bcd(d18[1]) * 100 + Bcd(d18[2]), month = Bcd(d18[3]);
            int day = Bcd(d19[0]), hour = Bcd(d19[1]), minute = Bcd(d19[2]), second = Bcd(d19[3]);
            var offset = new TimeSpan((tz >> 1) & 0x0F, (tz & 1) != 0 ? 30 : 0, 0);
            if ((tz & 0x20) != 0) offset = -offset;
            var text = $"{year:0000}:{month:00}:{day:00} {hour:00}:{minute:00}:{second:00}";
            if (b.ExifOriginal is null && DateParse.TryParse(text, out var date)) b.ExifOriginal = date with { Offset = offset };
        }
    }

    static byte[] Unescape(ReadOnlySpan<byte> nal)
    {
        var rbsp = new byte[nal.Length];
        int n = 0, zeros = 0;
        foreach (var x in nal)
        {
            if (zeros >= 2 && x == 3) { zeros = 0; continue; }
            zeros = x == 0 ? zeros + 1 : 0;
            rbsp[n++] = x;
        }
        return rbsp.AsSpan(0, n).ToArray();
    }

    /// <summary>Index of the first NAL unit of the given type after a 00 00 01 start code, or -1.</summary>
    public static int FindNal(byte[] data, int nalType)
    {
        for (int i = 0; i + 3 < data.Length; i++)
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 && (data[i + 3] & 0x1F) == nalType) return i + 3;
        return -1;
    }

    public static bool TryParseSpsFromAnnexB(byte[] data, out int width, out int height, out double fps)
    {
        width = height = 0; fps = 0;
        int start = FindNal(data, 7);
        if (start < 0) return false;
        int end = start + 1;
        while (end + 2 < data.Length && !(data[end] == 0 && data[end + 1] == 0 && (data[end + 2] == 1 || data[end + 2] == 0))) end++;
        if (end + 2 >= data.Length) end = data.Length;
        // strip emulation prevention bytes (00 00 03)
        var rbsp = new byte[end - start - 1];
        int n = 0, zeros = 0;
        for (int i = start + 1; i < end; i++)
        {
            if (zeros >= 2 && data[i] == 3) { zeros = 0; continue; }
            zeros = data[i] == 0 ? zeros + 1 : 0;
            rbsp[n++] = data[i];
        }
        return ParseSps(rbsp.AsSpan(0, n), out width, out height, out fps);
    }

    static bool ParseSps(ReadOnlySpan<byte> rbsp, out int width, out int height, out double fps)
    {
        width = height = 0; fps = 0;
        var r = new BitReader(rbsp);
        int profile = (int)r.Bits(8);
        r.Bits(16); // constraint flags + level
        r.Ue();
        uint chroma = 1;
        bool separateColourPlane = false;
        if (profile is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135)
        {
            chroma = r.Ue();
            if (chroma == 3) separateColourPlane = r.Flag();
            r.Ue(); r.Ue(); r.Flag();
            if (r.Flag())
            {
                int lists = chroma != 3 ? 8 : 12;
                for (int i = 0; i < lists; i++)
                {
                    if (!r.Flag()) continue;
                    int size = i < 6 ? 16 : 64, last = 8, next = 8;
                    for (int j = 0; j < size; j++)
                    {
                        if (next != 0) next = (last + r.Se() + 256) % 256;
                        last = next == 0 ? last : next;
                    }
                }
            }
        }
        r.Ue(); // log2_max_frame_num_minus4
        var pocType = r.Ue();
        if (pocType == 0) r.Ue();
        else if (pocType == 1)
        {
            r.Flag(); r.Se(); r.Se();
            var cycle = r.Ue();
            for (uint i = 0; i < cycle && i < 256; i++) r.Se();
        }
        r.Ue(); r.Flag();
        var wMbs = r.Ue() + 1;
        var hMapUnits = r.Ue() + 1;
        bool frameMbsOnly = r.Flag();
        if (!frameMbsOnly) r.Flag();
        r.Flag();
        uint cl = 0, cr = 0, ct = 0, cb = 0;
        if (r.Flag()) { cl = r.Ue(); cr = r.Ue(); ct = r.Ue(); cb = r.Ue(); }
        if (r.Failed) return false;
        uint arrayType = separateColourPlane ? 0 : chroma;
        uint subW = arrayType is 1 or 2 ? 2u : 1u, subH = arrayType == 1 ? 2u : 1u;
        uint cropX = arrayType == 0 ? 1 : subW, cropY = (arrayType == 0 ? 1 : subH) * (frameMbsOnly ? 1u : 2u);
        width = (int)(wMbs * 16 - cropX * (cl + cr));
        height = (int)((frameMbsOnly ? 1u : 2u) * hMapUnits * 16 - cropY * (ct + cb));
        if (r.Flag()) // vui
        {
            if (r.Flag()) { if (r.Bits(8) == 255) r.Bits(32); }
            if (r.Flag()) r.Flag();
            if (r.Flag()) { r.Bits(4); if (r.Flag()) r.Bits(24); }
            if (r.Flag()) { r.Ue(); r.Ue(); }
            if (r.Flag())
            {
                var units = r.Bits(32);
                var scale = r.Bits(32);
                if (!r.Failed && units > 0 && scale > 0) fps = scale / (2.0 * units);
            }
        }
        return width > 0 && height > 0;
    }
}

internal static class Mpeg2
{
    static readonly double[] Rates = [0, 24000 / 1001.0, 24, 25, 30000 / 1001.0, 30, 50, 60000 / 1001.0, 60];

    public static int FindStartCode(byte[] data, byte code)
    {
        for (int i = 0; i + 3 < data.Length; i++)
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 && data[i + 3] == code) return i + 4;
        return -1;
    }

    public static bool TryParseSequenceHeader(byte[] data, out int width, out int height, out double fps)
    {
        width = height = 0; fps = 0;
        int p = FindStartCode(data, 0xB3);
        if (p < 0 || p + 4 > data.Length) return false;
        width = data[p] << 4 | data[p + 1] >> 4;
        height = (data[p + 1] & 0x0F) << 8 | data[p + 2];
        int rate = data[p + 3] & 0x0F;
        if (rate < Rates.Length) fps = Math.Round(Rates[rate], 3);
        return width > 0 && height > 0;
    }
}
