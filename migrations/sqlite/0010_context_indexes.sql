-- Context assembly (GET /api/context/task/{id}, /api/tasks/next) reads a
-- project's newest tasks and the learnings routed to the task's people,
-- project and client, or learned lately; each read is bounded by a LIMIT
-- and walks one of these indexes instead of the tenant's rows.
CREATE INDEX idx_tasks_project_recent ON tasks (tenant_id, project_id, created_at) WHERE deleted_at IS NULL;
CREATE INDEX idx_knowledge_routed ON knowledge (tenant_id, routed_to_id);
CREATE INDEX idx_knowledge_recent ON knowledge (tenant_id, learned_at);
