using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;
using ImmichLite.Users;

namespace ImmichLite.Partners;

public static class PartnersEndpoints
{
    public static void MapPartners(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Partners");
        var partners = app.ServiceProvider.GetRequiredService<PartnerStore>();
        var users = app.ServiceProvider.GetRequiredService<UserStore>();
        var clock = app.ServiceProvider.GetRequiredService<TimeProvider>();
        var j = ImmichJsonContext.Default;

        PartnerResponseDto Dto(string userId, bool? inTimeline)
        {
            var u = users.Get(userId, withDeleted: true) ?? throw ApiException.BadRequest("User not found");
            var dto = UserMapping.ToUser(u);
            return new PartnerResponseDto
            {
                Id = dto.Id, Email = dto.Email, Name = dto.Name, ProfileImagePath = dto.ProfileImagePath,
                AvatarColor = dto.AvatarColor, ProfileChangedAt = dto.ProfileChangedAt, InTimeline = inTimeline,
            };
        }

        g.MapOp(ApiOps.GetPartners, ctx =>
        {
            var direction = ctx.QueryString("direction");
            if (direction is null || !EnumText.TryParse<PartnerDirection>(direction, out var dir))
                throw ApiException.Validation(["direction must be one of the following values: shared-by, shared-with"]);
            var me = ctx.Auth().UserId;
            var list = dir == PartnerDirection.SharedBy
                ? partners.List(me, sharedBy: true).Select(p => Dto(p.SharedWithId, p.InTimeline)).ToList()
                : partners.List(me, sharedBy: false).Select(p => Dto(p.SharedById, p.InTimeline)).ToList();
            return ctx.Json(list, j.ListPartnerResponseDto);
        });

        g.MapOp(ApiOps.CreatePartner, async ctx =>
        {
            var other = ctx.RouteUuid();
            var me = ctx.Auth().UserId;
            if (other == me) throw ApiException.BadRequest("Cannot share with yourself");
            if (users.Get(other) is null) throw ApiException.BadRequest("User not found");
            if (partners.Get(me, other) is not null) throw ApiException.BadRequest("Partner already exists");
            await partners.InsertAsync(me, other, clock.GetUtcNow().UtcDateTime);
            await ctx.Json(Dto(other, false), j.PartnerResponseDto, ApiOps.CreatePartner.SuccessStatus);
        });

        g.MapOp(ApiOps.UpdatePartner, async ctx =>
        {
            var other = ctx.RouteUuid();
            var dto = await ctx.Body(j.UpdatePartnerDto);
            var me = ctx.Auth().UserId;
            // the partner shares with me; I choose whether their photos show in my timeline
            if (await partners.SetInTimelineAsync(other, me, dto.InTimeline, clock.GetUtcNow().UtcDateTime) == 0)
                throw ApiException.BadRequest("Partner not found");
            await ctx.Json(Dto(other, dto.InTimeline), j.PartnerResponseDto);
        });

        g.MapOp(ApiOps.RemovePartner, async ctx =>
        {
            var other = ctx.RouteUuid();
            if (await partners.DeleteAsync(ctx.Auth().UserId, other, clock.GetUtcNow().UtcDateTime) == 0)
                throw ApiException.BadRequest("Partner not found");
            await ctx.NoContent(ApiOps.RemovePartner.SuccessStatus);
        });
    }
}
