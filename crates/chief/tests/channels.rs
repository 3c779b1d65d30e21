//! `chief channels` and `chief deliveries` end to end, on SQLite and
//! PostgreSQL, against a real HTTP receiver on 127.0.0.1.

mod support;

use chief_testkit::both_backends;
use predicates::prelude::*;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use support::Store;

/// A plain HTTP receiver in a thread that answers 200 to every request and
/// keeps each request's head.
fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut data = Vec::new();
            let mut buf = [0u8; 4096];
            // Read the head, then the body its Content-Length announces.
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                data.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&data).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text[..end]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if data.len() >= end + 4 + len {
                        break;
                    }
                }
            }
            log.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&data).to_string());
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    (url, seen)
}

fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}/hook", listener.local_addr().unwrap())
}

both_backends! {
    fn channels_are_added_tested_listed_and_removed_and_failures_are_shown(s: &Store) {
        s.init();
        let (url, seen) = receiver();
        s.chief().args(["channels", "add", "webhook", &url, "--name", "ops", "--topics", "briefing,deadline"])
            .assert().success()
            .stdout(predicate::str::contains("whsec_").and(predicate::str::contains("shown once")));
        let list = s.json(&["channels", "list"]);
        assert_eq!(list[0]["name"], "ops");
        assert_eq!(list[0]["topics"], serde_json::json!(["briefing", "deadline"]));
        assert!(!list.to_string().contains("whsec_"), "no secret in the list: {list}");

        s.chief().args(["channels", "test", "ops"]).assert().success()
            .stdout(predicate::str::contains("Delivered").and(predicate::str::contains("HTTP 200")));
        let got = seen.lock().unwrap().clone();
        assert_eq!(got.len(), 1);
        let head = got[0].to_ascii_lowercase();
        assert!(head.starts_with("post /hook"), "{head}");
        assert!(head.contains("webhook-signature: v1,") && head.contains("webhook-id:"), "{head}");
        assert!(got[0].contains("\"type\":\"channel.test\""), "{}", got[0]);

        let dead = dead_url();
        s.chief().args(["channels", "add", "webhook", &dead, "--name", "down"]).assert().success();
        s.chief().args(["channels", "test", "down"]).assert().code(1)
            .stderr(predicate::str::contains("failed").and(predicate::str::contains("retries it at")));
        let pending = s.json(&["deliveries", "list", "--status", "pending"]);
        assert_eq!(pending["total"], 1, "{pending}");
        assert!(pending["items"][0]["last_error"].as_str().unwrap().to_lowercase().contains("refused"), "{pending}");
        let stuck = pending["items"][0]["id"].as_str().unwrap().to_string();
        s.chief().args(["deliveries", "redeliver", &stuck]).assert().code(1)
            .stderr(predicate::str::contains("still pending"));

        let delivered = s.json(&["deliveries", "list", "--status", "delivered"]);
        let sent = delivered["items"][0]["id"].as_str().unwrap();
        let short = &sent.replace('-', "")[24..];
        s.chief().args(["deliveries", "redeliver", short]).assert().success()
            .stdout(predicate::str::contains("Delivered"));
        assert_eq!(seen.lock().unwrap().len(), 2, "sent again");
        s.chief().args(["deliveries", "list"]).assert().success()
            .stdout(predicate::str::contains("channel.test").and(predicate::str::contains("down")));

        s.chief().args(["channels", "add", "webhook", "ftp://example.test/x"]).assert().code(1)
            .stderr(predicate::str::contains("config.url"));
        s.chief().args(["channels", "add", "webhook", &url, "--name", "ops"]).assert().code(1)
            .stderr(predicate::str::contains("already have a channel named \"ops\""));
        s.chief().args(["channels", "test", "nope"]).assert().code(1)
            .stderr(predicate::str::contains("no channel \"nope\"; yours are: ops, down"));
        s.chief().args(["deliveries", "list", "--status", "lost"]).assert().code(1)
            .stderr(predicate::str::contains("pending, delivered, failed"));
        s.chief().args(["channels", "remove", "down"]).assert().success();
        assert_eq!(s.json(&["channels", "list"]).as_array().unwrap().len(), 1);
        assert!(s.dir.path().join("secret.key").exists(), "the key file lives in the data dir");
    }
}
