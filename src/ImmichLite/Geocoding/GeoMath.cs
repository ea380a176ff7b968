namespace ImmichLite.Geocoding;

/// <summary>A latitude/longitude box in degrees (never crosses the antimeridian: see <see cref="GeoMath.BoxesAround"/>).</summary>
public readonly record struct GeoBox(double MinLat, double MaxLat, double MinLon, double MaxLon);

public static class GeoMath
{
    /// <summary>Mean Earth radius (IUGG), km.</summary>
    public const double EarthRadiusKm = 6371.0088;
    const double KmPerDegree = EarthRadiusKm * Math.PI / 180;

    public static bool IsValid(double lat, double lon) =>
        double.IsFinite(lat) && double.IsFinite(lon) && lat is >= -90 and <= 90 && lon is >= -180 and <= 180;

    /// <summary>Great-circle distance in km (haversine).</summary>
    public static double HaversineKm(double lat1, double lon1, double lat2, double lon2)
    {
        const double rad = Math.PI / 180;
        var dLat = (lat2 - lat1) * rad;
        var dLon = (lon2 - lon1) * rad;
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(lat1 * rad) * Math.Cos(lat2 * rad) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    /// <summary>Boxes that together contain every point within radiusKm of (lat, lon): one box, or two when the
    /// circle crosses the antimeridian; the whole longitude range near a pole.</summary>
    public static GeoBox[] BoxesAround(double lat, double lon, double radiusKm)
    {
        var dLat = radiusKm / KmPerDegree;
        var minLat = lat - dLat;
        var maxLat = lat + dLat;
        if (minLat <= -90 || maxLat >= 90)
            return [new GeoBox(Math.Max(minLat, -90), Math.Min(maxLat, 90), -180, 180)];
        // The circle is widest in longitude where the parallel is shortest: use the box edge nearest the pole (a superset).
        var dLon = dLat / Math.Cos(Math.Max(Math.Abs(minLat), Math.Abs(maxLat)) * Math.PI / 180);
        if (dLon >= 180) return [new GeoBox(minLat, maxLat, -180, 180)];
        var minLon = lon - dLon;
        var maxLon = lon + dLon;
        if (minLon < -180) return [new GeoBox(minLat, maxLat, -180, maxLon), new GeoBox(minLat, maxLat, minLon + 360, 180)];
        if (maxLon > 180) return [new GeoBox(minLat, maxLat, minLon, 180), new GeoBox(minLat, maxLat, -180, maxLon - 360)];
        return [new GeoBox(minLat, maxLat, minLon, maxLon)];
    }

    /// <summary>The nautical time zone for a longitude, as IANA names it: Etc/GMT-N east of Greenwich (UTC+N),
    /// Etc/GMT+N west (UTC-N), Etc/GMT in the middle; N = round(lon / 15), clamped to 12.</summary>
    public static string NauticalTimeZone(double lon)
    {
        var n = (int)Math.Clamp(Math.Round(lon / 15, MidpointRounding.AwayFromZero), -12, 12);
        return n switch { 0 => "Etc/GMT", > 0 => $"Etc/GMT-{n}", _ => $"Etc/GMT+{-n}" };
    }
}
