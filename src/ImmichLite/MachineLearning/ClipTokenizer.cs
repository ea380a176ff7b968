using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace ImmichLite.MachineLearning;

/// <summary>
/// OpenCLIP's text tokenizer as upstream runs it (HF CLIP tokenizer over <c>textual/vocab.json</c> + <c>merges.txt</c>):
/// NFC, whitespace runs collapsed and trimmed, lower-cased, split with CLIP's regex, byte-level BPE with <c>&lt;/w&gt;</c>
/// word ends, <c>[BOS] tokens [EOS]</c>; truncated to BOS + (length − 2) + EOS and padded to the context length with the
/// pad token of <c>tokenizer_config.json</c> (49407 for ViT-B-32__openai).
/// </summary>
public sealed partial class ClipTokenizer
{
    public const string StartOfText = "<|startoftext|>", EndOfText = "<|endoftext|>";
    readonly Tokenizer _bpe;
    public int ContextLength { get; }
    public int EndId { get; }
    public int PadId { get; }

    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    ClipTokenizer(Tokenizer bpe, int contextLength, int endId, int padId)
    {
        _bpe = bpe; ContextLength = contextLength; EndId = endId; PadId = padId;
    }

    /// <summary>Loads the tokenizer of a model's <c>textual/</c> folder; <paramref name="contextLength"/> from its config.json.</summary>
    public static ClipTokenizer Load(string textualDir, int contextLength)
    {
        var vocabPath = Path.Combine(textualDir, "vocab.json");
        Dictionary<string, int> vocab;
        using (var doc = JsonDocument.Parse(File.ReadAllBytes(vocabPath)))
            vocab = doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
        if (!vocab.TryGetValue(StartOfText, out var bos) || !vocab.TryGetValue(EndOfText, out var eos))
            throw new InvalidDataException($"{vocabPath} has no {StartOfText} / {EndOfText}");
        var specials = new Dictionary<string, int> { [StartOfText] = bos, [EndOfText] = eos };
        var merges = File.ReadLines(Path.Combine(textualDir, "merges.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal)).ToList();
        var options = new BpeOptions(vocab)
        {
            Merges = merges,
            ByteLevel = true,
            EndOfWordSuffix = "</w>",
            PreTokenizer = new RegexPreTokenizer(Pattern(), specials),
            Normalizer = new LowerCaseNormalizer(),
            SpecialTokens = specials,
            UnknownToken = EndOfText,
            BeginningOfSentenceToken = StartOfText,
            EndOfSentenceToken = EndOfText,
        };
        var pad = PadToken(Path.Combine(textualDir, "tokenizer_config.json")) is { } p && vocab.TryGetValue(p, out var pid) ? pid : eos;
        return new ClipTokenizer(BpeTokenizer.Create(options), contextLength, eos, pad);
    }

    static string? PadToken(string path)
    {
        if (!File.Exists(path)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        if (!doc.RootElement.TryGetProperty("pad_token", out var pad)) return null;
        return pad.ValueKind switch
        {
            JsonValueKind.String => pad.GetString(),
            JsonValueKind.Object when pad.TryGetProperty("content", out var c) => c.GetString(),
            _ => null,
        };
    }

    /// <summary>Upstream's clean-up before tokenising: whitespace runs to one space, trimmed (plus NFC, which HF's normaliser does).</summary>
    public static string Clean(string text) => Whitespace().Replace(text.Normalize(NormalizationForm.FormC), " ").Trim();

    /// <summary>Exactly <see cref="ContextLength"/> ids.</summary>
    public int[] Encode(string text)
    {
        var ids = _bpe.EncodeToIds(Clean(text));
        var result = new int[ContextLength];
        Array.Fill(result, PadId);
        var n = Math.Min(ids.Count, ContextLength);
        for (var i = 0; i < n; i++) result[i] = ids[i];
        if (ids.Count > ContextLength) result[ContextLength - 1] = EndId; // BOS + (length - 2) tokens + EOS
        return result;
    }
}
