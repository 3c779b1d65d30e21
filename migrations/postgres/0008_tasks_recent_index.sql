-- The task list's default order (newest first) reads this index instead of
-- sorting every task of the workspace.
CREATE INDEX idx_tasks_recent ON tasks (tenant_id, created_at, id) WHERE deleted_at IS NULL;
