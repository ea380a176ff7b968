using System.Globalization;
using System.Security.Cryptography;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Geocoding;
using ImmichLite.Infrastructure;
using ImmichLite.Jobs;
using ImmichLite.Media.Metadata;

namespace ImmichLite.Media.Pipeline;

/// <summary>METADATA_EXTRACTION for one asset: reads the original (and its sidecar), decides the dates as upstream
/// does (the offset from the file, else the time zone of the GPS position, else the wall clock taken as UTC; no date
/// at all: the earliest file date), reverse-geocodes, pairs live photos by content identifier, pulls the video out of
/// motion photos, and queues thumbnails — in upstream's order.</summary>
public sealed class MetadataJob(AssetStore assets, Database db, IMetadataExtractor extractor, ReverseGeocoder geocoder, PipelineStore pipeline,
    JobSignal jobs, StorageLayout storage, EventHub events, TimeProvider clock, ILogger<MetadataJob> log) : IJobHandler
{
    public string Name => PipelineJobs.ExtractMetadata;
    public JobName Queue => JobName.MetadataExtraction;

    static async Task<bool> AppearsAsync(string path, TimeSpan within, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + within;
        while (!File.Exists(path))
        {
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(25, ct);
        }
        return true;
    }

    public async Task RunAsync(JobRow job, CancellationToken ct)
    {
        var asset = assets.Get(job.Payload);
        if (asset is null) return; // deleted since it was queued
        // An upload commits its row and this job before it renames the file into place (UploadService), and a worker
        // woken by other work can get here in between: give the rename a moment, then retry later, not fail for good.
        if (!await AppearsAsync(asset.OriginalPath, TimeSpan.FromSeconds(2), ct))
            throw new JobFailedException("the original file is missing", permanent: false);
        var sidecar = asset.SidecarPath is { } sc && File.Exists(sc) ? sc : null;
        var m = await extractor.ExtractAsync(asset.OriginalPath, sidecar, ct);

        // the first start imports the place data in the background: photos with GPS wait for it (as upstream pauses extraction)
        if (m.Latitude is not null && geocoder.IsAvailable && !geocoder.IsReady)
            await geocoder.WaitUntilReadyAsync(TimeSpan.FromMinutes(2), ct);
        var dates = ResolveDates(m, asset.FileCreatedAt, asset.FileModifiedAt, geocoder);
        GeoResult? place = m.Latitude is { } lat && m.Longitude is { } lon && geocoder.IsReady ? geocoder.Reverse(lat, lon) : null;
        var now = clock.GetUtcNow().UtcDateTime;
        var exif = new ExifRow
        {
            AssetId = asset.Id,
            Make = m.Make, Model = m.Model, LensModel = m.LensModel, FNumber = m.FNumber, ExposureTime = m.ExposureTime, Iso = m.Iso,
            FocalLength = m.FocalLength, ExifImageWidth = m.ExifImageWidth, ExifImageHeight = m.ExifImageHeight, Orientation = m.Orientation,
            FileSizeInByte = new FileInfo(asset.OriginalPath).Length,
            DateTimeOriginal = dates.DateTimeOriginal, TimeZone = dates.TimeZone, ModifyDate = m.ModifyDate?.UtcDateTime,
            Latitude = m.Latitude, Longitude = m.Longitude, City = place?.City, State = place?.State, Country = place?.Country,
            Description = m.Description ?? "", Rating = m.Rating, ProjectionType = m.ProjectionType, ProfileDescription = m.ProfileDescription,
            Colorspace = m.Colorspace, BitsPerSample = m.BitsPerSample, Fps = m.Fps, LivePhotoCID = m.LivePhotoCID,
        };
        var duration = m.Duration is { } d && asset.Type == "VIDEO" ? FormatDuration(d) : null;
        await db.WriteAsync(s =>
        {
            PipelineStore.UpsertExif(s, exif, now);
            PipelineStore.SetDates(s, asset.Id, dates.FileCreatedAt, dates.LocalDateTime, duration, now);
            ImportTags(s, asset, m.Keywords, now);
            PipelineStore.MarkMetadata(s, asset.Id, now, m.Warnings.Count > 0 ? string.Join("; ", m.Warnings) : null);
            JobStore.Insert(s, PipelineJobs.ThumbnailQueue, PipelineJobs.GenerateThumbnails, asset.Id, now);
        }, ct);
        jobs.Wake(JobName.ThumbnailGeneration);

        if (m.LivePhotoCID is { } cid) await PairLivePhotoAsync(asset, cid, dates.LocalDateTime, now);
        if (asset.Type == "IMAGE" && m.EmbeddedVideoOffset is { } off && m.EmbeddedVideoLength is { } len && len > 0 && asset.LivePhotoVideoId is null)
            await ExtractMotionVideoAsync(asset, off, len, dates, ct);
    }

    /// <summary>Upstream's applyTagList: the file's tags (digiKam TagsList, else Lightroom's hierarchical subjects, else
    /// Keywords) become the owner's tags, parents included, and are put on the asset. Upstream then drops the asset's other
    /// tags, because every tag change made through the API was written into the XMP sidecar it reads back; ImmichLite
    /// writes no sidecars, so tags set through the API stay (re-extraction only adds).</summary>
    static void ImportTags(Sql s, AssetRow asset, IReadOnlyList<string> keywords, DateTime now)
    {
        if (keywords.Count == 0) return;
        var tags = TagStore.Upsert(s, asset.OwnerId, keywords, now);
        TagStore.Tag(s, tags.Select(t => t.Id).ToList(), [asset.Id], now);
    }

    public sealed record Dates(DateTime? DateTimeOriginal, DateTime? FileCreatedAt, DateTime LocalDateTime, string? TimeZone);

    /// <summary>Upstream's date rules. Returned DateTimes are UTC instants, except LocalDateTime: the wall clock where the
    /// photo was taken, written as if it were UTC (that is how Immich stores it).</summary>
    public static Dates ResolveDates(MediaMetadata m, DateTime uploadedCreatedAt, DateTime uploadedModifiedAt, ReverseGeocoder? geocoder)
    {
        if (m.DateTimeOriginal is not { } dto)
        {
            var earliest = uploadedCreatedAt < uploadedModifiedAt ? uploadedCreatedAt : uploadedModifiedAt;
            return new Dates(earliest, null, earliest, null);
        }
        string? zoneAtGps = null;
        TimeZoneInfo? tzi = null;
        if (!m.OffsetKnown && m.Latitude is { } lat && m.Longitude is { } lon && geocoder is { IsReady: true } &&
            geocoder.TimeZoneAt(lat, lon) is { } zone && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out tzi))
            zoneAtGps = zone;

        if (m.OffsetKnown)
        {
            var wall = DateTime.SpecifyKind(dto.DateTime, DateTimeKind.Utc);
            return new Dates(dto.UtcDateTime, dto.UtcDateTime, wall, m.TimeZone ?? OffsetName(dto.Offset));
        }
        if (m.DateTimeOriginalIsUtc)
        {
            // a real instant without a place's offset (QuickTime creation_time): the zone of the GPS position gives the wall clock
            var utc = dto.UtcDateTime;
            var wall = tzi is null ? utc : DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeFromUtc(utc, tzi), DateTimeKind.Utc);
            return new Dates(utc, utc, wall, zoneAtGps);
        }
        var local = DateTime.SpecifyKind(dto.DateTime, DateTimeKind.Unspecified);
        if (tzi is not null)
        {
            var instant = DateTime.SpecifyKind(local - tzi.GetUtcOffset(local), DateTimeKind.Utc);
            return new Dates(instant, instant, DateTime.SpecifyKind(local, DateTimeKind.Utc), zoneAtGps);
        }
        var asUtc = DateTime.SpecifyKind(local, DateTimeKind.Utc);
        return new Dates(asUtc, asUtc, asUtc, null);
    }

    /// <summary>"UTC+1", "UTC-4", "UTC+5:30", "UTC" — how Immich names a bare offset.</summary>
    public static string OffsetName(TimeSpan offset)
    {
        if (offset == TimeSpan.Zero) return "UTC";
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var abs = offset.Duration();
        return abs.Minutes == 0 ? $"UTC{sign}{abs.Hours}" : $"UTC{sign}{abs.Hours}:{abs.Minutes:00}";
    }

    /// <summary>Video durations as upstream writes them: hh:mm:ss.SSS.</summary>
    public static string FormatDuration(TimeSpan d) =>
        $"{(int)d.TotalHours:00}:{d.Minutes:00}:{d.Seconds:00}.{d.Milliseconds:000}";

    async Task PairLivePhotoAsync(AssetRow asset, string cid, DateTime local, DateTime now)
    {
        var other = asset.Type == "VIDEO" ? "IMAGE" : "VIDEO";
        var partner = pipeline.FindLivePartner(asset.OwnerId, asset.Id, cid, other, local);
        if (partner is null) return;
        var (still, video) = asset.Type == "VIDEO" ? (partner, asset.Id) : (asset.Id, partner);
        var stillRow = assets.Get(still);
        if (stillRow is null || stillRow.LivePhotoVideoId == video) return;
        await pipeline.LinkLivePhotoAsync(still, video, now);
        events.Publish(new ServerEvent("on_asset_hidden", EventAudience.Users, [asset.OwnerId], Json.Str(video)));
        log.LogDebug("paired live photo {Still} with {Video}", still, video);
    }

    /// <summary>Google/Samsung motion photos carry an MP4 at the end: it becomes a hidden video asset linked from the still.</summary>
    async Task ExtractMotionVideoAsync(AssetRow still, long offset, long length, Dates dates, CancellationToken ct)
    {
        var videoId = Ids.New();
        var dir = storage.EncodedVideoDir(still.OwnerId, still.Id);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"{videoId}-MP.mp4");
        var tmp = path + ".tmp";
        byte[] sha;
        await using (var src = new FileStream(still.OriginalPath, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            if (offset < 0 || offset + length > src.Length) throw new JobFailedException("motion photo video offset lies outside the file");
            src.Position = offset;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
            await using var dst = new FileStream(tmp, FileMode.Create, FileAccess.Write);
            var buf = new byte[81920];
            var left = length;
            while (left > 0)
            {
                var n = await src.ReadAsync(buf.AsMemory(0, (int)Math.Min(buf.Length, left)), ct);
                if (n == 0) break;
                hash.AppendData(buf, 0, n);
                await dst.WriteAsync(buf.AsMemory(0, n), ct);
                left -= n;
            }
            sha = hash.GetHashAndReset();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var existing = assets.FindByChecksum(still.OwnerId, sha);
        string linked;
        if (existing is { } e)
        {
            StorageLayout.TryDelete(tmp);
            linked = e.Id;
        }
        else
        {
            File.Move(tmp, path, overwrite: true);
            var row = new AssetRow
            {
                Id = videoId, OwnerId = still.OwnerId, DeviceAssetId = "NONE", DeviceId = "NONE", Type = "VIDEO", OriginalPath = path,
                OriginalFileName = Path.GetFileNameWithoutExtension(still.OriginalFileName) + ".mp4", Checksum = sha,
                FileCreatedAt = dates.FileCreatedAt ?? still.FileCreatedAt, FileModifiedAt = still.FileModifiedAt, LocalDateTime = dates.LocalDateTime,
                Visibility = "hidden", CreatedAt = now, UpdatedAt = now,
            };
            await db.WriteAsync(s =>
            {
                AssetStore.InsertAsset(s, row);
                AssetStore.InsertExif(s, row.Id, length, now);
                JobStore.Insert(s, PipelineJobs.MetadataQueue, PipelineJobs.ExtractMetadata, row.Id, now);
            }, ct);
            jobs.Wake(JobName.MetadataExtraction);
            linked = videoId;
        }
        await pipeline.LinkLivePhotoAsync(still.Id, linked, now);
        events.Publish(new ServerEvent("on_asset_hidden", EventAudience.Users, [still.OwnerId], Json.Str(linked)));
    }
}
