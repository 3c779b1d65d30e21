-- Chat (`POST /api/chat`, `chief chat`): one conversations row per thread
-- a user keeps with the agent, and its messages in order. A message's
-- content is the model's blocks as JSON (text, tool calls, tool results),
-- so a conversation can be sent back to the model as it was. Each turn is
-- also an agent run (run_id), journaled and undoable like any other.
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX conversations_recent ON conversations (tenant_id, user_id, updated_at);

CREATE TABLE conversation_messages (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    run_id TEXT REFERENCES agent_runs(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    UNIQUE (conversation_id, seq)
);
