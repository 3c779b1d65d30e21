-- The scheduler: jobs with a cron schedule in their owner's time zone, the
-- time they are next due and a lease, and the history of their runs.
CREATE TABLE jobs (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    schedule TEXT NOT NULL,
    timezone TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT true,
    misfire_policy TEXT NOT NULL DEFAULT 'catch_up_once' CHECK (misfire_policy IN ('catch_up_once', 'skip')),
    grace_seconds BIGINT NOT NULL DEFAULT 3600 CHECK (grace_seconds >= 0),
    next_run_at TIMESTAMPTZ NOT NULL,
    last_run_at TIMESTAMPTZ,
    lease_owner TEXT,
    lease_expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, user_id, name)
);
-- What the scheduler asks each time: the enabled jobs due soonest.
CREATE INDEX idx_jobs_due ON jobs(next_run_at) WHERE enabled;

CREATE TABLE job_runs (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    job_id UUID NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    scheduled_for TIMESTAMPTZ NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'missed')),
    output TEXT,
    error TEXT,
    cause TEXT NOT NULL,
    instance TEXT
);
-- At most one scheduled run per occurrence, whatever the instances do.
CREATE UNIQUE INDEX idx_job_runs_once ON job_runs(job_id, scheduled_for) WHERE cause <> 'manual';
CREATE INDEX idx_job_runs_history ON job_runs(tenant_id, job_id, started_at);
