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
    pub async fn fetch_optional(
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
    pub async fn fetch_all(&mut self, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError> {
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

/// One page of `table`'s rows where `filter` holds (its placeholders bound
/// to `args`), in `order`, with how many match in all: the count and the page
/// every list endpoint answers with.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn page_of<T>(
    db: &Db,
    table: &str,
    columns: &str,
    filter: &str,
    mut args: Vec<Value>,
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
    let (limit_at, offset_at) = (args.len() + 1, args.len() + 2);
    args.push(page.limit.into());
    args.push(page.offset.into());
    let items = db
        .fetch_all(
            &format!(
                "SELECT {columns} FROM {table} WHERE {filter} ORDER BY {order} LIMIT ${limit_at} OFFSET ${offset_at}"
            ),
            &args,
        )
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<_, _>>()?;
    Ok(crate::Listing {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
    })
}
