-- Stacks: a user's assets grouped behind one primary (bursts, RAW+JPEG). assets.stackId (migration 002) points here.
CREATE TABLE stacks (
  id             TEXT PRIMARY KEY,
  ownerId        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  primaryAssetId TEXT NOT NULL,
  createdAt      TEXT NOT NULL,
  updatedAt      TEXT NOT NULL,
  updateId       TEXT NOT NULL
);
CREATE INDEX stacks_owner_idx ON stacks (ownerId);
CREATE INDEX assets_stack_idx ON assets (stackId) WHERE stackId IS NOT NULL;

-- An asset deleted for good leaves its stack, whatever path deleted it: a deleted primary hands over to the oldest
-- remaining member, and a stack left with fewer than two assets is dissolved (upstream does the same in code).
CREATE TRIGGER assets_leave_stack AFTER DELETE ON assets WHEN OLD.stackId IS NOT NULL
BEGIN
  UPDATE stacks SET primaryAssetId = (SELECT id FROM assets WHERE stackId = OLD.stackId ORDER BY fileCreatedAt, id LIMIT 1)
  WHERE id = OLD.stackId AND primaryAssetId = OLD.id;
  UPDATE assets SET stackId = NULL, updatedAt = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  WHERE stackId = OLD.stackId AND (SELECT COUNT(*) FROM assets WHERE stackId = OLD.stackId) < 2;
  DELETE FROM stacks WHERE id = OLD.stackId AND NOT EXISTS (SELECT 1 FROM assets WHERE stackId = OLD.stackId);
END;
