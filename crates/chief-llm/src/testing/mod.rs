//! Fake model servers for tests (the `testing` feature): local axum servers
//! that answer like the Anthropic Messages API or OpenAI Chat Completions,
//! byte for byte in shape, from a script.
//!
//! A test starts one, scripts its replies in order, points a [`Provider`]
//! at it, and afterwards reads the requests it received:
//!
//! ```no_run
//! # async fn demo() {
//! use chief_llm::testing::{FakeModel, Flavor, Reply, Turn};
//! let fake = FakeModel::start(Flavor::Anthropic).await;
//! fake.script([
//!     Reply::rate_limited("1"),
//!     Reply::Answer(Turn::tool_call("toolu_1", "get_next_task", serde_json::json!({}))),
//!     Reply::Answer(Turn::text("Done.")),
//! ]);
//! let (provider, _waits) = fake.provider("claude-sonnet-4-5");
//! # }
//! ```
//!
//! An [`Reply::Answer`] is sent as JSON or as an SSE stream, whichever the
//! request asked for, so one script serves both kinds of call. A request
//! with no reply left gets a 500 that says so. A request to the wrong path
//! gets a 404, and one without [`FAKE_KEY`] a 401, as the real APIs answer;
//! neither uses up the script.

mod render;
mod script;

pub use script::{Reply, Turn};

use crate::error::ProviderKind;
use crate::provider::{Endpoint, Provider};
use crate::retry::Backoff;
use crate::{ApiKey, ClientOptions};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Which API the fake speaks.
pub type Flavor = ProviderKind;

/// The key every fake accepts; any other gets a 401.
pub const FAKE_KEY: &str = "sk-fake-key-for-tests";

/// A request the fake received.
#[derive(Clone, Debug, PartialEq)]
pub struct Received {
    pub path: String,
    /// Header names in lower case.
    pub headers: BTreeMap<String, String>,
    pub body: Value,
}

#[derive(Default)]
struct State {
    script: VecDeque<Reply>,
    received: Vec<Received>,
}

/// A running fake model server.
pub struct FakeModel {
    flavor: Flavor,
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl FakeModel {
    /// Starts a fake on a free local port; it runs until the test's runtime
    /// ends.
    pub async fn start(flavor: Flavor) -> FakeModel {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let state = shared.clone();
            async move { answer(flavor, &state, uri, headers, body) }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free local port");
        let addr = listener
            .local_addr()
            .expect("a bound listener has an address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeModel {
            flavor,
            addr,
            state,
        }
    }

    /// The base URL a client is configured with.
    pub fn base_url(&self) -> String {
        match self.flavor {
            ProviderKind::Anthropic => format!("http://{}", self.addr),
            ProviderKind::OpenAi => format!("http://{}/v1", self.addr),
        }
    }

    /// The endpoint with `key`.
    pub fn endpoint(&self, key: &str) -> Endpoint {
        Endpoint {
            base_url: self.base_url(),
            api_key: Some(ApiKey::new(key)),
        }
    }

    /// A client for `model` with the right key, whose retries do not sleep
    /// but record each wait (the jitter picks the top of its range).
    pub fn provider(&self, model: &str) -> (Provider, Arc<Mutex<Vec<Duration>>>) {
        let provider = Provider::new(
            self.flavor,
            self.endpoint(FAKE_KEY),
            model,
            ClientOptions::default(),
        )
        .expect("an HTTP client builds");
        let (backoff, waits) = recording_backoff();
        (provider.with_backoff(backoff), waits)
    }

    /// Adds replies to the script, in order.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.state
            .lock()
            .expect("fake state")
            .script
            .extend(replies);
    }

    /// Every request received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.state.lock().expect("fake state").received.clone()
    }

    /// Replies scripted but not yet used.
    pub fn unused(&self) -> usize {
        self.state.lock().expect("fake state").script.len()
    }
}

/// A backoff that returns at once and records the waits it was asked for.
pub fn recording_backoff() -> (Backoff, Arc<Mutex<Vec<Duration>>>) {
    let waits = Arc::new(Mutex::new(Vec::new()));
    let recorded = waits.clone();
    let backoff = Backoff {
        sleeper: Arc::new(move |d| {
            recorded.lock().expect("waits").push(d);
            Box::pin(async {})
        }),
        jitter: Arc::new(|bound| bound),
    };
    (backoff, waits)
}

fn answer(
    flavor: Flavor,
    state: &Mutex<State>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    state.lock().expect("fake state").received.push(Received {
        path: uri.path().to_string(),
        headers: headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    v.to_str().unwrap_or_default().to_string(),
                )
            })
            .collect(),
        body: body.clone(),
    });
    let expected_path = match flavor {
        ProviderKind::Anthropic => "/v1/messages",
        ProviderKind::OpenAi => "/v1/chat/completions",
    };
    if uri.path() != expected_path {
        return error(
            flavor,
            404,
            "not_found_error",
            &format!("no route {}", uri.path()),
            None,
        );
    }
    let authorized = match flavor {
        ProviderKind::Anthropic => {
            headers.get("x-api-key").and_then(|v| v.to_str().ok()) == Some(FAKE_KEY)
                && headers.get("anthropic-version").is_some()
        }
        ProviderKind::OpenAi => {
            headers.get("authorization").and_then(|v| v.to_str().ok())
                == Some(&format!("Bearer {FAKE_KEY}"))
        }
    };
    if !authorized {
        return error(
            flavor,
            401,
            "authentication_error",
            "invalid x-api-key",
            None,
        );
    }
    // Taken only now, so a refused request does not use up the script.
    let reply = state.lock().expect("fake state").script.pop_front();
    let model = body["model"].as_str().unwrap_or("fake-model").to_string();
    let streaming = body["stream"] == json!(true);
    match reply {
        None => error(
            flavor,
            500,
            "api_error",
            "fake server: no scripted reply left",
            None,
        ),
        Some(Reply::Fail {
            status,
            error_type,
            message,
            retry_after,
        }) => error(flavor, status, &error_type, &message, retry_after),
        Some(Reply::Answer(turn)) => full(flavor, &turn, &model, streaming, Ending::Whole),
        Some(Reply::CutOff {
            turn,
            after,
            drop_connection,
        }) => {
            let ending = if drop_connection {
                Ending::Drop(after)
            } else {
                Ending::Stop(after)
            };
            full(flavor, &turn, &model, streaming, ending)
        }
        Some(Reply::Unfinished(turn)) => full(flavor, &turn, &model, true, Ending::NoFinalEvent),
        Some(Reply::StreamError {
            turn,
            after,
            error_type,
        }) => full(
            flavor,
            &turn,
            &model,
            true,
            Ending::Error(after, error_type),
        ),
    }
}

/// How an answer ends; counts are stream events, or bytes of a JSON
/// answer.
enum Ending {
    Whole,
    /// The body ends cleanly after this many.
    Stop(usize),
    /// The connection drops after this many.
    Drop(usize),
    /// Everything but the stream's final event.
    NoFinalEvent,
    /// This many stream events, then an error event of this type.
    Error(usize, String),
}

/// The answer for `turn`, ending as `ending` says.
fn full(
    flavor: Flavor,
    turn: &Turn,
    request_model: &str,
    streaming: bool,
    ending: Ending,
) -> Response {
    let model = turn.model.as_deref().unwrap_or(request_model);
    let mut pieces: Vec<Vec<u8>> = if streaming {
        match flavor {
            ProviderKind::Anthropic => render::anthropic_events(turn, model)
                .into_iter()
                .map(|(name, data)| format!("event: {name}\ndata: {data}\n\n").into_bytes())
                .collect(),
            ProviderKind::OpenAi => render::openai_chunks(turn, model)
                .into_iter()
                .map(|data| format!("data: {data}\n\n").into_bytes())
                .collect(),
        }
    } else {
        let json = match flavor {
            ProviderKind::Anthropic => render::anthropic_json(turn, model),
            ProviderKind::OpenAi => render::openai_json(turn, model),
        };
        vec![json.to_string().into_bytes()]
    };
    match (&ending, streaming) {
        (Ending::Whole, _) => {}
        (Ending::Stop(n) | Ending::Drop(n) | Ending::Error(n, _), true) => pieces.truncate(*n),
        (Ending::Stop(n) | Ending::Drop(n) | Ending::Error(n, _), false) => pieces[0].truncate(*n),
        (Ending::NoFinalEvent, _) => {
            pieces.pop();
        }
    }
    if let Ending::Error(_, error_type) = &ending {
        let error = json!({"type": error_type, "message": "fake in-stream failure"});
        let event = match flavor {
            ProviderKind::Anthropic => {
                format!(
                    "event: error\ndata: {}\n\n",
                    json!({"type": "error", "error": error})
                )
            }
            ProviderKind::OpenAi => format!("data: {}\n\n", json!({"error": error})),
        };
        pieces.push(event.into_bytes());
    }
    let mut items: Vec<Result<Bytes, std::io::Error>> =
        pieces.into_iter().map(|p| Ok(Bytes::from(p))).collect();
    if matches!(ending, Ending::Drop(_)) {
        items.push(Err(std::io::Error::other(
            "fake server dropped the connection",
        )));
    }
    // Yielding before each piece lets the server flush what it has, so the
    // client really receives the start of the answer before a drop.
    let body = futures_util::StreamExt::then(futures_util::stream::iter(items), |item| async {
        tokio::task::yield_now().await;
        item
    });
    let content_type = if streaming {
        "text/event-stream"
    } else {
        "application/json"
    };
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", content_type)
        .body(Body::from_stream(body))
        .expect("a valid response")
}

/// An error answer in the provider's shape.
fn error(
    flavor: Flavor,
    status: u16,
    error_type: &str,
    message: &str,
    retry_after: Option<String>,
) -> Response {
    let body = match flavor {
        ProviderKind::Anthropic => {
            json!({"type": "error", "error": {"type": error_type, "message": message}})
        }
        ProviderKind::OpenAi => {
            json!({"error": {"message": message, "type": error_type, "param": null, "code": null}})
        }
    };
    let mut b = Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header("content-type", "application/json");
    if let Some(r) = retry_after {
        b = b.header("retry-after", r);
    }
    b.body(Body::from(body.to_string()))
        .expect("a valid response")
}
