-- The built-in agent's journal: one agent_runs row per run of the loop on
-- a task, and one agent_steps row per model call or tool call in it. A
-- write tool's step is written before the write is applied and marked
-- applied after, with the audit sequence range it wrote, so `chief agent
-- undo` can revert exactly the run's writes.
CREATE TABLE agent_runs (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    trace_id TEXT NOT NULL,
    persona TEXT NOT NULL,
    routing TEXT NOT NULL,
    -- Percent, 0 to 100.
    routing_confidence INTEGER NOT NULL,
    task_id TEXT,
    status TEXT NOT NULL,
    note TEXT,
    model TEXT,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cost_micro_usd INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    undone_at TEXT
);
CREATE INDEX agent_runs_recent ON agent_runs (tenant_id, started_at);

CREATE TABLE agent_steps (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    run_id TEXT NOT NULL REFERENCES agent_runs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    tool TEXT,
    tool_class TEXT,
    arguments TEXT,
    result TEXT,
    is_error INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    latency_ms INTEGER NOT NULL DEFAULT 0,
    cost_micro_usd INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    audit_from INTEGER,
    audit_to INTEGER,
    created_at TEXT NOT NULL,
    UNIQUE (run_id, seq)
);
