using System.Text.Json;
using ImmichLite.Contract;

namespace ImmichLite.Infrastructure;

public static class Json
{
    public static string Str(string s) => JsonSerializer.Serialize(s, ImmichJsonContext.Default.String);
    public static string StrList(List<string> s) => JsonSerializer.Serialize(s, ImmichJsonContext.Default.ListString);
}
