using System.Security.Cryptography;
using ImmichLite.MachineLearning;
using ImmichLite.Tests.Infrastructure;

namespace ImmichLite.Tests.MachineLearning;

/// <summary>CLIP preprocessing, tokenizer and real ONNX Runtime sessions over <see cref="TinyClip"/>.</summary>
public sealed class ClipEncoderTests : IDisposable
{
    readonly string _dir = TestPaths.NewTempDir("clip");
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    /// <summary>The pattern the golden values were made from (Pillow 9.4, Debian python3-pil:
    /// <c>Image.resize((w, h), Image.Resampling.BICUBIC).tobytes()</c>, SHA-256).</summary>
    static byte[] Pattern(int w, int h)
    {
        var rgb = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var i = (y * w + x) * 3;
                rgb[i] = (byte)((x * 7 + y * 3) % 256); rgb[i + 1] = (byte)((x * x + y) % 256); rgb[i + 2] = (byte)((x ^ y) % 256);
            }
        return rgb;
    }

    [Theory]
    [InlineData(500, 400, 280, 224, "af3ced67c22f1c46a04c2e571cc52eda6064c146a9e48cad5e90f01a819e4302")]
    [InlineData(200, 300, 224, 336, "e36389bafb2aafe60f680c7cc88f3cf181585716e3e6da85ac8bb958b7a3d3d6")]
    [InlineData(1440, 1080, 298, 224, "5ebc91683ad8a55f50864fe2e736f34e035d394b66fde85db184103d9f719fc4")]
    public void Clip_bicubic_resize_matches_pillow_byte_for_byte(int w, int h, int ow, int oh, string sha256)
    {
        Assert.Equal((ow, oh), ClipPreprocessor.ResizedSize(w, h, 224)); // shorter side 224, the other truncated
        var resized = PillowBicubic.Resize(Pattern(w, h), w, h, ow, oh);
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(resized)));
    }

    [Fact]
    public void Clip_preprocess_centre_crops_at_int_offsets_and_normalises_per_channel()
    {
        // 448x224: already 224 on the short side, so no resampling; the crop starts at x = int(448/2 - 112) = 112
        var rgb = new byte[448 * 224 * 3];
        for (var y = 0; y < 224; y++)
            for (var x = 0; x < 448; x++) { var i = (y * 448 + x) * 3; rgb[i] = (byte)(x % 256); rgb[i + 1] = (byte)y; rgb[i + 2] = 200; }
        var p = new ClipPreprocessor(224, TinyClip.Mean, TinyClip.Std);
        var t = p.Run(rgb, 448, 224);
        Assert.Equal(3 * 224 * 224, t.Length);
        float N(int v, int c) => (v / 255f - TinyClip.Mean[c]) / TinyClip.Std[c];
        Assert.Equal(N(112, 0), t[0], 5);                      // R plane, (0,0) = column 112
        Assert.Equal(N((112 + 223) % 256, 0), t[223], 5);      // R plane, last column
        Assert.Equal(N(10, 1), t[224 * 224 + 10 * 224 + 5], 5); // G plane, row 10
        Assert.Equal(N(200, 2), t[2 * 224 * 224 + 77], 5);     // B plane
    }

    [Fact]
    public void Clip_tokenizer_lowercases_collapses_whitespace_pads_with_eos_and_truncates_keeping_eos()
    {
        var (dir, vocab) = TinyClip.Write(_dir);
        var tok = ClipTokenizer.Load(Path.Combine(dir, "textual"), 77);
        var ids = tok.Encode("  A  Photo of\ta RED\n dog ");
        int[] words = [49406, vocab["a</w>"], vocab["photo</w>"], vocab["of</w>"], vocab["a</w>"], vocab["red</w>"], vocab["dog</w>"], 49407];
        Assert.Equal(words, ids[..8]);
        Assert.All(ids[8..], id => Assert.Equal(49407, id));
        Assert.Equal(77, ids.Length);
        Assert.Equal(vocab["green</w>"], tok.Encode("green")[1]); // BPE merges in rank order ("re" inside "green")

        var longIds = tok.Encode(string.Join(' ', Enumerable.Repeat("cat", 100)));
        Assert.Equal(77, longIds.Length);
        Assert.Equal(49406, longIds[0]);
        Assert.All(longIds[1..76], id => Assert.Equal(vocab["cat</w>"], id));
        Assert.Equal(49407, longIds[76]);
    }

    [Fact]
    public void Clip_known_images_and_words_give_the_known_embeddings_through_onnx_runtime()
    {
        var (dir, _) = TinyClip.Write(_dir);
        using var clip = new OnnxClipEncoder(ClipModels.DefaultModel, dir, 512);
        foreach (var (word, r, g, b) in TinyClip.Colours)
        {
            var expected = TinyClip.ColourEmbedding(r, g, b);
            var jpeg = Path.Combine(_dir, word + ".jpeg");
            TinyClip.WriteSolidJpeg(jpeg, 640, 480, r, g, b); // a JPEG of a pure colour decodes within a step or two of it
            var image = clip.EncodeImage(jpeg);
            Assert.Equal(512, image.Length);
            Assert.True(Cosine(expected, image) > 0.999, $"{word} image: cosine {Cosine(expected, image)}");
            Assert.Equal(1, Math.Sqrt(image.Sum(x => (double)x * x)), 4); // unit length from the graph

            var text = clip.EncodeText($"a photo of a {word}");
            for (var i = 0; i < 512; i++) Assert.Equal(expected[i], text[i], 5);
        }
        // exact pixels (no JPEG): the known embedding, to float32 accumulation error
        var red = new byte[300 * 200 * 3];
        for (var i = 0; i < red.Length; i += 3) red[i] = 255;
        var e = clip.EncodePixels(red, 300, 200);
        var want = TinyClip.ColourEmbedding(255, 0, 0);
        for (var i = 0; i < 512; i++) Assert.Equal(want[i], e[i], 1e-4); // float32 ReduceMean over 50,176 pixels
    }

    internal static double Cosine(float[] a, float[] b)
    {
        double d = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { d += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return d / Math.Sqrt(na * nb);
    }
}
