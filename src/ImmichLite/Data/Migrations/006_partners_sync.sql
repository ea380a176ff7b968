-- Partners (one user shares their library with another) and the sync stream's per-session checkpoints.

CREATE TABLE partners (
  sharedById   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  sharedWithId TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  inTimeline   INTEGER NOT NULL DEFAULT 0,
  createdAt    TEXT NOT NULL,
  updatedAt    TEXT NOT NULL,
  updateId     TEXT NOT NULL,
  PRIMARY KEY (sharedById, sharedWithId)
);
CREATE INDEX partners_shared_with_idx ON partners (sharedWithId);

CREATE TABLE partners_audit (
  id           TEXT PRIMARY KEY,  -- UUIDv7
  sharedById   TEXT NOT NULL,
  sharedWithId TEXT NOT NULL,
  deletedAt    TEXT NOT NULL
);

-- type: a SyncEntityType; ack: the last updateId the client applied for it
CREATE TABLE session_sync_checkpoints (
  sessionId TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  type      TEXT NOT NULL,
  ack       TEXT NOT NULL,
  createdAt TEXT NOT NULL,
  updatedAt TEXT NOT NULL,
  PRIMARY KEY (sessionId, type)
);

CREATE INDEX assets_audit_deleted_idx ON assets_audit (deletedAt);
