//! Dashboard passwords from the command line and the demo workspace:
//! `chief init --password`, `chief users passwd` (from stdin), and
//! `chief serve --demo`, which seeds once, prints how to log in, and lets
//! that login in over HTTP. On SQLite and PostgreSQL.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use support::Store;

fn stores() -> Vec<Store> {
    std::iter::once(Store::sqlite())
        .chain(Store::postgres())
        .collect()
}

/// One raw HTTP request; returns the whole response.
fn http(addr: &str, request: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// Opens the login form (for its CSRF token and cookie), posts it over
/// HTTP and returns the status line.
fn login(addr: &str, email: &str, password: &str) -> String {
    let form = http(
        addr,
        &format!("GET /login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    let cookie = form
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("the login form sets its CSRF cookie")
        .to_string();
    let csrf = form
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the login form carries a CSRF token");
    let body = format!(
        "email={}&password={}&csrf={csrf}",
        email.replace('@', "%40"),
        password
    );
    let out = http(
        addr,
        &format!(
            "POST /login HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    out.lines().next().unwrap_or_default().to_string()
}

/// Runs `chief serve --demo`, returns its banner and whether the demo
/// login works, then stops it.
fn serve_demo(store: &Store) -> (Vec<String>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chief"));
    command
        .args([
            "serve",
            "--demo",
            "--bind",
            "127.0.0.1:0",
            "--no-scheduler",
            "--no-delivery",
        ])
        .env_remove("CHIEF_DATABASE_URL")
        .env("CHIEF_DATA_DIR", store.dir.path())
        .env("CHIEF_LOG", "warn");
    if let Some(url) = &store.database_url {
        command.env("CHIEF_DATABASE_URL", url);
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start chief serve --demo");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut banner = Vec::new();
    loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "{banner:?}");
        let done = line.starts_with("Try:");
        banner.push(line.trim_end().to_string());
        if done {
            break;
        }
    }
    let addr = banner[0]
        .rsplit("http://")
        .next()
        .unwrap()
        .trim()
        .to_string();
    let status = login(&addr, "demo@chief.local", "chief-demo");
    // SIGTERM to our own child, by its id: chief stops gracefully on it.
    // SAFETY: kill(2) with a pid this test spawned.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    child.wait().unwrap();
    (banner, status)
}

#[test]
fn the_demo_is_seeded_once_and_its_login_works() {
    for store in stores() {
        let (banner, status) = serve_demo(&store);
        assert!(
            banner
                .iter()
                .any(|l| l.contains("log in as demo@chief.local with the password chief-demo")),
            "{banner:?}"
        );
        assert!(status.contains("303"), "{status}");
        let count = |store: &Store| {
            store.json(&["--tenant", "demo", "list", "--status", "all"])["items"]
                .as_array()
                .map(Vec::len)
                .unwrap_or_else(|| panic!("no items"))
        };
        let first = count(&store);
        assert_eq!(first, 9, "tasks in every state");
        let blocked = store.json(&["--tenant", "demo", "list", "--status", "blocked"]);
        assert_eq!(blocked["items"].as_array().unwrap().len(), 1);
        serve_demo(&store);
        assert_eq!(count(&store), first, "a second run adds nothing");
    }
}

#[test]
fn init_and_users_passwd_set_the_dashboard_password() {
    for store in stores() {
        store
            .chief()
            .args(["init", "--password", "short"])
            .assert()
            .failure()
            .stderr(predicates::str::contains("at least 8 characters"));
        store
            .chief()
            .args(["init", "--password", "long enough"])
            .assert()
            .success()
            .stdout(predicates::str::contains("log in as me@localhost"));
        store
            .chief()
            .args(["users", "passwd", "me@localhost"])
            .write_stdin("a new passphrase\n")
            .assert()
            .success()
            .stdout(predicates::str::contains(
                "Set the dashboard password of me@localhost",
            ));
        store
            .chief()
            .args(["users", "passwd", "nobody@localhost"])
            .write_stdin("a new passphrase\n")
            .assert()
            .failure()
            .stderr(predicates::str::contains("no user nobody@localhost"));
    }
}
