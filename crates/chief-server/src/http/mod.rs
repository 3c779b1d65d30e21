//! The HTTP plumbing every endpoint shares: authentication and role checks,
//! JSON bodies and query parameters, the problem+json error, rate limits,
//! request tracing, response caching, CORS and the security headers. Nothing here knows a
//! resource; the endpoints are in [`crate::api`].

pub(crate) mod auth;
pub(crate) mod body;
pub(crate) mod cache;
pub(crate) mod cors;
pub(crate) mod error;
pub(crate) mod limit;
pub(crate) mod params;
pub(crate) mod security;
pub(crate) mod trace;
