using System.Globalization;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Geocoding;

public static class MapEndpoints
{
    /// <summary>GET /map/reverse-geocode (reverseGeocode) and GET /map/markers (getMapMarkers).</summary>
    public static void MapGeocoding(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Map");
        var geocoder = app.ServiceProvider.GetRequiredService<ReverseGeocoder>();
        var search = app.ServiceProvider.GetRequiredService<SearchStore>();
        var j = ImmichJsonContext.Default;

        g.MapOp(ApiOps.ReverseGeocode, ctx =>
        {
            var lat = QueryNumber(ctx, "lat");
            var lon = QueryNumber(ctx, "lon");
            var errors = new List<string>();
            // class-validator's @IsLatitude() / @IsLongitude() with their default messages (upstream MapReverseGeocodeDto).
            if (lat is not (>= -90 and <= 90)) errors.Add("lat must be a latitude string or number");
            if (lon is not (>= -180 and <= 180)) errors.Add("lon must be a longitude string or number");
            if (errors.Count > 0) throw ApiException.Validation(errors);
            // Like upstream: one result, or none when no place lies within 25 km (or the data is still importing).
            var hit = geocoder.Reverse(lat!.Value, lon!.Value);
            List<MapReverseGeocodeResponseDto> result = hit is null ? [] : [new MapReverseGeocodeResponseDto { City = hit.City, State = hit.State, Country = hit.Country }];
            return ctx.Json(result, j.ListMapReverseGeocodeResponseDto);
        });

        // Upstream (map.service.ts, map.repository.ts): the caller's assets with coordinates, newest first; with
        // withPartners also those of the partners they show in their timeline, with withSharedAlbums also those of every
        // album they own or belong to. Timeline assets only, archived ones too when isArchived=true; never trashed,
        // hidden or locked. Photos whose GPS was 0,0 have no coordinates (metadata extraction drops them).
        g.MapOp(ApiOps.GetMapMarkers, ctx =>
        {
            var f = new MapMarkerFilter(ctx.Auth().UserId, ctx.QueryBool("isArchived"), ctx.QueryBool("isFavorite"),
                ctx.QueryDate("fileCreatedAfter"), ctx.QueryDate("fileCreatedBefore"),
                ctx.QueryBool("withPartners") ?? false, ctx.QueryBool("withSharedAlbums") ?? false);
            var markers = search.MapMarkers(f).Select(m => new MapMarkerResponseDto
            {
                Id = m.Id, Lat = m.Lat, Lon = m.Lon, City = m.City, State = m.State, Country = m.Country,
            }).ToList();
            return ctx.Json(markers, j.ListMapMarkerResponseDto);
        });
    }

    /// <summary>The query value as class-transformer's Number() reads it: missing or not a number is null (NaN);
    /// an empty string is 0, as in JavaScript.</summary>
    static double? QueryNumber(HttpContext ctx, string name)
    {
        var s = ctx.QueryString(name);
        if (s is null) return null;
        s = s.Trim();
        if (s.Length == 0) return 0;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;
    }
}
