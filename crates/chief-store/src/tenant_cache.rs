//! Data a process keeps in memory per tenant, correct without being told:
//! each kind has a version token in `cache_versions` that triggers move on
//! every change of that kind (migration 0024), so an entry is used only
//! while the token it was loaded at is still the store's. Reading the
//! token is one primary-key lookup, against loading and parsing every
//! row. Tokens are random, so entries from two stores never mix.

use crate::{Db, StoreError};
use chief_domain::TenantId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Tenants kept per kind before the cache starts over.
const CACHED_TENANTS: usize = 1_000;

/// Each tenant's value and the token it was loaded at.
type Entries<T> = HashMap<TenantId, (String, Arc<T>)>;

/// One kind's entries.
pub struct TenantCache<T> {
    /// The `cache_versions.kind` whose token guards these entries.
    kind: &'static str,
    entries: Mutex<Option<Entries<T>>>,
}

impl<T> TenantCache<T> {
    pub const fn new(kind: &'static str) -> Self {
        TenantCache {
            kind,
            entries: Mutex::new(None),
        }
    }

    /// The tenant's value: the kept one while its token has not moved,
    /// else `load`ed afresh and kept.
    pub async fn get(
        &self,
        db: &Db,
        tenant: TenantId,
        load: impl AsyncFnOnce() -> Result<T, StoreError>,
    ) -> Result<Arc<T>, StoreError> {
        let version = db
            .fetch_optional(
                "SELECT version FROM cache_versions WHERE tenant_id = $1 AND kind = $2",
                &[tenant.into(), self.kind.into()],
            )
            .await?
            .map(|r| r.text("version"))
            .transpose()?
            .unwrap_or_default();
        if let Some(kept) = self.kept(tenant, &version) {
            return Ok(kept);
        }
        // Loaded after the token was read, so what is kept is at least as
        // new as the token it is kept under.
        let loaded = Arc::new(load().await?);
        self.keep(tenant, version, loaded.clone());
        Ok(loaded)
    }

    fn kept(&self, tenant: TenantId, version: &str) -> Option<Arc<T>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.as_ref()?.get(&tenant) {
            Some((v, value)) if v == version => Some(value.clone()),
            _ => None,
        }
    }

    fn keep(&self, tenant: TenantId, version: String, value: Arc<T>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entries = entries.get_or_insert_with(HashMap::new);
        if entries.len() >= CACHED_TENANTS && !entries.contains_key(&tenant) {
            entries.clear();
        }
        entries.insert(tenant, (version, value));
    }
}
