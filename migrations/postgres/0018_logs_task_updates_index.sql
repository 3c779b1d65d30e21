-- The evening summary reads today's due-date changes from the audit log.
-- Without this index it scanned every audit row of the tenant's day (in a
-- busy workspace, every job run and delivery too), once per user.
CREATE INDEX idx_logs_task_updates ON logs (tenant_id, timestamp) WHERE action = 'task.updated';
