using System.Text.Json;
using ImmichLite.MachineLearning;
using static ImmichLite.Tests.MachineLearning.TinyOnnx;

namespace ImmichLite.Tests.MachineLearning;

/// <summary>
/// A tiny CLIP model with upstream's file layout, names, dtypes and shapes, whose behaviour is known in advance:
/// <list type="bullet">
/// <item>visual: <c>image</c> [1,3,224,224] → per-channel mean → MatMul with [I₃ | 0] (3×512) → L2 normalise. A solid
/// colour therefore embeds as the unit vector of its normalised channel values (<see cref="ColourEmbedding"/>).</item>
/// <item>textual: <c>text</c> int32 [1,77] → Mod 16 → Gather from a [16,512] table → mean over positions → L2 normalise.
/// The vocabulary gives "red", "green" and "blue" ids ≡ 1, 2, 3 (mod 16), whose rows are those colours' image
/// embeddings; every other token (BOS 49406 ≡ 14, EOS/pad 49407 ≡ 15 included) has a zero row. So "red" embeds
/// exactly like a red image.</item>
/// </list>
/// </summary>
public static class TinyClip
{
    public const int Dim = 512;
    public static readonly float[] Mean = [0.48145466f, 0.4578275f, 0.40821073f];
    public static readonly float[] Std = [0.26862954f, 0.26130258f, 0.27577711f];
    public static readonly (string Word, byte R, byte G, byte B)[] Colours = [("red", 255, 0, 0), ("green", 0, 255, 0), ("blue", 0, 0, 255)];
    // merge order matters for BPE: "green" before "red" (green contains r-e)
    public static readonly string[] Words = ["green", "red", "blue", "photo", "of", "dog", "cat", "a"];

    /// <summary>What the visual model gives for a solid colour.</summary>
    public static float[] ColourEmbedding(byte r, byte g, byte b)
    {
        var v = new float[Dim];
        byte[] rgb = [r, g, b];
        for (var c = 0; c < 3; c++) v[c] = (rgb[c] / 255f - Mean[c]) / Std[c];
        var n = MathF.Sqrt(v.Sum(x => x * x));
        for (var i = 0; i < Dim; i++) v[i] /= n;
        return v;
    }

    /// <summary>Writes the model into <c>&lt;cacheRoot&gt;/clip/&lt;modelName&gt;/</c>; returns the model folder and the vocabulary.</summary>
    public static (string Dir, Dictionary<string, int> Vocab) Write(string cacheRoot, string modelName = ClipModels.DefaultModel)
    {
        var dir = Path.Combine(cacheRoot, "clip", modelName);
        Directory.CreateDirectory(Path.Combine(dir, "visual"));
        Directory.CreateDirectory(Path.Combine(dir, "textual"));
        File.WriteAllText(Path.Combine(dir, "config.json"),
            """{"embed_dim": 512, "vision_cfg": {"image_size": 224, "layers": 0, "width": 3, "patch_size": 32}, "text_cfg": {"context_length": 77, "vocab_size": 49408}}""");
        File.WriteAllText(Path.Combine(dir, "visual", "preprocess_cfg.json"),
            """{"size": [224, 224], "mode": "RGB", "mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711], "interpolation": "bicubic", "resize_mode": "shortest", "fill_color": 0}""");

        var w = new float[3 * Dim];
        for (var c = 0; c < 3; c++) w[c * Dim + c] = 1;
        File.WriteAllBytes(Path.Combine(dir, "visual", "model.onnx"), Model(
            [
                new Node("ReduceMean", ["image"], ["m"], [("axes", new long[] { 2, 3 }), ("keepdims", 0L)]),
                new Node("MatMul", ["m", "W"], ["e"]),
                new Node("LpNormalization", ["e"], ["embedding"], [("axis", 1L), ("p", 2L)]),
            ],
            [Floats("W", [3, Dim], w)],
            [new Io("image", Float, [1L, 3L, 224L, 224L])], [new Io("embedding", Float, [1L, (long)Dim])]));

        // vocabulary: 26 letters, 26 word-final letters, the merge chains of Words, the two specials
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var next = 1;
        int Id(int row) => 16 * next++ + row;
        for (var ch = 'a'; ch <= 'z'; ch++) { vocab[ch.ToString()] = Id(0); vocab[ch + "</w>"] = Id(0); }
        var merges = new List<string>();
        foreach (var word in Words)
        {
            if (word.Length < 2) continue;
            var left = word[0].ToString();
            for (var i = 1; i < word.Length; i++)
            {
                var right = i == word.Length - 1 ? word[i] + "</w>" : word[i].ToString();
                merges.Add($"{left} {right}");
                left += right;
                var row = i == word.Length - 1 ? Array.FindIndex(Colours, c => c.Word == word) + 1 : 0;
                vocab.TryAdd(left, Id(row));
            }
        }
        vocab[ClipTokenizer.StartOfText] = 49406;
        vocab[ClipTokenizer.EndOfText] = 49407;
        var textual = Path.Combine(dir, "textual");
        File.WriteAllText(Path.Combine(textual, "vocab.json"), JsonSerializer.Serialize(vocab, TestJson.Default.DictionaryStringInt32));
        File.WriteAllText(Path.Combine(textual, "merges.txt"), "#version: 0.2\n" + string.Join("\n", merges) + "\n");
        File.WriteAllText(Path.Combine(textual, "tokenizer_config.json"), """{"pad_token": "<|endoftext|>", "model_max_length": 77}""");

        var table = new float[16 * Dim];
        for (var i = 0; i < Colours.Length; i++)
            ColourEmbedding(Colours[i].R, Colours[i].G, Colours[i].B).CopyTo(table, (i + 1) * Dim);
        File.WriteAllBytes(Path.Combine(textual, "model.onnx"), Model(
            [
                new Node("Mod", ["text", "K"], ["row"]),
                new Node("Gather", ["T", "row"], ["g"], [("axis", 0L)]),
                new Node("ReduceMean", ["g"], ["s"], [("axes", new long[] { 1 }), ("keepdims", 0L)]),
                new Node("LpNormalization", ["s"], ["embedding"], [("axis", 1L), ("p", 2L)]),
            ],
            [Ints("K", [], [16]), Floats("T", [16, Dim], table)],
            [new Io("text", Int32Type, [1L, 77L])], [new Io("embedding", Float, [1L, (long)Dim])]));
        return (dir, vocab);
    }

    /// <summary>A solid-colour JPEG (quality 100; solid areas decode exactly).</summary>
    public static void WriteSolidJpeg(string path, int width, int height, byte r, byte g, byte b)
    {
        using var bmp = new SkiaSharp.SKBitmap(width, height);
        bmp.Erase(new SkiaSharp.SKColor(r, g, b));
        using var data = bmp.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, int>))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;
