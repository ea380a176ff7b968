using ImmichLite.Contract;

namespace ImmichLite.Jobs;

/// <summary>The asset pipeline's job names and their queues, in upstream's order: upload → metadata → thumbnails → video conversion (later: smart search, faces).</summary>
public static class PipelineJobs
{
    public const string ExtractMetadata = "AssetExtractMetadata";
    public const string GenerateThumbnails = "AssetGenerateThumbnails";
    public const string ConvertVideo = "AssetEncodeVideo";
    public const string SmartSearch = "SmartSearch";

    public static readonly string MetadataQueue = Infrastructure.EnumText.Of(JobName.MetadataExtraction);
    public static readonly string ThumbnailQueue = Infrastructure.EnumText.Of(JobName.ThumbnailGeneration);
    public static readonly string VideoQueue = Infrastructure.EnumText.Of(JobName.VideoConversion);
    public static readonly string SmartSearchQueue = Infrastructure.EnumText.Of(JobName.SmartSearch);
}
