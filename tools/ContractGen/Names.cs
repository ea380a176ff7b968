using System.Globalization;
using System.Text;

namespace ContractGen;

/// <summary>Naming and escaping helpers for the generated C#.</summary>
internal static class Names
{
    static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
        // Members every generated class already has.
        "GetType", "ToString", "Equals", "GetHashCode", "MemberwiseClone", "Finalize",
    };

    /// <summary>camelCase / odd JSON name → PascalCase identifier (keeps inner capitals: fNumber → FNumber).</summary>
    public static string Pascal(string name)
    {
        var parts = name.Split(['-', '_', ' ', '.', '/', ':'], StringSplitOptions.RemoveEmptyEntries);
        var sb = new StringBuilder();
        foreach (var part in parts)
        {
            var clean = Clean(part);
            if (clean.Length == 0) continue;
            sb.Append(char.ToUpperInvariant(clean[0])).Append(clean, 1, clean.Length - 1);
        }
        return Identifier(sb.ToString());
    }

    /// <summary>Enum value → member name: split on - _ space ., PascalCase each part, ALLCAPS parts become Capitalised.</summary>
    public static string EnumMember(string value)
    {
        var parts = value.Split(['-', '_', ' ', '.'], StringSplitOptions.RemoveEmptyEntries);
        var sb = new StringBuilder();
        foreach (var part in parts)
        {
            var clean = Clean(part);
            if (clean.Length == 0) continue;
            var hasLetter = clean.Any(char.IsLetter);
            var allUpper = hasLetter && !clean.Any(char.IsLower);
            var rest = clean[1..];
            sb.Append(char.ToUpperInvariant(clean[0])).Append(allUpper ? rest.ToLowerInvariant() : rest);
        }
        return Identifier(sb.ToString());
    }

    static string Clean(string part)
    {
        var sb = new StringBuilder(part.Length);
        foreach (var c in part)
        {
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
        }
        return sb.ToString();
    }

    static string Identifier(string s)
    {
        if (s.Length == 0) return "Value";
        if (char.IsAsciiDigit(s[0])) return "V" + s;
        return s;
    }

    /// <summary>Appends "Value" to keywords, the enclosing type name and already-used names.</summary>
    public static string SafeMember(string name, ISet<string> used)
    {
        if (Keywords.Contains(name) || used.Contains(name)) name += "Value";
        var candidate = name;
        for (var i = 2; used.Contains(candidate); i++) candidate = name + i.ToString(CultureInfo.InvariantCulture);
        return candidate;
    }

    /// <summary>A C# regular string literal (with quotes).</summary>
    public static string Literal(string? s)
    {
        if (s is null) return "null";
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    public static string Xml(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
