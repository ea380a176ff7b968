using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImmichLite.Tests.Infrastructure;

/// <summary>Checks a JSON response against the contract's schemas the way the app's strict Dart client
/// reads it: required fields present, non-nullable ones not null, exact JSON types (an int is never 5.0),
/// enum strings from the list, ISO-8601 dates.</summary>
public static class SpecValidator
{
    static readonly Lazy<JsonObject> Spec = new(() => JsonNode.Parse(File.ReadAllText(TestPaths.RequireShared(TestPaths.Spec)))!.AsObject());
    static JsonObject Schemas => Spec.Value["components"]!["schemas"]!.AsObject();

    public static JsonObject Operation(string method, string path) =>
        Spec.Value["paths"]![path]![method.ToLowerInvariant()]!.AsObject();

    public static IEnumerable<(string Method, string Path, JsonObject Op)> Operations()
    {
        foreach (var (path, item) in Spec.Value["paths"]!.AsObject())
            foreach (var (method, op) in item!.AsObject())
                yield return (method.ToUpperInvariant(), path, op!.AsObject());
    }

    /// <summary>Validates against the named component schema; returns the problems (empty when valid).</summary>
    public static List<string> Validate(JsonNode? value, string schemaName)
    {
        var errors = new List<string>();
        Check(value, new JsonObject { ["$ref"] = "#/components/schemas/" + schemaName }, "$", errors);
        return errors;
    }

    public static void AssertValid(JsonNode? value, string schemaName)
    {
        var errors = Validate(value, schemaName);
        Assert.True(errors.Count == 0, $"{schemaName}: {string.Join("\n", errors)}\n{value?.ToJsonString()}");
    }

    public static void AssertValidArray(JsonNode? value, string itemSchema)
    {
        Assert.IsType<JsonArray>(value);
        var i = 0;
        foreach (var item in value!.AsArray())
        {
            var errors = Validate(item, itemSchema);
            Assert.True(errors.Count == 0, $"[{i}] {itemSchema}: {string.Join("\n", errors)}");
            i++;
        }
    }

    static JsonObject Resolve(JsonObject schema)
    {
        while (true)
        {
            if (schema["$ref"]?.GetValue<string>() is { } r) { schema = Schemas[r.Split('/').Last()]!.AsObject(); continue; }
            if (schema["allOf"] is JsonArray { Count: 1 } all && schema["properties"] is null)
            {
                var nullable = schema["nullable"]?.GetValue<bool>() == true;
                var inner = Resolve(all[0]!.AsObject());
                if (!nullable) return inner;
                var copy = inner.DeepClone().AsObject();
                copy["nullable"] = true;
                return copy;
            }
            return schema;
        }
    }

    static void Check(JsonNode? value, JsonObject schemaIn, string at, List<string> errors)
    {
        var nullable = schemaIn["nullable"]?.GetValue<bool>() == true;
        var schema = Resolve(schemaIn);
        nullable |= schema["nullable"]?.GetValue<bool>() == true;
        if (value is null)
        {
            if (!nullable) errors.Add($"{at}: null where the contract does not allow it");
            return;
        }
        var type = schema["type"]?.GetValue<string>() ?? (schema["properties"] is not null ? "object" : null);
        switch (type)
        {
            case "object":
                if (value is not JsonObject obj) { errors.Add($"{at}: expected object, got {value.GetValueKind()}"); return; }
                if (schema["properties"] is not JsonObject props) return;
                foreach (var req in schema["required"]?.AsArray() ?? [])
                {
                    var name = req!.GetValue<string>();
                    if (!obj.ContainsKey(name)) errors.Add($"{at}.{name}: required field missing");
                }
                foreach (var (name, child) in obj)
                {
                    if (props[name] is JsonObject ps) Check(child, ps, $"{at}.{name}", errors);
                    else errors.Add($"{at}.{name}: field not in the contract");
                }
                break;
            case "array":
                if (value is not JsonArray arr) { errors.Add($"{at}: expected array, got {value.GetValueKind()}"); return; }
                var items = schema["items"]!.AsObject();
                for (var i = 0; i < arr.Count; i++) Check(arr[i], items, $"{at}[{i}]", errors);
                break;
            case "string":
                if (value.GetValueKind() != JsonValueKind.String) { errors.Add($"{at}: expected string, got {value.GetValueKind()}"); return; }
                var s = value.GetValue<string>();
                if (schema["enum"] is JsonArray e && !e.Any(x => x!.GetValue<string>() == s)) errors.Add($"{at}: '{s}' is not one of the enum values");
                if (schema["format"]?.GetValue<string>() == "date-time" &&
                    !DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _)) errors.Add($"{at}: '{s}' is not an ISO date-time");
                if (schema["format"]?.GetValue<string>() == "uuid" && !Guid.TryParse(s, out _)) errors.Add($"{at}: '{s}' is not a UUID");
                break;
            case "integer":
                if (value.GetValueKind() != JsonValueKind.Number || value.ToJsonString().IndexOfAny(['.', 'e', 'E']) >= 0)
                    errors.Add($"{at}: expected an integer, got {value.ToJsonString()}");
                break;
            case "number":
                if (value.GetValueKind() != JsonValueKind.Number) errors.Add($"{at}: expected number, got {value.GetValueKind()}");
                break;
            case "boolean":
                if (value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) errors.Add($"{at}: expected boolean, got {value.GetValueKind()}");
                break;
        }
    }
}
