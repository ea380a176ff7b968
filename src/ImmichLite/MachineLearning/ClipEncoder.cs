using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace ImmichLite.MachineLearning;

/// <summary>CLIP behind a small interface: image and text to unit-length embeddings in one space.</summary>
public interface IClipEncoder : IDisposable
{
    string ModelName { get; }
    int Dimension { get; }
    float[] EncodeImage(string imagePath);
    float[] EncodeText(string text);
}

/// <summary>
/// A CLIP model from its cache folder (upstream's layout: <c>config.json</c>, <c>visual/model.onnx</c> +
/// <c>preprocess_cfg.json</c>, <c>textual/model.onnx</c> + tokenizer files), run with ONNX Runtime on the CPU.
/// Visual input <c>image</c> f32 [1,3,S,S]; textual input <c>text</c> int32 [1,L]; the first output of each is the
/// embedding, already L2-normalised by the graph (not normalised again, as upstream). Sessions load by path, so
/// models with external-data files work. Thread-safe: ORT sessions allow concurrent Run calls.
/// </summary>
public sealed class OnnxClipEncoder : IClipEncoder
{
    readonly InferenceSession _visual, _textual;
    readonly ClipPreprocessor _preprocess;
    readonly ClipTokenizer _tokenizer;
    readonly string _visualInput, _visualOutput, _textInput, _textOutput;

    public string ModelName { get; }
    public int Dimension { get; }

    public OnnxClipEncoder(string modelName, string modelDir, int dimension)
    {
        ModelName = modelName;
        Dimension = dimension;
        var contextLength = 77;
        var config = Path.Combine(modelDir, "config.json");
        if (File.Exists(config))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(config));
            if (doc.RootElement.TryGetProperty("text_cfg", out var t) && t.TryGetProperty("context_length", out var cl)) contextLength = cl.GetInt32();
        }
        _preprocess = ClipPreprocessor.Load(Path.Combine(modelDir, "visual", "preprocess_cfg.json"));
        _tokenizer = ClipTokenizer.Load(Path.Combine(modelDir, "textual"), contextLength);
        // two smart-search workers run at once (JobQueue), so each session gets half the cores, leaving room for HTTP
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            IntraOpNumThreads = Math.Max(1, Environment.ProcessorCount / 2),
            InterOpNumThreads = 1,
        };
        _visual = new InferenceSession(Path.Combine(modelDir, "visual", "model.onnx"), options);
        try { _textual = new InferenceSession(Path.Combine(modelDir, "textual", "model.onnx"), options); }
        catch { _visual.Dispose(); throw; }
        _visualInput = _visual.InputNames[0]; _visualOutput = _visual.OutputNames[0];
        _textInput = _textual.InputNames[0]; _textOutput = _textual.OutputNames[0];
    }

    public ClipPreprocessor Preprocessor => _preprocess;
    public ClipTokenizer Tokenizer => _tokenizer;

    public float[] EncodeImage(string imagePath)
    {
        var (rgb, w, h) = DecodeRgb(imagePath);
        return EncodePixels(rgb, w, h);
    }

    public float[] EncodePixels(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var input = _preprocess.Run(rgb, width, height);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, _preprocess.Size, _preprocess.Size]);
        return Run(_visual, _visualInput, value, _visualOutput);
    }

    public float[] EncodeText(string text)
    {
        var ids = _tokenizer.Encode(text);
        using var value = OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]);
        return Run(_textual, _textInput, value, _textOutput);
    }

    float[] Run(InferenceSession session, string input, OrtValue value, string output)
    {
        using var run = new RunOptions();
        using var results = session.Run(run, [input], [value], [output]);
        var data = results[0].GetTensorDataAsSpan<float>();
        if (data.Length != Dimension) throw new InvalidDataException($"{ModelName}: the model gives {data.Length} values, {Dimension} expected");
        return data.ToArray();
    }

    /// <summary>Decodes an image file (the preview JPEG) to RGB bytes, as Pillow's <c>convert("RGB")</c>; no EXIF rotation
    /// (previews are upright already).</summary>
    public static (byte[] Rgb, int Width, int Height) DecodeRgb(string path)
    {
        using var codec = SKCodec.Create(path) ?? throw new InvalidDataException($"cannot decode {path}");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput)) throw new InvalidDataException($"cannot decode {path}: {result}");
        var rgba = bitmap.GetPixelSpan();
        var rgb = new byte[info.Width * info.Height * 3];
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3) { rgb[j] = rgba[i]; rgb[j + 1] = rgba[i + 1]; rgb[j + 2] = rgba[i + 2]; }
        return (rgb, info.Width, info.Height);
    }

    public void Dispose()
    {
        _visual.Dispose();
        _textual.Dispose();
    }
}
