//! The knowledge set: `tests/data/knowledge.jsonl`, one learning a line as
//! people type them, with the category it is about and the entity it should
//! be routed to (`person:Patrick Fields`, `ambiguous` when a person must
//! choose, or `null` for learnings about no one). Every line is read against
//! the one workspace below: fifteen people (two Sarahs), five clients and
//! five projects.

use super::{Report, data_lines};
use chief_brain::entity_resolve::{Entity, EntityKind};
use chief_brain::knowledge_route::{Destination, route};
use serde::Deserialize;

const DATA: &str = include_str!("../data/knowledge.jsonl");

const PEOPLE: &[(&str, &[&str])] = &[
    ("Patrick Fields", &["Pat"]),
    ("Sarah Lee", &[]),
    ("Sarah Connor", &[]),
    ("David Kim", &[]),
    ("Maria Gonzalez", &[]),
    ("Jenna Ortiz", &[]),
    ("Tom Becker", &["Tommy"]),
    ("Priya Raman", &[]),
    ("Mark Brown", &[]),
    ("Elena Petrova", &[]),
    ("James O'Neill", &[]),
    ("Wei Chen", &[]),
    ("Olivia Hart", &["Liv"]),
    ("Raj Patel", &[]),
    ("Nora Lindqvist", &["Nora L"]),
];

const CLIENTS: &[(&str, &[&str])] = &[
    ("Liberty Hotel Group", &["LHG"]),
    ("Acme Corp", &[]),
    ("Brightwater Dental", &[]),
    ("Northwind Traders", &[]),
    ("Summit Health", &[]),
];

const PROJECTS: &[(&str, &[&str])] = &[
    ("CNW", &[]),
    ("Website Redesign", &[]),
    ("Q3 Board Deck", &[]),
    ("Mobile App Launch", &[]),
    ("Data Migration", &[]),
];

/// The workspace every statement is read against.
pub fn workspace() -> Vec<Entity> {
    [
        (EntityKind::Person, PEOPLE),
        (EntityKind::Client, CLIENTS),
        (EntityKind::Project, PROJECTS),
    ]
    .into_iter()
    .flat_map(|(kind, list)| {
        list.iter().map(move |(name, aliases)| Entity {
            kind,
            name: name.to_string(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        })
    })
    .collect()
}

#[derive(Deserialize)]
struct Case {
    text: String,
    category: String,
    entity: Option<String>,
}

/// Scores [`route`] with no category given: the `category` inferred and the
/// `entity` it is routed to.
pub fn score() -> Report {
    let known = workspace();
    let mut report = Report::new("knowledge");
    for (line, row) in data_lines(DATA) {
        let case: Case =
            serde_json::from_str(row).unwrap_or_else(|e| panic!("knowledge.jsonl:{line}: {e}"));
        let decided = route(&case.text, None, &known);
        let category = decided.category.as_str();
        let entity = match &decided.destination {
            Destination::Entity(c) => {
                let e = &known[c.index];
                Some(format!("{}:{}", e.kind.as_str(), e.name))
            }
            Destination::Review { candidates, .. } if candidates.len() > 1 => {
                Some("ambiguous".to_string())
            }
            _ => None,
        };
        report.cases += 1;
        report.check("category", category == case.category, || {
            format!(
                "line {line} {:?}: want {}, got {category}",
                case.text, case.category
            )
        });
        report.check("entity", entity == case.entity, || {
            format!(
                "line {line} {:?}: want {:?}, got {entity:?} ({:?})",
                case.text, case.entity, decided.destination
            )
        });
    }
    report
}
