using System.Buffers.Binary;

namespace ImmichLite.Media.Metadata;

/// <summary>
/// Finds the MP4 appended to a Google/Samsung motion photo JPEG. Sources, in order: the XMP Container:Directory
/// (item lengths counted from the end of the file), the Samsung "SEF" trailer entry MotionPhoto_Data, the legacy
/// GCamera:MicroVideoOffset. Every candidate must start with an ISO-BMFF "ftyp" box to be accepted.
/// </summary>
internal static class MotionPhoto
{
    const ushort SefMotionPhotoData = 0x0A30;

    public static void LocateInJpeg(Stream s, MetadataBuilder b) // also HEIC files with an appended MP4
    {
        if (b.VideoOffset is not null) return;
        long len = s.Length;

        if (b.ContainerVideoFromEnd is { } tail && tail > 0 && tail < len)
        {
            var off = len - tail;
            if (StreamUtil.LooksLikeMp4At(s, off)) { Set(b, off, b.ContainerVideoLength ?? tail); return; }
        }

        var sef = ReadSefTrailer(s, out long sefStart);
        if (sef is { } entry)
        {
            if (StreamUtil.LooksLikeMp4At(s, entry.Offset)) { Set(b, entry.Offset, entry.Length); return; }
        }

        if (b.MicroVideoFromEnd is { } mvo && mvo > 0 && mvo < len)
        {
            var off = len - mvo;
            var end = sefStart > off ? sefStart : len;
            if (StreamUtil.LooksLikeMp4At(s, off)) { Set(b, off, end - off); return; }
        }

        if (b.IsMotionPhoto) b.Warn("motion photo flagged but the embedded video was not found");
    }

    static void Set(MetadataBuilder b, long offset, long length)
    {
        b.VideoOffset = offset;
        b.VideoLength = length;
        b.IsMotionPhoto = true;
    }

    /// <summary>
    /// Samsung trailer: the file ends with "...SEFH" directory, its u32 length and "SEFT". Each directory entry
    /// (12 bytes) names a block by type, its distance back from the SEFH start, and its length; a block starts with
    /// 0x0000, the type, a u32 name length and the name ("MotionPhoto_Data"), then the data.
    /// </summary>
    static (long Offset, long Length)? ReadSefTrailer(Stream s, out long sefhStart)
    {
        sefhStart = -1;
        long len = s.Length;
        if (len < 16) return null;
        Span<byte> tail = stackalloc byte[8];
        if (StreamUtil.ReadAt(s, len - 8, tail) < 8 || tail[4] != 'S' || tail[5] != 'E' || tail[6] != 'F' || tail[7] != 'T') return null;
        long dirLen = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        long dirStart = len - 8 - dirLen;
        if (dirLen < 12 || dirLen > 1 << 20 || dirStart < 0) return null;
        var dir = StreamUtil.ReadBlock(s, dirStart, dirLen, 1 << 20);
        if (dir is null || dir.Length < 12 || dir[0] != 'S' || dir[1] != 'E' || dir[2] != 'F' || dir[3] != 'H') return null;
        sefhStart = dirStart;
        int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(dir.AsSpan(8));
        Span<byte> head = stackalloc byte[8];
        for (int i = 0; i < count && 12 + i * 12 + 12 <= dir.Length; i++)
        {
            var e = dir.AsSpan(12 + i * 12, 12);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(e[2..]);
            long back = BinaryPrimitives.ReadUInt32LittleEndian(e[4..]);
            long length = BinaryPrimitives.ReadUInt32LittleEndian(e[8..]);
            if (type != SefMotionPhotoData) continue;
            long blockStart = dirStart - back;
            if (blockStart < 0 || StreamUtil.ReadAt(s, blockStart, head) < 8) return null;
            long nameLen = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
            if (nameLen > 256) return null;
            long dataStart = blockStart + 8 + nameLen;
            long dataLen = Math.Min(length - 8 - nameLen, dirStart - dataStart);
            return dataLen > 0 ? (dataStart, dataLen) : null;
        }
        return null;
    }
}
