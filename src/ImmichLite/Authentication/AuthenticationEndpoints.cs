using System.Text.RegularExpressions;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Users;
using ImmichLite.UsersAdmin;

namespace ImmichLite.Authentication;

public static partial class AuthenticationEndpoints
{
    static readonly TimeSpan PinUnlockFor = TimeSpan.FromMinutes(15);

    public static void MapAuthentication(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Authentication");
        var sp = app.ServiceProvider;
        var users = sp.GetRequiredService<UserStore>();
        var sessions = sp.GetRequiredService<SessionStore>();
        var service = sp.GetRequiredService<UserService>();
        var login = sp.GetRequiredService<LoginService>();
        var events = sp.GetRequiredService<EventHub>();
        var clock = sp.GetRequiredService<TimeProvider>();
        var settings = sp.GetRequiredService<ServerSettings>();
        var j = ImmichJsonContext.Default;

        g.MapOp(ApiOps.SignUpAdmin, async ctx =>
        {
            var dto = await ctx.Body(j.SignUpDto);
            UsersAdminEndpoints.RequireName(dto.Name);
            UsersAdminEndpoints.RequirePassword(dto.Password);
            if (users.AdminExists()) throw ApiException.BadRequest("The server already has an admin");
            var admin = await service.CreateAsync(dto.Email, dto.Name, dto.Password, isAdmin: true, shouldChangePassword: false,
                storageLabel: "admin", quota: null, color: null);
            await ctx.Json(service.ToAdminDto(admin), j.UserAdminResponseDto, ApiOps.SignUpAdmin.SuccessStatus);
        });

        g.MapOp(ApiOps.Login, async ctx =>
        {
            var dto = await ctx.Body(j.LoginCredentialDto);
            if (!settings.PasswordLogin) throw ApiException.Unauthorized("Password login has been disabled");
            var user = users.GetByEmail(UserService.NormaliseEmail(dto.Email));
            if (user is null || !Crypto.VerifyPassword(dto.Password, user.Password))
                throw ApiException.Unauthorized("Incorrect email or password");
            var (token, _) = await login.CreateSessionAsync(user, ctx);
            LoginService.SetAuthCookies(ctx, token);
            await ctx.Json(new LoginResponseDto
            {
                AccessToken = token,
                UserId = user.Id,
                UserEmail = user.Email,
                Name = user.Name,
                ProfileImagePath = user.ProfileImagePath,
                IsAdmin = user.IsAdmin,
                ShouldChangePassword = user.ShouldChangePassword,
            }, j.LoginResponseDto, ApiOps.Login.SuccessStatus);
        });

        g.MapOp(ApiOps.Logout, async ctx =>
        {
            var auth = ctx.Auth();
            if (auth.Session is { } s)
            {
                await sessions.DeleteAsync(s.Id);
                events.SessionDeleted(s.Id);
            }
            LoginService.ClearAuthCookies(ctx);
            await ctx.Json(new LogoutResponseDto { Successful = true, RedirectUri = "/auth/login?autoLaunch=0" }, j.LogoutResponseDto);
        });

        g.MapOp(ApiOps.ValidateAccessToken, ctx => ctx.Json(new ValidateAccessTokenResponseDto { AuthStatus = true }, j.ValidateAccessTokenResponseDto));

        g.MapOp(ApiOps.ChangePassword, async ctx =>
        {
            var dto = await ctx.Body(j.ChangePasswordDto);
            var user = service.GetOrThrow(ctx.Auth().UserId);
            if (!Crypto.VerifyPassword(dto.Password, user.Password)) throw ApiException.BadRequest("Wrong password");
            if (dto.NewPassword.Length < 8) throw ApiException.Validation(["newPassword must be longer than or equal to 8 characters"]);
            var updated = await users.UpdateAsync(user with { Password = Crypto.HashPassword(dto.NewPassword), ShouldChangePassword = false });
            await ctx.Json(service.ToAdminDto(updated), j.UserAdminResponseDto);
        });

        g.MapOp(ApiOps.GetAuthStatus, ctx =>
        {
            var auth = ctx.Auth();
            var user = service.GetOrThrow(auth.UserId);
            var now = clock.GetUtcNow().UtcDateTime;
            return ctx.Json(new AuthStatusResponseDto
            {
                PinCode = user.PinCode is not null,
                Password = user.Password.Length > 0,
                IsElevated = auth.Session?.PinExpiresAt is { } p && p > now,
                ExpiresAt = auth.Session?.ExpiresAt is { } e ? Sql.Iso(e) : null,
                PinExpiresAt = auth.Session?.PinExpiresAt is { } pe ? Sql.Iso(pe) : null,
            }, j.AuthStatusResponseDto);
        });

        g.MapOp(ApiOps.SetupPinCode, async ctx =>
        {
            var dto = await ctx.Body(j.PinCodeSetupDto);
            RequirePin(dto.PinCode, "pinCode");
            var user = service.GetOrThrow(ctx.Auth().UserId);
            if (user.PinCode is not null) throw ApiException.BadRequest("User already has a PIN code");
            await users.UpdateAsync(user with { PinCode = Crypto.HashPassword(dto.PinCode) });
            await ctx.NoContent(ApiOps.SetupPinCode.SuccessStatus);
        });

        g.MapOp(ApiOps.ChangePinCode, async ctx =>
        {
            var dto = await ctx.Body(j.PinCodeChangeDto);
            RequirePin(dto.NewPinCode, "newPinCode");
            var user = service.GetOrThrow(ctx.Auth().UserId);
            VerifyPinOrPassword(user, dto.PinCode, dto.Password);
            await users.UpdateAsync(user with { PinCode = Crypto.HashPassword(dto.NewPinCode) });
            await ctx.NoContent(ApiOps.ChangePinCode.SuccessStatus);
        });

        g.MapOp(ApiOps.ResetPinCode, async ctx =>
        {
            var dto = await ctx.Body(j.PinCodeResetDto);
            var user = service.GetOrThrow(ctx.Auth().UserId);
            VerifyPinOrPassword(user, dto.PinCode, dto.Password);
            await users.UpdateAsync(user with { PinCode = null });
            await ctx.NoContent(ApiOps.ResetPinCode.SuccessStatus);
        });

        g.MapOp(ApiOps.UnlockAuthSession, async ctx =>
        {
            var dto = await ctx.Body(j.SessionUnlockDto);
            var auth = ctx.Auth();
            var session = auth.Session ?? throw ApiException.BadRequest("This endpoint can only be used with a session token");
            var user = service.GetOrThrow(auth.UserId);
            VerifyPinOrPassword(user, dto.PinCode, dto.Password);
            await sessions.SetPinExpiresAsync(session.Id, clock.GetUtcNow().UtcDateTime + PinUnlockFor);
            await ctx.NoContent(ApiOps.UnlockAuthSession.SuccessStatus);
        });

        g.MapOp(ApiOps.LockAuthSession, async ctx =>
        {
            var session = ctx.Auth().Session ?? throw ApiException.BadRequest("This endpoint can only be used with a session token");
            await sessions.SetPinExpiresAsync(session.Id, null);
            await ctx.NoContent(ApiOps.LockAuthSession.SuccessStatus);
        });
    }

    [GeneratedRegex("^[0-9]{6}$")]
    private static partial Regex SixDigits();

    static void RequirePin(string pin, string field)
    {
        if (!SixDigits().IsMatch(pin)) throw ApiException.Validation([$"{field} must be a 6-digit numeric string"]);
    }

    static void VerifyPinOrPassword(UserRow user, string? pin, string? password)
    {
        if (pin is not null)
        {
            if (user.PinCode is null) throw ApiException.BadRequest("User does not have a PIN code");
            if (!Crypto.VerifyPassword(pin, user.PinCode)) throw ApiException.BadRequest("Wrong PIN code");
            return;
        }
        if (password is not null)
        {
            if (!Crypto.VerifyPassword(password, user.Password)) throw ApiException.BadRequest("Wrong password");
            return;
        }
        throw ApiException.BadRequest("Either password or pinCode is required");
    }
}
