-- Tags (per user, hierarchical by value "a/b/c") with the assets they are on, and memories ("on this day")
-- with their assets. Shaped after Immich's tags, tag_asset, memories and memories_assets_assets tables.
-- A tag goes with its user; a child tag with its parent; an asset deleted for good leaves every tag and memory.

CREATE TABLE tags (
  id        TEXT PRIMARY KEY,
  userId    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  value     TEXT NOT NULL,                           -- the full path, "/"-separated; the name is its last part
  parentId  TEXT REFERENCES tags (id) ON DELETE CASCADE,
  color     TEXT,
  createdAt TEXT NOT NULL,
  updatedAt TEXT NOT NULL,
  updateId  TEXT NOT NULL
);
CREATE UNIQUE INDEX tags_user_value_uq ON tags (userId, value);
CREATE INDEX tags_parent_idx ON tags (parentId) WHERE parentId IS NOT NULL;

CREATE TABLE tag_assets (
  tagId   TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  assetId TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  PRIMARY KEY (tagId, assetId)
) WITHOUT ROWID;
CREATE INDEX tag_assets_asset_idx ON tag_assets (assetId, tagId);

-- type: on_this_day. data: its JSON ({"year": 2019}). showAt/hideAt: the window in which GET /memories?for= lists it.
CREATE TABLE memories (
  id        TEXT PRIMARY KEY,
  ownerId   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type      TEXT NOT NULL,
  data      TEXT NOT NULL,
  isSaved   INTEGER NOT NULL DEFAULT 0,
  memoryAt  TEXT NOT NULL,
  seenAt    TEXT,
  showAt    TEXT,
  hideAt    TEXT,
  createdAt TEXT NOT NULL,
  updatedAt TEXT NOT NULL,
  deletedAt TEXT,
  updateId  TEXT NOT NULL
);
CREATE INDEX memories_owner_idx ON memories (ownerId, memoryAt);
CREATE INDEX memories_created_idx ON memories (createdAt) WHERE isSaved = 0;

CREATE TABLE memory_assets (
  memoryId TEXT NOT NULL REFERENCES memories (id) ON DELETE CASCADE,
  assetId  TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  PRIMARY KEY (memoryId, assetId)
) WITHOUT ROWID;
CREATE INDEX memory_assets_asset_idx ON memory_assets (assetId);
