//! Shared helpers for the CLI tests: a store per test on SQLite or on a
//! fresh PostgreSQL schema, and a `chief` command pointed at it.
#![allow(dead_code)]

use assert_cmd::Command;
use chief_testkit::{Engine, Fixture, Given, postgres};
use serde_json::Value;
use std::path::PathBuf;

/// A store for one test: a temp dir for SQLite, or a fresh schema on
/// PostgreSQL. `both_backends!` hands a body a `&Store` and removes the
/// schema afterwards; one made with [`Store::sqlite`] or [`Store::postgres`]
/// removes it when dropped.
pub struct Store {
    pub dir: tempfile::TempDir,
    pub database_url: Option<String>,
    schema: Option<(String, String)>,
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Some((url, schema)) = self.schema.take() {
            runtime().block_on(postgres::drop_schema(&url, &schema));
        }
    }
}

impl Fixture for Store {
    async fn open(engine: Engine) -> Option<Store> {
        let Engine::Postgres = engine else {
            return Some(Store::sqlite());
        };
        let url = postgres::url()?;
        let schema = postgres::create_schema(&url).await;
        // The binary reads one URL, so the schema rides in it as the
        // connection's search_path.
        let sep = if url.contains('?') { '&' } else { '?' };
        Some(Store {
            dir: tempfile::tempdir().expect("temp dir"),
            database_url: Some(format!("{url}{sep}options=-c%20search_path%3D{schema}")),
            schema: Some((url, schema)),
        })
    }

    async fn finish(mut self) {
        if let Some((url, schema)) = self.schema.take() {
            postgres::drop_schema(&url, &schema).await;
        }
    }
}

impl<'a> Given<'a> for &'a Store {
    type Fixture = Store;
    fn given(store: &'a Store) -> &'a Store {
        store
    }
}

/// A runtime for the fixture's own database work, outside any test's.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

impl Store {
    /// A store on SQLite, for a test that runs on that backend only.
    pub fn sqlite() -> Store {
        Store {
            dir: tempfile::tempdir().expect("temp dir"),
            database_url: None,
            schema: None,
        }
    }

    /// A store on PostgreSQL, or `None` when the tests are not pointed at
    /// one; call it outside any runtime.
    pub fn postgres() -> Option<Store> {
        runtime().block_on(Store::open(Engine::Postgres))
    }

    pub fn chief(&self) -> Command {
        let mut cmd = Command::cargo_bin("chief").expect("the chief binary");
        cmd.env_remove("CHIEF_DATABASE_URL")
            .env_remove("CHIEF_TENANT")
            .env_remove("CHIEF_USER")
            .env("CHIEF_DATA_DIR", self.dir.path())
            .env("CHIEF_NOW", "2026-11-24T09:00:00Z")
            .env("NO_COLOR", "1");
        if let Some(url) = &self.database_url {
            cmd.env("CHIEF_DATABASE_URL", url);
        }
        cmd
    }

    /// `chief` with no model configuration from the environment.
    pub fn without_model(&self) -> Command {
        let mut cmd = self.chief();
        for var in [
            "CHIEF_MODEL",
            "ANTHROPIC_API_KEY",
            "ANTHROPIC_BASE_URL",
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL",
        ] {
            cmd.env_remove(var);
        }
        cmd
    }

    /// `chief` talking to the fake Anthropic server at `base_url`.
    pub fn with_fake_model(&self, base_url: &str) -> Command {
        let mut cmd = self.without_model();
        cmd.env("CHIEF_MODEL", "anthropic:claude-sonnet-4-5")
            .env("ANTHROPIC_API_KEY", chief_llm::testing::FAKE_KEY)
            .env("ANTHROPIC_BASE_URL", base_url);
        cmd
    }

    pub fn init(&self) {
        self.chief()
            .args(["init", "--timezone", "Europe/Berlin"])
            .assert()
            .success();
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let out = self
            .chief()
            .args(args)
            .arg("--json")
            .output()
            .expect("run chief");
        assert!(
            out.status.success(),
            "chief {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON output")
    }

    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write file");
        path
    }
}
