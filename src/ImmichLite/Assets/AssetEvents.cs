namespace ImmichLite.Assets;

/// <summary>Internal event names (not sent to clients as such): the media pipeline subscribes to them.</summary>
public static class AssetEvents
{
    /// <summary>A new original is on disk (upload or replace); payload: the asset id.</summary>
    public const string Uploaded = "asset.uploaded";
}
