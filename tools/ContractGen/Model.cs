using System.Text.Json;

namespace ContractGen;

internal enum TypeKind { String, DateTime, Long, Int, Double, Bool, Enum, Object, Array, JsonObject, Binary }

/// <summary>A mapped C# type (without the outer nullability annotation).</summary>
internal sealed record TypeRef(TypeKind Kind, string Cs, string? Format = null, TypeRef? Item = null, bool ItemNullable = false)
{
    public bool IsValueType => Kind is TypeKind.DateTime or TypeKind.Long or TypeKind.Int or TypeKind.Double or TypeKind.Bool or TypeKind.Enum;
}

internal sealed record EnumModel(string Name, IReadOnlyList<string> Values, string? Description, string? InlineOf);

internal sealed record PropModel(
    string JsonName,
    string CsName,
    TypeRef Type,
    bool Required,
    bool Nullable,
    string? Description,
    bool Deprecated,
    string? Minimum,
    string? Maximum,
    int? MinLength,
    int? MinItems,
    int? MaxItems,
    string? Note);

internal sealed record ObjectModel(string Name, string? Description, IReadOnlyList<PropModel> Props, IReadOnlyList<string> SkippedBinary);

internal sealed record OperationModel(
    string FieldName,
    string Method,
    string Path,
    string OperationId,
    IReadOnlyList<string> Tags,
    bool RequiresAuth,
    int SuccessStatus,
    string? RequestSchema,
    string? RequestContentType,
    string? ResponseSchema,
    bool Deprecated,
    IReadOnlyList<string> QueryParameters,
    string? Summary);

/// <summary>The parts of the OpenAPI document the generator needs, resolved into C# names and types.</summary>
internal sealed class SpecModel
{
    public required string Version { get; init; }
    public SortedDictionary<string, EnumModel> Enums { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, ObjectModel> Objects { get; } = new(StringComparer.Ordinal);
    public List<OperationModel> Operations { get; } = [];

    /// <summary>
    /// Deliberate deviations from "integer without format → int", for spec properties whose real values do not fit:
    /// byte sizes (Immich's default archiveSize is 4 GiB) become long; SyncAssetExifV1 fields that Immich declares
    /// as integer but fills from floating-point EXIF columns become double.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, TypeRef> IntegerOverrides = new Dictionary<string, TypeRef>(StringComparer.Ordinal)
    {
        ["DownloadArchiveInfo.size"] = new(TypeKind.Long, "long", "int64"),
        ["DownloadInfoDto.archiveSize"] = new(TypeKind.Long, "long", "int64"),
        ["DownloadResponse.archiveSize"] = new(TypeKind.Long, "long", "int64"),
        ["DownloadResponseDto.totalSize"] = new(TypeKind.Long, "long", "int64"),
        ["DownloadUpdate.archiveSize"] = new(TypeKind.Long, "long", "int64"),
        ["SyncAssetExifV1.fileSizeInByte"] = new(TypeKind.Long, "long", "int64"),
        ["SyncAssetExifV1.fNumber"] = new(TypeKind.Double, "double", "double"),
        ["SyncAssetExifV1.focalLength"] = new(TypeKind.Double, "double", "double"),
        ["SyncAssetExifV1.fps"] = new(TypeKind.Double, "double", "double"),
        ["SyncAssetExifV1.latitude"] = new(TypeKind.Double, "double", "double"),
        ["SyncAssetExifV1.longitude"] = new(TypeKind.Double, "double", "double"),
    };

    static readonly string[] HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public static SpecModel Load(JsonElement root)
    {
        var version = root.TryGetProperty("info", out var info) && info.TryGetProperty("version", out var v) ? v.GetString() ?? "?" : "?";
        var model = new SpecModel { Version = version };
        var schemas = root.GetProperty("components").GetProperty("schemas");

        // Pass 1: classify schemas so that $refs can be resolved to enum or object types.
        var enumNames = new HashSet<string>(StringComparer.Ordinal);
        var objectNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in schemas.EnumerateObject())
        {
            if (s.Value.TryGetProperty("enum", out _)) enumNames.Add(s.Name);
            else if (Str(s.Value, "type") is "object" or null) objectNames.Add(s.Name);
            else throw new NotSupportedException($"schema {s.Name}: unsupported top-level schema shape");
        }

        foreach (var s in schemas.EnumerateObject())
        {
            if (!enumNames.Contains(s.Name)) continue;
            model.Enums[s.Name] = new EnumModel(s.Name, EnumValues(s.Value), Str(s.Value, "description"), null);
        }

        // Pass 2: objects (and the inline enums found in their properties).
        foreach (var s in schemas.EnumerateObject())
        {
            if (!objectNames.Contains(s.Name)) continue;
            var required = new HashSet<string>(StringComparer.Ordinal);
            if (s.Value.TryGetProperty("required", out var req))
                foreach (var r in req.EnumerateArray()) required.Add(r.GetString()!);

            var props = new List<PropModel>();
            var skipped = new List<string>();
            var usedNames = new HashSet<string>(StringComparer.Ordinal) { s.Name, "Validate" };
            if (s.Value.TryGetProperty("properties", out var ps))
            {
                foreach (var p in ps.EnumerateObject())
                {
                    var pascal = Names.Pascal(p.Name);
                    var type = model.Resolve(p.Value, s.Name, pascal, enumNames, objectNames, $"{s.Name}.{p.Name}");
                    string? note = null;
                    if (type.Kind == TypeKind.Int && IntegerOverrides.TryGetValue($"{s.Name}.{p.Name}", out var over))
                    {
                        type = over;
                        note = $"The spec declares integer; generated as {over.Cs} because real values do not fit in int.";
                    }
                    if (type.Kind == TypeKind.Binary)
                    {
                        skipped.Add(required.Contains(p.Name) ? p.Name + " (required)" : p.Name);
                        continue;
                    }
                    var csName = Names.SafeMember(pascal, usedNames);
                    usedNames.Add(csName);
                    var nullable = Bool(p.Value, "nullable");
                    props.Add(new PropModel(
                        p.Name,
                        csName,
                        type,
                        required.Contains(p.Name),
                        nullable,
                        Str(p.Value, "description"),
                        Bool(p.Value, "deprecated"),
                        Raw(p.Value, "minimum"),
                        Raw(p.Value, "maximum"),
                        Int(p.Value, "minLength"),
                        Int(p.Value, "minItems"),
                        Int(p.Value, "maxItems"),
                        note));
                }
            }
            model.Objects[s.Name] = new ObjectModel(s.Name, Str(s.Value, "description"), props, skipped);
        }

        // Operations, in spec order.
        var fieldNames = new HashSet<string>(StringComparer.Ordinal) { "All" };
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var m in path.Value.EnumerateObject())
            {
                if (Array.IndexOf(HttpMethods, m.Name) < 0) continue;
                model.Operations.Add(LoadOperation(path.Name, m.Name, m.Value, fieldNames));
            }
        }
        return model;
    }

    static OperationModel LoadOperation(string path, string method, JsonElement op, HashSet<string> fieldNames)
    {
        var operationId = Str(op, "operationId") ?? throw new NotSupportedException($"{method} {path}: no operationId");
        var field = Names.SafeMember(Names.Pascal(operationId), fieldNames);
        fieldNames.Add(field);

        var tags = new List<string>();
        if (op.TryGetProperty("tags", out var t))
            foreach (var tag in t.EnumerateArray()) tags.Add(tag.GetString()!);

        var requiresAuth = op.TryGetProperty("security", out var sec) && sec.ValueKind == JsonValueKind.Array && sec.GetArrayLength() > 0;

        string? requestSchema = null, requestContentType = null;
        if (op.TryGetProperty("requestBody", out var body) && body.TryGetProperty("content", out var bodyContent))
        {
            foreach (var c in bodyContent.EnumerateObject())
            {
                requestContentType = c.Name;
                if (c.Value.TryGetProperty("schema", out var bs)) requestSchema = RefName(bs);
                break;
            }
        }

        var successStatus = 0;
        JsonElement successResponse = default;
        foreach (var r in op.GetProperty("responses").EnumerateObject())
        {
            if (!int.TryParse(r.Name, out var code) || code < 200 || code > 299) continue;
            if (successStatus == 0 || code < successStatus)
            {
                successStatus = code;
                successResponse = r.Value;
            }
        }
        if (successStatus == 0) throw new NotSupportedException($"{method} {path}: no 2xx response");

        string? responseSchema = null;
        if (successResponse.TryGetProperty("content", out var respContent))
        {
            foreach (var c in respContent.EnumerateObject())
            {
                if (c.Value.TryGetProperty("schema", out var rs)) responseSchema = ResponseTypeName(rs);
                break;
            }
        }

        var query = new List<string>();
        if (op.TryGetProperty("parameters", out var parameters))
        {
            foreach (var p in parameters.EnumerateArray())
            {
                if (Str(p, "in") == "query") query.Add(Str(p, "name")!);
            }
        }

        return new OperationModel(field, method.ToUpperInvariant(), path, operationId, tags, requiresAuth, successStatus,
            requestSchema, requestContentType, responseSchema, Bool(op, "deprecated"), query, Str(op, "summary") ?? Str(op, "description"));
    }

    /// <summary>Response schema name: $ref name, <c>List&lt;Name&gt;</c> for arrays, null for binary/none.</summary>
    static string? ResponseTypeName(JsonElement s)
    {
        var name = RefName(s);
        if (name is not null) return name;
        var type = Str(s, "type");
        if (type == "array" && s.TryGetProperty("items", out var items))
        {
            var item = ResponseTypeName(items);
            return item is null ? null : $"List<{item}>";
        }
        return type switch
        {
            "string" when Str(s, "format") == "binary" => null,
            "string" when Str(s, "format") == "date-time" => "DateTime",
            "string" => "string",
            "integer" => Str(s, "format") == "int64" ? "long" : "int",
            "number" => "double",
            "boolean" => "bool",
            "object" => "JsonObject",
            _ => null,
        };
    }

    /// <summary>Name behind a <c>$ref</c> or a single-element <c>allOf: [{$ref}]</c>.</summary>
    static string? RefName(JsonElement s)
    {
        if (s.ValueKind != JsonValueKind.Object) return null;
        if (s.TryGetProperty("$ref", out var r)) return LastSegment(r.GetString()!);
        if (s.TryGetProperty("allOf", out var all) && all.GetArrayLength() == 1 && all[0].TryGetProperty("$ref", out var r2))
            return LastSegment(r2.GetString()!);
        return null;
    }

    static string LastSegment(string r) => r[(r.LastIndexOf('/') + 1)..];

    TypeRef Resolve(JsonElement s, string owner, string propPascal, HashSet<string> enumNames, HashSet<string> objectNames, string where)
    {
        var refName = RefName(s);
        if (refName is not null)
        {
            if (enumNames.Contains(refName)) return new TypeRef(TypeKind.Enum, refName);
            if (objectNames.Contains(refName)) return new TypeRef(TypeKind.Object, refName);
            throw new NotSupportedException($"{where}: unknown $ref {refName}");
        }
        if (s.TryGetProperty("allOf", out _) || s.TryGetProperty("oneOf", out _) || s.TryGetProperty("anyOf", out _))
            throw new NotSupportedException($"{where}: unsupported composition");

        var format = Str(s, "format");
        switch (Str(s, "type"))
        {
            case "string":
                if (s.TryGetProperty("enum", out _))
                {
                    var name = owner + propPascal;
                    while (enumNames.Contains(name) || objectNames.Contains(name) ||
                           (Enums.TryGetValue(name, out var existing) && existing.InlineOf != where))
                        name += "Enum";
                    Enums[name] = new EnumModel(name, EnumValues(s), Str(s, "description"), where);
                    return new TypeRef(TypeKind.Enum, name);
                }
                return format switch
                {
                    "binary" => new TypeRef(TypeKind.Binary, "byte[]", format),
                    "date-time" => new TypeRef(TypeKind.DateTime, "DateTime", format),
                    _ => new TypeRef(TypeKind.String, "string", format),
                };
            case "integer":
                return format == "int64" ? new TypeRef(TypeKind.Long, "long", format) : new TypeRef(TypeKind.Int, "int", format);
            case "number":
                return new TypeRef(TypeKind.Double, "double", format);
            case "boolean":
                return new TypeRef(TypeKind.Bool, "bool", format);
            case "array":
            {
                if (!s.TryGetProperty("items", out var items)) throw new NotSupportedException($"{where}: array without items");
                var item = Resolve(items, owner, propPascal, enumNames, objectNames, where + "[]");
                if (item.Kind == TypeKind.Binary) return new TypeRef(TypeKind.Binary, "byte[][]", format);
                var itemNullable = Bool(items, "nullable");
                return new TypeRef(TypeKind.Array, $"List<{item.Cs}{(itemNullable ? "?" : "")}>", format, item, itemNullable);
            }
            case "object":
            case null:
                // Free-form objects (no properties, or additionalProperties) are kept as JSON.
                return new TypeRef(TypeKind.JsonObject, "JsonObject", format);
            default:
                throw new NotSupportedException($"{where}: unsupported type {Str(s, "type")}");
        }
    }

    static List<string> EnumValues(JsonElement s)
    {
        var values = new List<string>();
        foreach (var e in s.GetProperty("enum").EnumerateArray())
        {
            values.Add(e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText());
        }
        return values;
    }

    internal static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static bool Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    static string? Raw(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetRawText() : null;

    static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;
}
