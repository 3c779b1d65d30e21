-- The agent's safety and personas (issue 6): personas a workspace defines,
-- approvals the approval policy asked a person for, and the audit head the
-- last proactive check saw. The approval policy and the daily token budget
-- are settings (`agent.policy`), not tables.

-- A user-defined persona: its prompt, the words that route a task to it,
-- the tools it may call (empty: every tool) and the knowledge it sees
-- (`{"tags": [...], "kinds": [...]}`, empty lists meaning no bound).
CREATE TABLE agent_personas (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    prompt TEXT NOT NULL,
    keywords JSONB NOT NULL,
    tools JSONB NOT NULL,
    knowledge_scope JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, name)
);

-- A tool call the policy held for a person's approval: the task blocked on
-- the question, and exactly which call (tool and canonical arguments) the
-- answer approves. `used_at` is set once the approved call ran.
CREATE TABLE agent_approvals (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    task_id UUID NOT NULL,
    question_id UUID NOT NULL,
    tool TEXT NOT NULL,
    arguments TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ
);
CREATE INDEX agent_approvals_task ON agent_approvals (tenant_id, task_id);

-- What the last proactive check saw: the newest audit sequence number of a
-- change that was not the agent's own bookkeeping.
CREATE TABLE agent_checks (
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    seen_seq BIGINT NOT NULL,
    checked_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

-- The per-day token budget sums a tenant's model calls since midnight.
CREATE INDEX agent_steps_day ON agent_steps (tenant_id, created_at);
