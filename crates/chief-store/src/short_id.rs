//! Short ids: people type the last (or first) few hex digits of an id, as
//! tables show them, and the store finds the one row they name.

use crate::{Db, StoreError};
use chief_domain::TenantId;
use uuid::Uuid;

/// The kinds of row a short id can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Task,
    Question,
    Person,
    Project,
    Waiting,
    Delivery,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Task => "tasks",
            Kind::Question => "questions",
            Kind::Person => "people",
            Kind::Project => "projects",
            Kind::Waiting => "waiting_items",
            Kind::Delivery => "deliveries",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Task => "task",
            Kind::Question => "question",
            Kind::Person => "person",
            Kind::Project => "project",
            Kind::Waiting => "waiting item",
            Kind::Delivery => "delivery",
        }
    }

    fn article_name(self) -> String {
        format!("a {}", self.name())
    }

    fn live(self) -> &'static str {
        match self {
            Kind::Task => " AND deleted_at IS NULL",
            _ => "",
        }
    }
}

/// Resolves a full id, or a short one: at least 4 hex digits that start or
/// end a task's id (tables show the last 8, which are random in a UUID v7).
pub async fn resolve(
    db: &Db,
    tenant: TenantId,
    kind: Kind,
    short: &str,
) -> Result<Uuid, StoreError> {
    if let Ok(id) = Uuid::parse_str(short) {
        return Ok(id);
    }
    let clean: String = short.trim().to_ascii_lowercase();
    if clean.len() < 4
        || clean.len() > 36
        || !clean.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
    {
        return Err(StoreError::invalid(
            "id",
            format!(
                "{short:?} is not {} id (give at least 4 hex digits)",
                kind.article_name()
            ),
        ));
    }
    let text = match db.backend() {
        crate::Backend::Sqlite => "id",
        crate::Backend::Postgres => "id::text",
    };
    let sql = format!(
        "SELECT id FROM {table} WHERE tenant_id = $1{live} AND ({text} LIKE $2 OR {text} LIKE $3) LIMIT 3",
        table = kind.table(),
        live = kind.live()
    );
    let rows = db
        .fetch_all(
            &sql,
            &[
                tenant.into(),
                format!("{clean}%").into(),
                format!("%{clean}").into(),
            ],
        )
        .await?;
    match rows.len() {
        0 => Err(StoreError::not_found(kind.name(), short)),
        1 => rows[0].uuid("id"),
        _ => Err(StoreError::invalid(
            "id",
            format!(
                "{short:?} matches several {}s; give more digits",
                kind.name()
            ),
        )),
    }
}
