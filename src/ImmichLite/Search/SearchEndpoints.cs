using ImmichLite.Assets;
using ImmichLite.Auth;
using ImmichLite.Contract;
using ImmichLite.Data;
using ImmichLite.Infrastructure;

namespace ImmichLite.Search;

/// <summary>The Search area: metadata, smart (CLIP) and random search, suggestions, the explore page's cities, the places
/// page and place names. Person search stays unbuilt (501).
/// As upstream (search.service.ts), searches and suggestions cover the caller's own library and the libraries of the
/// partners they show in their timeline (never partners' locked assets); the explore row covers their own only.</summary>
public static class SearchEndpoints
{
    /// <summary>Upstream's page size when none is given (MetadataSearchDto and RandomSearchDto).</summary>
    public const int DefaultSize = 250;
    /// <summary>Upstream's smart-search page size when none is given (SmartSearchDto).</summary>
    public const int SmartDefaultSize = 100;
    /// <summary>Upstream's explore row: cities with at least 5 photos, at most 12 cities.</summary>
    public const int ExploreMinAssets = 5, ExploreMaxCities = 12;
    /// <summary>Upstream's searchPlaces limit.</summary>
    public const int PlacesLimit = 20;

    public static void MapSearch(this IEndpointRouteBuilder app)
    {
        var g = app.MapApiGroup("Search");
        var sp = app.ServiceProvider;
        var search = sp.GetRequiredService<SearchStore>();
        var geodata = sp.GetRequiredService<GeodataStore>();
        var clip = sp.GetRequiredService<MachineLearning.ClipService>();
        var j = ImmichJsonContext.Default;

        g.MapOp(ApiOps.SearchAssets, async ctx =>
        {
            var dto = await ctx.Body(j.MetadataSearchDto);
            var (size, page) = Paging(dto.Size, dto.Page, DefaultSize);
            var f = Filter(ctx, dto) with
            {
                Checksum = dto.Checksum is { Length: > 0 } sum ? Checksum(sum) : null,
                Id = dto.Id?.ToLowerInvariant(),
                DeviceAssetId = NonEmpty(dto.DeviceAssetId),
                EncodedVideoPath = NonEmpty(dto.EncodedVideoPath),
                PreviewPath = NonEmpty(dto.PreviewPath),
                ThumbnailPath = NonEmpty(dto.ThumbnailPath),
                OriginalPath = NonEmpty(dto.OriginalPath),
                OriginalFileName = NonEmpty(dto.OriginalFileName),
                Description = NonEmpty(dto.Description),
                Ascending = dto.Order == AssetOrder.Asc,
            };
            var offset = (long)Math.Min((page - 1) * (double)size, long.MaxValue / 2);
            await Page(ctx, search.Search(f, offset, size + 1), size, page, f.WithExif);
        });

        // Upstream's searchSmart: the query's CLIP text embedding, the caller's and their in-timeline partners' assets
        // under the metadata filters, nearest first by cosine distance, no cut-off; 400 while smart search is off.
        g.MapOp(ApiOps.SearchSmart, async ctx =>
        {
            var dto = await ctx.Body(j.SmartSearchDto);
            var (size, page) = Paging(dto.Size, dto.Page, SmartDefaultSize);
            var f = Filter(ctx, dto);
            if (!clip.Usable || await clip.EncodeAsync(e => e.EncodeText(dto.Query), ctx.RequestAborted) is not { } embedding)
                throw ApiException.BadRequest("Smart search is not enabled");
            var offset = (long)(page - 1) * size;
            await Page(ctx, search.SearchByEmbedding(f, embedding, offset, size + 1), size, page, f.WithExif);
        });

        g.MapOp(ApiOps.SearchRandom, async ctx =>
        {
            var dto = await ctx.Body(j.RandomSearchDto);
            var errors = new List<string>();
            var size = Integer(dto.Size, "size", errors) ?? DefaultSize;
            if (errors.Count > 0) throw ApiException.Validation(errors);
            var f = Filter(ctx, dto);
            var items = search.Random(f, size).Select(r => ToDto(r, f.WithExif, ctx.Auth())).ToList();
            await ctx.Json(items, j.ListAssetResponseDto);
        });

        g.MapOp(ApiOps.GetSearchSuggestions, ctx =>
        {
            var type = ctx.QueryString("type");
            if (type is null || !EnumText.TryParse<SearchSuggestionType>(type, out var t))
                throw ApiException.Validation(["type must be one of the following values: country, state, city, camera-make, camera-model"]);
            var includeNull = ctx.QueryBool("includeNull") ?? false;
            var field = t switch
            {
                SearchSuggestionType.Country => SuggestionField.Country,
                SearchSuggestionType.State => SuggestionField.State,
                SearchSuggestionType.City => SuggestionField.City,
                SearchSuggestionType.CameraMake => SuggestionField.Make,
                _ => SuggestionField.Model,
            };
            var list = search.Suggestions(ctx.Auth().UserId, field,
                ctx.QueryString("country"), ctx.QueryString("state"), ctx.QueryString("make"), ctx.QueryString("model"));
            // upstream appends null (the web's "unknown" choice), although the contract types the items as strings
            if (includeNull) list.Add(null!);
            return ctx.Json(list, j.ListString);
        });

        // Upstream's explore row: the caller's own timeline photos (no partners), cities with at least 5 of them, at most
        // 12 cities, one photo each. Upstream counts a city's photos over every library on the server; here the caller's
        // photos count, so that nobody learns anything from other users' libraries.
        g.MapOp(ApiOps.GetExploreData, ctx =>
        {
            var auth = ctx.Auth();
            var items = search.CityAssets(auth.UserId, withPartners: false, ExploreMinAssets, ExploreMaxCities)
                .Select(c => new SearchExploreItem { Value = c.City, Data = AssetMapper.ToDto(c.Asset, c.Exif, auth.User, auth.UserId) })
                .ToList();
            List<SearchExploreResponseDto> result = [new SearchExploreResponseDto { FieldName = "exifInfo.city", Items = items }];
            return ctx.Json(result, j.ListSearchExploreResponseDto);
        });

        g.MapOp(ApiOps.GetAssetsByCity, ctx =>
        {
            var auth = ctx.Auth();
            var list = search.CityAssets(auth.UserId, withPartners: true, minAssets: 1, maxCities: int.MaxValue)
                .Select(c => AssetMapper.ToDto(c.Asset, c.Exif, null, auth.UserId)).ToList();
            return ctx.Json(list, j.ListAssetResponseDto);
        });

        g.MapOp(ApiOps.SearchPlaces, ctx =>
        {
            var name = ctx.QueryString("name");
            if (name is null) throw ApiException.Validation(["name should not be empty", "name must be a string"]);
            if (name.Length == 0) throw ApiException.Validation(["name should not be empty"]);
            var places = geodata.SearchByName(name, PlacesLimit).Select(p => new PlacesResponseDto
            {
                Name = p.Name, Latitude = p.Latitude, Longitude = p.Longitude, Admin1name = p.Admin1Name, Admin2name = p.Admin2Name,
            }).ToList();
            return ctx.Json(places, j.ListPlacesResponseDto);
        });
    }

    /// <summary>The filters both searches share, with upstream's defaults: visibility timeline (locked only with an
    /// elevated PIN session), trashed assets only with withDeleted (or a trashed date, or isOffline).</summary>
    static AssetSearchFilter Filter(HttpContext ctx, IAssetSearchFields dto)
    {
        var auth = ctx.Auth();
        var visibility = dto.Visibility ?? AssetVisibility.Timeline;
        if (visibility == AssetVisibility.Locked) auth.RequireElevated(DateTime.UtcNow);
        // an EXIF field sent as null searches for assets where it is unknown; left out, it filters nothing; any other
        // value (even "") must be equal (upstream: !== undefined)
        ExifEquals? Exif(string field, object? value) => value is not null ? new ExifEquals(value) : ctx.BodySetsNull(field) ? new ExifEquals(null) : null;
        return new AssetSearchFilter
        {
            UserId = auth.UserId,
            Visibility = EnumText.Of(visibility),
            // People are not built in this server yet: a search naming any finds nothing (no asset has them).
            NoMatch = dto.PersonIds is { Count: > 0 },
            TagIds = dto.TagIds?.Distinct().ToList() ?? [],
            DeviceId = NonEmpty(dto.DeviceId),
            LibraryId = NonEmpty(dto.LibraryId)?.ToLowerInvariant(),
            Type = dto.Type is { } type ? EnumText.Of(type) : null,
            City = Exif("city", dto.City),
            State = Exif("state", dto.State),
            Country = Exif("country", dto.Country),
            Make = Exif("make", dto.Make),
            Model = Exif("model", dto.Model),
            LensModel = Exif("lensModel", dto.LensModel),
            Rating = Exif("rating", dto.Rating),
            CreatedAfter = dto.CreatedAfter, CreatedBefore = dto.CreatedBefore,
            TakenAfter = dto.TakenAfter, TakenBefore = dto.TakenBefore,
            UpdatedAfter = dto.UpdatedAfter, UpdatedBefore = dto.UpdatedBefore,
            TrashedAfter = dto.TrashedAfter, TrashedBefore = dto.TrashedBefore,
            IsFavorite = dto.IsFavorite,
            IsOffline = dto.IsOffline,
            IsEncoded = dto.IsEncoded,
            IsMotion = dto.IsMotion,
            IsNotInAlbum = dto.IsNotInAlbum == true,
            WithDeleted = dto.WithDeleted == true || dto.TrashedAfter is not null || dto.TrashedBefore is not null || dto.IsOffline == true,
            WithExif = dto.WithExif == true,
        };
    }

    /// <summary>size and page of a paged search: whole numbers, defaulted.</summary>
    static (int Size, int Page) Paging(double? size, double? page, int defaultSize)
    {
        var errors = new List<string>();
        var s = Integer(size, "size", errors) ?? defaultSize;
        var p = Integer(page, "page", errors) ?? 1;
        if (errors.Count > 0) throw ApiException.Validation(errors);
        return (s, p);
    }

    /// <summary>A SearchResponseDto page from size + 1 rows: the extra row tells whether another page follows
    /// (upstream's paginationHelper).</summary>
    static Task Page(HttpContext ctx, List<(AssetRow Asset, ExifRow? Exif)> rows, int size, int page, bool withExif)
    {
        var more = rows.Count > size;
        var auth = ctx.Auth();
        var items = rows.Take(size).Select(r => ToDto(r, withExif, auth)).ToList();
        return ctx.Json(new SearchResponseDto
        {
            Albums = new SearchAlbumResponseDto { Total = 0, Count = 0, Items = [], Facets = [] },
            Assets = new SearchAssetResponseDto
            {
                Total = items.Count, Count = items.Count, Items = items, Facets = [],
                NextPage = more ? (page + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            },
        }, ImmichJsonContext.Default.SearchResponseDto);
    }

    /// <summary>An asset of a search: EXIF only when asked for (withExif), as upstream; no owner object.</summary>
    static AssetResponseDto ToDto((AssetRow Asset, ExifRow? Exif) r, bool withExif, AuthContext auth) =>
        AssetMapper.ToDto(r.Asset, withExif ? r.Exif : null, null, auth.UserId);

    /// <summary>A whole number (class-validator @IsInt) or null.</summary>
    static int? Integer(double? value, string name, List<string> errors)
    {
        if (value is not { } v) return null;
        if (v != Math.Floor(v) || !double.IsFinite(v)) { errors.Add($"{name} must be an integer number"); return null; }
        return (int)Math.Clamp(v, int.MinValue, int.MaxValue);
    }

    /// <summary>Upstream filters on these only when truthy: an empty string filters nothing.</summary>
    static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>Upstream reads a 28-character checksum as base64 and anything else as hex; what does not decode
    /// matches nothing (an empty value that no SHA-1 equals).</summary>
    static byte[] Checksum(string s)
    {
        try { return s.Length == 28 ? Convert.FromBase64String(s) : Convert.FromHexString(s); }
        catch (FormatException) { return []; }
    }
}
