-- Composed briefings (the morning plan, the midday check, the evening
-- summary and the weekly review): the structured JSON and both renderings,
-- so a channel can deliver one later without composing it again.
CREATE TABLE briefings (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('morning', 'midday', 'evening', 'weekly')),
    period_start TEXT NOT NULL,
    content_json TEXT NOT NULL,
    markdown TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_briefings_user ON briefings(tenant_id, user_id, created_at);
CREATE INDEX idx_briefings_kind ON briefings(tenant_id, user_id, kind, created_at);

-- The weekly review counts each project's tasks from this index alone,
-- without reading a large workspace's task rows.
CREATE INDEX idx_tasks_user_project ON tasks(tenant_id, user_id, project_id, status, completed_at, updated_at)
    WHERE deleted_at IS NULL AND project_id IS NOT NULL;
