-- Deleting an asset for good asks, per file, whether another asset still points at it (AssetStore.PathReferenced):
-- without these that was a scan of every asset per file (10–20 ms each at 100k assets, three files per asset, inside
-- the write transaction). Sidecars and encoded videos are rare, so their indexes hold only the rows that have one.
CREATE INDEX assets_original_path_idx ON assets (originalPath);
CREATE INDEX assets_sidecar_path_idx ON assets (sidecarPath) WHERE sidecarPath IS NOT NULL;
CREATE INDEX assets_encoded_video_path_idx ON assets (encodedVideoPath) WHERE encodedVideoPath IS NOT NULL;
