using System.Text.Json;

namespace ImmichLite.MachineLearning;

/// <summary>
/// CLIP image preprocessing as upstream (<c>visual/preprocess_cfg.json</c> + <c>transforms.py</c>): resize so the
/// shorter side is <see cref="Size"/> (long side truncated) with Pillow's BICUBIC filter — always, whatever the config's
/// interpolation says — then a centre crop at int() offsets, /255, per-channel (x − mean)/std, as NCHW float32.
/// The resampler follows Pillow's 8-bit path: a = −0.5 cubic, support widened by the scale when shrinking (antialias),
/// 22-bit fixed-point weights, horizontal pass then vertical, each rounded and clamped to 0..255.
/// </summary>
public sealed class ClipPreprocessor
{
    public int Size { get; }
    public float[] Mean { get; }
    public float[] Std { get; }

    public ClipPreprocessor(int size, float[] mean, float[] std)
    {
        if (size <= 0 || mean.Length != 3 || std.Length != 3) throw new ArgumentException("preprocess config needs size > 0 and 3 means and stds");
        Size = size; Mean = mean; Std = std;
    }

    /// <summary>Reads <c>visual/preprocess_cfg.json</c> (<c>size</c> is a number or [h, w]; only square sizes exist upstream).</summary>
    public static ClipPreprocessor Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var sizeEl = root.GetProperty("size");
        var size = sizeEl.ValueKind == JsonValueKind.Array ? sizeEl[0].GetInt32() : sizeEl.GetInt32();
        static float[] Floats(JsonElement e) => e.EnumerateArray().Select(x => x.GetSingle()).ToArray();
        return new ClipPreprocessor(size, Floats(root.GetProperty("mean")), Floats(root.GetProperty("std")));
    }

    /// <summary>RGB bytes (3 per pixel, row-major) to the model input: [3, Size, Size] floats.</summary>
    public float[] Run(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var (w, h) = ResizedSize(width, height, Size);
        var resized = PillowBicubic.Resize(rgb, width, height, w, h);
        var left = (int)(w / 2.0 - Size / 2.0);
        var top = (int)(h / 2.0 - Size / 2.0);
        var plane = Size * Size;
        var output = new float[3 * plane];
        for (var y = 0; y < Size; y++)
            for (var x = 0; x < Size; x++)
            {
                var src = ((top + y) * w + left + x) * 3;
                for (var c = 0; c < 3; c++)
                    output[c * plane + y * Size + x] = (resized[src + c] / 255f - Mean[c]) / Std[c];
            }
        return output;
    }

    /// <summary>Shorter side to <paramref name="size"/>, the other <c>int(long / short * size)</c>.</summary>
    public static (int Width, int Height) ResizedSize(int width, int height, int size) =>
        width <= height ? (size, (int)((double)height / width * size)) : ((int)((double)width / height * size), size);
}

/// <summary>Pillow's BICUBIC resampling of 8-bit RGB (Resample.c), see <see cref="ClipPreprocessor"/>.</summary>
public static class PillowBicubic
{
    const int PrecisionBits = 32 - 8 - 2;

    static double Filter(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    /// <summary>Per output index: first input index and fixed-point weights.</summary>
    static (int[] Start, int[][] Weights) Coefficients(int inSize, int outSize)
    {
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = 2.0 * filterScale;
        var starts = new int[outSize];
        var weights = new int[outSize][];
        for (var xx = 0; xx < outSize; xx++)
        {
            var center = (xx + 0.5) * scale;
            var ss = 1.0 / filterScale;
            var xmin = Math.Max(0, (int)(center - support + 0.5));
            var xmax = Math.Min(inSize, (int)(center + support + 0.5)) - xmin;
            var k = new double[xmax];
            double ww = 0;
            for (var x = 0; x < xmax; x++) { k[x] = Filter((x + xmin - center + 0.5) * ss); ww += k[x]; }
            var fixedK = new int[xmax];
            for (var x = 0; x < xmax; x++)
            {
                var v = ww != 0 ? k[x] / ww : 0;
                fixedK[x] = (int)(v < 0 ? -0.5 + v * (1 << PrecisionBits) : 0.5 + v * (1 << PrecisionBits));
            }
            starts[xx] = xmin;
            weights[xx] = fixedK;
        }
        return (starts, weights);
    }

    static byte Clip8(long v)
    {
        v >>= PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }

    public static byte[] Resize(ReadOnlySpan<byte> rgb, int width, int height, int outWidth, int outHeight)
    {
        if (rgb.Length < width * height * 3) throw new ArgumentException("pixel buffer too small");
        const long half = 1L << (PrecisionBits - 1);
        // horizontal pass: width -> outWidth
        byte[] horiz;
        if (outWidth == width) horiz = rgb[..(width * height * 3)].ToArray();
        else
        {
            var (xs, xw) = Coefficients(width, outWidth);
            horiz = new byte[outWidth * height * 3];
            for (var y = 0; y < height; y++)
            {
                var row = rgb.Slice(y * width * 3, width * 3);
                for (var x = 0; x < outWidth; x++)
                {
                    var k = xw[x];
                    long r = half, g = half, b = half;
                    var p = xs[x] * 3;
                    for (var i = 0; i < k.Length; i++, p += 3) { r += row[p] * (long)k[i]; g += row[p + 1] * (long)k[i]; b += row[p + 2] * (long)k[i]; }
                    var o = (y * outWidth + x) * 3;
                    horiz[o] = Clip8(r); horiz[o + 1] = Clip8(g); horiz[o + 2] = Clip8(b);
                }
            }
        }
        if (outHeight == height) return horiz;
        // vertical pass: height -> outHeight
        var (ys, yw) = Coefficients(height, outHeight);
        var result = new byte[outWidth * outHeight * 3];
        var stride = outWidth * 3;
        for (var y = 0; y < outHeight; y++)
        {
            var k = yw[y];
            for (var x = 0; x < stride; x++)
            {
                long acc = half;
                var p = ys[y] * stride + x;
                for (var i = 0; i < k.Length; i++, p += stride) acc += horiz[p] * (long)k[i];
                result[y * stride + x] = Clip8(acc);
            }
        }
        return result;
    }
}
