-- Indexes for the sync stream (POST /sync/stream): every entity type is read in keyset pages ordered by
-- updateId (upserts) or by the audit row's UUIDv7 id (deletes), scoped to one user. Every table already has an
-- updateId that moves on each change; these only make the per-user, ordered scans cheap.

CREATE INDEX assets_owner_update_id_idx ON assets (ownerId, updateId);
CREATE INDEX partners_update_id_idx ON partners (updateId);
CREATE INDEX album_users_update_id_idx ON album_users (updateId);
CREATE INDEX assets_audit_owner_id_idx ON assets_audit (ownerId, id);
CREATE INDEX albums_audit_user_id_idx ON albums_audit (userId, id);
CREATE INDEX album_users_audit_user_id_idx ON album_users_audit (userId, id);
