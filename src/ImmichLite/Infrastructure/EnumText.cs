using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ImmichLite.Contract;

namespace ImmichLite.Infrastructure;

/// <summary>Enum values as the contract spells them, through the generated JSON converters
/// (no reflection): UserStatus.Active &lt;-&gt; "active". Tables are built once per enum.</summary>
public static class EnumText
{
    static class Table<T> where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> ToText;
        public static readonly FrozenDictionary<string, T> FromText;

        static Table()
        {
            var info = (JsonTypeInfo<T>)ImmichJsonContext.Default.GetTypeInfo(typeof(T))!;
            var pairs = Enum.GetValues<T>().Select(v => (v, JsonSerializer.Serialize(v, info)[1..^1])).ToList();
            ToText = pairs.ToFrozenDictionary(p => p.v, p => p.Item2);
            FromText = pairs.ToFrozenDictionary(p => p.Item2, p => p.v, StringComparer.Ordinal);
        }
    }

    public static string Of<T>(T value) where T : struct, Enum => Table<T>.ToText[value];

    public static bool TryParse<T>(string text, out T value) where T : struct, Enum => Table<T>.FromText.TryGetValue(text, out value);

    public static IEnumerable<string> All<T>() where T : struct, Enum => Table<T>.FromText.Keys;
}
