using System.Buffers.Binary;

namespace ImmichLite.Media.Thumbnails;

/// <summary>
/// Finds the largest embedded JPEG preview in a camera RAW file without decoding sensor data:
/// TIFF-structured RAWs (DNG, CR2, NEF, ARW, PEF, SRW, RW2 with magic 0x55, ORF with "RO"/"RS") by walking IFD0, its
/// chain, SubIFDs (0x14A) and EXIF/MakerNote-free tags (JPEGInterchangeFormat 0x201/0x202, single-strip/tile
/// JPEG-compressed images, RW2's JpgFromRaw 0x2E); CR3 (ISO-BMFF) by its PRVW box (and THMB as a fallback); RAF by the
/// offset/length pair in its header. Only baseline/extended/progressive Huffman JPEGs (SOF0/1/2) qualify, so lossless
/// raw data (SOF3) that also starts with FFD8 is never mistaken for a preview. Every offset is bounds-checked against the
/// file length and the IFD walk is bounded, so hostile files cannot loop or over-read.
/// </summary>
internal static class RawPreview
{
    internal sealed record Preview(long Offset, int Length, int Width, int Height, string Container);

    /// <summary>Orientation found in IFD0 (TIFF RAWs, CR3's CMT1); 0 when none. <paramref name="LooksRaw"/>: the
    /// file carries camera-RAW markers (DNGVersion, CFA/LinearRaw photometric, CR2 signature, raw-only compression or
    /// a non-42 TIFF magic), so it must not be handed to a plain TIFF decoder.</summary>
    internal sealed record Result(Preview? Best, int Orientation, bool LooksRaw = true);

    const int MaxIfds = 64;
    const int MaxEntries = 4096;

    public static Result Find(FileStream fs)
    {
        Span<byte> head = stackalloc byte[16];
        fs.Position = 0;
        int n = fs.ReadAtLeast(head, 16, throwOnEndOfStream: false);
        if (n < 16) return new Result(null, 0);
        if (head[..15].SequenceEqual("FUJIFILMCCD-RAW"u8)) return FindRaf(fs);
        if (head.Slice(4, 4).SequenceEqual("ftyp"u8)) return FindBmff(fs);
        if ((head[0] == 'I' && head[1] == 'I') || (head[0] == 'M' && head[1] == 'M')) return FindTiff(fs, 0, "tiff");
        return new Result(null, 0);
    }

    // ---------------------------------------------------------------- TIFF family
    static Result FindTiff(FileStream fs, long baseOffset, string container)
    {
        var r = new TiffReader(fs, baseOffset);
        if (!r.ReadHeader(out long firstIfd)) return new Result(null, 0);
        bool looksRaw = r.Magic != 42;
        Span<byte> sig = stackalloc byte[2];
        fs.Position = baseOffset + 8;
        if (fs.ReadAtLeast(sig, 2, false) == 2 && sig[0] == 'C' && sig[1] == 'R') looksRaw = true; // CR2
        var candidates = new List<(long Off, long Len)>();
        var visited = new HashSet<long>();
        var queue = new Queue<long>();
        queue.Enqueue(firstIfd);
        int orientation = 0;
        bool first = true;
        while (queue.Count > 0 && visited.Count < MaxIfds)
        {
            long ifd = queue.Dequeue();
            if (ifd <= 0 || !visited.Add(ifd)) continue;
            var entries = r.ReadIfd(ifd, out long next);
            if (entries is null) continue;
            if (next > 0) queue.Enqueue(next);
            long jpegOff = -1, jpegLen = -1;
            long stripOff = -1, stripLen = -1;
            int compression = 0;
            foreach (var e in entries)
            {
                switch (e.Tag)
                {
                    case 0x112 when first: orientation = (int)r.Scalar(e); break;
                    case 0x103:
                        compression = (int)r.Scalar(e);
                        // Nikon/Sony/Pentax/Kodak/Panasonic raw compressions
                        if (compression is 32767 or 32769 or 32770 or 32773 or 34316 or 34713 or 65000 or 65535) looksRaw = true;
                        break;
                    case 0x106 when r.Scalar(e) is 32803 or 34892: looksRaw = true; break; // CFA, LinearRaw
                    case 0xC612: looksRaw = true; break; // DNGVersion
                    case 0x201: jpegOff = r.Scalar(e); break;
                    case 0x202: jpegLen = r.Scalar(e); break;
                    case 0x111 or 0x144 when e.Count == 1: stripOff = r.Scalar(e); break;
                    case 0x117 or 0x145 when e.Count == 1: stripLen = r.Scalar(e); break;
                    case 0x14A: // SubIFDs
                        foreach (var sub in r.Values(e, 16)) queue.Enqueue(sub);
                        break;
                    case 0x2E when e.Type == 7 && e.Count > 4: // RW2 JpgFromRaw: the JPEG is the tag's value
                        candidates.Add((r.ValueOffset(e), e.Count));
                        break;
                }
            }
            if (jpegOff > 0 && jpegLen > 0) candidates.Add((jpegOff + baseOffset, jpegLen));
            if (compression is 6 or 7 && stripOff > 0 && stripLen > 0) candidates.Add((stripOff + baseOffset, stripLen));
            first = false;
        }
        return new Result(PickBest(fs, candidates, container), orientation is >= 1 and <= 8 ? orientation : 0, looksRaw);
    }

    // ---------------------------------------------------------------- CR3 (ISO-BMFF)
    static readonly byte[] CanonPreviewUuid = Convert.FromHexString("eaf42b5e1c984b88b9fbb7dc406e4d16");
    static readonly byte[] CanonMetaUuid = Convert.FromHexString("85c0b687820f11e08111f4ce462b6a48");

    static Result FindBmff(FileStream fs)
    {
        var candidates = new List<(long Off, long Len)>();
        int orientation = 0;
        long len = fs.Length;
        int boxes = 0;
        void Walk(long start, long end, int depth)
        {
            long pos = start;
            Span<byte> hdr = stackalloc byte[32];
            Span<byte> id = stackalloc byte[16];
            while (pos + 8 <= end && boxes++ < 2000)
            {
                fs.Position = pos;
                if (fs.ReadAtLeast(hdr, 8, false) < 8) return;
                long size = BinaryPrimitives.ReadUInt32BigEndian(hdr);
                var type = System.Text.Encoding.ASCII.GetString(hdr.Slice(4, 4));
                int headerLen = 8;
                if (size == 1)
                {
                    if (fs.ReadAtLeast(hdr[..8], 8, false) < 8) return;
                    size = (long)BinaryPrimitives.ReadUInt64BigEndian(hdr);
                    headerLen = 16;
                }
                else if (size == 0) size = end - pos;
                if (size < headerLen || pos + size > end) return;
                long body = pos + headerLen;
                if (type == "moov" && depth == 0) Walk(body, pos + size, depth + 1);
                else if (type == "uuid" && size >= headerLen + 16)
                {
                    fs.Position = body;
                    fs.ReadExactly(id);
                    if (id.SequenceEqual(CanonPreviewUuid))
                        Walk(body + 16 + 8, pos + size, depth + 1); // 8 bytes of unknown header precede the PRVW box
                    else if (id.SequenceEqual(CanonMetaUuid))
                        Walk(body + 16, pos + size, depth + 1);
                }
                else if (type is "PRVW" or "THMB")
                {
                    long jpeg = FindSoi(fs, body, Math.Min(pos + size, body + 64));
                    if (jpeg > 0) candidates.Add((jpeg, pos + size - jpeg));
                }
                else if (type == "CMT1" && orientation == 0)
                {
                    var sub = FindTiff(fs, body, "cr3");
                    orientation = sub.Orientation;
                }
                pos += size;
            }
        }
        Walk(0, len, 0);
        return new Result(PickBest(fs, candidates, "cr3"), orientation);
    }

    static long FindSoi(FileStream fs, long from, long to)
    {
        Span<byte> buf = stackalloc byte[64];
        fs.Position = from;
        int n = fs.ReadAtLeast(buf[..(int)Math.Min(64, to - from)], 1, false);
        for (int i = 0; i + 2 < n; i++)
            if (buf[i] == 0xFF && buf[i + 1] == 0xD8 && buf[i + 2] == 0xFF) return from + i;
        return -1;
    }

    // ---------------------------------------------------------------- RAF
    static Result FindRaf(FileStream fs)
    {
        Span<byte> h = stackalloc byte[8];
        fs.Position = 84;
        if (fs.ReadAtLeast(h, 8, false) < 8) return new Result(null, 0);
        long off = BinaryPrimitives.ReadUInt32BigEndian(h);
        long len = BinaryPrimitives.ReadUInt32BigEndian(h[4..]);
        return new Result(PickBest(fs, [(off, len)], "raf"), 0);
    }

    // ---------------------------------------------------------------- choosing
    static Preview? PickBest(FileStream fs, List<(long Off, long Len)> candidates, string container)
    {
        Preview? best = null;
        long fileLen = fs.Length;
        foreach (var (off, len) in candidates)
        {
            if (off <= 0 || len < 128 || len > int.MaxValue || off + len > fileLen) continue;
            if (!TryJpegSize(fs, off, len, out int w, out int h)) continue;
            if (best is null || (long)w * h > (long)best.Width * best.Height)
                best = new Preview(off, (int)len, w, h, container);
        }
        return best;
    }

    /// <summary>Reads the JPEG's markers up to its SOF; accepts only SOF0/SOF1/SOF2 (Huffman baseline, extended,
    /// progressive). Lossless (SOF3) raw payloads and anything malformed are rejected.</summary>
    internal static bool TryJpegSize(FileStream fs, long off, long len, out int width, out int height)
    {
        width = height = 0;
        long end = off + len;
        Span<byte> b = stackalloc byte[9];
        fs.Position = off;
        if (fs.ReadAtLeast(b[..2], 2, false) < 2 || b[0] != 0xFF || b[1] != 0xD8) return false;
        long pos = off + 2;
        for (int guard = 0; guard < 256 && pos + 4 <= end; guard++)
        {
            fs.Position = pos;
            if (fs.ReadAtLeast(b[..4], 4, false) < 4 || b[0] != 0xFF) return false;
            byte marker = b[1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            int segLen = (b[2] << 8) | b[3];
            if (marker is 0xC0 or 0xC1 or 0xC2)
            {
                if (fs.ReadAtLeast(b[..5], 5, false) < 5) return false;
                height = (b[1] << 8) | b[2];
                width = (b[3] << 8) | b[4];
                return width > 0 && height > 0;
            }
            if (marker is >= 0xC3 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC) return false; // other SOFs
            if (marker is 0xD9 or 0xDA) return false; // EOI / SOS before a frame header
            if (segLen < 2) return false;
            pos += 2 + segLen;
        }
        return false;
    }

    // ---------------------------------------------------------------- minimal TIFF reader
    readonly record struct Entry(ushort Tag, ushort Type, uint Count, long ValueFieldPos);

    sealed class TiffReader(FileStream fs, long baseOffset)
    {
        bool _le;
        readonly byte[] _buf = new byte[12];
        public int Magic { get; private set; }

        public bool ReadHeader(out long firstIfd)
        {
            firstIfd = 0;
            fs.Position = baseOffset;
            if (fs.ReadAtLeast(_buf.AsSpan(0, 8), 8, false) < 8) return false;
            if (_buf[0] == 'I' && _buf[1] == 'I') _le = true;
            else if (_buf[0] == 'M' && _buf[1] == 'M') _le = false;
            else return false;
            ushort magic = U16(_buf.AsSpan(2));
            Magic = magic;
            if (magic is not (42 or 0x55 or 0x4F52 or 0x5352)) return false; // TIFF, RW2, ORF
            firstIfd = U32(_buf.AsSpan(4));
            return true;
        }

        ushort U16(ReadOnlySpan<byte> s) => _le ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s);
        uint U32(ReadOnlySpan<byte> s) => _le ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);

        public List<Entry>? ReadIfd(long ifd, out long next)
        {
            next = 0;
            long abs = baseOffset + ifd;
            if (abs + 2 > fs.Length) return null;
            fs.Position = abs;
            if (fs.ReadAtLeast(_buf.AsSpan(0, 2), 2, false) < 2) return null;
            int count = U16(_buf);
            if (count == 0 || count > MaxEntries || abs + 2 + count * 12L + 4 > fs.Length) return null;
            var list = new List<Entry>(count);
            for (int i = 0; i < count; i++)
            {
                fs.ReadExactly(_buf.AsSpan(0, 12));
                list.Add(new Entry(U16(_buf), U16(_buf.AsSpan(2)), U32(_buf.AsSpan(4)), abs + 2 + i * 12L + 8));
            }
            fs.ReadExactly(_buf.AsSpan(0, 4));
            next = U32(_buf);
            return list;
        }

        static int TypeSize(ushort type) => type switch { 1 or 2 or 6 or 7 => 1, 3 or 8 => 2, 4 or 9 or 13 => 4, 5 or 10 or 12 => 8, _ => 0 };

        /// <summary>Absolute file position of the entry's value (inline or pointed to).</summary>
        public long ValueOffset(Entry e)
        {
            long total = (long)TypeSize(e.Type) * e.Count;
            if (total <= 4) return e.ValueFieldPos;
            fs.Position = e.ValueFieldPos;
            fs.ReadExactly(_buf.AsSpan(0, 4));
            return baseOffset + U32(_buf);
        }

        public long Scalar(Entry e)
        {
            var v = Values(e, 1);
            return v.Count > 0 ? v[0] : 0;
        }

        public List<long> Values(Entry e, int max)
        {
            var result = new List<long>();
            int size = TypeSize(e.Type);
            if (size is not (1 or 2 or 4) || e.Count == 0) return result;
            long pos = ValueOffset(e);
            int n = (int)Math.Min(e.Count, (uint)max);
            if (pos + (long)n * size > fs.Length) return result;
            fs.Position = pos;
            for (int i = 0; i < n; i++)
            {
                fs.ReadExactly(_buf.AsSpan(0, size));
                result.Add(size switch { 1 => _buf[0], 2 => U16(_buf), _ => U32(_buf) });
            }
            return result;
        }
    }
}
