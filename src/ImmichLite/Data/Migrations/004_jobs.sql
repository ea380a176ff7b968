-- The persistent job queue, and per-asset pipeline progress (shaped after Immich's asset_job_status).

CREATE TABLE jobs (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  queue     TEXT NOT NULL,             -- JobName: thumbnailGeneration, metadataExtraction, ...
  name      TEXT NOT NULL,             -- handler: AssetExtractMetadata, AssetGenerateThumbnails, ...
  payload   TEXT NOT NULL DEFAULT '',  -- usually an asset id
  status    TEXT NOT NULL DEFAULT 'waiting', -- waiting | active | failed
  attempts  INTEGER NOT NULL DEFAULT 0,
  runAfter  TEXT NOT NULL,
  lastError TEXT,
  createdAt TEXT NOT NULL,
  updatedAt TEXT NOT NULL
);
CREATE INDEX jobs_queue_status_idx ON jobs (queue, status, runAfter, id);
CREATE UNIQUE INDEX jobs_waiting_uq ON jobs (name, payload) WHERE status = 'waiting';

CREATE TABLE job_queue_state (
  queue  TEXT PRIMARY KEY,
  paused INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE asset_job_status (
  assetId             TEXT PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
  metadataExtractedAt TEXT,
  previewAt           TEXT,
  thumbnailAt         TEXT,
  metadataError       TEXT,
  thumbnailError      TEXT
);
