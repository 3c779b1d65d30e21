//! Write transactions. A [`Tx`] belongs to one tenant and one actor; every
//! change made through it is audited with [`Tx::audit`], which appends to the
//! tenant's hash chain and writes the domain event to the outbox, in the same
//! transaction as the change itself.

use crate::audit::Link;
use crate::db::{pg_query, sqlite_query};
use crate::new_id;
use crate::value::{Row, Value, micros};
use crate::{Db, StoreError};
use chief_domain::TenantId;
use chief_domain::log::Actor;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Who is writing, for which tenant, under which trace.
#[derive(Clone, Debug)]
pub struct Scope {
    pub tenant: TenantId,
    pub actor: Actor,
    pub trace_id: Option<String>,
    /// The transaction's clock; `None` reads the system clock.
    pub now: Option<DateTime<Utc>>,
}

impl Scope {
    /// A scope for a user acting in their tenant.
    pub fn user(tenant: TenantId, user_id: Uuid) -> Scope {
        Scope {
            tenant,
            actor: Actor::user(user_id),
            trace_id: Some(new_trace_id()),
            now: None,
        }
    }
}

/// A new trace id: 32 hex digits, as W3C trace context uses.
pub fn new_trace_id() -> String {
    new_id().simple().to_string()
}

enum Inner {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// An open write transaction for one tenant.
pub struct Tx {
    inner: Inner,
    scope: Scope,
    now: DateTime<Utc>,
    /// The chain head, once taken: (seq, hash).
    head: Option<(i64, String)>,
    /// Whether an event was written, so the commit must wake followers.
    wrote_events: bool,
    /// This process's SQLite write turn, released after the transaction
    /// ends (fields drop in order).
    _write_turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

/// One audited change.
pub struct Change<'a> {
    /// `task.created`, `task.status_changed`, …
    pub action: String,
    pub entity_type: &'a str,
    pub entity_id: Uuid,
    /// The changed fields, or the action's details.
    pub details: serde_json::Value,
}

impl Db {
    /// Begins a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so concurrent writers queue instead of failing.
    pub async fn write(&self, scope: &Scope) -> Result<Tx, StoreError> {
        self.begin_write(scope, "BEGIN").await
    }

    /// A write transaction that commits without waiting for its log to
    /// reach the disk, for a record whose loss in a crash leaves a state
    /// the code already handles (the agent's journal: a step lost this way
    /// never had its write applied). PostgreSQL writes its log in order, so
    /// a later ordinary commit makes this one durable too: a journal step
    /// is never lost while the write after it is kept. The setting goes
    /// with the `BEGIN`, in one round trip. SQLite in WAL mode with
    /// `synchronous=NORMAL` already commits this way.
    pub async fn write_relaxed(&self, scope: &Scope) -> Result<Tx, StoreError> {
        self.begin_write(scope, "BEGIN; SET LOCAL synchronous_commit = off")
            .await
    }

    /// `begin` is PostgreSQL's opening statement.
    async fn begin_write(&self, scope: &Scope, begin: &'static str) -> Result<Tx, StoreError> {
        let (inner, write_turn) = match self {
            Db::Sqlite(readers, writer) => {
                let turn = writer.turn.clone().lock_owned().await;
                let pool = writer.pool.as_ref().unwrap_or(readers);
                (
                    Inner::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
                    Some(turn),
                )
            }
            Db::Postgres(p) => (Inner::Postgres(p.begin_with(begin).await?), None),
        };
        Ok(Tx {
            inner,
            now: micros(scope.now.unwrap_or_else(Utc::now)),
            scope: scope.clone(),
            head: None,
            wrote_events: false,
            _write_turn: write_turn,
        })
    }
}

impl Db {
    /// A write transaction for the scheduler's bookkeeping (leases, run
    /// records), which spans tenants and is not a change to any workspace:
    /// it belongs to no tenant and refuses to audit.
    pub async fn bookkeeping(&self) -> Result<Tx, StoreError> {
        self.write(&Scope {
            tenant: TenantId(Uuid::nil()),
            actor: Actor::system(),
            trace_id: None,
            now: None,
        })
        .await
    }
}

impl Tx {
    /// The tenant every statement in this transaction is for.
    pub fn tenant(&self) -> TenantId {
        self.scope.tenant
    }

    /// The user acting, if a person or the agent acting for one.
    pub fn user_id(&self) -> Option<Uuid> {
        self.scope.actor.user_id
    }

    /// Who is making the changes.
    pub fn actor(&self) -> chief_domain::log::Actor {
        self.scope.actor
    }

    /// The trace its changes are audited under.
    pub fn trace_id(&self) -> Option<&str> {
        self.scope.trace_id.as_deref()
    }

    /// The transaction's clock: one instant for every row it writes.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Which backend this transaction runs on.
    pub fn backend(&self) -> crate::Backend {
        match self.inner {
            Inner::Sqlite(_) => crate::Backend::Sqlite,
            Inner::Postgres(_) => crate::Backend::Postgres,
        }
    }

    /// Runs a statement and returns how many rows it touched.
    pub(crate) async fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64, StoreError> {
        match &mut self.inner {
            Inner::Sqlite(t) => Ok(sqlite_query(sql, args)
                .execute(&mut **t)
                .await?
                .rows_affected()),
            Inner::Postgres(t) => Ok(pg_query(sql, args).execute(&mut **t).await?.rows_affected()),
        }
    }

    /// Runs a query that returns at most one row.
    pub(crate) async fn fetch_optional(
        &mut self,
        sql: &str,
        args: &[Value],
    ) -> Result<Option<Row>, StoreError> {
        match &mut self.inner {
            Inner::Sqlite(t) => Ok(sqlite_query(sql, args)
                .fetch_optional(&mut **t)
                .await?
                .map(Row::Sqlite)),
            Inner::Postgres(t) => Ok(pg_query(sql, args)
                .fetch_optional(&mut **t)
                .await?
                .map(Row::Postgres)),
        }
    }

    /// Runs a query and returns all its rows.
    pub(crate) async fn fetch_all(
        &mut self,
        sql: &str,
        args: &[Value],
    ) -> Result<Vec<Row>, StoreError> {
        match &mut self.inner {
            Inner::Sqlite(t) => Ok(sqlite_query(sql, args)
                .fetch_all(&mut **t)
                .await?
                .into_iter()
                .map(Row::Sqlite)
                .collect()),
            Inner::Postgres(t) => Ok(pg_query(sql, args)
                .fetch_all(&mut **t)
                .await?
                .into_iter()
                .map(Row::Postgres)
                .collect()),
        }
    }

    /// Starts a new chain for a tenant created in this transaction.
    pub(crate) async fn start_chain(&mut self) -> Result<(), StoreError> {
        let tenant = self.tenant();
        self.execute(
            "INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ($1, 0, $2)",
            &[tenant.into(), crate::audit::GENESIS_HASH.into()],
        )
        .await?;
        self.head = Some((0, crate::audit::GENESIS_HASH.to_string()));
        Ok(())
    }

    /// Waits for the tenant's other writers, so that rows read next stay
    /// current until this transaction commits: a read-modify-write (say,
    /// appending to a note) cannot lose a concurrent one. PostgreSQL locks
    /// the tenant's audit head; SQLite already holds the write lock.
    pub async fn lock_tenant(&mut self) -> Result<(), StoreError> {
        self.take_head().await.map(|_| ())
    }

    async fn take_head(&mut self) -> Result<(i64, String), StoreError> {
        if let Some(head) = &self.head {
            return Ok(head.clone());
        }
        // PostgreSQL serialises writers per tenant on the head row; SQLite
        // already holds the database write lock.
        let sql = match self.backend() {
            crate::Backend::Sqlite => "SELECT seq, hash FROM audit_heads WHERE tenant_id = $1",
            crate::Backend::Postgres => {
                "SELECT seq, hash FROM audit_heads WHERE tenant_id = $1 FOR UPDATE"
            }
        };
        let tenant = self.tenant();
        let row = self
            .fetch_optional(sql, &[tenant.into()])
            .await?
            .ok_or_else(|| StoreError::not_found("tenant", tenant))?;
        let head = (row.int("seq")?, row.text("hash")?);
        self.head = Some(head.clone());
        Ok(head)
    }

    /// Records a change: appends a row to the audit chain. The database's
    /// `logs_outbox` trigger writes the matching outbox event and moves the
    /// chain head in the same statement. Returns the sequence number of both.
    pub async fn audit(&mut self, change: Change<'_>) -> Result<i64, StoreError> {
        if self.tenant().0.is_nil() {
            return Err(StoreError::invalid(
                "tenant",
                "a bookkeeping transaction cannot record a workspace change",
            ));
        }
        let (prev_seq, prev_hash) = self.take_head().await?;
        let seq = prev_seq + 1;
        let id = new_id();
        let link = Link {
            id,
            tenant_id: self.tenant(),
            seq,
            user_id: self.scope.actor.user_id,
            timestamp: self.now,
            actor: self.scope.actor.kind,
            action: &change.action,
            entity_type: Some(change.entity_type),
            entity_id: Some(change.entity_id),
            details: &change.details,
            trace_id: self.scope.trace_id.as_deref(),
        };
        let hash = link.hash(&prev_hash);
        let args = [
            id.into(),
            self.tenant().into(),
            seq.into(),
            self.scope.actor.user_id.into(),
            self.now.into(),
            self.scope.actor.kind.as_str().into(),
            change.action.as_str().into(),
            change.entity_type.into(),
            change.entity_id.into(),
            Value::Json(Some(change.details.clone())),
            self.scope.trace_id.clone().into(),
            prev_hash.into(),
            hash.clone().into(),
        ];
        self.execute(
            "INSERT INTO logs (id, tenant_id, seq, user_id, timestamp, actor, action, entity_type, entity_id, details, trace_id, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            &args,
        )
        .await?;
        self.head = Some((seq, hash));
        self.wrote_events = true;
        Ok(seq)
    }

    /// Records a new entity as `{action_prefix}.{verb}`, with every field
    /// listed as changed from nothing.
    pub async fn audit_new<T: serde::Serialize>(
        &mut self,
        action_prefix: &str,
        verb: &str,
        entity_type: &str,
        entity: &T,
        entity_id: Uuid,
    ) -> Result<i64, StoreError> {
        let after = serde_json::to_value(entity).expect("domain values serialise to JSON");
        self.audit(Change {
            action: chief_domain::event::action(action_prefix, verb),
            entity_type,
            entity_id,
            details: chief_domain::log::diff(&serde_json::json!({}), &after),
        })
        .await
    }

    /// Commits the change, its audit rows and its events together, then
    /// wakes the tenant's followers: in this process at once, and in other
    /// instances through PostgreSQL's NOTIFY, which is sent at commit.
    pub async fn commit(self) -> Result<(), StoreError> {
        let tenant = self.tenant();
        match self.inner {
            Inner::Sqlite(t) => t.commit().await?,
            Inner::Postgres(t) => t.commit().await?,
        }
        if self.wrote_events {
            crate::events::wake(tenant);
        }
        Ok(())
    }
}
