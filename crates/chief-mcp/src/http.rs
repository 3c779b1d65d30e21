//! MCP over streamable HTTP, for `/mcp` on `chief serve`. The server
//! authenticates each request (an API key in `Authorization: Bearer` or
//! `X-API-Key`) and puts the caller's `chief_store::Scope` in the request's
//! extensions before it reaches [`service`]. [`HostGuard`] is the
//! DNS-rebinding protection the MCP specification asks for: a request
//! whose `Host` or `Origin` is not allowed is refused before anything else.

use crate::ChiefMcp;
use chief_store::Db;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use std::sync::Arc;

/// The tower service that answers MCP at `/mcp`.
pub type McpService = StreamableHttpService<ChiefMcp, LocalSessionManager>;

/// The MCP service over `db`; each session acts for whoever each of its
/// requests authenticated as.
pub fn service(db: Db) -> McpService {
    StreamableHttpService::new(
        move || Ok(ChiefMcp::per_request(db.clone())),
        Arc::new(LocalSessionManager::default()),
        StreamableHttpServerConfig::default(),
    )
}

/// Which `Host` and `Origin` headers `/mcp` accepts.
#[derive(Clone, Debug)]
pub struct HostGuard {
    /// Host names, without the port; `*` allows any.
    pub allowed_hosts: Vec<String>,
    /// Origins such as `https://app.example`; `*` allows any. When empty,
    /// an origin is allowed if its host is an allowed host. A request with
    /// no `Origin` (not from a browser) is allowed.
    pub allowed_origins: Vec<String>,
}

impl Default for HostGuard {
    /// Loopback only: what a local MCP client uses.
    fn default() -> Self {
        HostGuard {
            allowed_hosts: vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into()],
            allowed_origins: Vec::new(),
        }
    }
}

/// `host[:port]` without the port, lower-cased.
fn host_name(authority: &str) -> String {
    let authority = authority.trim().to_ascii_lowercase();
    if authority.starts_with('[') {
        return match authority.find(']') {
            Some(end) => authority[..=end].to_string(),
            None => authority,
        };
    }
    authority.split(':').next().unwrap_or_default().to_string()
}

impl HostGuard {
    fn host_allowed(&self, host: &str) -> bool {
        let host = host_name(host);
        self.allowed_hosts
            .iter()
            .any(|h| h == "*" || host_name(h) == host)
    }

    /// Checks a request's headers; the error says which header is refused.
    pub fn check(&self, headers: &::http::HeaderMap) -> Result<(), String> {
        let host = headers
            .get(::http::header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !self.host_allowed(host) {
            return Err(format!(
                "the Host {host:?} is not allowed for /mcp; add it to CHIEF_MCP_ALLOWED_HOSTS"
            ));
        }
        let Some(origin) = headers.get(::http::header::ORIGIN) else {
            return Ok(());
        };
        let origin = origin.to_str().unwrap_or_default().trim_end_matches('/');
        let allowed = if self.allowed_origins.is_empty() {
            origin
                .split_once("://")
                .is_some_and(|(_, authority)| self.host_allowed(authority))
        } else {
            self.allowed_origins
                .iter()
                .any(|o| o == "*" || o.trim_end_matches('/').eq_ignore_ascii_case(origin))
        };
        if allowed {
            Ok(())
        } else {
            Err(format!(
                "the Origin {origin:?} is not allowed for /mcp; add it to CHIEF_MCP_ALLOWED_ORIGINS"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(host: &str, origin: Option<&str>) -> ::http::HeaderMap {
        let mut h = ::http::HeaderMap::new();
        h.insert(::http::header::HOST, host.parse().unwrap());
        if let Some(o) = origin {
            h.insert(::http::header::ORIGIN, o.parse().unwrap());
        }
        h
    }

    #[test]
    fn loopback_hosts_and_their_origins_pass_by_default() {
        let g = HostGuard::default();
        assert!(g.check(&headers("127.0.0.1:7420", None)).is_ok());
        assert!(
            g.check(&headers("localhost:7420", Some("http://localhost:3000")))
                .is_ok()
        );
        assert!(g.check(&headers("[::1]:7420", None)).is_ok());
    }

    #[test]
    fn a_rebound_host_or_a_foreign_origin_is_refused() {
        let g = HostGuard::default();
        assert!(g.check(&headers("evil.example", None)).is_err());
        assert!(
            g.check(&headers("localhost:7420", Some("https://evil.example")))
                .is_err()
        );
    }

    #[test]
    fn configured_hosts_and_origins_are_exact() {
        let g = HostGuard {
            allowed_hosts: vec!["chief.example".into()],
            allowed_origins: vec!["https://app.example/".into()],
        };
        assert!(
            g.check(&headers("chief.example:443", Some("https://app.example")))
                .is_ok()
        );
        assert!(
            g.check(&headers("chief.example", Some("https://chief.example")))
                .is_err()
        );
        assert!(g.check(&headers("localhost", None)).is_err());
    }
}
