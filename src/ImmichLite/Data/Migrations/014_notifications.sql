-- Notifications shown in the web's bell menu (v1.133+): created by an admin (POST /admin/notifications) or by the
-- server, read and dismissed by their user. `data` is the JSON object the creator attached (text).
CREATE TABLE notifications (
  id          TEXT PRIMARY KEY,
  userId      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  level       TEXT NOT NULL,                 -- success | error | warning | info
  type        TEXT NOT NULL,                 -- JobFailed | BackupFailed | SystemMessage | Custom
  title       TEXT NOT NULL,
  description TEXT,
  data        TEXT,
  readAt      TEXT,
  createdAt   TEXT NOT NULL,
  updatedAt   TEXT NOT NULL
);
CREATE INDEX notifications_user_idx ON notifications (userId, createdAt);
