using System.Text.Json;
using System.Text.Json.Nodes;
using ImmichLite.Contract;
using ImmichLite.Media.Video;

namespace ImmichLite.Tests.Media.Video;

/// <summary>The reference's test vectors (video-transcoding.md §3.8): upstream's config deltas and probe fixtures, and the
/// exact input/output option lists upstream's builders produce for them — plus the decision's target for each.</summary>
public sealed class TranscodeArgumentsTests
{
    /// <summary>The spec's interfaces: one render node, Mali OpenCL present; jellyfin-ffmpeg (tonemapx, PCM in MP4).</summary>
    internal static FfmpegHost Upstream(bool mali = true) => new(["renderD128"], mali, V4l2Encoder: false, ToneMapFilter.Tonemapx, PcmInMp4: true);

    /// <summary>Upstream's defaults with a JSON delta merged in (arrays replaced whole), then normalised.</summary>
    internal static SystemConfigFFmpegDto Config(string delta)
    {
        var node = JsonNode.Parse(JsonSerializer.Serialize(FfmpegConfig.Defaults(), ImmichJsonContext.Default.SystemConfigFFmpegDto))!.AsObject();
        foreach (var (k, v) in JsonNode.Parse(delta)!.AsObject()) node[k] = v?.DeepClone();
        return new TranscodeSettings(node.Deserialize(ImmichJsonContext.Default.SystemConfigFFmpegDto)!).Ffmpeg;
    }

    /// <summary>The probe fixtures: unless stated, video 0 is 1920×1080 hevc yuv420p SDR with bitrate 0, audio 3 is mp3, in MOV.</summary>
    internal static VideoProbe Probe(string name)
    {
        var v = new VideoStreamInfo(0, 1920, 1080, "hevc", "yuv420p", 0, false, 0);
        var a = new AudioStreamInfo(3, "mp3", 0);
        string format = "mov,mp4,m4a,3gp,3g2,mj2", longName = "QuickTime / MOV";
        switch (name)
        {
            case "P-base": break;
            case "P-mkv": (format, longName) = ("matroska,webm", "Matroska / WebM"); break;
            case "P-avi": v = v with { CodecName = "h264" }; (format, longName) = ("avi", "AVI (Audio Video Interleaved)"); break;
            case "P-2160p": v = v with { Width = 3840, Height = 2160, CodecName = "h264" }; break;
            case "P-vert2160p": v = v with { Width = 3840, Height = 2160, CodecName = "h264", Rotation = 90 }; break;
            case "P-hdr": v = v with { Width = 480, Height = 480, CodecName = "h264", PixelFormat = "yuv420p10le", IsHdr = true }; break;
            case "P-10bit": v = v with { Width = 480, Height = 480, CodecName = "h264", PixelFormat = "yuv420p10le" }; break;
            case "P-4k10bit": v = v with { Width = 3840, Height = 2160, CodecName = "h264", PixelFormat = "yuv420p10le" }; break;
            case "P-oddH": v = v with { Width = 1586, Height = 355, CodecName = "h264" }; break;
            case "P-vp9mkv": v = v with { CodecName = "vp9" }; (format, longName) = ("matroska,webm", "Matroska / WebM"); break;
            case "P-mts": (format, longName) = ("mpegts", "MPEG-TS (MPEG-2 Transport Stream)"); break;
            default: throw new ArgumentException(name);
        }
        return new VideoProbe(format, longName, 10, [v], [a]);
    }

    internal static Acceleration AccelOf(SystemConfigFFmpegDto c) => new TranscodeSettings(c).Acceleration;

    public static TheoryData<string, string, string, bool, TranscodeTarget, bool, string[], string[]> Vectors => new()
    {
        // S1 — Software default, H.264 target, HEVC 1080p in MKV.
        { "S1", "{}", "P-mkv", true, TranscodeTarget.Video, false,
            [],
            ["-c:v h264", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-v verbose", "-vf scale=-2:720", "-preset ultrafast", "-crf 23"] },
        // S2 — Remux only (AVI container, H.264 + MP3 accepted).
        { "S2", "{}", "P-avi", true, TranscodeTarget.None, false,
            [],
            ["-c:v copy", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-v verbose", "-preset ultrafast", "-crf 23"] },
        // S3 — Optimal, 2160p H.264 landscape.
        { "S3", "{\"transcode\":\"optimal\"}", "P-2160p", true, TranscodeTarget.Video, false,
            [],
            ["-c:v h264", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-v verbose", "-vf scale=-2:720", "-preset ultrafast", "-crf 23"] },
        // S4 — Optimal, 2160p H.264 rotated 90°.
        { "S4", "{\"transcode\":\"optimal\"}", "P-vert2160p", true, TranscodeTarget.Video, false,
            [],
            ["-c:v h264", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-v verbose", "-vf scale=720:-2", "-preset ultrafast", "-crf 23"] },
        // S5 — Required, HDR 10-bit H.264 480×480.
        { "S5", "{\"transcode\":\"required\"}", "P-hdr", true, TranscodeTarget.Video, false,
            [],
            ["-c:v h264", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-v verbose", "-vf tonemapx=tonemap=hable:desat=0:p=bt709:t=bt709:m=bt709:r=pc:peak=100:format=yuv420p", "-preset ultrafast", "-crf 23"] },
        // S6 — Required, SDR 10-bit H.264 480×480.
        { "S6", "{}", "P-10bit", true, TranscodeTarget.Video, false,
            [],
            ["-c:v h264", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-v verbose", "-vf format=yuv420p", "-preset ultrafast", "-crf 23"] },
        // S7 — Required, SDR 10-bit H.264 2160p.
        { "S7", "{}", "P-4k10bit", true, TranscodeTarget.Video, false,
            [],
            ["-c:v h264", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-v verbose", "-vf scale=-2:720,format=yuv420p", "-preset ultrafast", "-crf 23"] },
        // S8 — All + original resolution, odd height 1586×355.
        { "S8", "{\"transcode\":\"all\",\"targetResolution\":\"original\"}", "P-oddH", true, TranscodeTarget.All, false,
            [],
            ["-c:v h264", "-c:a aac", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-v verbose", "-vf scale=-2:354", "-preset ultrafast", "-crf 23"] },
        // S9 — maxBitrate 4500k (CRF capped).
        { "S9", "{\"maxBitrate\":\"4500k\"}", "P-mkv", true, TranscodeTarget.Video, false,
            [],
            ["-c:v h264", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-v verbose", "-vf scale=-2:720", "-preset ultrafast", "-crf 23", "-maxrate 4500k", "-bufsize 9000k"] },
        // S10 — Two-pass + maxBitrate 4500k.
        { "S10", "{\"twoPass\":true,\"maxBitrate\":\"4500k\"}", "P-mkv", true, TranscodeTarget.Video, true,
            [],
            ["-c:v h264", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-v verbose", "-vf scale=-2:720", "-preset ultrafast", "-b:v 3104k", "-minrate 1552k", "-maxrate 4500k"] },
        // S11 — threads 1 (x264).
        { "S11", "{\"threads\":1}", "P-mkv", true, TranscodeTarget.Video, false,
            [],
            ["-c:v h264", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-v verbose", "-vf scale=-2:720", "-preset ultrafast", "-threads 1", "-x264-params frame-threads=1:pools=none", "-crf 23"] },
        // S12 — HEVC target, threads 1, VP9 source.
        { "S12", "{\"targetVideoCodec\":\"hevc\",\"threads\":1}", "P-vp9mkv", true, TranscodeTarget.Video, false,
            [],
            ["-c:v hevc", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-tag:v hvc1", "-v verbose", "-vf scale=-2:720", "-preset ultrafast", "-threads 1", "-x265-params frame-threads=1:pools=none", "-crf 23"] },
        // S13 — HEVC target, HEVC source copied, audio re-encoded.
        { "S13", "{\"targetVideoCodec\":\"hevc\",\"acceptedAudioCodecs\":[\"aac\"]}", "P-mkv", true, TranscodeTarget.Audio, false,
            [],
            ["-c:v copy", "-c:a aac", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-tag:v hvc1", "-v verbose", "-preset ultrafast", "-crf 23"] },
        // S14 — VP9 default.
        { "S14", "{\"targetVideoCodec\":\"vp9\"}", "P-mkv", true, TranscodeTarget.Video, false,
            [],
            ["-c:v vp9", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-v verbose", "-vf scale=-2:720", "-cpu-used 5", "-row-mt 1", "-crf 23", "-b:v 0k"] },
        // S15 — VP9 two-pass + 4500k.
        { "S15", "{\"targetVideoCodec\":\"vp9\",\"twoPass\":true,\"maxBitrate\":\"4500k\"}", "P-mkv", true, TranscodeTarget.Video, true,
            [],
            ["-c:v vp9", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-v verbose", "-vf scale=-2:720", "-cpu-used 5", "-row-mt 1", "-b:v 3104k", "-minrate 1552k", "-maxrate 4500k"] },
        // S16 — AV1 default.
        { "S16", "{\"targetVideoCodec\":\"av1\"}", "P-vp9mkv", true, TranscodeTarget.Video, false,
            [],
            ["-c:v libsvtav1", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-v verbose", "-vf scale=-2:720", "-preset 12", "-crf 23"] },
        // S17 — AV1 veryslow, threads 4, 2M.
        { "S17", "{\"targetVideoCodec\":\"av1\",\"preset\":\"veryslow\",\"threads\":4,\"maxBitrate\":\"2M\"}", "P-vp9mkv", true, TranscodeTarget.Video, false,
            [],
            ["-c:v libsvtav1", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-v verbose", "-vf scale=-2:720", "-preset 4", "-crf 23", "-svtav1-params lp=4:mbr=2M"] },
        // N1 — NVENC, software decode.
        { "N1", "{\"accel\":\"nvenc\"}", "P-mkv", true, TranscodeTarget.Video, false,
            ["-init_hw_device cuda=cuda:0", "-filter_hw_device cuda"],
            ["-tune hq", "-qmin 0", "-rc-lookahead 20", "-i_qfactor 0.75", "-c:v h264_nvenc", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf hwupload_cuda,scale_cuda=-2:720:format=nv12", "-preset p1", "-cq:v 23"] },
        // N2 — NVENC, maxBitrate 10000k.
        { "N2", "{\"accel\":\"nvenc\",\"maxBitrate\":\"10000k\"}", "P-mkv", true, TranscodeTarget.Video, false,
            ["-init_hw_device cuda=cuda:0", "-filter_hw_device cuda"],
            ["-tune hq", "-qmin 0", "-rc-lookahead 20", "-i_qfactor 0.75", "-c:v h264_nvenc", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf hwupload_cuda,scale_cuda=-2:720:format=nv12", "-preset p1", "-cq:v 23", "-maxrate 10000k", "-bufsize 6897k"] },
        // N3 — NVENC, two-pass + 10000k (single ffmpeg run, -multipass 2).
        { "N3", "{\"accel\":\"nvenc\",\"maxBitrate\":\"10000k\",\"twoPass\":true}", "P-mkv", true, TranscodeTarget.Video, false,
            ["-init_hw_device cuda=cuda:0", "-filter_hw_device cuda"],
            ["-tune hq", "-qmin 0", "-rc-lookahead 20", "-i_qfactor 0.75", "-c:v h264_nvenc", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf hwupload_cuda,scale_cuda=-2:720:format=nv12", "-preset p1", "-b:v 6897k", "-maxrate 10000k", "-bufsize 6897k", "-multipass 2"] },
        // N4 — NVENC, hardware decode.
        { "N4", "{\"accel\":\"nvenc\",\"accelDecode\":true}", "P-mkv", true, TranscodeTarget.Video, false,
            ["-hwaccel cuda", "-hwaccel_output_format cuda", "-noautorotate", "-threads 1"],
            ["-tune hq", "-qmin 0", "-rc-lookahead 20", "-i_qfactor 0.75", "-c:v h264_nvenc", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf scale_cuda=-2:720:format=nv12", "-preset p1", "-cq:v 23"] },
        // N5 — NVENC, hardware decode, HDR.
        { "N5", "{\"accel\":\"nvenc\",\"accelDecode\":true}", "P-hdr", true, TranscodeTarget.Video, false,
            ["-hwaccel cuda", "-hwaccel_output_format cuda", "-noautorotate", "-threads 1"],
            ["-tune hq", "-qmin 0", "-rc-lookahead 20", "-i_qfactor 0.75", "-c:v h264_nvenc", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf tonemap_cuda=desat=0:matrix=bt709:primaries=bt709:range=pc:tonemap=hable:tonemap_mode=lum:transfer=bt709:peak=100:format=nv12", "-preset p1", "-cq:v 23"] },
        // N6 — NVENC, hardware decode, SDR 10-bit.
        { "N6", "{\"accel\":\"nvenc\",\"accelDecode\":true}", "P-10bit", true, TranscodeTarget.Video, false,
            ["-hwaccel cuda", "-hwaccel_output_format cuda", "-noautorotate", "-threads 1"],
            ["-tune hq", "-qmin 0", "-rc-lookahead 20", "-i_qfactor 0.75", "-c:v h264_nvenc", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf scale_cuda=-2:720:format=nv12", "-preset p1", "-cq:v 23"] },
        // N7 — NVENC, software decode, HDR (CPU tone-map then upload).
        { "N7", "{\"accel\":\"nvenc\"}", "P-hdr", true, TranscodeTarget.Video, false,
            ["-init_hw_device cuda=cuda:0", "-filter_hw_device cuda"],
            ["-tune hq", "-qmin 0", "-rc-lookahead 20", "-i_qfactor 0.75", "-c:v h264_nvenc", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf tonemapx=tonemap=hable:desat=0:p=bt709:t=bt709:m=bt709:r=pc:peak=100:format=yuv420p,hwupload_cuda", "-preset p1", "-cq:v 23"] },
        // N8 — NVENC, bframes 2, refs 2, temporalAQ.
        { "N8", "{\"accel\":\"nvenc\",\"bframes\":2,\"refs\":2,\"temporalAQ\":true}", "P-mkv", true, TranscodeTarget.Video, false,
            ["-init_hw_device cuda=cuda:0", "-filter_hw_device cuda"],
            ["-tune hq", "-qmin 0", "-rc-lookahead 20", "-i_qfactor 0.75", "-c:v h264_nvenc", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-bf 2", "-g 256", "-b_ref_mode middle", "-b_qfactor 1.1", "-temporal-aq 1", "-v verbose", "-vf hwupload_cuda,scale_cuda=-2:720:format=nv12", "-preset p1", "-cq:v 23"] },
        // Q1 — QSV, maxBitrate 10000k.
        { "Q1", "{\"accel\":\"qsv\",\"maxBitrate\":\"10000k\"}", "P-mkv", true, TranscodeTarget.Video, false,
            ["-init_hw_device qsv=hw,child_device=/dev/dri/renderD128", "-filter_hw_device hw"],
            ["-c:v h264_qsv", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-bf 7", "-refs 5", "-g 256", "-v verbose", "-vf hwupload=extra_hw_frames=64,scale_qsv=-1:720:mode=hq:format=nv12", "-preset 7", "-global_quality:v 23", "-maxrate 10000k", "-bufsize 20000k"] },
        // Q2 — QSV, VP9 target.
        { "Q2", "{\"accel\":\"qsv\",\"targetVideoCodec\":\"vp9\"}", "P-mkv", true, TranscodeTarget.Video, false,
            ["-init_hw_device qsv=hw,child_device=/dev/dri/renderD128", "-filter_hw_device hw"],
            ["-c:v vp9_qsv", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-bf 7", "-refs 5", "-g 256", "-low_power 1", "-v verbose", "-vf hwupload=extra_hw_frames=64,scale_qsv=-1:720:mode=hq:format=nv12", "-preset 7", "-q:v 23"] },
        // Q3 — QSV, hardware decode.
        { "Q3", "{\"accel\":\"qsv\",\"accelDecode\":true}", "P-mkv", true, TranscodeTarget.Video, false,
            ["-hwaccel qsv", "-hwaccel_output_format qsv", "-async_depth 4", "-noautorotate", "-qsv_device /dev/dri/renderD128", "-threads 1"],
            ["-c:v h264_qsv", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-bf 7", "-refs 5", "-g 256", "-v verbose", "-vf scale_qsv=-1:720:async_depth=4:mode=hq", "-preset 7", "-global_quality:v 23"] },
        // Q4 — QSV, hardware decode, HDR (OpenCL tone-map).
        { "Q4", "{\"accel\":\"qsv\",\"accelDecode\":true}", "P-hdr", true, TranscodeTarget.Video, false,
            ["-hwaccel qsv", "-hwaccel_output_format qsv", "-async_depth 4", "-noautorotate", "-qsv_device /dev/dri/renderD128", "-threads 1"],
            ["-c:v h264_qsv", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-bf 7", "-refs 5", "-g 256", "-v verbose", "-vf hwmap=derive_device=opencl,tonemap_opencl=desat=0:format=nv12:matrix=bt709:primaries=bt709:transfer=bt709:range=pc:tonemap=hable:tonemap_mode=lum:peak=100,hwmap=derive_device=qsv:reverse=1,format=qsv", "-preset 7", "-global_quality:v 23"] },
        // Q5 — QSV, hardware decode, SDR 10-bit.
        { "Q5", "{\"accel\":\"qsv\",\"accelDecode\":true}", "P-10bit", true, TranscodeTarget.Video, false,
            ["-hwaccel qsv", "-hwaccel_output_format qsv", "-async_depth 4", "-noautorotate", "-qsv_device /dev/dri/renderD128", "-threads 1"],
            ["-c:v h264_qsv", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-bf 7", "-refs 5", "-g 256", "-v verbose", "-vf scale_qsv=-1:720:async_depth=4:mode=hq:format=nv12", "-preset 7", "-global_quality:v 23"] },
        // Q6 — QSV, software decode, HDR.
        { "Q6", "{\"accel\":\"qsv\"}", "P-hdr", true, TranscodeTarget.Video, false,
            ["-init_hw_device qsv=hw,child_device=/dev/dri/renderD128", "-filter_hw_device hw"],
            ["-c:v h264_qsv", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-bf 7", "-refs 5", "-g 256", "-v verbose", "-vf tonemapx=tonemap=hable:desat=0:p=bt709:t=bt709:m=bt709:r=pc:peak=100:format=yuv420p,hwupload=extra_hw_frames=64", "-preset 7", "-global_quality:v 23"] },
        // A1 — VAAPI, software decode.
        { "A1", "{\"accel\":\"vaapi\"}", "P-mkv", true, TranscodeTarget.Video, false,
            ["-init_hw_device vaapi=accel:/dev/dri/renderD128", "-filter_hw_device accel"],
            ["-c:v h264_vaapi", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf hwupload=extra_hw_frames=64,scale_vaapi=-2:720:mode=hq:out_range=pc:format=nv12", "-compression_level 7", "-qp:v 23", "-global_quality:v 23", "-rc_mode 1"] },
        // A2 — VAAPI, maxBitrate 10000k.
        { "A2", "{\"accel\":\"vaapi\",\"maxBitrate\":\"10000k\"}", "P-mkv", true, TranscodeTarget.Video, false,
            ["-init_hw_device vaapi=accel:/dev/dri/renderD128", "-filter_hw_device accel"],
            ["-c:v h264_vaapi", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf hwupload=extra_hw_frames=64,scale_vaapi=-2:720:mode=hq:out_range=pc:format=nv12", "-compression_level 7", "-b:v 6897k", "-maxrate 10000k", "-minrate 3448.5k", "-rc_mode 3"] },
        // A3 — VAAPI, cqMode icq.
        { "A3", "{\"accel\":\"vaapi\",\"cqMode\":\"icq\"}", "P-mkv", true, TranscodeTarget.Video, false,
            ["-init_hw_device vaapi=accel:/dev/dri/renderD128", "-filter_hw_device accel"],
            ["-c:v h264_vaapi", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf hwupload=extra_hw_frames=64,scale_vaapi=-2:720:mode=hq:out_range=pc:format=nv12", "-compression_level 7", "-global_quality:v 23", "-rc_mode 4"] },
        // A4 — VAAPI, VP9 target.
        { "A4", "{\"accel\":\"vaapi\",\"targetVideoCodec\":\"vp9\"}", "P-mkv", true, TranscodeTarget.Video, false,
            ["-init_hw_device vaapi=accel:/dev/dri/renderD128", "-filter_hw_device accel"],
            ["-c:v vp9_vaapi", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf hwupload=extra_hw_frames=64,scale_vaapi=-2:720:mode=hq:out_range=pc:format=nv12", "-compression_level 7", "-bsf:v vp9_raw_reorder,vp9_superframe", "-qp:v 23", "-global_quality:v 23", "-rc_mode 1"] },
        // A5 — VAAPI, hardware decode.
        { "A5", "{\"accel\":\"vaapi\",\"accelDecode\":true}", "P-mkv", true, TranscodeTarget.Video, false,
            ["-hwaccel vaapi", "-hwaccel_output_format vaapi", "-noautorotate", "-hwaccel_device /dev/dri/renderD128", "-threads 1"],
            ["-c:v h264_vaapi", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf scale_vaapi=-2:720:mode=hq:out_range=pc", "-compression_level 7", "-qp:v 23", "-global_quality:v 23", "-rc_mode 1"] },
        // A6 — VAAPI, hardware decode, HDR.
        { "A6", "{\"accel\":\"vaapi\",\"accelDecode\":true}", "P-hdr", true, TranscodeTarget.Video, false,
            ["-hwaccel vaapi", "-hwaccel_output_format vaapi", "-noautorotate", "-hwaccel_device /dev/dri/renderD128", "-threads 1"],
            ["-c:v h264_vaapi", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf hwmap=derive_device=opencl,tonemap_opencl=desat=0:format=nv12:matrix=bt709:primaries=bt709:transfer=bt709:range=pc:tonemap=hable:tonemap_mode=lum:peak=100,hwmap=derive_device=vaapi:reverse=1,format=vaapi", "-compression_level 7", "-qp:v 23", "-global_quality:v 23", "-rc_mode 1"] },
        // A7 — VAAPI, hardware decode, SDR 10-bit.
        { "A7", "{\"accel\":\"vaapi\",\"accelDecode\":true}", "P-10bit", true, TranscodeTarget.Video, false,
            ["-hwaccel vaapi", "-hwaccel_output_format vaapi", "-noautorotate", "-hwaccel_device /dev/dri/renderD128", "-threads 1"],
            ["-c:v h264_vaapi", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf scale_vaapi=-2:720:mode=hq:out_range=pc:format=nv12", "-compression_level 7", "-qp:v 23", "-global_quality:v 23", "-rc_mode 1"] },
        // A8 — VAAPI, software decode, HDR.
        { "A8", "{\"accel\":\"vaapi\"}", "P-hdr", true, TranscodeTarget.Video, false,
            ["-init_hw_device vaapi=accel:/dev/dri/renderD128", "-filter_hw_device accel"],
            ["-c:v h264_vaapi", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf tonemapx=tonemap=hable:desat=0:p=bt709:t=bt709:m=bt709:r=pc:peak=100:format=yuv420p,hwupload=extra_hw_frames=64", "-compression_level 7", "-qp:v 23", "-global_quality:v 23", "-rc_mode 1"] },
        // A9 — VAAPI enabled but only a remux is needed.
        { "A9", "{\"accel\":\"vaapi\"}", "P-avi", true, TranscodeTarget.None, false,
            ["-init_hw_device vaapi=accel:/dev/dri/renderD128", "-filter_hw_device accel"],
            ["-c:v copy", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-compression_level 7", "-qp:v 23", "-global_quality:v 23", "-rc_mode 1"] },
        // R1 — RKMPP, hardware decode.
        { "R1", "{\"accel\":\"rkmpp\",\"accelDecode\":true}", "P-mkv", true, TranscodeTarget.Video, false,
            ["-hwaccel rkmpp", "-hwaccel_output_format drm_prime", "-afbc rga", "-noautorotate"],
            ["-c:v h264_rkmpp", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf scale_rkrga=-2:720:format=nv12:afbc=1:async_depth=4", "-level 51", "-rc_mode CQP", "-qp_init 23"] },
        // R2 — RKMPP, HEVC target, 10000k, VP9 source.
        { "R2", "{\"accel\":\"rkmpp\",\"accelDecode\":true,\"targetVideoCodec\":\"hevc\",\"maxBitrate\":\"10000k\"}", "P-vp9mkv", true, TranscodeTarget.Video, false,
            ["-hwaccel rkmpp", "-hwaccel_output_format drm_prime", "-afbc rga", "-noautorotate"],
            ["-c:v hevc_rkmpp", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-tag:v hvc1", "-v verbose", "-vf scale_rkrga=-2:720:format=nv12:afbc=1:async_depth=4", "-level 153", "-rc_mode AVBR", "-b:v 10000k"] },
        // R3 — RKMPP, hardware decode, HDR, Mali OpenCL present, crf 30.
        { "R3", "{\"accel\":\"rkmpp\",\"accelDecode\":true,\"crf\":30}", "P-hdr", true, TranscodeTarget.Video, false,
            ["-hwaccel rkmpp", "-hwaccel_output_format drm_prime", "-afbc rga", "-noautorotate"],
            ["-c:v h264_rkmpp", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf scale_rkrga=-2:720:format=p010:afbc=1:async_depth=4,hwmap=derive_device=opencl:mode=read,tonemap_opencl=format=nv12:r=pc:p=bt709:t=bt709:m=bt709:tonemap=hable:desat=0:tonemap_mode=lum:peak=100,hwmap=derive_device=rkmpp:mode=write:reverse=1,format=drm_prime", "-level 51", "-rc_mode CQP", "-qp_init 30"] },
        // R5 — RKMPP, software decode, HDR, crf 30.
        { "R5", "{\"accel\":\"rkmpp\",\"crf\":30}", "P-hdr", true, TranscodeTarget.Video, false,
            [],
            ["-c:v h264_rkmpp", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf tonemapx=tonemap=hable:desat=0:p=bt709:t=bt709:m=bt709:r=pc:peak=100:format=yuv420p", "-level 51", "-rc_mode CQP", "-qp_init 30"] },
        // R6 — RKMPP, software decode, SDR 1080p.
        { "R6", "{\"accel\":\"rkmpp\"}", "P-mkv", true, TranscodeTarget.Video, false,
            [],
            ["-c:v h264_rkmpp", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf scale=-2:720", "-level 51", "-rc_mode CQP", "-qp_init 23"] },
        // R4 — RKMPP, hardware decode, HDR, no Mali OpenCL, crf 30.
        { "R4", "{\"accel\":\"rkmpp\",\"accelDecode\":true,\"crf\":30}", "P-hdr", false, TranscodeTarget.Video, false,
            ["-hwaccel rkmpp", "-hwaccel_output_format drm_prime", "-afbc rga", "-noautorotate"],
            ["-c:v h264_rkmpp", "-c:a copy", "-movflags faststart", "-fps_mode passthrough", "-map 0:0", "-map_metadata -1", "-map 0:3", "-g 256", "-v verbose", "-vf scale_rkrga=-2:720:format=p010:afbc=1:async_depth=4,hwdownload,format=p010,tonemapx=tonemap=hable:desat=0:p=bt709:t=bt709:m=bt709:r=pc:peak=100:format=yuv420p,hwupload", "-level 51", "-rc_mode CQP", "-qp_init 30"] },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Vector(string name, string delta, string probe, bool mali, TranscodeTarget target, bool twoPass, string[] input, string[] output)
    {
        var config = Config(delta);
        var decision = TranscodeDecision.Decide(Probe(probe), config);
        Assert.Equal(target, decision.Target);
        Assert.False(decision.Skip, name);
        var command = TranscodeArguments.Build(decision, config, AccelOf(config), Upstream(mali));
        Assert.Equal(input, command.InputOptions);
        Assert.Equal(output, command.OutputOptions);
        Assert.Equal(twoPass, command.TwoPass);
    }
}
