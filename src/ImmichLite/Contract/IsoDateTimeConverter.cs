using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImmichLite.Contract;

/// <summary>
/// ISO-8601 <see cref="DateTime"/> converter matching JavaScript's <c>Date.toISOString()</c>:
/// writes UTC as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>; reads a date or date-time with <c>Z</c>, an offset
/// (converted to UTC) or no zone (taken as UTC). The result always has <see cref="DateTimeKind.Utc"/>.
/// </summary>
public sealed class IsoDateTimeConverter : JsonConverter<DateTime>
{
    public const string InvalidMessage = "must be a valid ISO 8601 date string";

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException(InvalidMessage);
        var text = reader.GetString();
        if (text is null || !TryParse(text, out var value)) throw new JsonException(InvalidMessage);
        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    /// <summary>Formats as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> (Local converted to UTC, Unspecified taken as UTC).</summary>
    public static string Format(DateTime value) =>
        ToUtc(value).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };

    /// <summary>
    /// Parses <c>YYYY-MM-DD[(T| )hh:mm[:ss[.fraction]][Z|±hh[:mm]]]</c>. Offsets are converted to UTC;
    /// without a zone the value is taken as UTC.
    /// </summary>
    public static bool TryParse(string text, out DateTime value)
    {
        value = default;
        var s = text.AsSpan().Trim();
        var pos = 0;
        if (!Digits(s, ref pos, 4, out var year) || !Char(s, ref pos, '-') ||
            !Digits(s, ref pos, 2, out var month) || !Char(s, ref pos, '-') ||
            !Digits(s, ref pos, 2, out var day))
            return false;

        int hour = 0, minute = 0, second = 0;
        long fractionTicks = 0;
        var offsetMinutes = 0;
        if (pos < s.Length)
        {
            if (s[pos] is not ('T' or 't' or ' ')) return false;
            pos++;
            if (!Digits(s, ref pos, 2, out hour) || !Char(s, ref pos, ':') || !Digits(s, ref pos, 2, out minute)) return false;
            if (pos < s.Length && s[pos] == ':')
            {
                pos++;
                if (!Digits(s, ref pos, 2, out second)) return false;
                if (pos < s.Length && s[pos] is '.' or ',')
                {
                    pos++;
                    var start = pos;
                    long scale = TimeSpan.TicksPerSecond;
                    while (pos < s.Length && char.IsAsciiDigit(s[pos]))
                    {
                        scale /= 10;
                        fractionTicks += (s[pos] - '0') * scale;
                        pos++;
                    }
                    if (pos == start) return false;
                }
            }
            if (pos < s.Length)
            {
                var c = s[pos];
                if (c is 'Z' or 'z')
                {
                    pos++;
                }
                else if (c is '+' or '-')
                {
                    pos++;
                    if (!Digits(s, ref pos, 2, out var oh)) return false;
                    var om = 0;
                    if (pos < s.Length)
                    {
                        if (s[pos] == ':') pos++;
                        if (!Digits(s, ref pos, 2, out om)) return false;
                    }
                    if (oh > 23 || om > 59) return false;
                    offsetMinutes = (oh * 60 + om) * (c == '-' ? -1 : 1);
                }
                else
                {
                    return false;
                }
            }
        }
        if (pos != s.Length) return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        if (hour > 23 || minute > 59 || second > 59) return false;

        try
        {
            var dt = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fractionTicks).AddMinutes(-offsetMinutes);
            value = dt;
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    static bool Digits(ReadOnlySpan<char> s, ref int pos, int count, out int result)
    {
        result = 0;
        if (pos + count > s.Length) return false;
        for (var i = 0; i < count; i++)
        {
            var c = s[pos + i];
            if (!char.IsAsciiDigit(c)) return false;
            result = result * 10 + (c - '0');
        }
        pos += count;
        return true;
    }

    static bool Char(ReadOnlySpan<char> s, ref int pos, char expected)
    {
        if (pos >= s.Length || s[pos] != expected) return false;
        pos++;
        return true;
    }
}

/// <summary>Nullable companion of <see cref="IsoDateTimeConverter"/> (JSON null ⇄ null).</summary>
public sealed class NullableIsoDateTimeConverter : JsonConverter<DateTime?>
{
    public override bool HandleNull => true;

    public override DateTime? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.String) throw new JsonException(IsoDateTimeConverter.InvalidMessage);
        var text = reader.GetString();
        if (text is null || !IsoDateTimeConverter.TryParse(text, out var value)) throw new JsonException(IsoDateTimeConverter.InvalidMessage);
        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTime? value, JsonSerializerOptions options)
    {
        if (value is { } v) writer.WriteStringValue(IsoDateTimeConverter.Format(v));
        else writer.WriteNullValue();
    }
}
