namespace ImmichLite.Contract;

/// <summary>Small format checks used by the generated <c>Validate</c> methods.</summary>
public static class Validators
{
    /// <summary>8-4-4-4-12 hexadecimal UUID, any version.</summary>
    public static bool IsUuid(string? value)
    {
        if (value is null || value.Length != 36) return false;
        for (var i = 0; i < 36; i++)
        {
            var c = value[i];
            if (i is 8 or 13 or 18 or 23)
            {
                if (c != '-') return false;
            }
            else if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Simple e-mail check: exactly one <c>@</c>, a non-empty local part, a domain that contains a dot
    /// (not at either end, no empty labels) or is <c>localhost</c>, and no whitespace.
    /// </summary>
    public static bool IsEmail(string? value)
    {
        if (string.IsNullOrEmpty(value)) return false;
        var at = -1;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c)) return false;
            if (c == '@')
            {
                if (at >= 0) return false;
                at = i;
            }
        }
        if (at <= 0 || at == value.Length - 1) return false;
        var domain = value.AsSpan(at + 1);
        if (domain.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        if (domain.IndexOf('.') < 0 || domain[0] == '.' || domain[^1] == '.' || domain.IndexOf("..") >= 0) return false;
        return true;
    }

    /// <summary>True when every item is a UUID (a null item is not).</summary>
    public static bool AllUuids(IEnumerable<string?> values)
    {
        foreach (var v in values)
            if (!IsUuid(v)) return false;
        return true;
    }

    /// <summary>True when every item is an e-mail address (a null item is not).</summary>
    public static bool AllEmails(IEnumerable<string?> values)
    {
        foreach (var v in values)
            if (!IsEmail(v)) return false;
        return true;
    }
}
