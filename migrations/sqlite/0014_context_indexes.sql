-- Context assembly (GET /api/context/task/{id}, /api/tasks/next) reads a
-- project's newest tasks and the learnings routed to the task's people,
-- project and client, or learned lately; each read is bounded by a LIMIT
-- and walks one of these indexes instead of the tenant's rows.
CREATE INDEX idx_tasks_project_recent ON tasks (tenant_id, project_id, created_at) WHERE deleted_at IS NULL;
CREATE INDEX idx_knowledge_routed ON knowledge (tenant_id, routed_to_id);
CREATE INDEX idx_knowledge_recent ON knowledge (tenant_id, learned_at);
-- A task's history, newest first: with seq in the index the planner reads
-- the task's own rows instead of walking the tenant's log backwards (230 ms
-- on a 100,000-task workspace). It replaces the index it extends.
CREATE INDEX idx_logs_entity_seq ON logs (tenant_id, entity_type, entity_id, seq);
DROP INDEX idx_logs_entity;
