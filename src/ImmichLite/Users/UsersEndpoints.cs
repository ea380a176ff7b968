using System.Text.Json;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Users;

public static class UsersEndpoints
{
    static readonly string[] ProfileImageExtensions = [".avif", ".dng", ".heic", ".heif", ".jpeg", ".jpg", ".png", ".webp", ".svg"];

    public static void MapUsers(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Users");
        var users = app.ServiceProvider.GetRequiredService<UserStore>();
        var service = app.ServiceProvider.GetRequiredService<UserService>();
        var storage = app.ServiceProvider.GetRequiredService<StorageLayout>();
        var clock = app.ServiceProvider.GetRequiredService<TimeProvider>();
        var settings = app.ServiceProvider.GetRequiredService<ServerSettings>();
        var ctxJson = ImmichJsonContext.Default;

        g.MapOp(ApiOps.SearchUsers, ctx =>
        {
            // Immich lists every active user to everyone while server.publicUsers is on (the default); off: admins still
            // see everyone, a user only themself.
            var auth = ctx.Auth();
            var list = (settings.PublicUsers || auth.User.IsAdmin ? users.List() : [auth.User]).Select(UserMapping.ToUser).ToList();
            return ctx.Json(list, ctxJson.ListUserResponseDto);
        });

        g.MapOp(ApiOps.GetMyUser, ctx => ctx.Json(service.ToAdminDto(ctx.Auth().User), ctxJson.UserAdminResponseDto));

        g.MapOp(ApiOps.UpdateMyUser, async ctx =>
        {
            var dto = await ctx.Body(ctxJson.UserUpdateMeDto);
            var me = service.GetOrThrow(ctx.Auth().UserId);
            if (dto.Name is { Length: 0 }) throw ApiException.Validation(["name should not be empty"]);
            if (dto.Password is { Length: < 8 }) throw ApiException.Validation(["password must be longer than or equal to 8 characters"]);
            var updated = await service.UpdateAsync(me, dto.Email, dto.Name, dto.Password, dto.AvatarColor, colorGiven: dto.AvatarColor is not null);
            await ctx.Json(service.ToAdminDto(updated), ctxJson.UserAdminResponseDto);
        });

        g.MapOp(ApiOps.GetMyPreferences, ctx => ctx.Json(service.GetPreferences(ctx.Auth().UserId), ctxJson.UserPreferencesResponseDto));

        g.MapOp(ApiOps.UpdateMyPreferences, async ctx =>
        {
            var dto = await ctx.Body(ctxJson.UserPreferencesUpdateDto);
            await ctx.Json(await service.UpdatePreferencesAsync(ctx.Auth().User, dto), ctxJson.UserPreferencesResponseDto);
        });

        g.MapOp(ApiOps.GetUserLicense, ctx =>
        {
            var license = service.GetLicense(ctx.Auth().UserId) ?? throw ApiException.NotFound("License not found");
            return ctx.Json(new LicenseResponseDto { LicenseKey = license.LicenseKey, ActivationKey = license.ActivationKey, ActivatedAt = license.ActivatedAt }, ctxJson.LicenseResponseDto);
        });

        g.MapOp(ApiOps.SetUserLicense, async ctx =>
        {
            var dto = await ctx.Body(ctxJson.LicenseKeyDto);
            if (!dto.LicenseKey.StartsWith("IMCL-") || !UserService.LicenseKeyShape().IsMatch(dto.LicenseKey))
                throw ApiException.BadRequest("Invalid license key");
            if (string.IsNullOrWhiteSpace(dto.ActivationKey)) throw ApiException.BadRequest("Invalid license key");
            var license = new UserLicense { LicenseKey = dto.LicenseKey, ActivationKey = dto.ActivationKey, ActivatedAt = clock.GetUtcNow().UtcDateTime };
            await users.SetMetadataAsync(ctx.Auth().UserId, UserService.LicenseKey, JsonSerializer.Serialize(license, ctxJson.UserLicense));
            await ctx.Json(new LicenseResponseDto { LicenseKey = license.LicenseKey, ActivationKey = license.ActivationKey, ActivatedAt = license.ActivatedAt }, ctxJson.LicenseResponseDto);
        });

        g.MapOp(ApiOps.DeleteUserLicense, async ctx =>
        {
            await users.SetMetadataAsync(ctx.Auth().UserId, UserService.LicenseKey, null);
            await ctx.NoContent(ApiOps.DeleteUserLicense.SuccessStatus);
        });

        g.MapOp(ApiOps.GetUser, ctx =>
        {
            var id = ctx.RouteUuid();
            var user = users.Get(id) ?? throw ApiException.BadRequest("User not found");
            return ctx.Json(UserMapping.ToUser(user), ctxJson.UserResponseDto);
        });

        g.MapOp(ApiOps.CreateProfileImage, async ctx =>
        {
            var me = service.GetOrThrow(ctx.Auth().UserId);
            if (!ctx.Request.HasFormContentType) throw ApiException.BadRequest("file is required (multipart/form-data)");
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            var file = form.Files.GetFile("file") ?? throw ApiException.BadRequest("file is required");
            var ext = Path.GetExtension(file.FileName).ToLowerInvariant();
            if (!ProfileImageExtensions.Contains(ext)) throw ApiException.BadRequest($"Unsupported file type {Path.GetFileName(file.FileName)}");
            if (file.Length == 0) throw ApiException.BadRequest("file is empty");
            var path = storage.ProfileImagePath(me.Id, Ids.New(), ext);
            await StorageLayout.WriteAtomicallyAsync(path, s => file.CopyToAsync(s, ctx.RequestAborted));
            var old = me.ProfileImagePath;
            var now = clock.GetUtcNow().UtcDateTime;
            var updated = await users.UpdateAsync(me with { ProfileImagePath = path, ProfileChangedAt = now });
            if (old.Length > 0 && old != path) StorageLayout.TryDelete(old);
            await ctx.Json(new CreateProfileImageResponseDto { UserId = updated.Id, ProfileImagePath = updated.ProfileImagePath, ProfileChangedAt = now },
                ctxJson.CreateProfileImageResponseDto, ApiOps.CreateProfileImage.SuccessStatus);
        });

        g.MapOp(ApiOps.DeleteProfileImage, async ctx =>
        {
            var me = service.GetOrThrow(ctx.Auth().UserId);
            if (me.ProfileImagePath.Length == 0) throw ApiException.BadRequest("Can't delete a missing profile Image");
            await users.UpdateAsync(me with { ProfileImagePath = "", ProfileChangedAt = clock.GetUtcNow().UtcDateTime });
            StorageLayout.TryDelete(me.ProfileImagePath);
            await ctx.NoContent(ApiOps.DeleteProfileImage.SuccessStatus);
        });

        g.MapOp(ApiOps.GetProfileImage, async ctx =>
        {
            var id = ctx.RouteUuid();
            var user = users.Get(id) ?? throw ApiException.NotFound("User not found");
            if (user.ProfileImagePath.Length == 0 || !File.Exists(user.ProfileImagePath))
                throw ApiException.NotFound("User does not have a profile image");
            await FileResponses.SendAsync(ctx, user.ProfileImagePath, MediaTypes.MimeOf(user.ProfileImagePath), cacheControl: null, downloadName: null);
        });
    }
}
