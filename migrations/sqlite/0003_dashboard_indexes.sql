-- Indexes for the dashboard: overdue open tasks by due date, and the
-- completion and answer counts of its stats, so neither scans a large
-- tenant's tasks.
CREATE INDEX idx_tasks_overdue ON tasks(tenant_id, user_id, due_date) WHERE deleted_at IS NULL AND due_date IS NOT NULL AND status IN ('queued', 'working', 'blocked');
CREATE INDEX idx_tasks_completed ON tasks(tenant_id, user_id, completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX idx_questions_answered ON questions(tenant_id, answered_at) WHERE answered_at IS NOT NULL;
