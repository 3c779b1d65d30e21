-- Triggers: a person's automations (a schedule or an event, an action and
-- channels), every firing of one with the chain that led to it, and the
-- marks that make a time-based event (task.overdue, waiting.overdue) fire
-- once.
CREATE TABLE triggers (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    template TEXT,
    schedule TEXT,
    timezone TEXT NOT NULL,
    event TEXT,
    action TEXT NOT NULL,
    channels TEXT NOT NULL DEFAULT '[]',
    enabled INTEGER NOT NULL DEFAULT 1,
    paused_reason TEXT,
    job_id TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    -- SHA-256 of the inbound webhook token of a webhook.received trigger.
    webhook_token_hash TEXT,
    cursor INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_expires_at TEXT,
    fire_count INTEGER NOT NULL DEFAULT 0,
    last_fired_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tenant_id, user_id, name),
    CHECK ((schedule IS NULL) <> (event IS NULL))
);
CREATE INDEX idx_triggers_event ON triggers(tenant_id, event) WHERE enabled = 1 AND event IS NOT NULL;
CREATE UNIQUE INDEX idx_triggers_job ON triggers(job_id) WHERE job_id IS NOT NULL;
CREATE UNIQUE INDEX idx_triggers_webhook ON triggers(webhook_token_hash) WHERE webhook_token_hash IS NOT NULL;

CREATE TABLE trigger_firings (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    trigger_id TEXT NOT NULL REFERENCES triggers(id) ON DELETE CASCADE,
    cause TEXT NOT NULL,
    event_seq INTEGER,
    event_type TEXT,
    status TEXT NOT NULL CHECK (status IN ('fired', 'failed', 'loop_stopped', 'rate_limited')),
    output TEXT,
    error TEXT,
    chain TEXT NOT NULL DEFAULT '[]',
    trace_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
-- Each event fires a trigger at most once, whatever the instances do.
CREATE UNIQUE INDEX idx_trigger_firings_once ON trigger_firings(trigger_id, event_seq) WHERE event_seq IS NOT NULL;
CREATE INDEX idx_trigger_firings_history ON trigger_firings(tenant_id, trigger_id, created_at);
CREATE INDEX idx_trigger_firings_trace ON trigger_firings(tenant_id, trace_id);

CREATE TABLE event_marks (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    mark TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, mark)
);
