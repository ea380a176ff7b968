using System.Globalization;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Jobs;

namespace ImmichLite.Assets;

/// <summary>POST /assets and PUT /assets/{id}/original. The body streams to a temporary file while SHA-1 is
/// computed; then one transaction decides (duplicate, quota, live-photo link) and records the asset; only
/// after the commit is the file renamed into Immich's layout. A crash between commit and rename is rolled
/// forward at the next start (Recover), so an acknowledged upload is never lost and no row lacks its file.</summary>
public sealed class UploadService(Database db, AssetStore assets, StorageLayout storage, EventHub events, JobSignal jobs, TimeProvider clock, ILogger<UploadService> log)
{
    public sealed record Result(string Id, AssetMediaStatus Status)
    {
        public int HttpStatus => Status == AssetMediaStatus.Duplicate ? 200 : Status == AssetMediaStatus.Created ? 201 : 200;
    }

    /// <summary>x-immich-checksum: 40 hex characters or 28 base64 characters of SHA-1.</summary>
    public static byte[]? ParseChecksum(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        value = value.Trim();
        try
        {
            if (value.Length == 40) return Convert.FromHexString(value);
            if (value.Length == 28) { var b = Convert.FromBase64String(value); return b.Length == 20 ? b : null; }
        }
        catch (FormatException) { }
        return null;
    }

    public async Task<Result> UploadAsync(HttpContext ctx, AuthContext auth)
    {
        var owner = auth.User;
        if (auth.SharedLink is { Link.AllowUpload: false }) throw ApiException.BadRequest("Not found or no asset.upload access");
        if (ctx.Request.Headers["x-immich-checksum"].ToString() is { Length: > 0 } header)
        {
            var sum = ParseChecksum(header) ?? throw ApiException.BadRequest("x-immich-checksum must be a SHA-1 in hex or base64");
            if (assets.FindByChecksum(owner.Id, sum) is { } found) return new Result(found.Id, AssetMediaStatus.Duplicate);
        }

        var assetId = Ids.New();
        await using var form = await UploadForm.ReadAsync(ctx, storage, assetId);
        var f = Fields.Parse(form.Fields, form.FileName, form.Size);
        var ext = Path.GetExtension(form.FileName!).ToLowerInvariant();
        var finalPath = storage.UploadPath(owner.Id, assetId, ext);
        var sidecarFinal = form.SidecarTempPath is null ? null : finalPath + ".xmp";
        var now = clock.GetUtcNow().UtcDateTime;
        var row = new AssetRow
        {
            Id = assetId,
            OwnerId = owner.Id,
            DeviceAssetId = f.DeviceAssetId,
            DeviceId = f.DeviceId,
            Type = MediaTypes.KindOf(form.FileName!) == MediaKind.Video ? "VIDEO" : "IMAGE",
            OriginalPath = finalPath,
            OriginalFileName = form.FileName!,
            Checksum = form.Sha1!,
            FileCreatedAt = f.FileCreatedAt,
            FileModifiedAt = f.FileModifiedAt,
            LocalDateTime = f.FileCreatedAt,
            IsFavorite = f.IsFavorite,
            Visibility = f.Visibility,
            Duration = f.Duration,
            LivePhotoVideoId = f.LivePhotoVideoId,
            SidecarPath = sidecarFinal,
            CreatedAt = now,
            UpdatedAt = now,
        };

        var outcome = await db.WriteAsync(s =>
        {
            if (s.Scalar("SELECT id FROM assets WHERE ownerId = $o AND checksum = $c AND libraryId IS NULL", ("$o", owner.Id), ("$c", row.Checksum)) is string existing)
            {
                SharedLinkStore.AddUpload(s, auth.SharedLink?.Link, existing, now); // through a link: into its album (or the link)
                return new Result(existing, AssetMediaStatus.Duplicate);
            }
            CheckQuota(s, owner.Id, form.Size);
            if (row.LivePhotoVideoId is { } videoId) LinkLiveVideo(s, owner.Id, videoId, now);
            AssetStore.InsertAsset(s, row);
            AssetStore.InsertExif(s, row.Id, form.Size, now);
            AssetStore.AddUsage(s, owner.Id, form.Size);
            SharedLinkStore.AddUpload(s, auth.SharedLink?.Link, row.Id, now);
            // the pipeline's first job commits with the asset: an acknowledged upload is always processed
            JobStore.Insert(s, PipelineJobs.MetadataQueue, PipelineJobs.ExtractMetadata, row.Id, now);
            return new Result(row.Id, AssetMediaStatus.Created);
        }, ctx.RequestAborted);

        if (outcome.Status == AssetMediaStatus.Duplicate) return outcome; // temporary files go with the form

        var (tmp, sideTmp) = (form.TempPath!, form.SidecarTempPath);
        form.Claim();
        MoveIntoPlace(tmp, finalPath, row.FileModifiedAt);
        if (sideTmp is not null) MoveIntoPlace(sideTmp, sidecarFinal!, null);

        if (row.LivePhotoVideoId is { } hidden) events.Publish(new ServerEvent("on_asset_hidden", EventAudience.Users, [owner.Id], Json.Str(hidden)));
        jobs.Wake(JobName.MetadataExtraction);
        return outcome;
    }

    /// <summary>PUT /assets/{id}/original: the asset keeps its id and gets the new file; the old file lives on
    /// in a trashed copy whose id is returned (status "replaced").</summary>
    public async Task<Result> ReplaceAsync(HttpContext ctx, AuthContext auth, string id)
    {
        var current = assets.Get(id);
        if (current is null || current.OwnerId != auth.UserId || auth.SharedLink is not null) throw ApiException.BadRequest("Not found or no asset.update access");
        var fileId = Ids.New();
        await using var form = await UploadForm.ReadAsync(ctx, storage, fileId);
        var f = Fields.Parse(form.Fields, form.FileName, form.Size);
        var finalPath = storage.UploadPath(auth.UserId, fileId, Path.GetExtension(form.FileName!).ToLowerInvariant());
        var now = clock.GetUtcNow().UtcDateTime;
        var copyId = Ids.New();

        var outcome = await db.WriteAsync(s =>
        {
            if (s.Scalar("SELECT id FROM assets WHERE ownerId = $o AND checksum = $c AND libraryId IS NULL", ("$o", auth.UserId), ("$c", form.Sha1!)) is string existing)
                return new Result(existing, AssetMediaStatus.Duplicate);
            CheckQuota(s, auth.UserId, form.Size);
            var old = s.One($"SELECT {AssetStore.Cols} FROM assets a WHERE a.id = $id", r => AssetStore.Map(r), ("$id", id))
                      ?? throw ApiException.BadRequest("Not found or no asset.update access");
            // the asset takes the new file...
            s.Exec("""
                UPDATE assets SET originalPath = $p, originalFileName = $n, checksum = $c, fileCreatedAt = $fc, fileModifiedAt = $fm,
                  localDateTime = $fc, duration = $d, deviceAssetId = $dai, deviceId = $di, type = $t, thumbhash = NULL, encodedVideoPath = NULL,
                  updatedAt = $now, updateId = $uid WHERE id = $id
                """, ("$id", id), ("$p", finalPath), ("$n", form.FileName), ("$c", form.Sha1), ("$fc", f.FileCreatedAt), ("$fm", f.FileModifiedAt),
                ("$d", f.Duration), ("$dai", f.DeviceAssetId), ("$di", f.DeviceId), ("$t", MediaTypes.KindOf(form.FileName!) == MediaKind.Video ? "VIDEO" : "IMAGE"),
                ("$now", now), ("$uid", Ids.NewUpdateId()));
            s.Exec("UPDATE asset_exif SET fileSizeInByte = $size, updatedAt = $now, updateId = $uid WHERE assetId = $id",
                ("$id", id), ("$size", form.Size), ("$now", now), ("$uid", Ids.NewUpdateId()));
            s.Exec("DELETE FROM asset_files WHERE assetId = $id", ("$id", id));
            // ...and the old one is kept as a trashed copy
            AssetStore.InsertAsset(s, old with { Id = copyId, Status = "trashed", DeletedAt = now, CreatedAt = now, UpdatedAt = now, LivePhotoVideoId = null, StackId = null });
            AssetStore.InsertExif(s, copyId, new FileInfo(old.OriginalPath) is { Exists: true } fi ? fi.Length : 0, now);
            AssetStore.AddUsage(s, auth.UserId, form.Size);
            JobStore.Insert(s, PipelineJobs.MetadataQueue, PipelineJobs.ExtractMetadata, id, now);
            return new Result(copyId, AssetMediaStatus.Replaced);
        }, ctx.RequestAborted);
        if (outcome.Status == AssetMediaStatus.Duplicate) return outcome;

        var tmp = form.TempPath!;
        form.Claim();
        MoveIntoPlace(tmp, finalPath, f.FileModifiedAt);
        jobs.Wake(JobName.MetadataExtraction);
        events.Publish(new ServerEvent("on_asset_trash", EventAudience.Users, [auth.UserId], Json.StrList([copyId])));
        return outcome;
    }

    static void CheckQuota(Sql s, string userId, long size)
    {
        using var cmd = s.Command("SELECT quotaSizeInBytes, quotaUsageInBytes FROM users WHERE id = $u", [("$u", userId)]);
        using var r = cmd.ExecuteReader();
        if (r.Read() && !r.IsDBNull(0) && r.GetInt64(1) + size > r.GetInt64(0)) throw ApiException.BadRequest("Quota has been exceeded!");
    }

    static void LinkLiveVideo(Sql s, string ownerId, string videoId, DateTime now)
    {
        using (var cmd = s.Command("SELECT ownerId, type FROM assets WHERE id = $id", [("$id", videoId)]))
        using (var r = cmd.ExecuteReader())
        {
            if (!r.Read()) throw ApiException.BadRequest("Live photo video not found");
            if (r.GetString(1) != "VIDEO") throw ApiException.BadRequest("Live photo video must be a video");
            if (r.GetString(0) != ownerId) throw ApiException.BadRequest("Live photo video does not belong to the user");
        }
        s.Exec("UPDATE assets SET visibility = 'hidden', updatedAt = $now, updateId = $uid WHERE id = $id", ("$id", videoId), ("$now", now), ("$uid", Ids.NewUpdateId()));
    }

    void MoveIntoPlace(string tmp, string final, DateTime? mtime)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            File.Move(tmp, final, overwrite: true);
            if (mtime is { } m) File.SetLastWriteTimeUtc(final, m);
        }
        catch (IOException e)
        {
            // left in .tmp: the next start moves it into place
            log.LogError(e, "could not move {Temp} to {Final}; will retry at start-up", tmp, final);
        }
    }

    /// <summary>At start-up: uploads committed but not yet moved are moved into place; every other temporary
    /// file (an upload cut off by a crash, a duplicate not yet removed) is deleted.</summary>
    public (int RolledForward, int Removed) Recover()
    {
        int forward = 0, removed = 0;
        foreach (var file in Directory.EnumerateFiles(storage.TempDir))
        {
            var name = Path.GetFileName(file);
            var isSidecar = name.EndsWith(".xmp.part", StringComparison.Ordinal);
            var id = name.EndsWith(".part", StringComparison.Ordinal) ? name[..name.IndexOf('.')] : null;
            AssetRow? row = null;
            if (id is not null && Ids.IsUuid(id)) row = assets.Get(id);
            var target = row is null ? null : isSidecar ? row.SidecarPath : row.OriginalPath;
            if (target is not null && !File.Exists(target))
            {
                MoveIntoPlace(file, target, isSidecar ? null : row!.FileModifiedAt);
                forward++;
            }
            else
            {
                StorageLayout.TryDelete(file);
                removed++;
            }
        }
        return (forward, removed);
    }

    /// <summary>The form fields of AssetMediaCreateDto, validated as class-validator would.</summary>
    sealed record Fields(string DeviceAssetId, string DeviceId, DateTime FileCreatedAt, DateTime FileModifiedAt, string? Duration,
        bool IsFavorite, string Visibility, string? LivePhotoVideoId)
    {
        public static Fields Parse(Dictionary<string, string> form, string? fileName, long size)
        {
            var errors = new List<string>();
            string Required(string name)
            {
                if (!form.TryGetValue(name, out var v) || string.IsNullOrWhiteSpace(v)) { errors.Add($"{name} should not be empty"); return ""; }
                return v;
            }
            DateTime Date(string name)
            {
                var v = Required(name);
                if (v.Length == 0) return default;
                if (DateTime.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)) return d;
                errors.Add($"{name} must be a Date instance");
                return default;
            }
            // The app always sends both; @immich/cli 3.x sends neither, so when they are absent (not empty) they
            // default as the older CLI derived them: "<file name>-<size>" and "CLI".
            var deviceAssetId = form.ContainsKey("deviceAssetId") || fileName is null ? Required("deviceAssetId")
                : (fileName.Replace(" ", "") + "-" + size.ToString(CultureInfo.InvariantCulture));
            var deviceId = form.ContainsKey("deviceId") ? Required("deviceId") : "CLI";
            var created = Date("fileCreatedAt");
            var modified = Date("fileModifiedAt");
            var fav = false;
            if (form.TryGetValue("isFavorite", out var favText) && favText.Length > 0)
            {
                if (favText is "true" or "false") fav = favText == "true";
                else errors.Add("isFavorite must be a boolean value");
            }
            var visibility = "timeline";
            if (form.TryGetValue("visibility", out var vis) && vis.Length > 0)
            {
                if (EnumText.TryParse<AssetVisibility>(vis, out _)) visibility = vis;
                else errors.Add("visibility must be one of the following values: archive, timeline, hidden, locked");
            }
            string? live = null;
            if (form.TryGetValue("livePhotoVideoId", out var l) && l.Length > 0)
            {
                if (Ids.IsUuid(l)) live = l.ToLowerInvariant();
                else errors.Add("livePhotoVideoId must be a UUID");
            }
            var duration = form.TryGetValue("duration", out var dur) && dur.Length > 0 ? dur : null;
            if (errors.Count > 0) throw ApiException.Validation(errors);
            return new Fields(deviceAssetId, deviceId, created, modified, duration, fav, visibility, live);
        }
    }
}
