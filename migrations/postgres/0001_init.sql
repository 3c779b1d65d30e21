-- chief's schema on PostgreSQL: seed 003's tables, each carrying tenant_id,
-- plus chief's own. Ids are UUID v7, timestamps TIMESTAMPTZ, JSON is JSONB,
-- and full-text search uses generated tsvector columns with GIN indexes.

CREATE TABLE tenants (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    database_mode TEXT NOT NULL DEFAULT 'shared' CHECK (database_mode IN ('shared', 'dedicated')),
    connection_config TEXT,
    tier TEXT NOT NULL DEFAULT 'standard',
    settings JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    name TEXT,
    password_hash TEXT,
    role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member')),
    settings JSONB NOT NULL DEFAULT '{}',
    timezone TEXT NOT NULL DEFAULT 'UTC',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, email)
);

CREATE TABLE api_keys (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    scopes JSONB NOT NULL DEFAULT '[]',
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE projects (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    description TEXT,
    project_type TEXT NOT NULL DEFAULT 'project' CHECK (project_type IN ('project', 'initiative', 'goal')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'on_hold', 'completed', 'archived')),
    priority_order BIGINT NOT NULL DEFAULT 0,
    success_criteria TEXT,
    target_date DATE,
    parent_id UUID REFERENCES projects(id) ON DELETE SET NULL,
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_projects_tenant_name ON projects(tenant_id, name);

CREATE TABLE tasks (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project_id UUID REFERENCES projects(id) ON DELETE SET NULL,
    title TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 500),
    description TEXT,
    priority BIGINT NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 5),
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'working', 'blocked', 'completed', 'cancelled')),
    assignee TEXT NOT NULL DEFAULT 'agent' CHECK (assignee IN ('agent', 'user')),
    due_date TIMESTAMPTZ,
    due_has_time BOOLEAN NOT NULL DEFAULT false,
    started_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    blocking_question_id UUID,
    context JSONB NOT NULL DEFAULT '{}',
    output TEXT,
    source TEXT,
    tags JSONB NOT NULL DEFAULT '[]',
    contexts JSONB NOT NULL DEFAULT '[]',
    attributes JSONB NOT NULL DEFAULT '[]',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    deleted_at TIMESTAMPTZ
);
CREATE INDEX idx_tasks_open ON tasks(tenant_id, user_id, assignee, status) WHERE deleted_at IS NULL;
CREATE INDEX idx_tasks_next ON tasks(tenant_id, user_id, priority, created_at) WHERE status = 'queued' AND assignee = 'agent' AND deleted_at IS NULL;
CREATE INDEX idx_tasks_project ON tasks(project_id);
CREATE INDEX idx_tasks_blocking ON tasks(blocking_question_id) WHERE blocking_question_id IS NOT NULL;

CREATE TABLE questions (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    context TEXT,
    why_asking TEXT,
    what_agent_will_do TEXT,
    priority BIGINT NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 5),
    priority_reason TEXT,
    status TEXT NOT NULL DEFAULT 'unanswered' CHECK (status IN ('unanswered', 'answered', 'dismissed')),
    answer TEXT,
    answered_at TIMESTAMPTZ,
    answered_by TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_questions_unanswered ON questions(tenant_id, user_id, priority, created_at) WHERE status = 'unanswered';

CREATE TABLE question_unblocks (
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    question_id UUID NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    task_id UUID NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    PRIMARY KEY (question_id, task_id)
);
CREATE INDEX idx_question_unblocks_task ON question_unblocks(task_id);

CREATE TABLE clients (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('prospect', 'active', 'churned', 'archived')),
    notes TEXT,
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_clients_tenant ON clients(tenant_id, name);

CREATE TABLE people (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id UUID REFERENCES clients(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    title TEXT,
    company TEXT,
    relationship TEXT,
    relationship_to_user TEXT,
    political_context TEXT,
    communication_notes TEXT,
    last_contact TIMESTAMPTZ,
    next_follow_up TIMESTAMPTZ,
    context_notes TEXT,
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_people_tenant ON people(tenant_id, name);
CREATE INDEX idx_people_client ON people(client_id);

CREATE TABLE task_people (
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    task_id UUID NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    person_id UUID NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role TEXT,
    PRIMARY KEY (task_id, person_id)
);
CREATE INDEX idx_task_people_person ON task_people(person_id);

CREATE TABLE drafts (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    task_id UUID REFERENCES tasks(id) ON DELETE SET NULL,
    type TEXT NOT NULL,
    recipient TEXT,
    subject TEXT,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'sent', 'revised')),
    feedback TEXT,
    revision_of UUID REFERENCES drafts(id),
    relationship_context JSONB,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    approved_at TIMESTAMPTZ,
    sent_at TIMESTAMPTZ
);
CREATE INDEX idx_drafts_tenant_status ON drafts(tenant_id, status);

CREATE TABLE playbooks (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT,
    triggers JSONB NOT NULL DEFAULT '[]',
    must_consult BOOLEAN NOT NULL DEFAULT false,
    content TEXT NOT NULL,
    scripts JSONB NOT NULL DEFAULT '{}',
    "references" JSONB NOT NULL DEFAULT '{}',
    examples JSONB NOT NULL DEFAULT '[]',
    learned_from TEXT,
    source_task_id UUID REFERENCES tasks(id) ON DELETE SET NULL,
    last_used TIMESTAMPTZ,
    use_count BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'proposed', 'archived', 'rejected')),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_playbooks_tenant ON playbooks(tenant_id, status);

CREATE TABLE knowledge (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    source_task_id UUID REFERENCES tasks(id) ON DELETE SET NULL,
    source_type TEXT NOT NULL,
    trigger_phrase TEXT,
    content TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('playbook', 'person', 'client', 'project', 'setting', 'rule')),
    routed_to_type TEXT,
    routed_to_id UUID,
    status TEXT NOT NULL DEFAULT 'captured' CHECK (status IN ('captured', 'routed', 'pending_review', 'dismissed')),
    learned_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_knowledge_status ON knowledge(tenant_id, user_id, status);
CREATE INDEX idx_knowledge_source ON knowledge(source_task_id);

CREATE TABLE recurring_tasks (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT,
    task_template JSONB NOT NULL DEFAULT '{}',
    frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly', 'custom')),
    cron_expression TEXT,
    last_run TIMESTAMPTZ,
    next_run TIMESTAMPTZ NOT NULL,
    active BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_recurring_due ON recurring_tasks(tenant_id, next_run) WHERE active;

CREATE TABLE waiting_items (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    task_id UUID REFERENCES tasks(id) ON DELETE SET NULL,
    person_id UUID REFERENCES people(id) ON DELETE SET NULL,
    what TEXT NOT NULL,
    who TEXT,
    since TIMESTAMPTZ NOT NULL,
    follow_up_date TIMESTAMPTZ,
    why_it_matters TEXT,
    status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'resolved', 'abandoned')),
    resolved_at TIMESTAMPTZ,
    resolution_notes TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_waiting_open ON waiting_items(tenant_id, status, follow_up_date);
CREATE INDEX idx_waiting_task ON waiting_items(task_id) WHERE task_id IS NOT NULL;

CREATE TABLE sales_opportunities (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id UUID REFERENCES clients(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    description TEXT,
    stage TEXT NOT NULL DEFAULT 'lead' CHECK (stage IN ('lead', 'qualified', 'proposal', 'negotiation', 'closed_won', 'closed_lost')),
    value_cents BIGINT,
    probability BIGINT CHECK (probability BETWEEN 0 AND 100),
    expected_close_date DATE,
    last_activity TIMESTAMPTZ,
    next_action TEXT,
    next_action_date DATE,
    notes TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    closed_at TIMESTAMPTZ
);
CREATE INDEX idx_sales_tenant_stage ON sales_opportunities(tenant_id, stage);

CREATE TABLE calendar_events (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT,
    location TEXT,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ,
    all_day BOOLEAN NOT NULL DEFAULT false,
    source TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'imported', 'subscribed')),
    external_uid TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_calendar_tenant_start ON calendar_events(tenant_id, user_id, starts_at);

CREATE TABLE settings (
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id UUID REFERENCES users(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value JSONB NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE NULLS NOT DISTINCT (tenant_id, user_id, key)
);

-- The audit chain: one row per change, chained per tenant by SHA-256.
CREATE TABLE logs (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    user_id UUID,
    timestamp TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL CHECK (actor IN ('user', 'agent', 'system')),
    action TEXT NOT NULL,
    entity_type TEXT,
    entity_id UUID,
    details JSONB NOT NULL DEFAULT '{}',
    trace_id TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (tenant_id, seq)
);
CREATE INDEX idx_logs_entity ON logs(tenant_id, entity_type, entity_id);
CREATE INDEX idx_logs_time ON logs(tenant_id, timestamp);

-- The head of each tenant's chain; writers take it under the write lock.
CREATE TABLE audit_heads (
    tenant_id UUID PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);

-- The outbox: one domain event per audited change, same sequence.
CREATE TABLE events (
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    event_type TEXT NOT NULL,
    entity_type TEXT,
    entity_id UUID,
    payload JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);

ALTER TABLE tasks ADD CONSTRAINT fk_tasks_blocking_question
    FOREIGN KEY (blocking_question_id) REFERENCES questions(id) ON DELETE SET NULL;

-- Full-text search: a generated tsvector per searchable table.
ALTER TABLE tasks ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', coalesce(description, '') || ' ' || coalesce(output, '')), 'B')) STORED;
CREATE INDEX idx_tasks_search ON tasks USING gin(search_vector);

ALTER TABLE people ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', name), 'A') ||
    setweight(to_tsvector('english', coalesce(company, '') || ' ' || coalesce(title, '') || ' ' || coalesce(email, '') || ' ' || coalesce(relationship, '') || ' ' || coalesce(relationship_to_user, '') || ' ' || coalesce(political_context, '') || ' ' || coalesce(communication_notes, '') || ' ' || coalesce(context_notes, '')), 'B')) STORED;
CREATE INDEX idx_people_search ON people USING gin(search_vector);

ALTER TABLE playbooks ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', name), 'A') ||
    setweight(to_tsvector('english', description || ' ' || triggers::text || ' ' || content), 'B')) STORED;
CREATE INDEX idx_playbooks_search ON playbooks USING gin(search_vector);

ALTER TABLE projects ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', name), 'A') ||
    setweight(to_tsvector('english', coalesce(description, '') || ' ' || coalesce(success_criteria, '')), 'B')) STORED;
CREATE INDEX idx_projects_search ON projects USING gin(search_vector);

ALTER TABLE knowledge ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', category), 'A') ||
    setweight(to_tsvector('english', content), 'B')) STORED;
CREATE INDEX idx_knowledge_search ON knowledge USING gin(search_vector);
