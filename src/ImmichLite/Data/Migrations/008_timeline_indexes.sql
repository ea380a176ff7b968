-- Indexes for the two reads that scan a whole library: the timeline's month buckets and the app's full sync
-- (measured by scripts/bench-timeline.sh; see docs/PERFORMANCE.md). Both are PARTIAL on purpose: their WHERE
-- matches only the queries they are for, so queries that constrain nothing but ownerId keep their current plans
-- (SQLite, without statistics, gives a tie between equally good indexes to the newest one, and an (ownerId, …)
-- index in another order would turn their table reads from upload order into random order).

-- GET /timeline/buckets (TimelineStore.Buckets, default filter): the rows of one owner in month order, with the
-- favourite flag, so the counts stream out of the index: no table reads and no temporary b-tree for GROUP BY.
-- Used only while the query says exactly "a.status = 'active'" and "a.visibility IN ('timeline', 'archive')"
-- and groups by exactly "substr(a.localDateTime, 1, 7)".
CREATE INDEX assets_owner_month_timeline_idx ON assets (ownerId, substr(localDateTime, 1, 7), isFavorite)
  WHERE status = 'active' AND visibility IN ('timeline', 'archive');

-- POST /sync/full-sync (SyncStore.FullSyncPage): keyset pages "a.ownerId = $o AND a.visibility <> 'hidden' …
-- AND a.id > $after ORDER BY a.id LIMIT 500" read 500 index entries each instead of all of the owner's rows
-- followed by a sort (which made a full sync O(N²)).
CREATE INDEX assets_owner_id_sync_idx ON assets (ownerId, id) WHERE visibility <> 'hidden';
