using ImmichLite.Assets;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Users;

namespace ImmichLite.UsersAdmin;

public static class UsersAdminEndpoints
{
    public static void MapUsersAdmin(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Users (admin)");
        var users = app.ServiceProvider.GetRequiredService<UserStore>();
        var service = app.ServiceProvider.GetRequiredService<UserService>();
        var events = app.ServiceProvider.GetRequiredService<EventHub>();
        var clock = app.ServiceProvider.GetRequiredService<TimeProvider>();
        var jobs = app.ServiceProvider.GetRequiredService<Jobs.JobQueue>();
        var j = ImmichJsonContext.Default;

        g.MapOp(ApiOps.SearchUsersAdmin, ctx =>
        {
            var id = ctx.QueryUuid("id");
            var withDeleted = ctx.QueryBool("withDeleted") ?? false;
            var list = users.List(withDeleted, id).Select(service.ToAdminDto).ToList();
            return ctx.Json(list, j.ListUserAdminResponseDto);
        });

        g.MapOp(ApiOps.CreateUserAdmin, async ctx =>
        {
            var dto = await ctx.Body(j.UserAdminCreateDto);
            RequireName(dto.Name);
            RequirePassword(dto.Password);
            var row = await service.CreateAsync(dto.Email, dto.Name, dto.Password, isAdmin: false,
                shouldChangePassword: dto.ShouldChangePassword ?? true, dto.StorageLabel, dto.QuotaSizeInBytes, dto.AvatarColor);
            await ctx.Json(service.ToAdminDto(row), j.UserAdminResponseDto, ApiOps.CreateUserAdmin.SuccessStatus);
        });

        g.MapOp(ApiOps.GetUserAdmin, ctx =>
            ctx.Json(service.ToAdminDto(service.GetOrThrow(ctx.RouteUuid(), withDeleted: true)), j.UserAdminResponseDto));

        g.MapOp(ApiOps.UpdateUserAdmin, async ctx =>
        {
            var id = ctx.RouteUuid();
            var dto = await ctx.Body(j.UserAdminUpdateDto);
            var user = service.GetOrThrow(id);
            if (dto.Name is not null) RequireName(dto.Name);
            if (dto.Password is not null) RequirePassword(dto.Password);
            if (dto.QuotaSizeInBytes is < 0) throw ApiException.Validation(["quotaSizeInBytes must not be less than 0"]);
            var updated = await service.UpdateAsync(user, dto.Email, dto.Name, dto.Password, dto.AvatarColor,
                colorGiven: dto.AvatarColor is not null, shouldChangePassword: dto.ShouldChangePassword,
                storageLabelGiven: dto.StorageLabel is not null || ctx.BodySetsNull("storageLabel"), storageLabel: dto.StorageLabel,
                quotaGiven: dto.QuotaSizeInBytes is not null || ctx.BodySetsNull("quotaSizeInBytes"), quota: dto.QuotaSizeInBytes,
                pinCodeCleared: ctx.BodySetsNull("pinCode"));
            await ctx.Json(service.ToAdminDto(updated), j.UserAdminResponseDto);
        });

        g.MapOp(ApiOps.DeleteUserAdmin, async ctx =>
        {
            var id = ctx.RouteUuid();
            var dto = await ctx.OptionalBody(j.UserAdminDeleteDto, () => new UserAdminDeleteDto());
            var user = service.GetOrThrow(id);
            if (user.IsAdmin) throw ApiException.Forbidden("Cannot delete admin user");
            var now = clock.GetUtcNow().UtcDateTime;
            var status = dto.Force == true ? UserStatus.Removing : UserStatus.Deleted;
            var updated = await users.UpdateAsync(user with { DeletedAt = now, Status = EnumText.Of(status) });
            events.UserDeleted(updated.Id);
            // forced: removed at once (in the background); otherwise the nightly maintenance does it after the delay
            if (status == UserStatus.Removing) await jobs.EnqueueAsync(Maintenance.UserDeletionJob.JobName, updated.Id);
            await ctx.Json(service.ToAdminDto(updated), j.UserAdminResponseDto);
        });

        g.MapOp(ApiOps.RestoreUserAdmin, async ctx =>
        {
            var user = users.Get(ctx.RouteUuid(), withDeleted: true) ?? throw ApiException.BadRequest("User not found");
            if (user.DeletedAt is null) throw ApiException.BadRequest("User is not deleted");
            if (user.Status == EnumText.Of(UserStatus.Removing)) throw ApiException.BadRequest("User is already being removed");
            var updated = await users.UpdateAsync(user with { DeletedAt = null, Status = EnumText.Of(UserStatus.Active) });
            await ctx.Json(service.ToAdminDto(updated), j.UserAdminResponseDto, ApiOps.RestoreUserAdmin.SuccessStatus);
        });

        var assets = app.ServiceProvider.GetRequiredService<AssetStore>();
        g.MapOp(ApiOps.GetUserStatisticsAdmin, ctx =>
            ctx.Json(AssetsEndpoints.Statistics(ctx, assets, service.GetOrThrow(ctx.RouteUuid(), withDeleted: true).Id), j.AssetStatsResponseDto));

        g.MapOp(ApiOps.GetUserPreferencesAdmin, ctx =>
            ctx.Json(service.GetPreferences(service.GetOrThrow(ctx.RouteUuid(), withDeleted: true).Id), j.UserPreferencesResponseDto));

        g.MapOp(ApiOps.UpdateUserPreferencesAdmin, async ctx =>
        {
            var user = service.GetOrThrow(ctx.RouteUuid());
            var dto = await ctx.Body(j.UserPreferencesUpdateDto);
            await ctx.Json(await service.UpdatePreferencesAsync(user, dto), j.UserPreferencesResponseDto);
        });
    }

    internal static void RequireName(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw ApiException.Validation(["name should not be empty"]);
    }

    internal static void RequirePassword(string password)
    {
        if (string.IsNullOrEmpty(password)) throw ApiException.Validation(["password should not be empty"]);
    }
}
