//! Caches that stay correct without being told: every audited change moves
//! the tenant's audit head (`audit::head_seq`), so an entry remembers the
//! head it was made at and is used only while the head has not moved.
//!
//! - Authenticated keys: a revoked key, a deleted user or a changed role is
//!   an audited change, so a cached key is re-checked after any change in
//!   its tenant.
//! - Hot read responses (`/api/tasks/next`, `/api/dashboard`): the same JSON
//!   is served until the tenant changes or the entry is older than the
//!   caller's `max_age` (for answers that depend on the clock).

use axum::body::Bytes;
use chief_domain::TenantId;
use chief_domain::tenant::User;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Entries kept before a cache is cleared; bounds memory under many keys.
const MAX_ENTRIES: usize = 10_000;

/// What a key resolved to, and the audit head when it was checked.
#[derive(Clone)]
pub struct KnownKey {
    pub user: User,
    pub key_id: Uuid,
    pub seq: i64,
}

/// Which response, for whom.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ResponseKey {
    pub route: &'static str,
    pub tenant: TenantId,
    pub user: Uuid,
    pub variant: String,
}

#[derive(Default)]
pub struct Caches {
    keys: Mutex<HashMap<String, KnownKey>>,
    responses: Mutex<HashMap<ResponseKey, (i64, Instant, Bytes)>>,
    /// One lock per response being made, so concurrent misses wait for one
    /// computation instead of each running it.
    making: Mutex<HashMap<ResponseKey, std::sync::Arc<tokio::sync::Mutex<()>>>>,
}

fn bounded_insert<K: Eq + std::hash::Hash, V>(map: &mut HashMap<K, V>, k: K, v: V) {
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(k, v);
}

impl Caches {
    /// The cached resolution of a key hash, if any.
    pub fn key(&self, hash: &str) -> Option<KnownKey> {
        self.keys
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(hash)
            .cloned()
    }

    pub fn remember_key(&self, hash: String, known: KnownKey) {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        bounded_insert(&mut keys, hash, known);
    }

    pub fn forget_key(&self, hash: &str) {
        self.keys
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(hash);
    }

    /// A response made at audit head `seq` and less than `max_age` old.
    pub fn response(&self, key: &ResponseKey, seq: i64, max_age: Duration) -> Option<Bytes> {
        let responses = self.responses.lock().unwrap_or_else(|e| e.into_inner());
        let (at_seq, made, bytes) = responses.get(key)?;
        (*at_seq == seq && made.elapsed() < max_age).then(|| bytes.clone())
    }

    /// The lock that makes `key`'s response one request at a time.
    fn maker(&self, key: &ResponseKey) -> std::sync::Arc<tokio::sync::Mutex<()>> {
        let mut making = self.making.lock().unwrap_or_else(|e| e.into_inner());
        if making.len() >= MAX_ENTRIES {
            making.retain(|_, m| std::sync::Arc::strong_count(m) > 1);
        }
        making.entry(key.clone()).or_default().clone()
    }

    pub fn remember_response(&self, key: ResponseKey, seq: i64, bytes: Bytes) {
        let mut responses = self.responses.lock().unwrap_or_else(|e| e.into_inner());
        bounded_insert(&mut responses, key, (seq, Instant::now(), bytes));
    }
}

/// The bytes cached for `key` while its tenant's audit head is still at
/// `seq` and the entry is younger than `max_age`; otherwise runs `make` and
/// caches what it returns. On a miss, one request makes the bytes while the
/// others wait for them. The API's JSON and the dashboard's pages share it.
pub async fn cached_bytes<E>(
    state: &crate::AppState,
    key: ResponseKey,
    seq: i64,
    max_age: Duration,
    make: impl Future<Output = Result<Bytes, E>>,
) -> Result<Bytes, E> {
    let cached = state.caches.response(&key, seq, max_age);
    let maker = cached.is_none().then(|| state.caches.maker(&key));
    let _making = match &maker {
        Some(m) => Some(m.lock().await),
        None => None,
    };
    if let Some(bytes) = cached.or_else(|| state.caches.response(&key, seq, max_age)) {
        return Ok(bytes);
    }
    let bytes = make.await?;
    state.caches.remember_response(key, seq, bytes.clone());
    Ok(bytes)
}

/// Answers with the cached JSON for (`route`, caller, `variant`) while the
/// caller's tenant is unchanged and the entry is younger than `max_age`;
/// otherwise runs `make`, caches its JSON and answers with it.
pub async fn cached_json<T: serde::Serialize>(
    state: &crate::AppState,
    caller: &crate::http::auth::Caller,
    route: &'static str,
    variant: String,
    max_age: Duration,
    make: impl Future<Output = Result<T, crate::ApiError>>,
) -> Result<axum::response::Response, crate::ApiError> {
    use axum::response::IntoResponse;
    let key = ResponseKey {
        route,
        tenant: caller.tenant(),
        user: caller.user.id,
        variant,
    };
    let bytes = cached_bytes(state, key, caller.seq, max_age, async {
        let value = make.await?;
        serde_json::to_vec(&value)
            .map(Bytes::from)
            .map_err(|e| crate::ApiError::internal(format!("cannot encode: {e}")))
    })
    .await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        bytes,
    )
        .into_response())
}
