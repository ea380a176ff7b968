using System.Text;

namespace ImmichLite.Geocoding;

/// <summary>Folds Latin letters with diacritics to their base letters and lower-cases ASCII ("Zürich" → "zurich",
/// "Łódź" → "lodz", "Straße" → "strasse"), what upstream's f_unaccent gives place searches. The server runs with
/// invariant globalization (no Unicode normalisation), so the table covers Latin-1 Supplement, Latin Extended-A and
/// the Romanian comma letters by hand; other scripts pass through unchanged.</summary>
public static class LatinFold
{
    // Each letter of From becomes the letter at the same place in To.
    const string From =
        "ÀÁÂÃÄÅàáâãäåĀāĂăĄąÇçĆćĈĉĊċČčĎďĐđÐðÈÉÊËèéêëĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħÌÍÎÏìíîïĨĩĪīĬĭĮįİıĴĵĶķĸĹĺĻļĽľĿŀŁłÑñŃńŅņŇňŉŊŋ" +
        "ÒÓÔÕÖØòóôõöøŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšȘșŢţŤťŦŧȚțÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲųŴŵÝýÿŶŷŸŹźŻżŽžſ";
    const string To =
        "aaaaaaaaaaaaaaaaaaccccccccccddddddeeeeeeeeeeeeeeeeeegggggggghhhhiiiiiiiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnnn" +
        "oooooooooooooooooorrrrrrssssssssssttttttttuuuuuuuuuuuuuuuuuuuuwwyyyyyyzzzzzzs";

    static readonly Dictionary<char, string> Table = Build();

    static Dictionary<char, string> Build()
    {
        if (From.Length != To.Length) throw new InvalidOperationException("LatinFold table is misaligned");
        var t = new Dictionary<char, string>(From.Length + 10);
        for (var i = 0; i < From.Length; i++) t[From[i]] = To[i].ToString();
        foreach (var (c, s) in new (char, string)[] { ('ß', "ss"), ('ẞ', "ss"), ('Æ', "ae"), ('æ', "ae"), ('Œ', "oe"), ('œ', "oe"), ('Þ', "th"), ('þ', "th"), ('Ĳ', "ij"), ('ĳ', "ij") })
            t[c] = s;
        return t;
    }

    /// <summary>The folded text; the same instance when there is nothing to fold but ASCII capitals.</summary>
    public static string Fold(string s)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            string? r = c switch
            {
                >= 'A' and <= 'Z' => ((char)(c + 32)).ToString(),
                < (char)0x80 => null,
                _ => Table.GetValueOrDefault(c),
            };
            if (r is null) { sb?.Append(c); continue; }
            sb ??= new StringBuilder(s.Length + 4).Append(s, 0, i);
            sb.Append(r);
        }
        return sb?.ToString() ?? s;
    }
}
