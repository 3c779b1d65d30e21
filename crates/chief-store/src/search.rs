//! Full-text search over tasks, people, playbooks, projects and knowledge:
//! FTS5 with BM25 on SQLite, tsvector with ts_rank on PostgreSQL. Results are
//! ranked (higher is better) and carry a snippet with the matches in
//! `[brackets]`.

use crate::{Backend, Db, StoreError};
use chief_domain::TenantId;
use serde::Serialize;
use uuid::Uuid;

/// A searchable kind of entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Task,
    Person,
    Playbook,
    Project,
    Knowledge,
}

impl EntityKind {
    pub const ALL: [EntityKind; 5] = [
        EntityKind::Task,
        EntityKind::Person,
        EntityKind::Playbook,
        EntityKind::Project,
        EntityKind::Knowledge,
    ];

    /// The name used in results and filters.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Task => "task",
            EntityKind::Person => "person",
            EntityKind::Playbook => "playbook",
            EntityKind::Project => "project",
            EntityKind::Knowledge => "knowledge",
        }
    }

    /// Parses `task`, `tasks`, `person`, `people`, …
    pub fn parse(text: &str) -> Option<EntityKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "task" | "tasks" => Some(EntityKind::Task),
            "person" | "people" => Some(EntityKind::Person),
            "playbook" | "playbooks" => Some(EntityKind::Playbook),
            "project" | "projects" => Some(EntityKind::Project),
            "knowledge" => Some(EntityKind::Knowledge),
            _ => None,
        }
    }

    fn table(self) -> &'static str {
        match self {
            EntityKind::Task => "tasks",
            EntityKind::Person => "people",
            EntityKind::Playbook => "playbooks",
            EntityKind::Project => "projects",
            EntityKind::Knowledge => "knowledge",
        }
    }

    /// The column shown as a result's title.
    fn title(self) -> &'static str {
        match self {
            EntityKind::Task => "title",
            EntityKind::Knowledge => "content",
            _ => "name",
        }
    }

    /// The text a PostgreSQL snippet is cut from.
    fn pg_document(self) -> &'static str {
        match self {
            EntityKind::Task => {
                "e.title || ' ' || coalesce(e.description, '') || ' ' || coalesce(e.output, '')"
            }
            EntityKind::Person => {
                "e.name || ' ' || coalesce(e.company, '') || ' ' || coalesce(e.context_notes, '') || ' ' || coalesce(e.communication_notes, '')"
            }
            EntityKind::Playbook => "e.name || ' ' || e.description || ' ' || e.content",
            EntityKind::Project => "e.name || ' ' || coalesce(e.description, '')",
            EntityKind::Knowledge => "e.content",
        }
    }

    fn live_filter(self) -> &'static str {
        match self {
            EntityKind::Task => " AND e.deleted_at IS NULL",
            _ => "",
        }
    }
}

/// One search result.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Hit {
    pub entity_type: EntityKind,
    pub id: Uuid,
    pub title: String,
    pub snippet: String,
    /// Higher is more relevant.
    pub score: f64,
}

/// A `LIKE` pattern matching lower-cased text that contains `q`; the
/// wildcards `%` and `_` in `q` are dropped so they match literally nothing.
pub fn contains_pattern(q: &str) -> String {
    format!("%{}%", q.trim().to_lowercase().replace(['%', '_'], ""))
}

/// Turns free text into an FTS5 query of quoted terms (all must match), so
/// that the user's punctuation is never read as FTS5 syntax. The last term
/// matches as a prefix.
fn fts5_query(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(16)
        .map(|t| format!("\"{t}\""))
        .collect();
    if terms.is_empty() {
        return None;
    }
    Some(format!("{}*", terms.join(" ")))
}

/// Searches the tenant's data; `kinds` empty means every kind.
pub async fn search(
    db: &Db,
    tenant: TenantId,
    q: &str,
    kinds: &[EntityKind],
    limit: i64,
) -> Result<Vec<Hit>, StoreError> {
    if q.len() > 1000 {
        return Err(StoreError::invalid("q", "is longer than 1000 characters"));
    }
    let kinds = if kinds.is_empty() {
        &EntityKind::ALL[..]
    } else {
        kinds
    };
    let limit = limit.clamp(1, 200);
    let (sql, query) = match db.backend() {
        Backend::Sqlite => {
            let Some(query) = fts5_query(q) else {
                return Ok(vec![]);
            };
            // FTS5 cuts a snippet cheaply in the matching pass; cutting it
            // afterwards for the top rows would run the match again per row.
            let parts: Vec<String> = kinds
                .iter()
                .map(|k| {
                    format!(
                        "SELECT '{kind}' AS kind, e.id AS id, e.{title} AS title, \
                         snippet({table}_fts, -1, '[', ']', '…', 12) AS snippet, -bm25({table}_fts, 10.0, 1.0) AS score \
                         FROM {table}_fts CROSS JOIN {table} e ON e.rowid = {table}_fts.rowid \
                         WHERE {table}_fts MATCH $2 AND e.tenant_id = $1{live}",
                        kind = k.as_str(),
                        title = k.title(),
                        table = k.table(),
                        live = k.live_filter(),
                    )
                })
                .collect();
            (
                format!("{} ORDER BY score DESC LIMIT $3", parts.join(" UNION ALL ")),
                query,
            )
        }
        Backend::Postgres => {
            if q.split(|c: char| !c.is_alphanumeric()).all(str::is_empty) {
                return Ok(vec![]);
            }
            // Rank every match, then cut headlines for the top rows only: a
            // headline parses its whole document again.
            let parts: Vec<String> = kinds
                .iter()
                .map(|k| {
                    format!(
                        "SELECT '{kind}' AS kind, e.id AS id, e.{title} AS title, \
                         CAST(ts_rank(e.search_vector, websearch_to_tsquery('english', $2)) AS DOUBLE PRECISION) AS score \
                         FROM {table} e WHERE e.tenant_id = $1 AND e.search_vector @@ websearch_to_tsquery('english', $2){live}",
                        kind = k.as_str(),
                        title = k.title(),
                        table = k.table(),
                        live = k.live_filter(),
                    )
                })
                .collect();
            let snippets: Vec<String> = kinds
                .iter()
                .map(|k| {
                    format!(
                        "WHEN '{kind}' THEN (SELECT ts_headline('english', {doc}, websearch_to_tsquery('english', $2), \
                         'StartSel=[, StopSel=], MaxWords=18, MinWords=6, ShortWord=2') \
                         FROM {table} e WHERE e.tenant_id = $1 AND e.id = top.id)",
                        kind = k.as_str(),
                        table = k.table(),
                        doc = k.pg_document(),
                    )
                })
                .collect();
            (
                format!(
                    "WITH top AS MATERIALIZED ({} ORDER BY score DESC LIMIT $3) \
                     SELECT kind, id, title, score, CASE kind {} END AS snippet FROM top ORDER BY score DESC",
                    parts.join(" UNION ALL "),
                    snippets.join(" "),
                ),
                q.to_string(),
            )
        }
    };
    db.fetch_all(&sql, &[tenant.into(), query.into(), limit.into()])
        .await?
        .iter()
        .map(|r| {
            let kind = r.text("kind")?;
            Ok(Hit {
                entity_type: EntityKind::parse(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("unknown kind {kind}")))?,
                id: r.uuid("id")?,
                title: r.text("title")?,
                snippet: r.text("snippet")?,
                score: r.float("score")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn fts5_queries_quote_every_term_so_punctuation_is_inert() {
        assert_eq!(
            super::fts5_query("liberty renewal").unwrap(),
            "\"liberty\" \"renewal\"*"
        );
        assert_eq!(
            super::fts5_query("a\" OR NEAR(x").unwrap(),
            "\"a\" \"OR\" \"NEAR\" \"x\"*"
        );
        assert_eq!(super::fts5_query("  ;; "), None);
    }
}
