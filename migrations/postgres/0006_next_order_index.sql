-- The agent's queue (GET /api/tasks/next, `chief next --agent`) is read in
-- seed 003's order: priority, then due date (tasks without one last), then
-- age. An index in exactly that order lets the first row be read without
-- sorting the whole queue.
DROP INDEX IF EXISTS idx_tasks_next;
CREATE INDEX idx_tasks_next ON tasks (tenant_id, user_id, priority, (due_date IS NULL), due_date, created_at, id)
    WHERE status = 'queued' AND assignee = 'agent' AND deleted_at IS NULL;
