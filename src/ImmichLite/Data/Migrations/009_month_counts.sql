-- Per-month asset counts kept up to date on write, so GET /timeline/buckets and GET /assets/statistics read a
-- few hundred counter rows instead of one index entry per asset (at 100k assets a scan of even the best index
-- costs ~6–7 ms on a small CPU; reading the counters ~0.1 ms — scripts/bench-timeline.sh, docs/PERFORMANCE.md).
--
-- One row per combination of the columns a timeline or statistics filter can constrain; the month is the first
-- seven characters of localDateTime (YYYY-MM), the timeline's bucket. Triggers move a count whenever one of those
-- columns changes; rows that fall to zero are removed, so the table stays as small as the library's months.
-- Album and shared-link timelines, which depend on membership, still scan the assets (they are small).

CREATE TABLE asset_month_counts (
  ownerId    TEXT NOT NULL,
  month      TEXT NOT NULL,
  status     TEXT NOT NULL,
  visibility TEXT NOT NULL,
  isFavorite INTEGER NOT NULL,
  type       TEXT NOT NULL,
  n          INTEGER NOT NULL,
  PRIMARY KEY (ownerId, month, status, visibility, isFavorite, type)
) WITHOUT ROWID;

INSERT INTO asset_month_counts (ownerId, month, status, visibility, isFavorite, type, n)
  SELECT ownerId, substr(localDateTime, 1, 7), status, visibility, isFavorite, type, COUNT(*)
  FROM assets GROUP BY 1, 2, 3, 4, 5, 6;

-- Every change is written as moves of +1/-1 into this view; its one trigger applies a move (creating the counter,
-- or removing it when it reaches zero), so the three triggers on assets below only say which moves a change makes.
CREATE VIEW asset_month_count_moves AS
  SELECT ownerId, month, status, visibility, isFavorite, type, n AS delta FROM asset_month_counts WHERE 0;

CREATE TRIGGER asset_month_count_moves_apply INSTEAD OF INSERT ON asset_month_count_moves
BEGIN
  INSERT INTO asset_month_counts (ownerId, month, status, visibility, isFavorite, type, n)
  VALUES (NEW.ownerId, NEW.month, NEW.status, NEW.visibility, NEW.isFavorite, NEW.type, NEW.delta)
  ON CONFLICT DO UPDATE SET n = n + excluded.n;
  DELETE FROM asset_month_counts
  WHERE ownerId = NEW.ownerId AND month = NEW.month AND status = NEW.status AND visibility = NEW.visibility
    AND isFavorite = NEW.isFavorite AND type = NEW.type AND n <= 0;
END;

CREATE TRIGGER assets_month_counts_insert AFTER INSERT ON assets
BEGIN
  INSERT INTO asset_month_count_moves VALUES (NEW.ownerId, substr(NEW.localDateTime, 1, 7), NEW.status, NEW.visibility, NEW.isFavorite, NEW.type, 1);
END;

CREATE TRIGGER assets_month_counts_delete AFTER DELETE ON assets
BEGIN
  INSERT INTO asset_month_count_moves VALUES (OLD.ownerId, substr(OLD.localDateTime, 1, 7), OLD.status, OLD.visibility, OLD.isFavorite, OLD.type, -1);
END;

CREATE TRIGGER assets_month_counts_update AFTER UPDATE OF ownerId, localDateTime, status, visibility, isFavorite, type ON assets
WHEN OLD.ownerId IS NOT NEW.ownerId OR substr(OLD.localDateTime, 1, 7) IS NOT substr(NEW.localDateTime, 1, 7)
  OR OLD.status IS NOT NEW.status OR OLD.visibility IS NOT NEW.visibility OR OLD.isFavorite IS NOT NEW.isFavorite
  OR OLD.type IS NOT NEW.type
BEGIN
  INSERT INTO asset_month_count_moves VALUES (OLD.ownerId, substr(OLD.localDateTime, 1, 7), OLD.status, OLD.visibility, OLD.isFavorite, OLD.type, -1);
  INSERT INTO asset_month_count_moves VALUES (NEW.ownerId, substr(NEW.localDateTime, 1, 7), NEW.status, NEW.visibility, NEW.isFavorite, NEW.type, 1);
END;

-- The partial index of migration 008 served only the bucket scan the counters replace.
DROP INDEX assets_owner_month_timeline_idx;
