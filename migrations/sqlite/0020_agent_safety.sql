-- The agent's safety and personas (issue 6): personas a workspace defines,
-- approvals the approval policy asked a person for, and the audit head the
-- last proactive check saw. The approval policy and the daily token budget
-- are settings (`agent.policy`), not tables.

-- A user-defined persona: its prompt, the words that route a task to it,
-- the tools it may call (empty: every tool) and the knowledge it sees
-- (`{"tags": [...], "kinds": [...]}`, empty lists meaning no bound).
CREATE TABLE agent_personas (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    prompt TEXT NOT NULL,
    keywords TEXT NOT NULL,
    tools TEXT NOT NULL,
    knowledge_scope TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (tenant_id, name)
);

-- A tool call the policy held for a person's approval: the task blocked on
-- the question, and exactly which call (tool and canonical arguments) the
-- answer approves. `used_at` is set once the approved call ran.
CREATE TABLE agent_approvals (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    task_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    tool TEXT NOT NULL,
    arguments TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX agent_approvals_task ON agent_approvals (tenant_id, task_id);

-- What the last proactive check saw: the newest audit sequence number of a
-- change that was not the agent's own bookkeeping.
CREATE TABLE agent_checks (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    seen_seq INTEGER NOT NULL,
    checked_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

-- The per-day token budget sums a tenant's model calls since midnight.
CREATE INDEX agent_steps_day ON agent_steps (tenant_id, created_at);
