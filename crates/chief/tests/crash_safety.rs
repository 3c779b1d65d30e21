//! Crash safety: `kill -9` in the middle of a bulk import. Afterwards the
//! store opens, its constraints hold, the audit chain verifies, and either
//! the whole import or none of it is there.

mod support;

use chief_testkit::both_backends;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use support::Store;

const TASKS: usize = 6000;

fn big_todo_file(s: &Store) -> std::path::PathBuf {
    let mut text = String::new();
    for i in 0..TASKS {
        let pri = ["(A) ", "(B) ", "", "(D) "][i % 4];
        text.push_str(&format!(
            "{pri}Task number {i} +proj{} @ctx{} due:2026-12-{:02}\n",
            i % 7,
            i % 3,
            1 + i % 28
        ));
    }
    s.file("big.txt", &text)
}

both_backends! {
    fn killing_an_import_midway_leaves_all_or_nothing_and_an_intact_store(s: &Store) {
        s.init();
        let before = s.json(&["list", "--status", "all"])["total"].as_i64().unwrap();
        let file = big_todo_file(&s);
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("chief"));
        child.args(["import", "todotxt"]).arg(&file).env("CHIEF_DATA_DIR", s.dir.path()).env("NO_COLOR", "1");
        if let Some(url) = &s.database_url {
            child.env("CHIEF_DATABASE_URL", url);
        }
        let mut child = child.stderr(Stdio::piped()).stdout(Stdio::null()).spawn().expect("spawn chief import");
        // Wait for the import to report progress, then kill it mid-transaction.
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let progress = lines.next().expect("a progress line").expect("readable stderr");
        assert!(progress.starts_with("importing"), "{progress}");
        // SIGKILL: no destructors, no rollback, no clean close.
        let pid = child.id() as libc::pid_t;
        // SAFETY: sending a signal to our own child process.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
        let status = child.wait().expect("wait for chief");
        assert!(!status.success(), "the import finished before it was killed");

        let after = s.json(&["list", "--status", "all"])["total"].as_i64().unwrap();
        assert!(after == before || after == before + TASKS as i64, "partial import: {before} -> {after}");
        assert_eq!(after, before, "the import was killed before it committed");
        s.chief().args(["audit", "verify"]).assert().success();

        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let location = match &s.database_url {
                Some(url) => chief_store::Location::Postgres(url.clone()),
                None => chief_store::Location::Sqlite(s.dir.path().join("chief.db")),
            };
            let db = chief_store::Db::open(&location, &Default::default()).await.expect("the store opens");
            if db.backend() == chief_store::Backend::Sqlite {
                let rows = chief_store::testing::fetch_all(&db, "PRAGMA integrity_check", &[]).await.unwrap();
                assert_eq!(rows[0].text("integrity_check").unwrap(), "ok");
                assert!(chief_store::testing::fetch_all(&db, "PRAGMA foreign_key_check", &[]).await.unwrap().is_empty());
            }
            // No orphans: every task's project exists in its tenant.
            let orphans = chief_store::testing::fetch_optional(
                    &db,
                    "SELECT COUNT(*) AS n FROM tasks t WHERE t.project_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = t.project_id AND p.tenant_id = t.tenant_id)",
                    &[],
                )
                .await
                .unwrap()
                .unwrap();
            assert_eq!(orphans.int("n").unwrap(), 0);
            db.close().await;
        });

        // The store still takes writes, and a full import then lands whole.
        s.chief().args(["import", "todotxt"]).arg(&file).assert().success();
        assert_eq!(s.json(&["list", "--status", "all"])["total"].as_i64().unwrap(), before + TASKS as i64);
        s.chief().args(["audit", "verify"]).assert().success();
    }
}
