using System.Globalization;
using ImmichLite.Contract;
using ImmichLite.Infrastructure;

namespace ImmichLite.Geocoding;

public static class MapEndpoints
{
    /// <summary>GET /map/reverse-geocode (reverseGeocode). getMapMarkers is not mapped here.</summary>
    public static void MapGeocoding(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Map");
        var geocoder = app.ServiceProvider.GetRequiredService<ReverseGeocoder>();
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
