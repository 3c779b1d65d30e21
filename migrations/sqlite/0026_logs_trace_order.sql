-- A trace's audit rows are read oldest first (`ORDER BY seq`). With the
-- trace index alone SQLite chose the tenant's (tenant_id, seq) index to
-- avoid the sort and walked the whole log for a trace of three rows (65 ms
-- at 100,000 tasks); this index serves the lookup and the order together.
CREATE INDEX idx_logs_trace_seq ON logs (tenant_id, trace_id, seq);
DROP INDEX idx_logs_trace;
