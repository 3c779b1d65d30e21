//! What a test half runs against and how it is cleaned up: a [`Fixture`]
//! opens on an [`Engine`] and is finished whether the body passed, failed or
//! panicked. [`TestDb`] is the usual one, a fresh store; a crate whose tests
//! need something else (the CLI hands the `chief` binary a data dir or a
//! schema) implements [`Fixture`] and [`Given`] for its own type.

use crate::postgres;
use chief_store::{Db, Location, OpenOptions};
use std::fmt::Debug;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::task::Poll;
use tempfile::TempDir;

/// The backend a test half runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// What one test half runs against, made fresh for it and removed after it.
pub trait Fixture: Sized {
    /// Makes a fresh fixture on `engine`, or `None` (with a note) when the
    /// engine is not configured and the half is to be skipped.
    fn open(engine: Engine) -> impl Future<Output = Option<Self>>;
    /// Removes what `open` made.
    fn finish(self) -> impl Future<Output = ()>;
}

/// What a test body is handed, made from the fixture that lives for the
/// test; the body's parameter type picks the fixture.
pub trait Given<'a>: Sized {
    type Fixture: Fixture + 'a;
    fn given(fixture: &'a Self::Fixture) -> Self;
}

/// What a test body returns: `()`, or a `Result` whose error fails it.
pub trait Outcome {
    fn check(self);
}

impl Outcome for () {
    fn check(self) {}
}

impl<E: Debug> Outcome for Result<(), E> {
    #[track_caller]
    fn check(self) {
        if let Err(e) = self {
            panic!("the test returned an error: {e:?}");
        }
    }
}

/// A fresh, migrated, empty store: a file in a temporary directory on
/// SQLite, a schema of its own on PostgreSQL.
pub struct TestDb {
    db: Db,
    _dir: Option<TempDir>,
    /// The server and schema to drop afterwards, on PostgreSQL.
    schema: Option<(String, String)>,
}

impl TestDb {
    /// The store.
    pub fn db(&self) -> &Db {
        &self.db
    }
}

impl Fixture for TestDb {
    async fn open(engine: Engine) -> Option<TestDb> {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary directory can be created");
                let location = Location::Sqlite(dir.path().join("chief.db"));
                let db = Db::open(&location, &OpenOptions::default())
                    .await
                    .expect("a fresh SQLite store opens");
                Some(TestDb {
                    db,
                    _dir: Some(dir),
                    schema: None,
                })
            }
            Engine::Postgres => {
                let url = postgres::url()?;
                let schema = postgres::create_schema(&url).await;
                let opts = OpenOptions {
                    pg_schema: Some(schema.clone()),
                    ..OpenOptions::default()
                };
                let db = Db::open(&Location::Postgres(url.clone()), &opts)
                    .await
                    .expect("a fresh PostgreSQL schema migrates");
                Some(TestDb {
                    db,
                    _dir: None,
                    schema: Some((url, schema)),
                })
            }
        }
    }

    async fn finish(self) {
        self.db.close().await;
        if let Some((url, schema)) = self.schema {
            postgres::drop_schema(&url, &schema).await;
        }
    }
}

impl<'a> Given<'a> for Db {
    type Fixture = TestDb;
    fn given(fixture: &'a TestDb) -> Db {
        fixture.db.clone()
    }
}

impl<'a> Given<'a> for &'a Db {
    type Fixture = TestDb;
    fn given(fixture: &'a TestDb) -> &'a Db {
        &fixture.db
    }
}

/// Runs an async `body` against a fresh `F` on `engine`, then finishes the
/// fixture, whether the body passed, failed or panicked.
pub async fn run_async<F: Fixture, O: Outcome>(engine: Engine, body: impl AsyncFnOnce(&F) -> O) {
    let Some(fixture) = F::open(engine).await else {
        return;
    };
    let outcome = catch_unwind(body(&fixture)).await;
    fixture.finish().await;
    match outcome {
        Ok(outcome) => outcome.check(),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Runs a blocking `body` against a fresh `F` on `engine`, outside any
/// runtime (so it may build its own), then finishes the fixture. The
/// fixture is opened and finished on a runtime of its own, which is idle
/// while the body runs: a fixture for blocking bodies must not need it then.
pub fn run_blocking<F: Fixture, O: Outcome>(engine: Engine, body: impl FnOnce(&F) -> O) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the fixture");
    let Some(fixture) = rt.block_on(F::open(engine)) else {
        return;
    };
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| body(&fixture)));
    rt.block_on(fixture.finish());
    match outcome {
        Ok(outcome) => outcome.check(),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Awaits `fut`, turning a panic into an `Err` so cleanup can run before the
/// panic is resumed. Unlike `tokio::spawn` it does not need `Send`.
async fn catch_unwind<T>(fut: impl Future<Output = T>) -> std::thread::Result<T> {
    let mut fut = std::pin::pin!(fut);
    std::future::poll_fn(|cx| {
        match std::panic::catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    })
    .await
}
