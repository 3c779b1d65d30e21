-- The dashboard's Activity page shows everything one trace did (the audit
-- rows and the agent runs written under a trace id) and filters the log by
-- actor. Without these indexes each lookup scanned the tenant's whole log.
CREATE INDEX idx_logs_trace ON logs (tenant_id, trace_id);
CREATE INDEX idx_logs_actor ON logs (tenant_id, actor, seq);
CREATE INDEX idx_agent_runs_trace ON agent_runs (tenant_id, trace_id);
