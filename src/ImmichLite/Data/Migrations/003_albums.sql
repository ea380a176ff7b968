-- Albums (with their assets and members), shared links (with their assets) and album activity (likes, comments).
-- Shaped after Immich's albums, albums_assets_assets, albums_shared_users_users, shared_links, shared_link__asset
-- and activity tables. Everything an album holds goes with it; an asset deleted for good leaves every album,
-- link and activity that mentioned it; a user deleted for good takes their albums, links and activity along.

CREATE TABLE albums (
  id                    TEXT PRIMARY KEY,
  ownerId               TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  albumName             TEXT NOT NULL DEFAULT 'Untitled Album',
  description           TEXT NOT NULL DEFAULT '',
  albumThumbnailAssetId TEXT REFERENCES assets (id) ON DELETE SET NULL,
  isActivityEnabled     INTEGER NOT NULL DEFAULT 1,
  "order"               TEXT NOT NULL DEFAULT 'desc',   -- asc | desc
  createdAt             TEXT NOT NULL,
  updatedAt             TEXT NOT NULL,
  deletedAt             TEXT,
  updateId              TEXT NOT NULL
);
CREATE INDEX albums_owner_idx ON albums (ownerId, createdAt);
CREATE INDEX albums_thumbnail_idx ON albums (albumThumbnailAssetId) WHERE albumThumbnailAssetId IS NOT NULL;
CREATE INDEX albums_update_id_idx ON albums (updateId);

CREATE TABLE albums_assets (
  albumId   TEXT NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
  assetId   TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  createdAt TEXT NOT NULL,
  PRIMARY KEY (albumId, assetId)
) WITHOUT ROWID;
CREATE INDEX albums_assets_asset_idx ON albums_assets (assetId);

-- role: editor | viewer (the owner is never a row here)
CREATE TABLE album_users (
  albumId   TEXT NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
  userId    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role      TEXT NOT NULL DEFAULT 'editor',
  createdAt TEXT NOT NULL,
  updatedAt TEXT NOT NULL,
  updateId  TEXT NOT NULL,
  PRIMARY KEY (albumId, userId)
) WITHOUT ROWID;
CREATE INDEX album_users_user_idx ON album_users (userId);

-- Tombstones for sync: an album gone for a user (deleted, or the user left it), and a membership removed.
CREATE TABLE albums_audit (
  id        TEXT PRIMARY KEY,   -- UUIDv7, ordered
  albumId   TEXT NOT NULL,
  userId    TEXT NOT NULL,
  deletedAt TEXT NOT NULL
);
CREATE INDEX albums_audit_user_idx ON albums_audit (userId, deletedAt);

CREATE TABLE album_users_audit (
  id        TEXT PRIMARY KEY,   -- UUIDv7, ordered
  albumId   TEXT NOT NULL,
  userId    TEXT NOT NULL,
  deletedAt TEXT NOT NULL
);
CREATE INDEX album_users_audit_album_idx ON album_users_audit (albumId, deletedAt);

-- key: the 50 random bytes of the link (the API shows them base64url). type: ALBUM | INDIVIDUAL.
-- password: kept as given, as upstream keeps it — the owner's API shows it back and the clients send it back on edit.
CREATE TABLE shared_links (
  id            TEXT PRIMARY KEY,
  userId        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key           BLOB NOT NULL UNIQUE,
  type          TEXT NOT NULL,
  albumId       TEXT REFERENCES albums (id) ON DELETE CASCADE,
  description   TEXT,
  password      TEXT,
  expiresAt     TEXT,
  allowUpload   INTEGER NOT NULL DEFAULT 0,
  allowDownload INTEGER NOT NULL DEFAULT 1,
  showExif      INTEGER NOT NULL DEFAULT 1,
  createdAt     TEXT NOT NULL
);
CREATE INDEX shared_links_user_idx ON shared_links (userId, createdAt);
CREATE INDEX shared_links_album_idx ON shared_links (albumId) WHERE albumId IS NOT NULL;

CREATE TABLE shared_link_assets (
  sharedLinkId TEXT NOT NULL REFERENCES shared_links (id) ON DELETE CASCADE,
  assetId      TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  createdAt    TEXT NOT NULL,
  PRIMARY KEY (sharedLinkId, assetId)
) WITHOUT ROWID;
CREATE INDEX shared_link_assets_asset_idx ON shared_link_assets (assetId);

-- A like (isLiked = 1, no comment) or a comment (isLiked = 0) on an album (assetId NULL) or on an asset in it.
CREATE TABLE activity (
  id        TEXT PRIMARY KEY,
  albumId   TEXT NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
  userId    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  assetId   TEXT REFERENCES assets (id) ON DELETE CASCADE,
  comment   TEXT,
  isLiked   INTEGER NOT NULL DEFAULT 0,
  createdAt TEXT NOT NULL,
  updatedAt TEXT NOT NULL,
  updateId  TEXT NOT NULL,
  CHECK ((comment IS NULL AND isLiked = 1) OR (comment IS NOT NULL AND isLiked = 0))
);
CREATE INDEX activity_album_idx ON activity (albumId, createdAt);
CREATE INDEX activity_asset_idx ON activity (assetId) WHERE assetId IS NOT NULL;
CREATE UNIQUE INDEX activity_like_uq ON activity (albumId, userId, COALESCE(assetId, '')) WHERE isLiked = 1;
