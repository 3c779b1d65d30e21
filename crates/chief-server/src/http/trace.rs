//! Request tracing: every request gets a trace id, taken from a W3C
//! `traceparent` header when one is sent, returned in `x-trace-id`, written
//! to the audit rows the request causes, and logged with the request's
//! outcome.

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// The request's trace id: 32 lower-case hex digits.
#[derive(Clone)]
pub struct TraceId(pub String);

/// The trace id of a valid `traceparent` (`00-<trace>-<parent>-<flags>`).
pub fn from_traceparent(value: &str) -> Option<String> {
    let mut parts = value.trim().split('-');
    let (version, trace, parent, flags) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let hex = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    let valid = hex(version, 2)
        && version != "ff"
        && hex(trace, 32)
        && hex(parent, 16)
        && hex(flags, 2)
        && trace.bytes().any(|b| b != b'0')
        && parent.bytes().any(|b| b != b'0')
        && (version != "00" || parts.next().is_none());
    valid.then(|| trace.to_string())
}

/// Middleware: assigns the trace id, logs the request and records its
/// metrics.
pub async fn trace(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let trace_id = req
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .and_then(from_traceparent)
        .unwrap_or_else(chief_store::new_trace_id);
    req.extensions_mut().insert(TraceId(trace_id.clone()));
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    // An inbound webhook's path holds its secret token: log the route.
    let path = match req.uri().path() {
        p if p.starts_with("/hooks/") => "/hooks/{token}".to_string(),
        p => p.to_string(),
    };
    let mut response = next.run(req).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    if let Ok(v) = HeaderValue::from_str(&trace_id) {
        response.headers_mut().insert("x-trace-id", v);
    }
    state.metrics.record(
        method.as_str(),
        route.as_deref().unwrap_or("unmatched"),
        status,
        elapsed,
    );
    tracing::info!(
        target: "chief::http",
        method = %method,
        path = %path,
        status,
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        trace_id = %trace_id,
        "request"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::from_traceparent;

    #[test]
    fn a_valid_traceparent_gives_its_trace_id() {
        assert_eq!(
            from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
    }

    #[test]
    fn malformed_or_zero_traceparents_are_ignored() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ] {
            assert_eq!(from_traceparent(bad), None, "{bad}");
        }
    }
}
