-- The built-in agent's journal: one agent_runs row per run of the loop on
-- a task, and one agent_steps row per model call or tool call in it. A
-- write tool's step is written before the write is applied and marked
-- applied after, with the audit sequence range it wrote, so `chief agent
-- undo` can revert exactly the run's writes.
CREATE TABLE agent_runs (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    trace_id TEXT NOT NULL,
    persona TEXT NOT NULL,
    routing TEXT NOT NULL,
    -- Percent, 0 to 100.
    routing_confidence BIGINT NOT NULL,
    task_id UUID,
    status TEXT NOT NULL,
    note TEXT,
    model TEXT,
    input_tokens BIGINT NOT NULL DEFAULT 0,
    output_tokens BIGINT NOT NULL DEFAULT 0,
    cost_micro_usd BIGINT NOT NULL DEFAULT 0,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    undone_at TIMESTAMPTZ
);
CREATE INDEX agent_runs_recent ON agent_runs (tenant_id, started_at);

CREATE TABLE agent_steps (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    run_id UUID NOT NULL REFERENCES agent_runs(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    tool TEXT,
    tool_class TEXT,
    arguments JSONB,
    result JSONB,
    is_error BOOLEAN NOT NULL DEFAULT false,
    input_tokens BIGINT NOT NULL DEFAULT 0,
    output_tokens BIGINT NOT NULL DEFAULT 0,
    latency_ms BIGINT NOT NULL DEFAULT 0,
    cost_micro_usd BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    audit_from BIGINT,
    audit_to BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (run_id, seq)
);
