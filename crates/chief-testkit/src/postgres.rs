//! Whether a test's PostgreSQL half runs, and the schema it runs in: each
//! test gets its own schema `t_<uuid>` in the database named by
//! `CHIEF_TEST_POSTGRES_URL`, so tests run in parallel without seeing each
//! other's rows, and the schema is dropped when the test ends.

/// The database the PostgreSQL halves create their schemas in.
pub const URL_VAR: &str = "CHIEF_TEST_POSTGRES_URL";
/// Set to `1` (as CI does) to fail, not skip, when [`URL_VAR`] is missing.
pub const REQUIRE_VAR: &str = "CHIEF_TEST_REQUIRE_POSTGRES";

/// The test database's URL, or `None` with a note when the PostgreSQL half
/// is to be skipped; panics when it is missing but required.
pub fn url() -> Option<String> {
    let Ok(url) = std::env::var(URL_VAR) else {
        if std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1") {
            panic!(
                "{URL_VAR} is not set but {REQUIRE_VAR}=1: \
                 point it at a PostgreSQL database the tests may create schemas in, \
                 e.g. postgres://postgres@127.0.0.1:5432/test"
            );
        }
        eprintln!("skipped: set {URL_VAR} to run this test on PostgreSQL");
        return None;
    };
    Some(url)
}

/// Creates a new, empty schema for one test and returns its name.
pub async fn create_schema(url: &str) -> String {
    let schema = format!("t_{}", chief_store::new_id().simple());
    if let Err(e) = chief_store::testing::create_schema(url, &schema).await {
        panic!("cannot create schema {schema} on the test PostgreSQL at {URL_VAR}: {e}");
    }
    schema
}

/// Drops a test's schema; a failure only leaves a stray schema behind, so it
/// is reported, not fatal.
pub async fn drop_schema(url: &str, schema: &str) {
    if let Err(e) = chief_store::testing::drop_schema(url, schema).await {
        eprintln!("could not drop test schema {schema}: {e}");
    }
}
