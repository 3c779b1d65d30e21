-- chief's schema on SQLite: seed 003's tables, each carrying tenant_id, plus
-- chief's own. Ids are UUID v7 text, timestamps are RFC 3339 UTC text with
-- a fixed width (so text order is time order), JSON is text.

CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    database_mode TEXT NOT NULL DEFAULT 'shared' CHECK (database_mode IN ('shared', 'dedicated')),
    connection_config TEXT,
    tier TEXT NOT NULL DEFAULT 'standard',
    settings TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    name TEXT,
    password_hash TEXT,
    role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member')),
    settings TEXT NOT NULL DEFAULT '{}',
    timezone TEXT NOT NULL DEFAULT 'UTC',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tenant_id, email)
);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);

CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    description TEXT,
    project_type TEXT NOT NULL DEFAULT 'project' CHECK (project_type IN ('project', 'initiative', 'goal')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'on_hold', 'completed', 'archived')),
    priority_order INTEGER NOT NULL DEFAULT 0,
    success_criteria TEXT,
    target_date TEXT,
    parent_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX idx_projects_tenant_name ON projects(tenant_id, name);

CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    description TEXT,
    priority INTEGER NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 5),
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'working', 'blocked', 'completed', 'cancelled')),
    assignee TEXT NOT NULL DEFAULT 'agent' CHECK (assignee IN ('agent', 'user')),
    due_date TEXT,
    due_has_time INTEGER NOT NULL DEFAULT 0,
    started_at TEXT,
    completed_at TEXT,
    blocking_question_id TEXT REFERENCES questions(id) ON DELETE SET NULL,
    context TEXT NOT NULL DEFAULT '{}',
    output TEXT,
    source TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    contexts TEXT NOT NULL DEFAULT '[]',
    attributes TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX idx_tasks_open ON tasks(tenant_id, user_id, assignee, status) WHERE deleted_at IS NULL;
CREATE INDEX idx_tasks_next ON tasks(tenant_id, user_id, priority, created_at) WHERE status = 'queued' AND assignee = 'agent' AND deleted_at IS NULL;
CREATE INDEX idx_tasks_project ON tasks(project_id);
CREATE INDEX idx_tasks_blocking ON tasks(blocking_question_id) WHERE blocking_question_id IS NOT NULL;

CREATE TABLE questions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    context TEXT,
    why_asking TEXT,
    what_agent_will_do TEXT,
    priority INTEGER NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 5),
    priority_reason TEXT,
    status TEXT NOT NULL DEFAULT 'unanswered' CHECK (status IN ('unanswered', 'answered', 'dismissed')),
    answer TEXT,
    answered_at TEXT,
    answered_by TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_questions_unanswered ON questions(tenant_id, user_id, priority, created_at) WHERE status = 'unanswered';

CREATE TABLE question_unblocks (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    PRIMARY KEY (question_id, task_id)
);
CREATE INDEX idx_question_unblocks_task ON question_unblocks(task_id);

CREATE TABLE clients (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('prospect', 'active', 'churned', 'archived')),
    notes TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX idx_clients_tenant ON clients(tenant_id, name);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id TEXT REFERENCES clients(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    title TEXT,
    company TEXT,
    relationship TEXT,
    relationship_to_user TEXT,
    political_context TEXT,
    communication_notes TEXT,
    last_contact TEXT,
    next_follow_up TEXT,
    context_notes TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX idx_people_tenant ON people(tenant_id, name);
CREATE INDEX idx_people_client ON people(client_id);

CREATE TABLE task_people (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role TEXT,
    PRIMARY KEY (task_id, person_id)
);
CREATE INDEX idx_task_people_person ON task_people(person_id);

CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    task_id TEXT REFERENCES tasks(id) ON DELETE SET NULL,
    type TEXT NOT NULL,
    recipient TEXT,
    subject TEXT,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'sent', 'revised')),
    feedback TEXT,
    revision_of TEXT REFERENCES drafts(id),
    relationship_context TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    approved_at TEXT,
    sent_at TEXT
);
CREATE INDEX idx_drafts_tenant_status ON drafts(tenant_id, status);

CREATE TABLE playbooks (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT,
    triggers TEXT NOT NULL DEFAULT '[]',
    must_consult INTEGER NOT NULL DEFAULT 0,
    content TEXT NOT NULL,
    scripts TEXT NOT NULL DEFAULT '{}',
    "references" TEXT NOT NULL DEFAULT '{}',
    examples TEXT NOT NULL DEFAULT '[]',
    learned_from TEXT,
    source_task_id TEXT REFERENCES tasks(id) ON DELETE SET NULL,
    last_used TEXT,
    use_count INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'proposed', 'archived', 'rejected')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX idx_playbooks_tenant ON playbooks(tenant_id, status);

CREATE TABLE knowledge (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    source_task_id TEXT REFERENCES tasks(id) ON DELETE SET NULL,
    source_type TEXT NOT NULL,
    trigger_phrase TEXT,
    content TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('playbook', 'person', 'client', 'project', 'setting', 'rule')),
    routed_to_type TEXT,
    routed_to_id TEXT,
    status TEXT NOT NULL DEFAULT 'captured' CHECK (status IN ('captured', 'routed', 'pending_review', 'dismissed')),
    learned_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_knowledge_status ON knowledge(tenant_id, user_id, status);
CREATE INDEX idx_knowledge_source ON knowledge(source_task_id);

CREATE TABLE recurring_tasks (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT,
    task_template TEXT NOT NULL DEFAULT '{}',
    frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly', 'custom')),
    cron_expression TEXT,
    last_run TEXT,
    next_run TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_recurring_due ON recurring_tasks(tenant_id, next_run) WHERE active = 1;

CREATE TABLE waiting_items (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    task_id TEXT REFERENCES tasks(id) ON DELETE SET NULL,
    person_id TEXT REFERENCES people(id) ON DELETE SET NULL,
    what TEXT NOT NULL,
    who TEXT,
    since TEXT NOT NULL,
    follow_up_date TEXT,
    why_it_matters TEXT,
    status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'resolved', 'abandoned')),
    resolved_at TEXT,
    resolution_notes TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_waiting_open ON waiting_items(tenant_id, status, follow_up_date);
CREATE INDEX idx_waiting_task ON waiting_items(task_id) WHERE task_id IS NOT NULL;

CREATE TABLE sales_opportunities (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id TEXT REFERENCES clients(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    description TEXT,
    stage TEXT NOT NULL DEFAULT 'lead' CHECK (stage IN ('lead', 'qualified', 'proposal', 'negotiation', 'closed_won', 'closed_lost')),
    value_cents INTEGER,
    probability INTEGER CHECK (probability BETWEEN 0 AND 100),
    expected_close_date TEXT,
    last_activity TEXT,
    next_action TEXT,
    next_action_date TEXT,
    notes TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX idx_sales_tenant_stage ON sales_opportunities(tenant_id, stage);

CREATE TABLE calendar_events (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT,
    location TEXT,
    starts_at TEXT NOT NULL,
    ends_at TEXT,
    all_day INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'imported', 'subscribed')),
    external_uid TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX idx_calendar_tenant_start ON calendar_events(tenant_id, user_id, starts_at);

CREATE TABLE settings (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX idx_settings_key ON settings(tenant_id, coalesce(user_id, ''), key);

-- The audit chain: one row per change, chained per tenant by SHA-256.
CREATE TABLE logs (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    user_id TEXT,
    timestamp TEXT NOT NULL,
    actor TEXT NOT NULL CHECK (actor IN ('user', 'agent', 'system')),
    action TEXT NOT NULL,
    entity_type TEXT,
    entity_id TEXT,
    details TEXT NOT NULL DEFAULT '{}',
    trace_id TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (tenant_id, seq)
);
CREATE INDEX idx_logs_entity ON logs(tenant_id, entity_type, entity_id);
CREATE INDEX idx_logs_time ON logs(tenant_id, timestamp);

-- The head of each tenant's chain; writers take it under the write lock.
CREATE TABLE audit_heads (
    tenant_id TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);

-- The outbox: one domain event per audited change, same sequence.
CREATE TABLE events (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    entity_type TEXT,
    entity_id TEXT,
    payload TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);

-- Full-text search: one FTS5 table per entity, keyed by the entity's rowid
-- and kept in step by triggers.
CREATE VIRTUAL TABLE tasks_fts USING fts5(title, body, tokenize = 'porter unicode61');
CREATE VIRTUAL TABLE people_fts USING fts5(title, body, tokenize = 'porter unicode61');
CREATE VIRTUAL TABLE playbooks_fts USING fts5(title, body, tokenize = 'porter unicode61');
CREATE VIRTUAL TABLE projects_fts USING fts5(title, body, tokenize = 'porter unicode61');
CREATE VIRTUAL TABLE knowledge_fts USING fts5(title, body, tokenize = 'porter unicode61');

CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO tasks_fts(rowid, title, body) VALUES (NEW.rowid, NEW.title, coalesce(NEW.description, '') || ' ' || coalesce(NEW.output, ''));
END;
CREATE TRIGGER tasks_fts_update AFTER UPDATE OF title, description, output ON tasks BEGIN
    DELETE FROM tasks_fts WHERE rowid = OLD.rowid;
    INSERT INTO tasks_fts(rowid, title, body) VALUES (NEW.rowid, NEW.title, coalesce(NEW.description, '') || ' ' || coalesce(NEW.output, ''));
END;
CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN
    DELETE FROM tasks_fts WHERE rowid = OLD.rowid;
END;

CREATE TRIGGER people_fts_insert AFTER INSERT ON people BEGIN
    INSERT INTO people_fts(rowid, title, body) VALUES (NEW.rowid, NEW.name, concat_ws(' ', NEW.company, NEW.title, NEW.email, NEW.relationship, NEW.relationship_to_user, NEW.political_context, NEW.communication_notes, NEW.context_notes));
END;
CREATE TRIGGER people_fts_update AFTER UPDATE ON people BEGIN
    DELETE FROM people_fts WHERE rowid = OLD.rowid;
    INSERT INTO people_fts(rowid, title, body) VALUES (NEW.rowid, NEW.name, concat_ws(' ', NEW.company, NEW.title, NEW.email, NEW.relationship, NEW.relationship_to_user, NEW.political_context, NEW.communication_notes, NEW.context_notes));
END;
CREATE TRIGGER people_fts_delete AFTER DELETE ON people BEGIN
    DELETE FROM people_fts WHERE rowid = OLD.rowid;
END;

CREATE TRIGGER playbooks_fts_insert AFTER INSERT ON playbooks BEGIN
    INSERT INTO playbooks_fts(rowid, title, body) VALUES (NEW.rowid, NEW.name, NEW.description || ' ' || NEW.triggers || ' ' || NEW.content);
END;
CREATE TRIGGER playbooks_fts_update AFTER UPDATE ON playbooks BEGIN
    DELETE FROM playbooks_fts WHERE rowid = OLD.rowid;
    INSERT INTO playbooks_fts(rowid, title, body) VALUES (NEW.rowid, NEW.name, NEW.description || ' ' || NEW.triggers || ' ' || NEW.content);
END;
CREATE TRIGGER playbooks_fts_delete AFTER DELETE ON playbooks BEGIN
    DELETE FROM playbooks_fts WHERE rowid = OLD.rowid;
END;

CREATE TRIGGER projects_fts_insert AFTER INSERT ON projects BEGIN
    INSERT INTO projects_fts(rowid, title, body) VALUES (NEW.rowid, NEW.name, coalesce(NEW.description, '') || ' ' || coalesce(NEW.success_criteria, ''));
END;
CREATE TRIGGER projects_fts_update AFTER UPDATE ON projects BEGIN
    DELETE FROM projects_fts WHERE rowid = OLD.rowid;
    INSERT INTO projects_fts(rowid, title, body) VALUES (NEW.rowid, NEW.name, coalesce(NEW.description, '') || ' ' || coalesce(NEW.success_criteria, ''));
END;
CREATE TRIGGER projects_fts_delete AFTER DELETE ON projects BEGIN
    DELETE FROM projects_fts WHERE rowid = OLD.rowid;
END;

CREATE TRIGGER knowledge_fts_insert AFTER INSERT ON knowledge BEGIN
    INSERT INTO knowledge_fts(rowid, title, body) VALUES (NEW.rowid, NEW.category, NEW.content);
END;
CREATE TRIGGER knowledge_fts_update AFTER UPDATE OF content, category ON knowledge BEGIN
    DELETE FROM knowledge_fts WHERE rowid = OLD.rowid;
    INSERT INTO knowledge_fts(rowid, title, body) VALUES (NEW.rowid, NEW.category, NEW.content);
END;
CREATE TRIGGER knowledge_fts_delete AFTER DELETE ON knowledge BEGIN
    DELETE FROM knowledge_fts WHERE rowid = OLD.rowid;
END;
