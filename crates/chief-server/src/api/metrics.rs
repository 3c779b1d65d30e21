//! Prometheus metrics at `/metrics`: request counts by route and status,
//! latency histograms by route, and the database pool. Every label takes
//! one of a fixed set of values (the route table's paths, the standard
//! methods, status codes), so no request can grow the set of series. When
//! the server has a metrics token (`CHIEF_METRICS_TOKEN`), `/metrics` asks
//! for it as a bearer token.

use crate::http::auth::bearer_credentials;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Histogram bucket bounds, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Default)]
struct Histogram {
    /// Counts per bucket (not cumulative), then the +Inf overflow.
    buckets: [u64; BUCKETS.len() + 1],
    sum: f64,
    count: u64,
}

/// What the server has measured since it started.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<(String, String), Histogram>,
}

/// The methods counted under their own name; any other is `other`, so a
/// client making methods up cannot add series.
const METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE",
];

/// The `method` label of a request's method.
fn method_label(method: &str) -> &'static str {
    METHODS
        .iter()
        .find(|m| **m == method)
        .copied()
        .unwrap_or("other")
}

impl Metrics {
    /// Records one finished request.
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let method = method_label(method);
        let secs = elapsed.as_secs_f64();
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *inner
            .requests
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        let h = inner
            .latency
            .entry((method.to_string(), route.to_string()))
            .or_default();
        let slot = BUCKETS
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(BUCKETS.len());
        h.buckets[slot] += 1;
        h.sum += secs;
        h.count += 1;
    }

    /// The Prometheus text exposition.
    pub fn render(&self, pool: (u32, usize)) -> String {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        out.push_str("# HELP chief_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE chief_http_requests_total counter\n");
        for ((method, route, status), n) in &inner.requests {
            let _ = writeln!(
                out,
                "chief_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        out.push_str("# HELP chief_http_request_duration_seconds HTTP request latency.\n");
        out.push_str("# TYPE chief_http_request_duration_seconds histogram\n");
        for ((method, route), h) in &inner.latency {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(h.buckets.iter()) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "chief_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "chief_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "chief_http_request_duration_seconds_sum{{{labels}}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "chief_http_request_duration_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        let (size, idle) = pool;
        out.push_str("# HELP chief_db_pool_connections Open database connections.\n");
        out.push_str("# TYPE chief_db_pool_connections gauge\n");
        let _ = writeln!(out, "chief_db_pool_connections {size}");
        out.push_str("# HELP chief_db_pool_idle_connections Idle database connections.\n");
        out.push_str("# TYPE chief_db_pool_idle_connections gauge\n");
        let _ = writeln!(out, "chief_db_pool_idle_connections {idle}");
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Whether two secrets are equal, in time that does not depend on where
/// they first differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0, |d, (x, y)| d | (x ^ y)) == 0
}

/// `GET /metrics`: open, or behind the metrics token when one is set.
pub async fn metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(token) = &state.metrics_token {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer_credentials)
            .map(str::trim);
        if !presented.is_some_and(|p| same_secret(p, token)) {
            return Err(ApiError::unauthorized(
                "/metrics needs the metrics token (CHIEF_METRICS_TOKEN) in Authorization: Bearer",
            ));
        }
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(state.db.pool_stats()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_methods_share_one_label_and_standard_ones_keep_theirs() {
        let m = Metrics::default();
        for method in ["GET", "PATCH", "BREW", "PROPFIND", "X-1"] {
            m.record(method, "/api/tasks", 405, Duration::from_millis(1));
        }
        let text = m.render((1, 1));
        assert!(
            text.contains(r#"method="GET",route="/api/tasks",status="405"} 1"#),
            "{text}"
        );
        assert!(text.contains(r#"method="PATCH""#));
        assert!(
            text.contains(r#"method="other",route="/api/tasks",status="405"} 3"#),
            "{text}"
        );
        assert!(
            !text.contains("BREW") && !text.contains("PROPFIND"),
            "{text}"
        );
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("s3cret", "s3cret"));
        assert!(!same_secret("s3cret", "s3creT"));
        assert!(!same_secret("s3cret", "s3cre"));
    }
}
