namespace ImmichLite.Data;

/// <summary>What the media pipeline writes: EXIF rows, derived dates, derived files, progress per asset.</summary>
public sealed class PipelineStore(Database db)
{
    public static void UpsertExif(Sql s, ExifRow e, DateTime now) => s.Exec("""
        INSERT INTO asset_exif (assetId, make, model, exifImageWidth, exifImageHeight, fileSizeInByte, orientation, dateTimeOriginal, modifyDate,
          timeZone, lensModel, fNumber, focalLength, iso, exposureTime, latitude, longitude, city, state, country, description, projectionType,
          rating, fps, profileDescription, colorspace, bitsPerSample, livePhotoCID, updatedAt, updateId)
        VALUES ($id, $make, $model, $w, $h, $size, $orient, $dto, $mod, $tz, $lens, $f, $fl, $iso, $exp, $lat, $lon, $city, $state, $country,
          $desc, $proj, $rating, $fps, $profile, $cs, $bits, $cid, $now, $uid)
        ON CONFLICT (assetId) DO UPDATE SET make = excluded.make, model = excluded.model, exifImageWidth = excluded.exifImageWidth,
          exifImageHeight = excluded.exifImageHeight, fileSizeInByte = excluded.fileSizeInByte, orientation = excluded.orientation,
          dateTimeOriginal = excluded.dateTimeOriginal, modifyDate = excluded.modifyDate, timeZone = excluded.timeZone, lensModel = excluded.lensModel,
          fNumber = excluded.fNumber, focalLength = excluded.focalLength, iso = excluded.iso, exposureTime = excluded.exposureTime,
          latitude = excluded.latitude, longitude = excluded.longitude, city = excluded.city, state = excluded.state, country = excluded.country,
          description = excluded.description, projectionType = excluded.projectionType, rating = excluded.rating, fps = excluded.fps,
          profileDescription = excluded.profileDescription, colorspace = excluded.colorspace, bitsPerSample = excluded.bitsPerSample,
          livePhotoCID = excluded.livePhotoCID, updatedAt = excluded.updatedAt, updateId = excluded.updateId
        """,
        ("$id", e.AssetId), ("$make", e.Make), ("$model", e.Model), ("$w", e.ExifImageWidth), ("$h", e.ExifImageHeight), ("$size", e.FileSizeInByte),
        ("$orient", e.Orientation), ("$dto", e.DateTimeOriginal), ("$mod", e.ModifyDate), ("$tz", e.TimeZone), ("$lens", e.LensModel),
        ("$f", e.FNumber), ("$fl", e.FocalLength), ("$iso", e.Iso), ("$exp", e.ExposureTime), ("$lat", e.Latitude), ("$lon", e.Longitude),
        ("$city", e.City), ("$state", e.State), ("$country", e.Country), ("$desc", e.Description), ("$proj", e.ProjectionType),
        ("$rating", e.Rating), ("$fps", e.Fps), ("$profile", e.ProfileDescription), ("$cs", e.Colorspace), ("$bits", e.BitsPerSample),
        ("$cid", e.LivePhotoCID), ("$now", now), ("$uid", Ids.NewUpdateId()));

    public static void SetDates(Sql s, string assetId, DateTime? fileCreatedAt, DateTime localDateTime, string? duration, DateTime now) => s.Exec("""
        UPDATE assets SET fileCreatedAt = COALESCE($fc, fileCreatedAt), localDateTime = $local, duration = COALESCE($dur, duration),
          updatedAt = $now, updateId = $uid WHERE id = $id
        """, ("$id", assetId), ("$fc", fileCreatedAt), ("$local", localDateTime), ("$dur", duration), ("$now", now), ("$uid", Ids.NewUpdateId()));

    public static void MarkMetadata(Sql s, string assetId, DateTime now, string? warnings) => s.Exec("""
        INSERT INTO asset_job_status (assetId, metadataExtractedAt, metadataError) VALUES ($id, $now, $w)
        ON CONFLICT (assetId) DO UPDATE SET metadataExtractedAt = excluded.metadataExtractedAt, metadataError = excluded.metadataError
        """, ("$id", assetId), ("$now", now), ("$w", warnings));

    /// <summary>Records the thumbnails and queues what follows them in the same transaction: the video's conversion
    /// (<paramref name="thenConvertVideo"/>) and SMART_SEARCH on the preview (<paramref name="thenSmartSearch"/>).</summary>
    public Task MarkThumbnailsAsync(string assetId, string previewPath, string thumbnailPath, byte[] thumbhash, DateTime now,
        bool thenConvertVideo = false, bool thenSmartSearch = false) => db.WriteAsync(s =>
    {
        if (thenConvertVideo) JobStore.Insert(s, Jobs.PipelineJobs.VideoQueue, Jobs.PipelineJobs.ConvertVideo, assetId, now);
        if (thenSmartSearch) JobStore.Insert(s, Jobs.PipelineJobs.SmartSearchQueue, Jobs.PipelineJobs.SmartSearch, assetId, now);
        AssetStore.UpsertFile(s, assetId, "preview", previewPath, now);
        AssetStore.UpsertFile(s, assetId, "thumbnail", thumbnailPath, now);
        s.Exec("UPDATE assets SET thumbhash = $th, updatedAt = $now, updateId = $uid WHERE id = $id",
            ("$id", assetId), ("$th", thumbhash), ("$now", now), ("$uid", Ids.NewUpdateId()));
        s.Exec("""
            INSERT INTO asset_job_status (assetId, previewAt, thumbnailAt, thumbnailError) VALUES ($id, $now, $now, NULL)
            ON CONFLICT (assetId) DO UPDATE SET previewAt = excluded.previewAt, thumbnailAt = excluded.thumbnailAt, thumbnailError = NULL
            """, ("$id", assetId), ("$now", now));
    });

    public Task MarkThumbnailFailedAsync(string assetId, string reason) => db.WriteAsync(s => s.Exec("""
        INSERT INTO asset_job_status (assetId, thumbnailError) VALUES ($id, $r)
        ON CONFLICT (assetId) DO UPDATE SET thumbnailError = excluded.thumbnailError
        """, ("$id", assetId), ("$r", reason)));

    /// <summary>Assets whose metadata (or thumbnails) were never made — or all of them when forced — for "start" on a queue.</summary>
    public List<string> AssetsMissing(string column, bool force) => db.Read(s => s.List(
        force ? "SELECT id FROM assets ORDER BY createdAt"
              : $"SELECT a.id FROM assets a LEFT JOIN asset_job_status j ON j.assetId = a.id WHERE j.{column} IS NULL ORDER BY a.createdAt",
        r => r.GetString(0)));

    /// <summary>"start" on the video queue: videos not in the trash that have no encoded file and are not hidden, or every
    /// video (force) — upstream's streamForVideoConversion.</summary>
    public List<string> VideosForConversion(bool force) => db.Read(s => s.List(
        force ? "SELECT id FROM assets WHERE type = 'VIDEO' AND status <> 'trashed' ORDER BY createdAt"
              : "SELECT id FROM assets WHERE type = 'VIDEO' AND status <> 'trashed' AND COALESCE(encodedVideoPath, '') = '' AND visibility <> 'hidden' ORDER BY createdAt",
        r => r.GetString(0)));

    /// <summary>Sets (or clears) an asset's encoded video. False when the asset is gone.</summary>
    public Task<bool> SetEncodedVideoAsync(string assetId, string? path, DateTime now) => db.WriteAsync(s =>
        s.Exec("UPDATE assets SET encodedVideoPath = $p, updatedAt = $now, updateId = $uid WHERE id = $id",
            ("$id", assetId), ("$p", path), ("$now", now), ("$uid", Ids.NewUpdateId())) > 0);

    /// <summary>The other half of a live photo: same owner, same content identifier, the other type; the nearest in time first.</summary>
    public string? FindLivePartner(string ownerId, string assetId, string cid, string otherType, DateTime localDateTime) => db.Read(s => (string?)s.Scalar("""
        SELECT a.id FROM assets a JOIN asset_exif e ON e.assetId = a.id
        WHERE a.ownerId = $o AND a.id <> $id AND a.type = $t AND e.livePhotoCID = $cid AND a.status = 'active'
        ORDER BY ABS(julianday(a.localDateTime) - julianday($local)) LIMIT 1
        """, ("$o", ownerId), ("$id", assetId), ("$t", otherType), ("$cid", cid), ("$local", localDateTime)));

    /// <summary>Links a still to its video and hides the video (it then lives only through the still).</summary>
    public Task LinkLivePhotoAsync(string stillId, string videoId, DateTime now) => db.WriteAsync(s =>
    {
        s.Exec("UPDATE assets SET livePhotoVideoId = $v, updatedAt = $now, updateId = $uid WHERE id = $id",
            ("$id", stillId), ("$v", videoId), ("$now", now), ("$uid", Ids.NewUpdateId()));
        s.Exec("UPDATE assets SET visibility = 'hidden', updatedAt = $now, updateId = $uid WHERE id = $id",
            ("$id", videoId), ("$now", now), ("$uid", Ids.NewUpdateId()));
    });
}
