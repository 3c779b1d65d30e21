-- A token per tenant and kind of data that changes whenever that data
-- changes in a way a process keeps in memory, so the process reloads only
-- when the token moved (chief_store::tenant_cache):
-- - `playbooks`: the active playbooks matching reads. A use (use_count,
--   last_used) does not move it: consulting is frequent and matching
--   ignores it.
-- - `people`: the names that mentions in a task are found by.
-- Tokens are random, so two stores never share one by accident.
CREATE TABLE cache_versions (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    version TEXT NOT NULL,
    PRIMARY KEY (tenant_id, kind)
);

INSERT INTO cache_versions (tenant_id, kind, version)
SELECT id, 'playbooks', lower(hex(randomblob(16))) FROM tenants;
INSERT INTO cache_versions (tenant_id, kind, version)
SELECT id, 'people', lower(hex(randomblob(16))) FROM tenants;

CREATE TRIGGER playbooks_cache_insert AFTER INSERT ON playbooks
BEGIN
    INSERT OR REPLACE INTO cache_versions (tenant_id, kind, version)
    VALUES (NEW.tenant_id, 'playbooks', lower(hex(randomblob(16))));
END;

CREATE TRIGGER playbooks_cache_update
AFTER UPDATE OF tenant_id, name, description, category, triggers, must_consult, content, scripts, "references", examples, learned_from, source_task_id, status ON playbooks
BEGIN
    INSERT OR REPLACE INTO cache_versions (tenant_id, kind, version)
    VALUES (NEW.tenant_id, 'playbooks', lower(hex(randomblob(16))));
END;

CREATE TRIGGER playbooks_cache_delete AFTER DELETE ON playbooks
BEGIN
    INSERT OR REPLACE INTO cache_versions (tenant_id, kind, version)
    SELECT OLD.tenant_id, 'playbooks', lower(hex(randomblob(16)))
    WHERE EXISTS (SELECT 1 FROM tenants WHERE id = OLD.tenant_id);
END;

CREATE TRIGGER people_cache_insert AFTER INSERT ON people
BEGIN
    INSERT OR REPLACE INTO cache_versions (tenant_id, kind, version)
    VALUES (NEW.tenant_id, 'people', lower(hex(randomblob(16))));
END;

CREATE TRIGGER people_cache_update AFTER UPDATE OF tenant_id, name ON people
BEGIN
    INSERT OR REPLACE INTO cache_versions (tenant_id, kind, version)
    VALUES (NEW.tenant_id, 'people', lower(hex(randomblob(16))));
END;

CREATE TRIGGER people_cache_delete AFTER DELETE ON people
BEGIN
    INSERT OR REPLACE INTO cache_versions (tenant_id, kind, version)
    SELECT OLD.tenant_id, 'people', lower(hex(randomblob(16)))
    WHERE EXISTS (SELECT 1 FROM tenants WHERE id = OLD.tenant_id);
END;

-- A draft's recipient is looked up by email or name, ignoring case; without
-- these each draft scanned the tenant's people inside its write.
CREATE INDEX idx_people_lower_email ON people (tenant_id, LOWER(email));
CREATE INDEX idx_people_lower_name ON people (tenant_id, LOWER(name));
