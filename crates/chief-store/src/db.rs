//! The connection to either backend and the two ways to read with it
//! (`fetch_optional`, `fetch_all`), written once for both; writes go
//! through a [`crate::Tx`]. Both are private to the store, so every query
//! outside it goes through a repository that takes the tenant.
//!
//! Queries use `$1`-style placeholders, which SQLite and PostgreSQL both
//! accept. Where the SQL must differ (full-text search, JSON, upserts) the
//! repository asks [`Db::backend`] and picks its text.

use crate::StoreError;
use crate::value::{Row, Value, sqlite_ts};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, PgPool, SqlitePool};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

/// Which database engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the store lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A `postgres://` URL.
    Postgres(String),
}

impl Location {
    /// Reads a `--database-url`: `postgres://…`, `sqlite://PATH` or a path.
    pub fn parse(url: &str) -> Result<Location, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Location::Postgres(url.to_string()))
        } else if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            Ok(Location::Sqlite(PathBuf::from(path)))
        } else if url.contains("://") {
            Err(StoreError::Config(format!(
                "unsupported database URL {url:?}: use postgres://… or sqlite://PATH"
            )))
        } else {
            Ok(Location::Sqlite(PathBuf::from(url)))
        }
    }

    /// A description safe to print (no password).
    pub fn describe(&self) -> String {
        match self {
            Location::Sqlite(p) => p.display().to_string(),
            Location::Postgres(url) => match url.split_once('@') {
                Some((scheme_user, host)) => {
                    let scheme = scheme_user.split("://").next().unwrap_or("postgres");
                    format!("{scheme}://…@{host}")
                }
                None => url.clone(),
            },
        }
    }
}

/// Options for opening a store.
#[derive(Clone, Debug)]
pub struct OpenOptions {
    /// Create the SQLite file if it is missing.
    pub create: bool,
    /// Most connections in the pool.
    pub max_connections: u32,
    /// How long SQLite waits for a lock before giving up.
    pub busy_timeout: Duration,
    /// PostgreSQL `search_path`, so tests can each use their own schema.
    pub pg_schema: Option<String>,
    /// Bring the schema up to date on open (off only for admin connections).
    pub migrate: bool,
    /// How long a PostgreSQL request waits for a connection before it is
    /// answered "unavailable": short, so a database that is down fails each
    /// request in seconds instead of holding it.
    pub acquire_timeout: Duration,
}

/// The default [`OpenOptions::acquire_timeout`]: long enough for a busy
/// pool to hand over a connection, short enough that a database that is
/// down answers 503 before a person gives up.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            create: true,
            max_connections: 8,
            busy_timeout: Duration::from_secs(5),
            pg_schema: None,
            migrate: true,
            acquire_timeout: ACQUIRE_TIMEOUT,
        }
    }
}

/// An open store on one of the two backends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool, SqliteWriter),
    Postgres(PgPool),
}

/// SQLite has one writer at a time. Writers in this process take turns on
/// `turn` (first come, first served) instead of spinning in SQLite's busy
/// handler (which still covers writers in other processes), and write
/// through one long-lived connection whose page cache stays warm: a write
/// through any other connection would make it reread the pages it needs.
#[derive(Clone, Debug)]
pub struct SqliteWriter {
    /// `None` when the store has one connection (the command line's), which
    /// then does both.
    pub(crate) pool: Option<SqlitePool>,
    pub(crate) turn: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// The writer connection's page cache, in KiB (SQLite's default is 2,000).
const WRITER_CACHE_KIB: i64 = 16 * 1024;

impl Db {
    /// Opens the store and brings its schema up to date.
    pub async fn open(location: &Location, opts: &OpenOptions) -> Result<Db, StoreError> {
        let db = match location {
            Location::Sqlite(path) => {
                let (read, write) = open_sqlite(path, opts).await?;
                let writer = SqliteWriter {
                    pool: write,
                    turn: Default::default(),
                };
                if let Some(pool) = &writer.pool {
                    spawn_checkpoints(pool.clone(), writer.turn.clone());
                }
                Db::Sqlite(read, writer)
            }
            Location::Postgres(url) => {
                let mut connect = PgConnectOptions::from_str(url)
                    .map_err(|e| StoreError::Config(format!("bad PostgreSQL URL: {e}")))?;
                if let Some(schema) = &opts.pg_schema {
                    connect = connect.options([("search_path", schema.as_str())]);
                }
                let pool = PgPoolOptions::new()
                    .max_connections(opts.max_connections)
                    .acquire_timeout(opts.acquire_timeout)
                    .connect_with(connect)
                    .await
                    .map_err(|e| {
                        StoreError::Unavailable(format!(
                            "cannot connect to PostgreSQL at {}: {e}",
                            location.describe()
                        ))
                    })?;
                Db::Postgres(pool)
            }
        };
        if opts.migrate {
            db.migrate().await?;
        }
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let result = match self {
            Db::Sqlite(p, _) => SQLITE_MIGRATIONS.run(p).await,
            Db::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await,
        };
        result.map_err(|e| match e {
            sqlx::migrate::MigrateError::Execute(inner) => StoreError::from(inner),
            other => StoreError::Migration(other.to_string()),
        })
    }

    /// Which engine this store runs on.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(..) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// The pool's open and idle connections, for metrics.
    pub fn pool_stats(&self) -> (u32, usize) {
        match self {
            Db::Sqlite(p, w) => match &w.pool {
                Some(wp) => (p.size() + wp.size(), p.num_idle() + wp.num_idle()),
                None => (p.size(), p.num_idle()),
            },
            Db::Postgres(p) => (p.size(), p.num_idle()),
        }
    }

    /// Closes every connection, checkpointing SQLite's WAL.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(p, w) => {
                if let Some(wp) = &w.pool {
                    wp.close().await;
                }
                p.close().await;
            }
            Db::Postgres(p) => p.close().await,
        }
    }

    /// Whether the store answers a query, for readiness checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.fetch_optional("SELECT 1 AS one", &[])
            .await
            .map(|_| ())
    }

    /// Runs a query that returns at most one row.
    pub(crate) async fn fetch_optional(
        &self,
        sql: &str,
        args: &[Value],
    ) -> Result<Option<Row>, StoreError> {
        match self {
            Db::Sqlite(p, _) => Ok(sqlite_query(sql, args)
                .fetch_optional(p)
                .await?
                .map(Row::Sqlite)),
            Db::Postgres(p) => Ok(pg_query(sql, args)
                .fetch_optional(p)
                .await?
                .map(Row::Postgres)),
        }
    }

    /// Runs a query and returns all its rows.
    pub(crate) async fn fetch_all(
        &self,
        sql: &str,
        args: &[Value],
    ) -> Result<Vec<Row>, StoreError> {
        match self {
            Db::Sqlite(p, _) => Ok(sqlite_query(sql, args)
                .fetch_all(p)
                .await?
                .into_iter()
                .map(Row::Sqlite)
                .collect()),
            Db::Postgres(p) => Ok(pg_query(sql, args)
                .fetch_all(p)
                .await?
                .into_iter()
                .map(Row::Postgres)
                .collect()),
        }
    }
}

/// Opens the readers' pool and the writer's (none when only one connection
/// is allowed, as the command line asks).
async fn open_sqlite(
    path: &Path,
    opts: &OpenOptions,
) -> Result<(SqlitePool, Option<SqlitePool>), StoreError> {
    if !opts.create && !path.exists() {
        return Err(StoreError::Missing(path.to_path_buf()));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Unavailable(format!("cannot create {}: {e}", dir.display()))
        })?;
    }
    let connect = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(opts.create)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(opts.busy_timeout);
    let read = SqlitePoolOptions::new()
        .max_connections(opts.max_connections)
        .min_connections(0)
        .connect_with(connect.clone())
        .await
        .map_err(|e| StoreError::from_open(path, e))?;
    if opts.max_connections <= 1 {
        return Ok((read, None));
    }
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(0)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_lazy_with(
            connect
                .pragma("cache_size", format!("-{WRITER_CACHE_KIB}"))
                .pragma("wal_autocheckpoint", "0"),
        );
    Ok((read, Some(write)))
}

/// How often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// Checkpoints the WAL off the writer's commit path, between write
/// transactions: it takes the writers' turn, so no frame is appended while
/// it copies, the checkpoint completes, and the next write starts the WAL
/// over instead of growing it. Stops when the store is closed.
fn spawn_checkpoints(writer: SqlitePool, turn: std::sync::Arc<tokio::sync::Mutex<()>>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if writer.is_closed() {
                return;
            }
            let _turn = turn.lock().await;
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&writer)
                .await
            {
                if writer.is_closed() {
                    return;
                }
                tracing::warn!("WAL checkpoint failed: {e}");
            }
        }
    });
}

pub(crate) type SqliteQuery<'q> =
    sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>;
pub(crate) type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Builds an SQLite query with its arguments bound.
pub(crate) fn sqlite_query<'q>(sql: &str, args: &'q [Value]) -> SqliteQuery<'q> {
    let mut q = sqlx::query(AssertSqlSafe(sql.to_string()));
    for arg in args {
        q = match arg {
            Value::Uuid(v) => q.bind(v.map(|u| u.hyphenated().to_string())),
            Value::Text(v) => q.bind(v.as_deref()),
            Value::Int(v) => q.bind(*v),
            Value::Bool(v) => q.bind(*v),
            Value::Ts(v) => q.bind(v.as_ref().map(sqlite_ts)),
            Value::Date(v) => q.bind(v.map(|d| d.format("%Y-%m-%d").to_string())),
            Value::Json(v) => q.bind(v.as_ref().map(|j| j.to_string())),
        };
    }
    q
}

/// Builds a PostgreSQL query with its arguments bound.
pub(crate) fn pg_query<'q>(sql: &str, args: &'q [Value]) -> PgQuery<'q> {
    let mut q = sqlx::query(AssertSqlSafe(sql.to_string()));
    for arg in args {
        q = match arg {
            Value::Uuid(v) => q.bind(*v),
            Value::Text(v) => q.bind(v.as_deref()),
            Value::Int(v) => q.bind(*v),
            Value::Bool(v) => q.bind(*v),
            Value::Ts(v) => q.bind(*v),
            Value::Date(v) => q.bind(*v),
            Value::Json(v) => q.bind(v.as_ref().map(sqlx::types::Json)),
        };
    }
    q
}
