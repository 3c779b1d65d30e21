//! chief's test kit, a dev-only crate: [`both_backends!`] runs one test body
//! on SQLite and on PostgreSQL, each time against a fresh store; the
//! builders set up just the data a test is about; and the fakes stand in for
//! the outside services more than one crate's tests talk to.
//!
//! SQLite gets a new file in a temporary directory. PostgreSQL gets its own
//! schema `t_<uuid>` in the database named by `CHIEF_TEST_POSTGRES_URL`,
//! dropped when the test ends. Without that variable the PostgreSQL half is
//! skipped with a note, unless `CHIEF_TEST_REQUIRE_POSTGRES=1` (as in CI),
//! which turns the skip into a failure. The README says more.

mod builders;
mod fixture;
pub mod postgres;
pub mod webhook_receiver;

pub use builders::*;
pub use fixture::{Engine, Fixture, Given, Outcome, TestDb, run_async, run_blocking};

/// Defines, for each test function given, `mod name { fn sqlite(); fn
/// postgres(); }`: two tests that run the same body on each backend, so
/// `cargo test name` runs both halves.
///
/// The body is written as a function whose one parameter says what it is
/// handed: `db: Db` or `db: &Db` for a fresh store (the [`TestDb`]
/// fixture), or any type a crate implements [`Given`] for (the CLI tests
/// hand out a `&Store`). An `async fn` runs in a tokio test; a plain `fn`
/// runs in a plain test, so it may block, spawn processes and build its own
/// runtimes. It returns `()` or a `Result` whose error fails the test.
/// Attributes and doc comments go on both halves.
///
/// ```ignore
/// both_backends! {
///     async fn a_new_task_keeps_its_title(db: Db) -> anyhow::Result<()> {
///         let (tenant, user) = workspace(&db, "acme").await;
///         let added = add_task(&db, &scope(tenant, user), task("Call Dana")).await?;
///         assert_eq!(added.title, "Call Dana");
///         Ok(())
///     }
/// }
/// ```
#[macro_export]
macro_rules! both_backends {
    () => {};
    (
        $(#[$attr:meta])*
        async fn $name:ident($arg:ident: $ty:ty) $(-> $ret:ty)? $body:block
        $($rest:tt)*
    ) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn test_body($arg: $ty) $(-> $ret)? $body

            $(#[$attr])*
            #[tokio::test]
            async fn sqlite() {
                $crate::run_async::<<$ty as $crate::Given<'_>>::Fixture, _>(
                    $crate::Engine::Sqlite,
                    async |fixture| test_body($crate::Given::given(fixture)).await,
                )
                .await;
            }

            $(#[$attr])*
            #[tokio::test]
            async fn postgres() {
                $crate::run_async::<<$ty as $crate::Given<'_>>::Fixture, _>(
                    $crate::Engine::Postgres,
                    async |fixture| test_body($crate::Given::given(fixture)).await,
                )
                .await;
            }
        }
        $crate::both_backends!($($rest)*);
    };
    (
        $(#[$attr:meta])*
        fn $name:ident($arg:ident: $ty:ty) $(-> $ret:ty)? $body:block
        $($rest:tt)*
    ) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            // Blocking bodies were first written against an owned fixture
            // and still pass it on as `helper(&s)`.
            #[allow(clippy::needless_borrow)]
            fn test_body($arg: $ty) $(-> $ret)? $body

            $(#[$attr])*
            #[test]
            fn sqlite() {
                $crate::run_blocking::<<$ty as $crate::Given<'_>>::Fixture, _>(
                    $crate::Engine::Sqlite,
                    |fixture| test_body($crate::Given::given(fixture)),
                );
            }

            $(#[$attr])*
            #[test]
            fn postgres() {
                $crate::run_blocking::<<$ty as $crate::Given<'_>>::Fixture, _>(
                    $crate::Engine::Postgres,
                    |fixture| test_body($crate::Given::given(fixture)),
                );
            }
        }
        $crate::both_backends!($($rest)*);
    };
}
