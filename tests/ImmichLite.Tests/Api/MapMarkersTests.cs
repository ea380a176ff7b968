using System.Text.Json.Nodes;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.Api;

static class MapKit
{
    public static async Task<JsonArray> Markers(TestClient c, string query = "")
    {
        var res = await c.Get("/api/map/markers" + (query.Length > 0 ? "?" + query : ""));
        SpecValidator.AssertValidArray(res, "MapMarkerResponseDto");
        return res.AsArray();
    }

    public static async Task<List<string>> MarkerIds(TestClient c, string query = "") => SearchKit.Ids(await Markers(c, query));
}

public sealed class MapMarkersTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Markers_are_the_callers_located_assets_with_upstreams_filters()
    {
        var me = await server.NewUser("mapper");
        var nikon = await SearchKit.UploadCopy(me, "jpeg/nikon-coolpix-p6000_gps.jpg");
        var iphone = await SearchKit.UploadCopy(me, "jpeg/apple-iphone4_gps.jpg");
        var video = await Uploads.UploadOk(me, Uploads.CorpusFile("video/android-6.0.1_h264_gps.mp4"));
        var zero = await SearchKit.UploadCopy(me, "edge-cases/samsung-gt-i9000_gps-0-0.jpg");
        var noGps = await SearchKit.UploadCopy(me, "jpeg/canon-eos40d_dslr-exif_gimp-resized.jpg");
        await SearchKit.WaitForMetadata(server, [nikon, iphone, video, zero, noGps]);
        var info = new Dictionary<string, JsonNode>();
        foreach (var id in new[] { nikon, iphone, video, zero, noGps }) info[id] = await me.Get($"/api/assets/{id}");
        DateTime Taken(string id) => DateTime.Parse(info[id]["fileCreatedAt"]!.GetValue<string>()).ToUniversalTime();

        // GPS 0,0 (no fix) and no GPS: not on the map; newest taken first
        var markers = await MapKit.Markers(me);
        var ids = SearchKit.Ids(markers);
        Assert.Equal(new[] { nikon, iphone, video }.OrderByDescending(Taken).ThenBy(i => i, StringComparer.Ordinal), ids);
        foreach (var m in markers)
        {
            var exif = info[m!["id"]!.GetValue<string>()]["exifInfo"]!;
            Assert.Equal(exif["latitude"]!.GetValue<double>(), m["lat"]!.GetValue<double>(), 6);
            Assert.Equal(exif["longitude"]!.GetValue<double>(), m["lon"]!.GetValue<double>(), 6);
            Assert.Equal(SearchKit.Str(exif, "city"), SearchKit.Str(m, "city"));
            Assert.Equal(SearchKit.Str(exif, "state"), SearchKit.Str(m, "state"));
            Assert.Equal(SearchKit.Str(exif, "country"), SearchKit.Str(m, "country"));
            foreach (var field in new[] { "city", "state", "country" }) Assert.True(m.AsObject().ContainsKey(field), $"{field} missing");
        }
        var nikonMarker = markers.Single(m => m!["id"]!.GetValue<string>() == nikon)!;
        Assert.False(string.IsNullOrEmpty(SearchKit.Str(nikonMarker, "city")));

        // favourites
        Assert.Empty(await MapKit.MarkerIds(me, "isFavorite=true"));
        await me.Put($"/api/assets/{iphone}", new JsonObject { ["isFavorite"] = true });
        Assert.Equal([iphone], await MapKit.MarkerIds(me, "isFavorite=true"));
        Assert.DoesNotContain(iphone, await MapKit.MarkerIds(me, "isFavorite=false"));

        // taken dates (fileCreatedAt), bounds included
        var t = Taken(nikon).ToString("O");
        Assert.Equal(ids.Where(i => Taken(i) >= Taken(nikon)), await MapKit.MarkerIds(me, "fileCreatedAfter=" + Uri.EscapeDataString(t)));
        Assert.Equal(ids.Where(i => Taken(i) <= Taken(nikon)), await MapKit.MarkerIds(me, "fileCreatedBefore=" + Uri.EscapeDataString(t)));
        Assert.Equal([nikon], await MapKit.MarkerIds(me, $"fileCreatedAfter={Uri.EscapeDataString(t)}&fileCreatedBefore={Uri.EscapeDataString(t)}"));

        // archived: only with isArchived=true (which shows timeline and archive, as upstream)
        await SearchKit.SetVisibility(me, "archive", nikon);
        Assert.DoesNotContain(nikon, await MapKit.MarkerIds(me));
        Assert.DoesNotContain(nikon, await MapKit.MarkerIds(me, "isArchived=false"));
        Assert.Equal(ids, await MapKit.MarkerIds(me, "isArchived=true"));
        // hidden, locked and trashed: never
        await SearchKit.SetVisibility(me, "locked", nikon);
        Assert.DoesNotContain(nikon, await MapKit.MarkerIds(me, "isArchived=true"));
        await me.Delete("/api/assets", new JsonObject { ["ids"] = AlbumKit.Ids(video) }, expect: 204);
        Assert.Equal([iphone], await MapKit.MarkerIds(me, "isArchived=true"));

        // bad input
        Assert.Contains("isArchived must be a boolean value", await TestClient.ExpectError(await me.Http.GetAsync("/api/map/markers?isArchived=maybe"), 400));
        Assert.Contains("withPartners must be a boolean value", await TestClient.ExpectError(await me.Http.GetAsync("/api/map/markers?withPartners=2"), 400));
        Assert.Contains("fileCreatedAfter must be a Date instance", await TestClient.ExpectError(await me.Http.GetAsync("/api/map/markers?fileCreatedAfter=yesterday"), 400));
        Assert.Contains("fileCreatedBefore must be a Date instance", await TestClient.ExpectError(await me.Http.GetAsync("/api/map/markers?fileCreatedBefore=2024-13-01"), 400));
        Assert.Contains("Authentication required", await TestClient.ExpectError(await server.Anonymous().Http.GetAsync("/api/map/markers"), 401));
    }

    [Fact]
    public async Task Partners_and_shared_albums_only_on_request_and_strangers_never()
    {
        var owner = await server.NewUser("map-owner");
        var shown = await SearchKit.UploadCopy(owner, "jpeg/nikon-coolpix-p6000_gps.jpg");
        var inAlbum = await SearchKit.UploadCopy(owner, "jpeg/apple-iphone4_gps.jpg");
        var archived = await SearchKit.UploadCopy(owner, "jpeg/apple-iphone4_gps.jpg");
        var locked = await SearchKit.UploadCopy(owner, "jpeg/nikon-coolpix-p6000_gps.jpg");
        await SearchKit.WaitForMetadata(server, [shown, inAlbum, archived, locked]);
        await SearchKit.SetVisibility(owner, "archive", archived);

        var partner = await server.NewUser("map-partner");
        var member = await server.NewUser("map-member");
        var stranger = await server.NewUser("map-stranger");
        await AlbumKit.Create(owner, "Trip", [inAlbum, locked], (member, "viewer"));
        await SearchKit.SetVisibility(owner, "locked", locked);

        // nobody sees the owner's markers by default
        foreach (var c in new[] { partner, member, stranger })
        {
            Assert.Empty(await MapKit.Markers(c));
            Assert.Empty(await MapKit.Markers(c, "isArchived=true"));
        }
        Assert.Empty(await MapKit.Markers(stranger, "withPartners=true&withSharedAlbums=true&isArchived=true"));

        // partners: only once the partner shows the library in their timeline; archived with isArchived; never locked
        await SearchKit.Partner(owner, partner, inTimeline: false);
        Assert.Empty(await MapKit.Markers(partner, "withPartners=true"));
        await partner.Put($"/api/partners/{owner.UserId}", new JsonObject { ["inTimeline"] = true });
        Assert.Equal(new[] { shown, inAlbum }.Order(), (await MapKit.MarkerIds(partner, "withPartners=true")).Order());
        Assert.Equal(new[] { shown, inAlbum, archived }.Order(), (await MapKit.MarkerIds(partner, "withPartners=true&isArchived=true")).Order());
        Assert.Empty(await MapKit.Markers(partner, "withSharedAlbums=true"));

        // album members: the album's assets (not the locked one) with withSharedAlbums; the owner sees them either way
        Assert.Equal([inAlbum], await MapKit.MarkerIds(member, "withSharedAlbums=true"));
        Assert.Empty(await MapKit.Markers(member, "withPartners=true"));
        Assert.Equal(new[] { shown, inAlbum }.Order(), (await MapKit.MarkerIds(owner, "withSharedAlbums=true&withPartners=true")).Order());
        Assert.Empty(await MapKit.Markers(stranger, "withPartners=true&withSharedAlbums=true&isArchived=true"));

        // the member's own assets and the album's together, once each
        var mine = await SearchKit.UploadCopy(member, "jpeg/nikon-coolpix-p6000_gps.jpg");
        await SearchKit.WaitForMetadata(server, [mine]);
        Assert.Equal(new[] { mine, inAlbum }.Order(), (await MapKit.MarkerIds(member, "withSharedAlbums=true")).Order());
        Assert.Equal([mine], await MapKit.MarkerIds(member));
    }
}
