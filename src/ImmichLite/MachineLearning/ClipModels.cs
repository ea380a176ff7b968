namespace ImmichLite.MachineLearning;

/// <summary>Upstream's CLIP model facts: the default model, each model's embedding width (server
/// <c>CLIP_MODEL_INFO</c>) and the name clean-up that gives the Hugging Face repository and cache folder.</summary>
public static class ClipModels
{
    public const string DefaultModel = "ViT-B-32__openai";
    /// <summary>The Hugging Face organisation that publishes Immich's ONNX exports.</summary>
    public const string Organisation = "immich-app";
    public const string Task = "clip";

    static readonly Dictionary<string, int> Widths = Build();

    static Dictionary<string, int> Build()
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(int width, params string[] names) { foreach (var n in names) d[n] = width; }
        Add(512, "RN101__openai", "RN101__yfcc15m", "ViT-B-16__laion400m_e31", "ViT-B-16__laion400m_e32", "ViT-B-16__openai",
            "ViT-B-32__laion2b-s34b-b79k", "ViT-B-32__laion2b_e16", "ViT-B-32__laion400m_e31", "ViT-B-32__laion400m_e32",
            "ViT-B-32__openai", "XLM-Roberta-Base-ViT-B-32__laion5b_s13b_b90k", "XLM-Roberta-Large-Vit-B-32");
        Add(640, "RN50x4__openai", "ViT-B-16-plus-240__laion400m_e31", "ViT-B-16-plus-240__laion400m_e32", "XLM-Roberta-Large-Vit-B-16Plus");
        Add(768, "LABSE-Vit-L-14", "RN50x16__openai", "ViT-B-16-SigLIP-256__webli", "ViT-B-16-SigLIP-384__webli",
            "ViT-B-16-SigLIP-512__webli", "ViT-B-16-SigLIP-i18n-256__webli", "ViT-B-16-SigLIP__webli", "ViT-L-14-336__openai",
            "ViT-L-14-quickgelu__dfn2b", "ViT-L-14__laion2b-s32b-b82k", "ViT-L-14__laion400m_e31", "ViT-L-14__laion400m_e32",
            "ViT-L-14__openai", "XLM-Roberta-Large-Vit-L-14", "nllb-clip-base-siglip__mrl", "nllb-clip-base-siglip__v1");
        Add(1024, "RN50__cc12m", "RN50__openai", "RN50__yfcc15m", "RN50x64__openai", "ViT-H-14-378-quickgelu__dfn5b",
            "ViT-H-14-quickgelu__dfn5b", "ViT-H-14__laion2b-s32b-b79k", "ViT-L-16-SigLIP-256__webli", "ViT-L-16-SigLIP-384__webli",
            "ViT-g-14__laion2b-s12b-b42k");
        Add(1152, "ViT-SO400M-14-SigLIP-384__webli", "nllb-clip-large-siglip__mrl", "nllb-clip-large-siglip__v1");
        Add(1280, "ViT-bigG-14__laion2b-s39b-b160k");
        Add(1536, "ViT-gopt-16-SigLIP2-256__webli", "ViT-gopt-16-SigLIP2-384__webli");
        return d;
    }

    /// <summary>The server's lookup key: the part after the last '/', with ':' as '_'.</summary>
    public static string Key(string modelName) => modelName[(modelName.LastIndexOf('/') + 1)..].Replace(':', '_');

    /// <summary>The embedding width of a known model; null for a name upstream would reject ("Unknown CLIP model").</summary>
    public static int? Dimension(string modelName) => Widths.TryGetValue(Key(modelName), out var w) ? w : null;

    /// <summary>The ML service's <c>clean_name</c>: the repository and cache folder name.</summary>
    public static string CleanName(string modelName) =>
        modelName[(modelName.LastIndexOf('/') + 1)..].Replace(':', '_').Replace('\\', '_').Replace('/', '_').Replace(".", "");

    /// <summary>The files of an OpenCLIP repository (immich-app/ViT-B-32__openai layout) that ONNX Runtime needs, and
    /// the tokenizer files we do not read but upstream ships (fetched when the server has them).</summary>
    public static readonly IReadOnlyList<ModelFile> OpenClipFiles =
    [
        new("config.json"), new("visual/model.onnx"), new("visual/preprocess_cfg.json"),
        new("textual/model.onnx"), new("textual/vocab.json"), new("textual/merges.txt"), new("textual/tokenizer_config.json"),
        new("textual/tokenizer.json", Optional: true), new("textual/special_tokens_map.json", Optional: true),
    ];
}

/// <summary>One file of a model repository, by its path inside it.</summary>
public sealed record ModelFile(string Path, bool Optional = false);
