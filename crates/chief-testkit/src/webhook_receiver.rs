//! A webhook receiver for tests: a real HTTP server on 127.0.0.1:0 that
//! records every request and answers the statuses it is told to, and a
//! Standard Webhooks signature check written from the spec (HMAC-SHA256
//! over `{id}.{timestamp}.{body}` with the bytes after `whsec_`),
//! independent of chief's signer.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// One request as received.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    /// Statuses to answer, in order; 200 once they run out.
    script: VecDeque<(u16, Option<&'static str>)>,
}

/// A running receiver.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let shared = shared.clone();
                async move {
                    let mut s = shared.lock().unwrap();
                    s.received.push(Received { headers, body });
                    let (code, retry_after) = s.script.pop_front().unwrap_or((200, None));
                    let mut out = HeaderMap::new();
                    if let Some(r) = retry_after {
                        out.insert("retry-after", r.parse().unwrap());
                    }
                    (StatusCode::from_u16(code).unwrap(), out, "answered")
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver {
            url: format!("http://{addr}/hook"),
            state,
        }
    }

    /// Answers these statuses to the next requests.
    pub fn answer(&self, statuses: &[(u16, Option<&'static str>)]) {
        self.state
            .lock()
            .unwrap()
            .script
            .extend(statuses.iter().copied());
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }
}

/// A URL where nothing listens: a port bound and released.
pub async fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/hook")
}

/// Whether `r` carries a valid Standard Webhooks signature for `secret`.
pub fn signature_is_valid(r: &Received, secret: &str) -> bool {
    let key = B64
        .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .expect("base64 secret");
    let signed = format!(
        "{}.{}.{}",
        r.header("webhook-id"),
        r.header("webhook-timestamp"),
        String::from_utf8_lossy(&r.body)
    );
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(signed.as_bytes());
    let expected = format!("v1,{}", B64.encode(mac.finalize().into_bytes()));
    // The header may list several space-separated signatures.
    r.header("webhook-signature")
        .split(' ')
        .any(|s| s == expected)
}
