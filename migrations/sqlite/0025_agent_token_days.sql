-- Each workspace's model tokens per UTC day, added to in the same
-- transaction as the model call's journal step, so the daily budget is
-- checked with one lookup before every model call instead of summing the
-- day's steps (which grew with every call).
CREATE TABLE agent_token_days (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    tokens INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, day)
);

INSERT INTO agent_token_days (tenant_id, day, tokens)
SELECT tenant_id, substr(created_at, 1, 10), SUM(COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0))
FROM agent_steps WHERE kind = 'model_call'
GROUP BY tenant_id, substr(created_at, 1, 10);
