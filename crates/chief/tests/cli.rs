//! End-to-end tests of the `chief` binary, each run on SQLite and on
//! PostgreSQL (when `CHIEF_TEST_POSTGRES_URL` is set).

mod support;

use chief_testkit::both_backends;
use predicates::prelude::*;
use support::Store;

both_backends! {
    fn keys_users_and_workspaces_are_managed_from_the_cli(s: &Store) {
        s.init();
        let created = s.json(&["keys", "create", "--name", "laptop"]);
        let key = created["api_key"].as_str().unwrap().to_string();
        let prefix = created["key"]["prefix"].as_str().unwrap().to_string();
        assert!(key.starts_with(&format!("chief_{prefix}_")), "{key}");
        let keys = s.json(&["keys", "list"]);
        assert_eq!(keys.as_array().unwrap().len(), 2, "the init key and the new one");
        assert!(!keys.to_string().contains(&key), "secrets are never listed");
        s.chief().args(["keys", "revoke", &prefix]).assert().success();
        let revoked = s.json(&["keys", "list"]);
        let entry = revoked.as_array().unwrap().iter().find(|k| k["prefix"] == prefix.as_str()).unwrap().clone();
        assert!(!entry["revoked_at"].is_null());
        s.chief().args(["keys", "revoke", "nosuchkey"]).assert().code(1).stderr(predicate::str::contains("no api key"));
        // The README's form: the name is positional.
        let named = s.json(&["keys", "create", "claude-desktop"]);
        assert_eq!(named["key"]["name"], "claude-desktop", "{named}");
        s.chief().args(["keys", "create", "a", "--name", "b"]).assert().code(2).stderr(predicate::str::contains("cannot be used with"));

        s.chief().args(["users", "add", "ana@example.com", "--role", "admin"]).assert().success();
        s.chief().args(["users", "add", "ana@example.com"]).assert().code(1).stderr(predicate::str::contains("already exists"));
        s.chief().args(["users", "add", "bob@example.com", "--role", "boss"]).assert().code(1).stderr(predicate::str::contains("owner, admin, member"));
        assert_eq!(s.json(&["users", "list"]).as_array().unwrap().len(), 2);

        s.chief().args(["tenants", "create", "Acme Corp", "--owner", "ceo@acme.test"]).assert().success();
        let tenants = s.json(&["tenants", "list"]);
        assert_eq!(tenants.as_array().unwrap().len(), 2);
        // With two workspaces, commands must say which one.
        s.chief().arg("list").assert().code(1).stderr(predicate::str::contains("--tenant"));
        s.chief().args(["--tenant", "acme-corp", "add", "Acme task"]).assert().success();
        let acme = s.json(&["--tenant", "acme-corp", "list"]);
        assert_eq!(acme["total"], 1);
        let personal = s.json(&["--tenant", "personal", "list"]);
        assert_eq!(personal["total"], 0, "workspaces do not see each other's tasks");
    }
    fn a_workspace_without_a_name_or_slug_is_refused_in_one_line(s: &Store) {
        s.init();
        for args in [["tenants", "create", ""].as_slice(), &["tenants", "create", "   "], &["tenants", "create", "Acme\n\x1b[2J"], &["tenants", "create", "Acme", "--slug", ""]] {
            let out = s.chief().args(args).args(["--owner", "ceo@acme.test"]).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            let err = String::from_utf8(out.stderr).unwrap();
            assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
            assert!(err.starts_with("chief: name ") || err.starts_with("chief: slug "), "{args:?}: {err}");
        }
        let err = s.chief().args(["tenants", "create", "", "--owner", "ceo@acme.test"]).output().unwrap().stderr;
        assert_eq!(String::from_utf8(err).unwrap(), "chief: name must not be empty: give the workspace a name\n");
        assert_eq!(s.json(&["tenants", "list"]).as_array().unwrap().len(), 1, "nothing was created");
    }
    fn text_from_outside_shows_its_escapes_instead_of_driving_the_terminal(s: &Store) {
        s.init();
        let refused = s.chief().args(["add", "Pay rent\x1b[2J"]).output().unwrap();
        assert_eq!(refused.status.code(), Some(1));
        let err = String::from_utf8(refused.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("title must be one line with no control characters; found an escape (U+001B)"), "{err}");
        assert!(!err.contains('\x1b'), "{err:?}");

        let added = s.json(&["add", "Pay rent"]);
        let id = added["id"].as_str().unwrap().to_string();
        // A row kept before titles were checked, or text no rule covers.
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let location = match &s.database_url {
                Some(url) => chief_store::Location::Postgres(url.clone()),
                None => chief_store::Location::Sqlite(s.dir.path().join("chief.db")),
            };
            let db = chief_store::Db::open(&location, &Default::default()).await.unwrap();
            chief_store::testing::execute(
                &db,
                "UPDATE tasks SET title = $1, description = $2",
                &["Pay rent \x1b[2J\x1b]0;pwned\x07".into(), "Landlord says\x1b[31m hi\u{9b}".into()],
            )
            .await
            .unwrap();
            db.close().await;
        });
        for args in [vec!["list"], vec!["search", "rent"], vec!["show", &id]] {
            let out = s.chief().args(&args).output().unwrap();
            assert!(out.status.success(), "{args:?}");
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(!text.contains(['\x1b', '\x07', '\u{9b}']), "{args:?} printed a control character: {text:?}");
            assert!(text.contains("Pay rent \\u001b[2J\\u001b]0;pwned\\u0007"), "{args:?}: {text}");
        }
        let shown = String::from_utf8(s.chief().args(["show", &id]).output().unwrap().stdout).unwrap();
        assert!(shown.contains("Landlord says\\u001b[31m hi\\u009b"), "{shown}");
        let json = s.json(&["show", &id]);
        assert_eq!(json["task"]["title"], "Pay rent \x1b[2J\x1b]0;pwned\x07", "JSON output keeps the value exactly");
    }

    fn init_prints_a_key_once_and_refuses_to_run_twice(s: &Store) {
        let out = s.chief().arg("init").output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        let key = text.split_whitespace().find(|w| w.starts_with("chief_")).expect("a key is printed");
        let parts: Vec<&str> = key.split('_').collect();
        assert_eq!(parts.len(), 3, "{key}");
        assert_eq!(parts[1].len(), 8);
        assert!(parts[2].len() >= 40);
        s.chief().arg("init").assert().code(1).stderr(predicate::str::contains("already exists"));
    }

    fn add_reads_todotxt_tokens_and_list_filters_them(s: &Store) {
        s.init();
        s.chief().args(["add", "(A) Call Patrick +liberty @phone #sales due:2026-12-01"]).assert().success();
        s.chief().args(["add", "Water plants @home"]).assert().success();
        let all = s.json(&["list"]);
        assert_eq!(all["total"], 2);
        let by_ctx = s.json(&["list", "--context", "phone"]);
        assert_eq!(by_ctx["total"], 1);
        let t = &by_ctx["items"][0];
        assert_eq!(t["title"], "Call Patrick");
        assert_eq!(t["priority"], 1);
        assert_eq!(t["tags"], serde_json::json!(["sales"]));
        assert_eq!(t["assignee"], "user");
        // Due at the end of Dec 1 in Berlin (UTC+1).
        assert_eq!(t["due_date"], "2026-12-01T22:59:59Z");
        assert_eq!(s.json(&["list", "--project", "liberty"])["total"], 1);
        assert_eq!(s.json(&["list", "--priority", "1"])["total"], 1);
        assert_eq!(s.json(&["list", "--due-before", "2026-12-05"])["total"], 1);
        assert_eq!(s.json(&["list", "--tag", "nope"])["total"], 0);
    }

    fn next_puts_overdue_work_first_and_leaves_out_blocked_and_agent_tasks(s: &Store) {
        s.init();
        s.chief().args(["add", "(A) Important but later due:2026-12-20"]).assert().success();
        s.chief().args(["add", "(E) Small but overdue due:2026-11-20"]).assert().success();
        s.chief().args(["add", "--agent", "Agent work"]).assert().success();
        let blocked = s.json(&["add", "Blocked thing"]);
        let id = blocked["id"].as_str().unwrap().to_string();
        s.chief().args(["block", &id, "--question", "Which venue?"]).assert().success();
        let next = s.json(&["next"]);
        let titles: Vec<&str> = next.as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
        assert_eq!(titles, ["Small but overdue", "Important but later"]);
        let agent = s.json(&["next", "--agent"]);
        assert_eq!(agent[0]["title"], "Agent work");
    }

    fn a_blocked_task_cannot_be_completed_until_its_question_is_answered(s: &Store) {
        s.init();
        let t = s.json(&["add", "Book offsite"]);
        let id = t["id"].as_str().unwrap().to_string();
        s.chief().args(["start", &id]).assert().success();
        let blocked = s.json(&["block", &id, "--question", "Which dates work?"]);
        let qid = blocked["question"]["id"].as_str().unwrap().to_string();
        s.chief().args(["done", &id]).assert().code(1)
            .stderr(predicate::str::contains("cannot complete a blocked task"));
        let answered = s.json(&["questions", "answer", &qid, "March 3-5"]);
        assert_eq!(answered["unblocked_tasks"][0]["id"].as_str(), Some(id.as_str()));
        assert_eq!(answered["unblocked_tasks"][0]["status"], "queued");
        s.chief().args(["done", &id]).assert().success();
        s.chief().args(["block", &id, "--question", "late?"]).assert().code(1)
            .stderr(predicate::str::contains("cannot block a completed task"));
    }

    fn bad_input_gives_one_line_errors_and_exit_code_1(s: &Store) {
        s.init();
        for (args, needle) in [
            (vec!["add", "Pay rent due:2026-02-30"], "2026-02-30"),
            (vec!["show", "0000dead"], "no task"),
            (vec!["show", "zz"], "not a task id"),
            (vec!["list", "--priority", "9"], "priority"),
            (vec!["list", "--due-before", "someday"], "not a date"),
        ] {
            let out = s.chief().args(&args).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            let err = String::from_utf8(out.stderr).unwrap();
            assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
            assert!(err.contains(needle), "{args:?}: {err}");
        }
        s.chief().arg("frobnicate").assert().code(2);
    }

    fn todotxt_round_trips_and_keeps_unknown_keys(s: &Store) {
        s.init();
        let text = "(A) 2026-11-01 Call Mom +family @phone due:2026-11-30 rec:1w\n\
                    x 2026-11-20 2026-11-02 Send invoice +work pri:B\n\
                    2026-11-03 Read book #fun isbn:978-0\n";
        let file = s.file("todo.txt", text);
        s.chief().args(["import", "todotxt"]).arg(&file).assert().success();
        let out = s.chief().args(["export", "todotxt"]).output().unwrap();
        assert!(out.status.success());
        let exported = String::from_utf8(out.stdout).unwrap();
        assert_eq!(exported, text.replace("                    ", ""));
    }

    fn a_malformed_todotxt_line_is_reported_and_nothing_is_imported(s: &Store) {
        s.init();
        let file = s.file("bad.txt", "Good one\nAnother good one\n(B) Bad date due:2026-13-01\n");
        s.chief().args(["import", "todotxt"]).arg(&file).assert().code(1)
            .stderr(predicate::str::contains("line 3").and(predicate::str::contains("nothing was imported")));
        assert_eq!(s.json(&["list", "--status", "all"])["total"], 0);
    }

    fn people_projects_and_waiting_items_work_end_to_end(s: &Store) {
        s.init();
        s.chief().args(["people", "add", "Patrick Doyle", "--company", "Liberty", "--notes", "Prefers short emails"]).assert().success();
        let p = s.json(&["people", "show", "patrick"]);
        assert_eq!(p["communication_notes"], "Prefers short emails");
        s.chief().args(["projects", "add", "Grow revenue", "--type", "goal"]).assert().success();
        s.chief().args(["projects", "add", "Liberty renewal", "--parent", "Grow revenue"]).assert().success();
        let projects = s.json(&["projects", "list"]);
        assert_eq!(projects.as_array().unwrap().len(), 2);
        let w = s.json(&["waiting", "add", "Signed contract", "--who", "Patrick", "--follow-up", "2026-11-20"]);
        assert_eq!(s.json(&["waiting", "list"]).as_array().unwrap().len(), 1);
        s.chief().args(["waiting", "resolve", w["id"].as_str().unwrap()]).assert().success();
        assert_eq!(s.json(&["waiting", "list"]).as_array().unwrap().len(), 0);
        let hits = s.json(&["search", "liberty"]);
        assert!(hits.as_array().unwrap().len() >= 2, "{hits}");
        s.chief().args(["audit", "verify"]).assert().success().stdout(predicate::str::contains("intact"));
    }
}

#[test]
fn a_missing_store_says_to_run_init() {
    let s = Store::sqlite();
    s.chief()
        .arg("list")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("chief init"));
}

#[test]
fn completions_are_printed_for_each_shell() {
    let s = Store::sqlite();
    for shell in ["bash", "zsh", "fish"] {
        s.chief()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("chief"));
    }
}

#[test]
fn a_locked_store_gives_a_clear_message_and_loses_nothing() {
    let s = Store::sqlite();
    s.init();
    s.chief()
        .args(["add", "Before the lock"])
        .assert()
        .success();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Another process (here: this test) holds the write lock.
    let location = chief_store::Location::Sqlite(s.dir.path().join("chief.db"));
    let db = rt
        .block_on(chief_store::Db::open(&location, &Default::default()))
        .unwrap();
    let holder = rt
        .block_on(db.write(&chief_store::Scope {
            tenant: chief_store::new_tenant_id(),
            actor: chief_domain::log::Actor::system(),
            trace_id: None,
            now: None,
        }))
        .unwrap();
    let out = s.chief().args(["add", "During the lock"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("locked by another process"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    rt.block_on(async move { drop(holder) });
    rt.block_on(db.close());
    let all = s.json(&["list", "--status", "all"]);
    assert_eq!(all["total"], 1, "the task added before the lock is intact");
    s.chief().args(["add", "After the lock"]).assert().success();
}

#[test]
fn a_read_only_store_says_so_instead_of_failing_obscurely() {
    let s = Store::sqlite();
    s.init();
    let dir = s.dir.path();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        std::fs::set_permissions(
            entry.unwrap().path(),
            std::fs::Permissions::from_mode(0o444),
        )
        .unwrap();
    }
    // Root ignores file modes, so run as an unprivileged user when root.
    // SAFETY: geteuid has no preconditions.
    let is_root = unsafe { libc::geteuid() } == 0;
    // A copy anyone may run: the target folder may sit under a private home.
    let bin_dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(bin_dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = bin_dir.path().join("chief");
    std::fs::copy(assert_cmd::cargo::cargo_bin("chief"), &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut cmd = if is_root {
        let mut c = std::process::Command::new("runuser");
        c.args(["-u", "nobody", "--"]).arg(&bin);
        c
    } else {
        std::process::Command::new(&bin)
    };
    let out = cmd
        .args(["add", "x"])
        .env("CHIEF_DATA_DIR", dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("read-only"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn classify_names_the_intent_without_a_store() {
    let s = Store::sqlite();
    let out = s
        .chief()
        .args(["classify", "--json", "remind me to call Patrick tomorrow"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["intent"], "add_task", "{v}");
    assert!(v["confidence"].as_f64().unwrap() > 0.5, "{v}");
    s.chief()
        .args(["classify", "remember", "that", "Sarah", "prefers", "calls"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("capture_knowledge"));
    s.chief().arg("classify").assert().code(2);
}
