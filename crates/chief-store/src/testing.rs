//! Raw SQL for tests, and only for tests: it exists when the `test-sql`
//! feature is on, which crates enable in their `[dev-dependencies]` alone.
//! Some tests must reach past the repositories: to forge or delete audit
//! rows and see the chain check catch it, to create and drop the
//! PostgreSQL schema each test runs in, to ask SQLite for its integrity
//! check after a crash, or to count a table's rows. Everything else,
//! production code included, goes through a repository that takes the
//! tenant.

use crate::db::{pg_query, sqlite_query};
use crate::value::{Row, Value};
use crate::{Db, StoreError, Tx};
use chief_domain::TenantId;

/// Runs a statement on the pool, outside any transaction and unaudited,
/// and returns how many rows it touched.
pub async fn execute(db: &Db, sql: &str, args: &[Value]) -> Result<u64, StoreError> {
    match db {
        Db::Sqlite(p, _) => Ok(sqlite_query(sql, args).execute(p).await?.rows_affected()),
        Db::Postgres(p) => Ok(pg_query(sql, args).execute(p).await?.rows_affected()),
    }
}

/// Runs a query on the pool that returns at most one row.
pub async fn fetch_optional(db: &Db, sql: &str, args: &[Value]) -> Result<Option<Row>, StoreError> {
    db.fetch_optional(sql, args).await
}

/// Runs a query on the pool and returns all its rows.
pub async fn fetch_all(db: &Db, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError> {
    db.fetch_all(sql, args).await
}

/// Runs a query inside a write transaction that returns at most one row.
pub async fn fetch_optional_in(
    tx: &mut Tx,
    sql: &str,
    args: &[Value],
) -> Result<Option<Row>, StoreError> {
    tx.fetch_optional(sql, args).await
}

/// Counts a tenant's rows in `table` (`logs`, `events`, …).
pub async fn count_rows(db: &Db, table: &str, tenant: TenantId) -> Result<i64, StoreError> {
    let table = identifier(table)?;
    let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE tenant_id = $1");
    let row = db
        .fetch_optional(&sql, &[Value::from(tenant)])
        .await?
        .ok_or_else(|| StoreError::Corrupt("COUNT returned no row".into()))?;
    row.int("n")
}

/// Creates the empty PostgreSQL schema `name` at `url`, on a connection of
/// its own, outside any pool.
pub async fn create_schema(url: &str, name: &str) -> Result<(), StoreError> {
    admin(url, &format!("CREATE SCHEMA {}", identifier(name)?)).await
}

/// Drops the PostgreSQL schema `name` at `url` and all it holds.
pub async fn drop_schema(url: &str, name: &str) -> Result<(), StoreError> {
    admin(
        url,
        &format!("DROP SCHEMA IF EXISTS {} CASCADE", identifier(name)?),
    )
    .await
}

async fn admin(url: &str, sql: &str) -> Result<(), StoreError> {
    use sqlx::Connection as _;
    let mut conn = sqlx::PgConnection::connect(url).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut conn)
        .await?;
    Ok(conn.close().await?)
}

/// `name` when it is a plain lower-case identifier, safe to splice.
fn identifier(name: &str) -> Result<&str, StoreError> {
    let plain = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        Ok(name)
    } else {
        Err(StoreError::invalid(
            "name",
            format!("{name:?} is not a plain identifier"),
        ))
    }
}
