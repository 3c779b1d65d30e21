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
