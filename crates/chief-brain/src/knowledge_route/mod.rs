//! Knowledge routing, seed 003's learning loop: spotting the phrases that
//! mean "capture this", telling what a learning is about, and deciding
//! where it goes. This module only decides, from the text and the names it
//! is given; the store applies the decision in one transaction.
//!
//! When no category is given it is inferred, in this order: terminology
//! ("we call it …") is a rule; a learning that names a known person, client
//! or project is about them (found by [`crate::entity_resolve`]); preferences such as a timezone or a URL are
//! settings; procedures ("how to", "when scheduling, …") are playbooks; any
//! other standing instruction said with a trigger phrase is a rule. What is
//! left waits for review.

use crate::entity_resolve::{Candidate, Entity, EntityKind, Resolution, resolve, resolve_where};
use crate::words::{contains_words, stem, terms, words};
use chief_domain::knowledge::KnowledgeCategory;
use chrono::NaiveDate;

/// The phrases that mean a person is teaching something worth keeping.
pub const TRIGGER_PHRASES: [&str; 11] = [
    "remember that",
    "for future reference",
    "here's how we do this",
    "going forward",
    "from now on",
    "note that",
    "keep in mind",
    "don't ever",
    "always",
    "never",
    "FYI for next time",
];

/// The first of [`TRIGGER_PHRASES`] that `text` contains as whole words,
/// ignoring case.
pub fn detect_trigger(text: &str) -> Option<&'static str> {
    let text = words(text);
    TRIGGER_PHRASES
        .into_iter()
        .find(|p| contains_words(&text, &words(p)))
}

/// The category a learning about an entity of `kind` has.
pub fn category_of(kind: EntityKind) -> KnowledgeCategory {
    match kind {
        EntityKind::Person => KnowledgeCategory::Person,
        EntityKind::Client => KnowledgeCategory::Client,
        EntityKind::Project => KnowledgeCategory::Project,
    }
}

/// Where a learning goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Destination {
    /// The person, client or project found; its index is into the known
    /// entities.
    Entity(Candidate),
    /// A new playbook, proposed for the person to approve.
    ProposePlaybook,
    /// A line in the workspace's rules playbook.
    Rules,
    /// The user's settings.
    Setting,
    /// Nowhere yet: a person decides. `why` says why; `candidates` are the
    /// entities it could be about, when several fit.
    Review {
        why: String,
        candidates: Vec<Candidate>,
    },
}

/// A routing decision.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// The category to record: the one given, the one inferred, or `rule`
    /// for a learning about nothing recognisable (it waits for review).
    pub category: KnowledgeCategory,
    pub destination: Destination,
}

/// Decides where `content` goes among the `known` people, clients and
/// projects, given its category if the caller knows it.
pub fn route(content: &str, category: Option<KnowledgeCategory>, known: &[Entity]) -> Route {
    use KnowledgeCategory as C;
    let Some(category) = category.or_else(|| infer_category(content, known)) else {
        return Route {
            category: C::Rule,
            destination: Destination::Review {
                why: "it names no known person, client or project, and reads as neither a procedure, a rule nor a setting".into(),
                candidates: Vec::new(),
            },
        };
    };
    let among = |kind: EntityKind| match resolve_where(content, known, |e| e.kind == kind) {
        Resolution::Resolved(found) => Destination::Entity(found),
        Resolution::Ambiguous(candidates) => {
            let listed: Vec<&str> = candidates
                .iter()
                .take(3)
                .map(|c| known[c.index].name.as_str())
                .collect();
            Destination::Review {
                why: format!(
                    "it could be about any of several {}s: {}",
                    kind.as_str(),
                    listed.join(", ")
                ),
                candidates,
            }
        }
        Resolution::None => Destination::Review {
            why: format!(
                "it names no {} in this workspace (chief does not create one on a guess)",
                kind.as_str()
            ),
            candidates: Vec::new(),
        },
    };
    let destination = match category {
        C::Person => among(EntityKind::Person),
        C::Client => among(EntityKind::Client),
        C::Project => among(EntityKind::Project),
        C::Playbook => Destination::ProposePlaybook,
        C::Rule => Destination::Rules,
        C::Setting => Destination::Setting,
    };
    Route {
        category,
        destination,
    }
}

/// Everything capturing one learning needs decided, in one call.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// The category to record (see [`Route::category`]); the named
    /// target's when the caller named one and gave no category.
    pub category: KnowledgeCategory,
    /// The phrase that prompted it: the one given (trimmed, when not
    /// blank), else the first of [`TRIGGER_PHRASES`] in the text.
    pub trigger_phrase: Option<String>,
    /// Where it goes; `None` when the caller named the target.
    pub destination: Option<Destination>,
    /// Which of a person's notes it goes in, if it goes to a person.
    pub person_field: PersonField,
    /// The name of the playbook it would propose.
    pub playbook_name: String,
}

/// Decides what capturing `content` does: its trigger phrase, its category
/// and where it goes among the `known` people, clients and projects. When
/// the caller named the target, `named` is that target's category and
/// nothing is routed.
pub fn decide(
    content: &str,
    trigger_phrase: Option<&str>,
    category: Option<KnowledgeCategory>,
    named: Option<KnowledgeCategory>,
    known: &[Entity],
) -> Decision {
    let trigger_phrase = trigger_phrase
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .or_else(|| detect_trigger(content).map(str::to_string));
    let (category, destination) = match named {
        Some(of_target) => (category.unwrap_or(of_target), None),
        None => {
            let route = route(content, category, known);
            (route.category, Some(route.destination))
        }
    };
    Decision {
        category,
        trigger_phrase,
        destination,
        person_field: person_field(content),
        playbook_name: playbook_name(content),
    }
}

const RULE_PHRASES: &[&str] = &[
    "we call it",
    "we call",
    "is called",
    "are called",
    "stands for",
    "short for",
    "refer to it as",
    "terminology",
    "acronym",
    "policy",
    "rule",
    "rules",
];

const SETTING_PHRASES: &[&str] = &[
    "time zone",
    "timezone",
    "working hours",
    "work hours",
    "office hours",
    "date format",
    "time format",
    "utc",
    "gmt",
    "timestamps",
    "url",
    "language",
    "currency",
    "signature",
    "workspace",
];

const PROCEDURE_PHRASES: &[&str] = &[
    "how to",
    "how we",
    "here's how",
    "step by step",
    "steps",
    "procedure",
    "process",
    "checklist",
    "workflow",
    "playbook",
    "instructions",
];

/// First words that open a procedure: "When scheduling, check …".
const PROCEDURE_OPENERS: &[&str] = &["when", "whenever", "before", "after", "to"];

/// The category a learning is about, or `None` when the text does not say.
pub fn infer_category(content: &str, known: &[Entity]) -> Option<KnowledgeCategory> {
    use KnowledgeCategory as C;
    let text = words(content);
    let has_any = |phrases: &[&str]| phrases.iter().any(|p| contains_words(&text, &words(p)));
    if has_any(RULE_PHRASES) {
        return Some(C::Rule);
    }
    match resolve(content, known) {
        Resolution::Resolved(found) => return Some(category_of(known[found.index].kind)),
        Resolution::Ambiguous(found) => return Some(category_of(known[found[0].index].kind)),
        Resolution::None => {}
    }
    let lower = content.to_lowercase();
    if has_any(SETTING_PHRASES)
        || ["http://", "https://", "www."]
            .iter()
            .any(|u| lower.contains(u))
    {
        return Some(C::Setting);
    }
    let opener = words(without_trigger(content)).into_iter().next();
    if has_any(PROCEDURE_PHRASES) || opener.is_some_and(|w| PROCEDURE_OPENERS.contains(&w.as_str()))
    {
        return Some(C::Playbook);
    }
    detect_trigger(content).map(|_| C::Rule)
}

/// Which of a person's notes a learning belongs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonField {
    /// How to communicate with them.
    CommunicationNotes,
    /// Anything else about them.
    ContextNotes,
}

impl PersonField {
    /// The field's name on the person.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonField::CommunicationNotes => "communication_notes",
            PersonField::ContextNotes => "context_notes",
        }
    }
}

const COMMUNICATION_WORDS: &[&str] = &[
    "email",
    "mail",
    "call",
    "phone",
    "text",
    "message",
    "reply",
    "respond",
    "tone",
    "slack",
    "write",
    "contact",
    "communicate",
    "communication",
    "brief",
    "formal",
    "informal",
    "greeting",
];

/// Where a learning about a person goes: "Patrick prefers brief emails" is
/// a communication note; "Patrick reports to the GM" is context.
pub fn person_field(content: &str) -> PersonField {
    let terms = terms(content);
    if COMMUNICATION_WORDS.iter().any(|w| terms.contains(&stem(w))) {
        PersonField::CommunicationNotes
    } else {
        PersonField::ContextNotes
    }
}

/// The longest name a proposed playbook gets, in characters.
const NAME_LIMIT: usize = 80;

/// A name for the playbook a learning proposes: its first sentence, without
/// the trigger phrase, capitalised and cut at a word within 80 characters.
pub fn playbook_name(content: &str) -> String {
    let first = without_trigger(content)
        .split(['.', '!', '?', ':', ';', '\n'])
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let mut name = String::new();
    for word in first.split_whitespace() {
        if name.chars().count() + word.chars().count() + 1 > NAME_LIMIT {
            break;
        }
        if !name.is_empty() {
            name.push(' ');
        }
        name.push_str(word);
    }
    let name = name.trim_end_matches([',', '-', '—']);
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "Learned procedure".into(),
    }
}

/// `content` without a leading trigger phrase and the punctuation after it:
/// "Going forward, when …" gives "when …".
fn without_trigger(content: &str) -> &str {
    let content = content.trim();
    for phrase in TRIGGER_PHRASES {
        if let Some(rest) = after_leading_words(content, phrase) {
            return rest.trim_start_matches(|c: char| !c.is_alphanumeric());
        }
    }
    content
}

/// The text after its first words, when they are `phrase`'s words.
fn after_leading_words<'t>(text: &'t str, phrase: &str) -> Option<&'t str> {
    let want = words(phrase);
    let mut matched = 0;
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if text[s..i].to_lowercase() != want[matched] {
                    return None;
                }
                matched += 1;
                start = None;
                if matched == want.len() {
                    return Some(&text[i..]);
                }
            }
            _ => {}
        }
    }
    None
}

/// `existing` notes with `content` appended as a dated paragraph:
/// `"…\n\n[2026-01-21] Prefers brief emails"`.
pub fn dated_note(existing: Option<&str>, on: NaiveDate, content: &str) -> String {
    let note = format!("[{}] {}", on.format("%Y-%m-%d"), content.trim());
    match existing.map(str::trim_end).filter(|e| !e.trim().is_empty()) {
        Some(e) => format!("{e}\n\n{note}"),
        None => note,
    }
}

#[cfg(test)]
mod tests;
