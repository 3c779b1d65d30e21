-- Triggers: a person's automations (a schedule or an event, an action and
-- channels), every firing of one with the chain that led to it, and the
-- marks that make a time-based event (task.overdue, waiting.overdue) fire
-- once.
CREATE TABLE triggers (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    template TEXT,
    schedule TEXT,
    timezone TEXT NOT NULL,
    event TEXT,
    action JSONB NOT NULL,
    channels JSONB NOT NULL DEFAULT '[]',
    enabled BOOLEAN NOT NULL DEFAULT true,
    paused_reason TEXT,
    job_id UUID REFERENCES jobs(id) ON DELETE SET NULL,
    -- SHA-256 of the inbound webhook token of a webhook.received trigger.
    webhook_token_hash TEXT,
    cursor BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_expires_at TIMESTAMPTZ,
    fire_count BIGINT NOT NULL DEFAULT 0,
    last_fired_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, user_id, name),
    CHECK ((schedule IS NULL) <> (event IS NULL))
);
CREATE INDEX idx_triggers_event ON triggers(tenant_id, event) WHERE enabled AND event IS NOT NULL;
CREATE UNIQUE INDEX idx_triggers_job ON triggers(job_id) WHERE job_id IS NOT NULL;
CREATE UNIQUE INDEX idx_triggers_webhook ON triggers(webhook_token_hash) WHERE webhook_token_hash IS NOT NULL;

CREATE TABLE trigger_firings (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    trigger_id UUID NOT NULL REFERENCES triggers(id) ON DELETE CASCADE,
    cause TEXT NOT NULL,
    event_seq BIGINT,
    event_type TEXT,
    status TEXT NOT NULL CHECK (status IN ('fired', 'failed', 'loop_stopped', 'rate_limited')),
    output TEXT,
    error TEXT,
    chain JSONB NOT NULL DEFAULT '[]',
    trace_id TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
-- Each event fires a trigger at most once, whatever the instances do.
CREATE UNIQUE INDEX idx_trigger_firings_once ON trigger_firings(trigger_id, event_seq) WHERE event_seq IS NOT NULL;
CREATE INDEX idx_trigger_firings_history ON trigger_firings(tenant_id, trigger_id, created_at);
CREATE INDEX idx_trigger_firings_trace ON trigger_firings(tenant_id, trace_id);

CREATE TABLE event_marks (
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    mark TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, mark)
);
