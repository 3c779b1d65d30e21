-- Chat (`POST /api/chat`, `chief chat`): one conversations row per thread
-- a user keeps with the agent, and its messages in order. A message's
-- content is the model's blocks as JSON (text, tool calls, tool results),
-- so a conversation can be sent back to the model as it was. Each turn is
-- also an agent run (run_id), journaled and undoable like any other.
CREATE TABLE conversations (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX conversations_recent ON conversations (tenant_id, user_id, updated_at);

CREATE TABLE conversation_messages (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    role TEXT NOT NULL,
    content JSONB NOT NULL,
    run_id UUID REFERENCES agent_runs(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (conversation_id, seq)
);
