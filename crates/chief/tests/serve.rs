//! `chief serve` as a process: on a new store it creates a workspace and
//! prints its key once; two instances on one PostgreSQL store share live
//! events (a task created through one reaches an SSE client of the other,
//! through NOTIFY), and both stop gracefully with the stream still open.

mod support;

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::Store;

/// A running `chief serve`, killed if the test fails before stopping it.
struct Instance {
    child: Child,
    addr: String,
    /// What it printed on start, up to its `Try:` hint.
    banner: Vec<String>,
    /// Kept open so its last words do not meet a closed pipe.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Instance {
    fn start(store: &Store) -> Instance {
        let mut command = Command::new(env!("CARGO_BIN_EXE_chief"));
        command
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env_remove("CHIEF_TENANT")
            .env_remove("CHIEF_USER")
            .env_remove("CHIEF_DATABASE_URL")
            .env("CHIEF_DATA_DIR", store.dir.path())
            .env("CHIEF_LOG", "warn");
        if let Some(url) = &store.database_url {
            command.env("CHIEF_DATABASE_URL", url);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start chief serve");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut banner = Vec::new();
        loop {
            let mut line = String::new();
            assert!(
                stdout.read_line(&mut line).expect("read the banner") > 0,
                "no banner: {banner:?}"
            );
            let done = line.starts_with("Try:");
            banner.push(line.trim_end().to_string());
            if done {
                break;
            }
        }
        let line = &banner[0];
        let url = line
            .trim()
            .rsplit(" on ")
            .next()
            .filter(|u| u.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        let addr = url.trim_start_matches("http://").to_string();
        Instance {
            child,
            addr,
            banner,
            _stdout: stdout,
        }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.addr).expect("connect");
        // Bounds every read so a broken stream fails instead of hanging.
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream
    }

    /// SIGTERM, then waits for a clean exit.
    fn stop(mut self) {
        // SAFETY: signalling our own child process by its id.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "chief serve exited with {status}");
                return;
            }
            assert!(Instant::now() < deadline, "chief serve did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Instance {
    /// One HTTP/1.0 request; answers the status and the body.
    fn request(&self, head: &str) -> (u16, String) {
        let mut stream = self.connect();
        write!(stream, "{head}\r\nHost: chief\r\n\r\n").unwrap();
        let mut reader = BufReader::new(stream);
        let status = read_head(&mut reader);
        let mut body = String::new();
        reader.read_to_string(&mut body).unwrap();
        (status, body)
    }
}

#[test]
fn a_new_store_gets_a_workspace_and_a_key_shown_once() {
    let store = Store::sqlite();
    let first = Instance::start(&store);
    let key = first
        .banner
        .iter()
        .find_map(|l| {
            l.trim()
                .strip_prefix("chief_")
                .map(|k| format!("chief_{k}"))
        })
        .unwrap_or_else(|| panic!("no key in {:?}", first.banner));
    let (status, body) = first.request(&format!("GET /api/users/me HTTP/1.0\r\nX-API-Key: {key}"));
    assert_eq!(status, 200, "{body}");
    let me: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(me["role"], "owner");
    first.stop();

    // The second start finds the workspace and prints no key.
    let second = Instance::start(&store);
    assert!(
        !second.banner.iter().any(|l| l.contains("chief_")),
        "{:?}",
        second.banner
    );
    let (status, _) = second.request(&format!("GET /api/users/me HTTP/1.0\r\nX-API-Key: {key}"));
    assert_eq!(status, 200);
    second.stop();
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads an HTTP/1.0 response head; answers the status code.
fn read_head(reader: &mut impl BufRead) -> u16 {
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    let code = status.split(' ').nth(1).unwrap().parse().unwrap();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            return code;
        }
    }
}

/// The next SSE block's fields, up to a blank line.
fn read_block(reader: &mut impl BufRead) -> Vec<String> {
    let mut block = Vec::new();
    loop {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "the stream ended");
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            return block;
        }
        block.push(line.to_string());
    }
}

#[test]
fn a_task_created_on_one_instance_reaches_an_event_stream_on_another() {
    let Some(store) = Store::postgres() else {
        return;
    };
    store.init();
    let key = store.json(&["keys", "create", "--name", "events"])["api_key"]
        .as_str()
        .expect("a key")
        .to_string();
    let first = Instance::start(&store);
    let second = Instance::start(&store);

    let mut stream = second.connect();
    write!(
        stream,
        "GET /api/events HTTP/1.0\r\nHost: chief\r\nX-API-Key: {key}\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(stream);
    assert_eq!(read_head(&mut events), 200);
    let hello = read_block(&mut events);
    assert!(hello.iter().any(|l| l.starts_with("retry:")), "{hello:?}");

    let body = r#"{"title":"Call Patrick"}"#;
    let mut post = first.connect();
    write!(
        post,
        "POST /api/tasks HTTP/1.0\r\nHost: chief\r\nX-API-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = BufReader::new(post);
    assert_eq!(read_head(&mut response), 201);
    let mut text = String::new();
    response.read_to_string(&mut text).unwrap();
    let task: Value = serde_json::from_str(&text).unwrap();

    // Other events may come first (the scheduler gives the owner their
    // built-in jobs when an instance starts); the task's must follow.
    let block = loop {
        let block = read_block(&mut events);
        if block.iter().any(|l| l == "event: task.created") {
            break block;
        }
    };
    assert!(
        block.contains(&"event: task.created".to_string()),
        "{block:?}"
    );
    let data = block
        .iter()
        .find_map(|l| l.strip_prefix("data:"))
        .expect("data");
    let event: Value = serde_json::from_str(data.trim()).unwrap();
    assert_eq!(event["type"], "task.created");
    assert_eq!(event["entity_id"], task["id"]);

    // The open stream must not hold up a graceful shutdown.
    second.stop();
    first.stop();
}
