-- The web dashboard: its sessions, and an index for its task list.
--
-- Sessions: The cookie holds a random token; only its
-- SHA-256 is stored, so a leaked table opens no session. Each session has
-- its own CSRF token, which every form POST must echo.
CREATE TABLE web_sessions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (tenant_id, user_id);

-- The dashboard's task list by status, newest first (Blocked, say), without
-- walking every task of a large workspace.
CREATE INDEX idx_tasks_status_recent ON tasks (tenant_id, status, created_at, id) WHERE deleted_at IS NULL;
