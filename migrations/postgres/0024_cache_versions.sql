-- A token per tenant and kind of data that changes whenever that data
-- changes in a way a process keeps in memory, so the process reloads only
-- when the token moved (chief_store::tenant_cache):
-- - `playbooks`: the active playbooks matching reads. A use (use_count,
--   last_used) does not move it: consulting is frequent and matching
--   ignores it.
-- - `people`: the names that mentions in a task are found by.
-- Tokens are random, so two stores never share one by accident.
CREATE TABLE cache_versions (
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    version TEXT NOT NULL,
    PRIMARY KEY (tenant_id, kind)
);

INSERT INTO cache_versions (tenant_id, kind, version)
SELECT id, k.kind, gen_random_uuid()::text FROM tenants CROSS JOIN (VALUES ('playbooks'), ('people')) AS k(kind);

-- TG_ARGV[0] is the kind the table's rows belong to.
CREATE FUNCTION cache_version_bump() RETURNS trigger AS $$
DECLARE
    t UUID := CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
BEGIN
    INSERT INTO cache_versions (tenant_id, kind, version)
    SELECT t, TG_ARGV[0], gen_random_uuid()::text WHERE EXISTS (SELECT 1 FROM tenants WHERE id = t)
    ON CONFLICT (tenant_id, kind) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER playbooks_cache_insert_delete AFTER INSERT OR DELETE ON playbooks
FOR EACH ROW EXECUTE FUNCTION cache_version_bump('playbooks');
CREATE TRIGGER playbooks_cache_update
AFTER UPDATE OF tenant_id, name, description, category, triggers, must_consult, content, scripts, "references", examples, learned_from, source_task_id, status ON playbooks
FOR EACH ROW EXECUTE FUNCTION cache_version_bump('playbooks');

CREATE TRIGGER people_cache_insert_delete AFTER INSERT OR DELETE ON people
FOR EACH ROW EXECUTE FUNCTION cache_version_bump('people');
CREATE TRIGGER people_cache_update AFTER UPDATE OF tenant_id, name ON people
FOR EACH ROW EXECUTE FUNCTION cache_version_bump('people');

-- A draft's recipient is looked up by email or name, ignoring case; without
-- these each draft scanned the tenant's people inside its write.
CREATE INDEX idx_people_lower_email ON people (tenant_id, LOWER(email));
CREATE INDEX idx_people_lower_name ON people (tenant_id, LOWER(name));
