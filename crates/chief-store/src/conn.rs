//! Reads that work both on the pool and inside a write transaction, so each
//! repository writes its `get` once and uses it for both.

use crate::value::{Row, Value};
use crate::{Db, StoreError, Tx};
use chief_domain::TenantId;
use uuid::Uuid;

/// The pool or an open transaction.
pub enum Conn<'a> {
    Db(&'a Db),
    Tx(&'a mut Tx),
}

impl<'a> From<&'a Db> for Conn<'a> {
    fn from(db: &'a Db) -> Self {
        Conn::Db(db)
    }
}

impl<'a> From<&'a mut Tx> for Conn<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Conn::Tx(tx)
    }
}

impl Conn<'_> {
    /// The same connection, borrowed again for one more call.
    pub fn reborrow(&mut self) -> Conn<'_> {
        match self {
            Conn::Db(db) => Conn::Db(db),
            Conn::Tx(tx) => Conn::Tx(tx),
        }
    }

    /// Runs a query that returns at most one row.
    pub(crate) async fn fetch_optional(
        &mut self,
        sql: &str,
        args: &[Value],
    ) -> Result<Option<Row>, StoreError> {
        match self {
            Conn::Db(db) => db.fetch_optional(sql, args).await,
            Conn::Tx(tx) => tx.fetch_optional(sql, args).await,
        }
    }

    /// Runs a query and returns all its rows.
    pub(crate) async fn fetch_all(
        &mut self,
        sql: &str,
        args: &[Value],
    ) -> Result<Vec<Row>, StoreError> {
        match self {
            Conn::Db(db) => db.fetch_all(sql, args).await,
            Conn::Tx(tx) => tx.fetch_all(sql, args).await,
        }
    }
}

/// One row of `table` by id, in the tenant; `NotFound` names `entity`.
/// `extra` narrows the match further (for example `AND deleted_at IS NULL`).
pub(crate) async fn by_id(
    mut conn: Conn<'_>,
    table: &str,
    columns: &str,
    extra: &str,
    entity: &'static str,
    tenant: TenantId,
    id: Uuid,
) -> Result<Row, StoreError> {
    let sql = format!("SELECT {columns} FROM {table} WHERE tenant_id = $1 AND id = $2{extra}");
    conn.fetch_optional(&sql, &[tenant.into(), id.into()])
        .await?
        .ok_or_else(|| StoreError::not_found(entity, id))
}

/// One page of rows matching `filter`, in `order`, without a count.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn items_of<T>(
    db: &Db,
    table: &str,
    columns: &str,
    filter: &str,
    mut args: Vec<Value>,
    order: &str,
    page: crate::Page,
    from_row: impl Fn(&Row) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let (limit_at, offset_at) = (args.len() + 1, args.len() + 2);
    args.push(page.limit.into());
    args.push(page.offset.into());
    db.fetch_all(
        &format!(
            "SELECT {columns} FROM {table} WHERE {filter} ORDER BY {order} LIMIT ${limit_at} OFFSET ${offset_at}"
        ),
        &args,
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// One page of `table`'s rows where `filter` holds (its placeholders bound
/// to `args`), in `order`, with how many match in all: the count and the page
/// every list endpoint answers with.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn page_of<T>(
    db: &Db,
    table: &str,
    columns: &str,
    filter: &str,
    args: Vec<Value>,
    order: &str,
    page: crate::Page,
    from_row: impl Fn(&Row) -> Result<T, StoreError>,
) -> Result<crate::Listing<T>, StoreError> {
    let total = db
        .fetch_optional(
            &format!("SELECT COUNT(*) AS n FROM {table} WHERE {filter}"),
            &args,
        )
        .await?
        .map(|r| r.int("n"))
        .transpose()?
        .unwrap_or(0);
    let items = items_of(db, table, columns, filter, args, order, page, from_row).await?;
    Ok(crate::Listing {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
    })
}

/// Leases up to `limit` rows of `table` that are due by `due_column` at
/// `now`, match `filter`, and whose lease (`lease_owner`,
/// `lease_expires_at`) is free or expired, to `instance` until
/// `now + lease`; soonest due first. On PostgreSQL the rows are taken with
/// `FOR UPDATE SKIP LOCKED`, so instances never take the same one; SQLite
/// has one writer. The job scheduler and the delivery worker both lease
/// through this. It reads across tenants: it hands out leases, and each row
/// is then handled in its own tenant.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn claim_leases<T>(
    db: &Db,
    table: &str,
    columns: &str,
    due_column: &str,
    filter: &str,
    instance: &str,
    now: chrono::DateTime<chrono::Utc>,
    lease: chrono::Duration,
    limit: i64,
    from_row: impl Fn(&Row) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let lock = match db.backend() {
        crate::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        crate::Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE {table} SET lease_owner = $1, lease_expires_at = $2 WHERE id IN (\
         SELECT id FROM {table} WHERE {filter} AND {due_column} <= $3 \
         AND (lease_expires_at IS NULL OR lease_expires_at < $3) \
         ORDER BY {due_column}, id LIMIT $4{lock}) RETURNING {columns}, {due_column} AS lease_due_at"
    );
    let mut tx = db.bookkeeping().await?;
    let rows = tx
        .fetch_all(
            &sql,
            &[
                instance.into(),
                (now + lease).into(),
                now.into(),
                limit.into(),
            ],
        )
        .await?;
    tx.commit().await?;
    let mut due = rows
        .iter()
        .map(|r| Ok((r.ts("lease_due_at")?, r.uuid("id")?, from_row(r)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    // RETURNING does not keep the subquery's order.
    due.sort_by_key(|(at, id, _)| (*at, *id));
    Ok(due.into_iter().map(|(_, _, item)| item).collect())
}

/// What a user's named thing (a job, a channel, a trigger) is read as.
pub(crate) struct Owned<'a, T> {
    pub table: &'a str,
    pub columns: &'a str,
    /// The entity's name in a not-found error: "channel".
    pub entity: &'static str,
    pub from_row: fn(&Row) -> Result<T, StoreError>,
}

impl<T> Owned<'_, T> {
    /// The user's row named `name` (unique per user), or not found.
    pub async fn by_name(
        &self,
        db: &Db,
        tenant: TenantId,
        user_id: uuid::Uuid,
        name: &str,
    ) -> Result<T, StoreError> {
        db.fetch_optional(
            &format!(
                "SELECT {} FROM {} WHERE tenant_id = $1 AND user_id = $2 AND name = $3",
                self.columns, self.table
            ),
            &[tenant.into(), user_id.into(), name.trim().into()],
        )
        .await?
        .map(|r| (self.from_row)(&r))
        .transpose()?
        .ok_or_else(|| StoreError::not_found(self.entity, name))
    }

    /// The tenant's rows (one user's when given), in `order`.
    pub async fn list(
        &self,
        db: &Db,
        tenant: TenantId,
        user_id: Option<uuid::Uuid>,
        order: &str,
    ) -> Result<Vec<T>, StoreError> {
        db.fetch_all(
            &format!(
                "SELECT {} FROM {} WHERE tenant_id = $1 AND ($2 IS NULL OR user_id = $2) ORDER BY {order}",
                self.columns, self.table
            ),
            &[tenant.into(), user_id.into()],
        )
        .await?
        .iter()
        .map(self.from_row)
        .collect()
    }
}

/// A list query's `WHERE`, built clause by clause: it starts with the
/// tenant, so no list forgets it.
pub(crate) struct Where {
    pub clauses: Vec<String>,
    pub args: Vec<Value>,
}

impl Where {
    pub fn new(tenant: TenantId) -> Where {
        Where {
            clauses: vec!["tenant_id = $1".into()],
            args: vec![tenant.into()],
        }
    }

    /// Adds a clause; `?` in it stands for the next placeholder.
    pub fn push(&mut self, clause: &str, arg: Value) {
        self.args.push(arg);
        let n = self.args.len();
        self.clauses.push(clause.replace('?', &format!("${n}")));
    }

    pub fn sql(&self) -> String {
        self.clauses.join(" AND ")
    }
}
