-- The person's queue is read by tier (overdue or not, then priority). This
-- finds one tier's tasks and holds every column their urgency is scored
-- and ordered by, so only the tasks kept are read from the table.
CREATE INDEX idx_tasks_user_queue ON tasks (tenant_id, user_id, assignee, priority, due_date, created_at, status, id)
    WHERE deleted_at IS NULL AND status IN ('queued', 'working');
