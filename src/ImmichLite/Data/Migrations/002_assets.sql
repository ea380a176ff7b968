-- Assets (photos and videos), their EXIF data, derived files, and deletion tombstones for sync.

CREATE TABLE assets (
  id               TEXT PRIMARY KEY,
  ownerId          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  libraryId        TEXT,
  deviceAssetId    TEXT NOT NULL,
  deviceId         TEXT NOT NULL,
  type             TEXT NOT NULL,                 -- IMAGE | VIDEO | AUDIO | OTHER
  originalPath     TEXT NOT NULL,
  originalFileName TEXT NOT NULL,
  checksum         BLOB NOT NULL,                 -- SHA-1 of the original, 20 bytes
  fileCreatedAt    TEXT NOT NULL,
  fileModifiedAt   TEXT NOT NULL,
  localDateTime    TEXT NOT NULL,
  isFavorite       INTEGER NOT NULL DEFAULT 0,
  visibility       TEXT NOT NULL DEFAULT 'timeline', -- archive | timeline | hidden | locked
  duration         TEXT,
  livePhotoVideoId TEXT REFERENCES assets (id) ON DELETE SET NULL,
  sidecarPath      TEXT,
  encodedVideoPath TEXT,
  thumbhash        BLOB,
  isOffline        INTEGER NOT NULL DEFAULT 0,
  duplicateId      TEXT,
  stackId          TEXT,
  status           TEXT NOT NULL DEFAULT 'active', -- active | trashed
  createdAt        TEXT NOT NULL,
  updatedAt        TEXT NOT NULL,
  deletedAt        TEXT,
  updateId         TEXT NOT NULL
);
CREATE UNIQUE INDEX assets_owner_checksum_uq ON assets (ownerId, checksum) WHERE libraryId IS NULL;
CREATE INDEX assets_owner_device_idx ON assets (ownerId, deviceId, deviceAssetId);
CREATE INDEX assets_owner_local_idx ON assets (ownerId, localDateTime);
CREATE INDEX assets_owner_updated_idx ON assets (ownerId, updatedAt);
CREATE INDEX assets_update_id_idx ON assets (updateId);
CREATE INDEX assets_live_photo_idx ON assets (livePhotoVideoId) WHERE livePhotoVideoId IS NOT NULL;
CREATE INDEX assets_trashed_idx ON assets (status, deletedAt) WHERE status = 'trashed';

CREATE TABLE asset_exif (
  assetId          TEXT PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
  make             TEXT,
  model            TEXT,
  exifImageWidth   INTEGER,
  exifImageHeight  INTEGER,
  fileSizeInByte   INTEGER,
  orientation      TEXT,
  dateTimeOriginal TEXT,
  modifyDate       TEXT,
  timeZone         TEXT,
  lensModel        TEXT,
  fNumber          REAL,
  focalLength      REAL,
  iso              INTEGER,
  exposureTime     TEXT,
  latitude         REAL,
  longitude        REAL,
  city             TEXT,
  state            TEXT,
  country          TEXT,
  description      TEXT NOT NULL DEFAULT '',
  projectionType   TEXT,
  rating           INTEGER,
  fps              REAL,
  profileDescription TEXT,
  colorspace       TEXT,
  bitsPerSample    INTEGER,
  livePhotoCID     TEXT,
  updatedAt        TEXT NOT NULL,
  updateId         TEXT NOT NULL
);
CREATE INDEX asset_exif_live_cid_idx ON asset_exif (livePhotoCID) WHERE livePhotoCID IS NOT NULL;
CREATE INDEX asset_exif_update_id_idx ON asset_exif (updateId);

-- thumbnail | preview | fullsize
CREATE TABLE asset_files (
  id        TEXT PRIMARY KEY,
  assetId   TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  type      TEXT NOT NULL,
  path      TEXT NOT NULL,
  createdAt TEXT NOT NULL,
  updatedAt TEXT NOT NULL,
  UNIQUE (assetId, type)
);

-- Tombstones of permanently deleted assets, kept (at least 100 days) for delta sync.
CREATE TABLE assets_audit (
  id        TEXT PRIMARY KEY,   -- UUIDv7, ordered
  assetId   TEXT NOT NULL,
  ownerId   TEXT NOT NULL,
  deletedAt TEXT NOT NULL
);
CREATE INDEX assets_audit_owner_idx ON assets_audit (ownerId, deletedAt);
