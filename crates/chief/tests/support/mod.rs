//! Shared helpers for the CLI tests: a store per test on SQLite or on a
//! fresh PostgreSQL schema, and a `chief` command pointed at it.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;

/// A store for one test: a temp dir for SQLite, or a fresh schema on
/// PostgreSQL.
pub struct Store {
    pub dir: tempfile::TempDir,
    pub database_url: Option<String>,
    schema: Option<(String, String)>,
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Some((url, schema)) = &self.schema {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let admin = chief_store::OpenOptions {
                    migrate: false,
                    max_connections: 1,
                    ..Default::default()
                };
                if let Ok(db) =
                    chief_store::Db::open(&chief_store::Location::Postgres(url.clone()), &admin)
                        .await
                {
                    let _ = chief_store::testing::execute(
                        &db,
                        &format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
                        &[],
                    )
                    .await;
                    db.close().await;
                }
            });
        }
    }
}

impl Store {
    pub fn sqlite() -> Store {
        Store {
            dir: tempfile::tempdir().expect("temp dir"),
            database_url: None,
            schema: None,
        }
    }

    pub fn postgres() -> Option<Store> {
        let Ok(url) = std::env::var("CHIEF_TEST_POSTGRES_URL") else {
            if std::env::var("CHIEF_TEST_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("CHIEF_TEST_REQUIRE_POSTGRES=1 but CHIEF_TEST_POSTGRES_URL is not set");
            }
            eprintln!("skipping: CHIEF_TEST_POSTGRES_URL is not set");
            return None;
        };
        let schema = format!("cli_{}", uuid::Uuid::now_v7().simple());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let admin = chief_store::OpenOptions {
                migrate: false,
                max_connections: 1,
                ..Default::default()
            };
            let db = chief_store::Db::open(&chief_store::Location::Postgres(url.clone()), &admin)
                .await
                .expect("connect");
            chief_store::testing::execute(&db, &format!("CREATE SCHEMA {schema}"), &[])
                .await
                .expect("create schema");
            db.close().await;
        });
        let sep = if url.contains('?') { '&' } else { '?' };
        Some(Store {
            dir: tempfile::tempdir().expect("temp dir"),
            database_url: Some(format!("{url}{sep}options=-c%20search_path%3D{schema}")),
            schema: Some((url, schema)),
        })
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

/// Runs a test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident($store:ident) $body:block)*) => {
        $(
            mod $name {
                use super::*;
                fn body($store: Store) $body
                #[test]
                fn sqlite() { body(Store::sqlite()) }
                #[test]
                fn postgres() { if let Some(s) = Store::postgres() { body(s) } }
            }
        )*
    };
}
