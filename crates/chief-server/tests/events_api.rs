//! Live events over a real listener, on SQLite and PostgreSQL: SSE at
//! `/api/events` and WebSocket at `/ws` deliver the caller's tenant's events
//! as they are committed, resume after `Last-Event-ID` without loss or
//! repeats, refuse bad keys, and end when the server shuts down.

use axum::http::StatusCode;
use chief_store::Db;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite;

mod common;

use chief_testkit::both_backends;
use common::{call, key_for};

/// Bounds a wait so a broken stream fails the test instead of hanging it.
async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .unwrap_or_else(|_| panic!("gave up waiting for {what}"))
}

/// `chief_server::serve` on 127.0.0.1, as `chief serve` runs it.
struct Server {
    addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start(db: &Db) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let db = db.clone();
        let task = tokio::spawn(async move {
            let config = chief_server::ServerConfig::default();
            chief_server::serve(db, &config, listener, async {
                let _ = stopped.await;
            })
            .await
        });
        Server { addr, stop, task }
    }

    /// Shuts down gracefully; open streams must not hold it up.
    async fn stop(self) {
        let _ = self.stop.send(());
        within("a graceful shutdown", self.task)
            .await
            .unwrap()
            .unwrap();
    }
}

/// One received SSE event: its id, its type and its data.
#[derive(Debug)]
struct Received {
    id: i64,
    event: String,
    data: Value,
}

/// A raw SSE client. It speaks HTTP/1.0, so the body arrives unframed.
struct SseClient {
    lines: tokio::io::Lines<BufReader<TcpStream>>,
}

impl SseClient {
    /// Opens `/api/events{query}`; answers the status and, on 200, a client
    /// whose stream is open.
    async fn open(
        addr: SocketAddr,
        key: &str,
        last_event_id: Option<&str>,
        query: &str,
    ) -> (u16, Option<SseClient>) {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let mut request =
            format!("GET /api/events{query} HTTP/1.0\r\nHost: 127.0.0.1\r\nX-API-Key: {key}\r\n");
        if let Some(id) = last_event_id {
            request.push_str(&format!("Last-Event-ID: {id}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut lines = BufReader::new(stream).lines();
        let status_line = within("the status line", lines.next_line())
            .await
            .unwrap()
            .unwrap();
        let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
        let mut ctype = String::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-type")
            {
                ctype = value.trim().to_string();
            }
        }
        if status != 200 {
            return (status, None);
        }
        assert_eq!(ctype, "text/event-stream");
        let mut client = SseClient { lines };
        let hello = client.block().await;
        assert!(hello.iter().any(|l| l.starts_with("retry:")), "{hello:?}");
        (status, Some(client))
    }

    /// The next block of lines up to a blank line.
    async fn block(&mut self) -> Vec<String> {
        let mut block = Vec::new();
        loop {
            let line = within("an SSE line", self.lines.next_line())
                .await
                .unwrap()
                .expect("the stream stays open");
            if line.is_empty() {
                return block;
            }
            block.push(line);
        }
    }

    /// The next event, skipping keep-alive comments.
    async fn next(&mut self) -> Received {
        loop {
            let block = self.block().await;
            let field = |name: &str| {
                block
                    .iter()
                    .find_map(|l| l.strip_prefix(name).map(|v| v.trim_start().to_string()))
            };
            if let (Some(id), Some(event), Some(data)) =
                (field("id:"), field("event:"), field("data:"))
            {
                return Received {
                    id: id.parse().unwrap(),
                    event,
                    data: serde_json::from_str(&data).unwrap(),
                };
            }
        }
    }
}

async fn sse(addr: SocketAddr, key: &str, last_event_id: Option<&str>) -> SseClient {
    SseClient::open(addr, key, last_event_id, "")
        .await
        .1
        .expect("the stream opens")
}

async fn create_task(db: &Db, key: &str, title: &str) -> String {
    let (status, _, task) = call(
        db,
        "POST",
        "/api/tasks",
        Some(key),
        Some(json!({ "title": title })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    task["id"].as_str().unwrap().to_string()
}

both_backends! {
    async fn sse_sends_new_events_of_the_callers_workspace_only(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        create_task(db, &a, "Before the stream opened").await;
        let server = Server::start(db).await;
        let mut client = sse(server.addr, &a, None).await;
        create_task(db, &b, "B's secret").await;
        let id = create_task(db, &a, "Call Patrick").await;
        let got = client.next().await;
        assert_eq!(got.event, "task.created");
        assert_eq!(got.data["type"], "task.created");
        assert_eq!(got.data["seq"], got.id);
        assert_eq!(got.data["entity_type"], "task");
        assert_eq!(got.data["entity_id"], id.as_str());
        assert_eq!(got.data["payload"]["changes"]["title"]["after"], "Call Patrick");
        // The stream stays open across the shutdown.
        server.stop().await;
    }

    async fn a_client_that_reconnects_gets_exactly_the_events_it_missed_in_order(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        let server = Server::start(db).await;
        let mut client = sse(server.addr, &a, None).await;
        create_task(db, &a, "Seen").await;
        let seen = client.next().await;
        drop(client);

        let first = create_task(db, &a, "Missed one").await;
        create_task(db, &b, "Not mine").await;
        let second = create_task(db, &a, "Missed two").await;
        let (status, _, _) = call(db, "POST", &format!("/api/tasks/{second}/start"), Some(&a), None).await;
        assert_eq!(status, StatusCode::OK);

        let mut missed = vec![
            ("task.created", first.clone()),
            ("task.created", second.clone()),
            ("task.status_changed", second.clone()),
        ];
        for (header, query) in [(Some(seen.id.to_string()), String::new()), (None, format!("?after={}", seen.id))] {
            let mut client = SseClient::open(server.addr, &a, header.as_deref(), &query).await.1.unwrap();
            let mut got = Vec::new();
            let mut last = seen.id;
            for _ in 0..missed.len() {
                let event = client.next().await;
                assert!(event.id > last, "ids increase");
                last = event.id;
                got.push((event.event, event.data["entity_id"].as_str().unwrap().to_string()));
            }
            let expected: Vec<(String, String)> = missed.iter().map(|(t, id)| (t.to_string(), id.clone())).collect();
            assert_eq!(got, expected);
            // Nothing else is queued: the next event is the one made now.
            let marker = create_task(db, &a, "Marker").await;
            let next = client.next().await;
            assert_eq!((next.event.as_str(), next.data["entity_id"].as_str()), ("task.created", Some(marker.as_str())));
            missed.push(("task.created", marker));
        }
        server.stop().await;
    }

    async fn bad_keys_and_resume_ids_are_refused_with_problem_json(db: &Db) {
        let a = key_for(db, "a").await;
        let (status, ctype, problem) = call(db, "GET", "/api/events", None, None).await;
        assert_eq!((status, ctype.as_str()), (StatusCode::UNAUTHORIZED, "application/problem+json"));
        assert_eq!(problem["type"], "/problems/unauthorized");
        for query in ["?after=-1", "?after=abc", "?colour=red"] {
            let (status, ctype, problem) = call(db, "GET", &format!("/api/events{query}"), Some(&a), None).await;
            assert_eq!((status, ctype.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "application/problem+json"), "{query}");
            assert_eq!(problem["type"], "/problems/validation");
        }
        let server = Server::start(db).await;
        let (status, _) = SseClient::open(server.addr, &a, Some("yesterday"), "").await;
        assert_eq!(status, 422);
        let (status, _) = SseClient::open(server.addr, "chief_nope_nope", None, "").await;
        assert_eq!(status, 401);
        server.stop().await;
    }

    async fn websocket_sends_events_as_json_and_refuses_bad_keys(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        let server = Server::start(db).await;
        let (mut socket, _) = within("the handshake", tokio_tungstenite::connect_async(format!("ws://{}/ws?api_key={a}", server.addr))).await.unwrap();
        create_task(db, &b, "B's secret").await;
        let id = create_task(db, &a, "Call Patrick").await;
        let message = within("a message", futures_util::StreamExt::next(&mut socket)).await.unwrap().unwrap();
        let event: Value = serde_json::from_str(message.to_text().unwrap()).unwrap();
        assert_eq!((event["type"].as_str(), event["entity_id"].as_str()), (Some("task.created"), Some(id.as_str())));

        // A key in the header works too, and ?after=0 replays from the start.
        let mut request = tungstenite::client::IntoClientRequest::into_client_request(format!("ws://{}/ws?after=0", server.addr)).unwrap();
        request.headers_mut().insert("x-api-key", a.parse().unwrap());
        let (mut replay, _) = within("the handshake", tokio_tungstenite::connect_async(request)).await.unwrap();
        let first = within("a message", futures_util::StreamExt::next(&mut replay)).await.unwrap().unwrap();
        let first: Value = serde_json::from_str(first.to_text().unwrap()).unwrap();
        assert_eq!(first["seq"], 1);

        // Seed 003's clients send the key as ?token=.
        let (mut seed_client, _) = within("the handshake", tokio_tungstenite::connect_async(format!("ws://{}/ws?token={a}&after=0", server.addr))).await.unwrap();
        let first = within("a message", futures_util::StreamExt::next(&mut seed_client)).await.unwrap().unwrap();
        let first: Value = serde_json::from_str(first.to_text().unwrap()).unwrap();
        assert_eq!(first["seq"], 1);

        for url in [format!("ws://{}/ws?api_key=chief_nope_nope", server.addr), format!("ws://{}/ws", server.addr)] {
            match tokio_tungstenite::connect_async(url).await {
                Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
                other => panic!("a bad key must be refused, got {other:?}"),
            }
        }
        // Both sockets stay open across the shutdown.
        server.stop().await;
    }
}
