-- Foundation: users, their metadata (preferences, license), sessions, API keys, system metadata.
-- Shaped after Immich's tables (camelCase column names) so an Immich library can be imported later.
-- Timestamps are ISO-8601 UTC text with milliseconds ('2024-01-02T03:04:05.006Z'); ids are UUID text.

CREATE TABLE users (
  id                   TEXT PRIMARY KEY,
  email                TEXT NOT NULL,
  password             TEXT NOT NULL DEFAULT '',
  name                 TEXT NOT NULL DEFAULT '',
  isAdmin              INTEGER NOT NULL DEFAULT 0,
  avatarColor          TEXT,
  profileImagePath     TEXT NOT NULL DEFAULT '',
  profileChangedAt     TEXT NOT NULL,
  shouldChangePassword INTEGER NOT NULL DEFAULT 1,
  oauthId              TEXT NOT NULL DEFAULT '',
  storageLabel         TEXT,
  quotaSizeInBytes     INTEGER,
  quotaUsageInBytes    INTEGER NOT NULL DEFAULT 0,
  status               TEXT NOT NULL DEFAULT 'active',
  pinCode              TEXT,
  createdAt            TEXT NOT NULL,
  updatedAt            TEXT NOT NULL,
  deletedAt            TEXT,
  updateId             TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email_uq ON users (email);
CREATE UNIQUE INDEX users_storage_label_uq ON users (storageLabel) WHERE storageLabel IS NOT NULL;
CREATE INDEX users_update_id_idx ON users (updateId);

CREATE TABLE users_audit (
  id        TEXT PRIMARY KEY,
  userId    TEXT NOT NULL,
  deletedAt TEXT NOT NULL
);

-- key: 'preferences' or 'license'; value: JSON
CREATE TABLE user_metadata (
  userId TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (userId, key)
);

-- token: SHA-256 of the bearer token, hex. The token itself is never stored.
CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,
  token        TEXT NOT NULL UNIQUE,
  userId       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  parentId     TEXT REFERENCES sessions (id) ON DELETE CASCADE,
  deviceType   TEXT NOT NULL DEFAULT '',
  deviceOS     TEXT NOT NULL DEFAULT '',
  createdAt    TEXT NOT NULL,
  updatedAt    TEXT NOT NULL,
  expiresAt    TEXT,
  pinExpiresAt TEXT,
  updateId     TEXT NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (userId);

-- key: SHA-256 of the secret, hex. permissions: JSON array of Permission strings.
CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  key         TEXT NOT NULL UNIQUE,
  userId      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  permissions TEXT NOT NULL,
  createdAt   TEXT NOT NULL,
  updatedAt   TEXT NOT NULL,
  updateId    TEXT NOT NULL
);
CREATE INDEX api_keys_user_idx ON api_keys (userId);

CREATE TABLE system_metadata (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE version_history (
  id        TEXT PRIMARY KEY,
  createdAt TEXT NOT NULL,
  version   TEXT NOT NULL
);
