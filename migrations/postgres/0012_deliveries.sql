-- Where notices go (channels) and every notice on its way (deliveries),
-- with each attempt to send one. A delivery without a channel is the copy
-- the web dashboard shows; it is delivered when it is written.
CREATE TABLE channels (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('webhook', 'slack', 'discord', 'telegram', 'email')),
    name TEXT NOT NULL,
    config JSONB NOT NULL DEFAULT '{}',
    -- Encrypted (AES-256-GCM) and base64-encoded; never returned by the API.
    secret TEXT,
    -- The topics it receives; empty means all.
    topics JSONB NOT NULL DEFAULT '[]',
    enabled BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, user_id, name)
);

CREATE TABLE deliveries (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel_id UUID REFERENCES channels(id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    dedupe_key TEXT,
    payload JSONB NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    delivered_at TIMESTAMPTZ
);
-- A notice with a dedupe key is sent once per channel, ever.
CREATE UNIQUE INDEX idx_deliveries_once_inbox ON deliveries(tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL AND channel_id IS NULL;
CREATE UNIQUE INDEX idx_deliveries_once ON deliveries(tenant_id, dedupe_key, channel_id) WHERE dedupe_key IS NOT NULL AND channel_id IS NOT NULL;
CREATE INDEX idx_deliveries_due ON deliveries(next_attempt_at) WHERE status = 'pending';
CREATE INDEX idx_deliveries_user ON deliveries(tenant_id, user_id, created_at);

CREATE TABLE delivery_attempts (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    delivery_id UUID NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
    attempt BIGINT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    duration_ms BIGINT NOT NULL,
    status_code BIGINT,
    error TEXT
);
CREATE INDEX idx_delivery_attempts ON delivery_attempts(tenant_id, delivery_id, attempt);
