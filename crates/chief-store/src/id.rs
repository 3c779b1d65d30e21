//! New ids. The store mints them as it writes rows: a UUID v7 reads the
//! clock, which the domain does not. Every row id is a UUID v7, so ids sort
//! by creation time and index well.

use chief_domain::TenantId;
use uuid::Uuid;

/// A fresh UUID v7 for a new row.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// A fresh id for a new workspace.
pub fn new_tenant_id() -> TenantId {
    TenantId(new_id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_version_7_and_increase() {
        let a = new_id();
        let b = new_id();
        assert_eq!(a.get_version_num(), 7);
        assert!(b > a, "v7 ids sort by creation time");
    }
}
