//! Knowledge routing, seed 003's learning loop: spotting the phrases that
//! mean "capture this", telling what a learning is about, and deciding
//! where it goes. This module only decides, from the text and the names it
//! is given; the store applies the decision in one transaction.
//!
//! When no category is given it is inferred, in this order: terminology
//! ("we call it …") is a rule; a learning that names a known person, client
//! or project is about them; preferences such as a timezone or a URL are
//! settings; procedures ("how to", "when scheduling, …") are playbooks; any
//! other standing instruction said with a trigger phrase is a rule. What is
//! left waits for review.

use crate::words::{contains_words, is_stop_word, stem, terms, words};
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

/// Whom or what a text names among candidates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mention {
    Nobody,
    /// The index of the one candidate named.
    One(usize),
    /// Several candidates are named equally well.
    Several(Vec<usize>),
}

/// Which of `names` the text names. A full name, as whole words, beats a
/// single distinctive word of a longer name ("Patrick" for Patrick Fields),
/// and a longer full name beats a shorter one.
pub fn find_mentioned(text: &str, names: &[&str]) -> Mention {
    let text = words(text);
    let mut best_score = 0;
    let mut best = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let name = words(name);
        let score = if contains_words(&text, &name) {
            10 + name.len()
        } else if name.len() > 1
            && name
                .iter()
                .any(|w| w.chars().count() >= 3 && !is_stop_word(w) && text.contains(w))
        {
            1
        } else {
            0
        };
        if score > best_score {
            best_score = score;
            best = vec![i];
        } else if score > 0 && score == best_score {
            best.push(i);
        }
    }
    match best.len() {
        0 => Mention::Nobody,
        1 => Mention::One(best[0]),
        _ => Mention::Several(best),
    }
}

/// The names routing may find in a learning.
#[derive(Clone, Copy, Debug, Default)]
pub struct Known<'a> {
    pub people: &'a [&'a str],
    pub clients: &'a [&'a str],
    pub projects: &'a [&'a str],
}

/// Where a learning goes. Indices point into the [`Known`] lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    Person(usize),
    Client(usize),
    Project(usize),
    /// A new playbook, proposed for the person to approve.
    ProposePlaybook,
    /// A line in the workspace's rules playbook.
    Rules,
    /// The user's settings.
    Setting,
    /// Nowhere yet: a person decides. The text says why.
    Review(String),
}

/// A routing decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The category to record: the one given, the one inferred, or `rule`
    /// for a learning about nothing recognisable (it waits for review).
    pub category: KnowledgeCategory,
    pub destination: Destination,
}

/// Decides where `content` goes, given its category if the caller knows it.
pub fn route(content: &str, category: Option<KnowledgeCategory>, known: &Known) -> Route {
    use KnowledgeCategory as C;
    let Some(category) = category.or_else(|| infer_category(content, known)) else {
        return Route {
            category: C::Rule,
            destination: Destination::Review(
                "it names no known person, client or project, and reads as neither a procedure, a rule nor a setting".into(),
            ),
        };
    };
    let among = |names: &[&str], kind: &str, to: fn(usize) -> Destination| match find_mentioned(
        content, names,
    ) {
        Mention::One(i) => to(i),
        Mention::Several(found) => {
            let listed: Vec<&str> = found.iter().take(3).map(|&i| names[i]).collect();
            Destination::Review(format!(
                "it could be about any of several {kind}s: {}",
                listed.join(", ")
            ))
        }
        Mention::Nobody => Destination::Review(format!(
            "it names no {kind} in this workspace (chief does not create one on a guess)"
        )),
    };
    let destination = match category {
        C::Person => among(known.people, "person", Destination::Person),
        C::Client => among(known.clients, "client", Destination::Client),
        C::Project => among(known.projects, "project", Destination::Project),
        C::Playbook => Destination::ProposePlaybook,
        C::Rule => Destination::Rules,
        C::Setting => Destination::Setting,
    };
    Route {
        category,
        destination,
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
pub fn infer_category(content: &str, known: &Known) -> Option<KnowledgeCategory> {
    use KnowledgeCategory as C;
    let text = words(content);
    let has_any = |phrases: &[&str]| phrases.iter().any(|p| contains_words(&text, &words(p)));
    if has_any(RULE_PHRASES) {
        return Some(C::Rule);
    }
    for (names, category) in [
        (known.people, C::Person),
        (known.clients, C::Client),
        (known.projects, C::Project),
    ] {
        if find_mentioned(content, names) != Mention::Nobody {
            return Some(category);
        }
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
mod tests {
    use super::*;
    use KnowledgeCategory as C;

    const PEOPLE: &[&str] = &["Patrick Fields", "Sarah Lee", "Sarah Connor"];
    const CLIENTS: &[&str] = &["Liberty Hotel", "Acme"];
    const PROJECTS: &[&str] = &["CNW", "Website Redesign"];

    fn known() -> Known<'static> {
        Known {
            people: PEOPLE,
            clients: CLIENTS,
            projects: PROJECTS,
        }
    }

    #[test]
    fn trigger_phrases_are_found_as_whole_words_ignoring_case() {
        assert_eq!(
            detect_trigger("REMEMBER THAT Patrick hates calls"),
            Some("remember that")
        );
        assert_eq!(
            detect_trigger("Here’s how we do this: book the room first"),
            Some("here's how we do this")
        );
        assert_eq!(
            detect_trigger("fyi for next time, use the blue form"),
            Some("FYI for next time")
        );
        assert_eq!(detect_trigger("We never ship on Fridays"), Some("never"));
        assert_eq!(
            detect_trigger("From now on, cc Sarah; never skip it"),
            Some("from now on")
        );
        assert_eq!(
            detect_trigger("Don't ever book before 9"),
            Some("don't ever")
        );
        assert_eq!(detect_trigger("The nevermore tavern"), None);
        assert_eq!(detect_trigger("Patrick prefers brief emails"), None);
    }

    #[test]
    fn a_full_name_beats_a_first_name_and_ties_are_reported() {
        assert_eq!(
            find_mentioned("Patrick prefers brief emails", PEOPLE),
            Mention::One(0)
        );
        assert_eq!(
            find_mentioned("Sarah Lee is out in May", PEOPLE),
            Mention::One(1)
        );
        assert_eq!(
            find_mentioned("Ask Sarah first", PEOPLE),
            Mention::Several(vec![1, 2])
        );
        assert_eq!(find_mentioned("Pat called", PEOPLE), Mention::Nobody);
        assert_eq!(find_mentioned("acme's invoices", CLIENTS), Mention::One(1));
    }

    #[test]
    fn the_category_is_inferred_from_what_the_learning_says() {
        let k = known();
        for (content, category) in [
            ("We call it 'AD' not 'Automation Designer'", Some(C::Rule)),
            ("Patrick prefers brief, direct emails", Some(C::Person)),
            ("Liberty uses Outlook, not Gmail", Some(C::Client)),
            ("CNW budget approved for Phase 2", Some(C::Project)),
            ("David prefers UTC timestamps", Some(C::Setting)),
            (
                "The Slack workspace URL is https://team.slack.com",
                Some(C::Setting),
            ),
            ("When scheduling, check all 3 calendars", Some(C::Playbook)),
            (
                "Going forward, when booking travel use the portal",
                Some(C::Playbook),
            ),
            ("Here's how to file an expense report", Some(C::Playbook)),
            ("Never send invoices on a Friday", Some(C::Rule)),
            ("The coffee machine is broken", None),
        ] {
            assert_eq!(infer_category(content, &k), category, "{content}");
        }
    }

    #[test]
    fn routing_goes_to_the_named_entity_or_waits_for_review() {
        let k = known();
        let r = route("Patrick prefers brief emails", None, &k);
        assert_eq!(
            (r.category, r.destination),
            (C::Person, Destination::Person(0))
        );
        let r = route("Liberty Hotel pays late", Some(C::Client), &k);
        assert_eq!(r.destination, Destination::Client(0));
        let r = route("The Website Redesign launches in May", Some(C::Project), &k);
        assert_eq!(r.destination, Destination::Project(1));
        assert_eq!(
            route("x", Some(C::Playbook), &k).destination,
            Destination::ProposePlaybook
        );
        assert_eq!(
            route("x", Some(C::Rule), &k).destination,
            Destination::Rules
        );
        assert_eq!(
            route("x", Some(C::Setting), &k).destination,
            Destination::Setting
        );

        let r = route("Bob prefers calls", Some(C::Person), &k);
        assert!(matches!(&r.destination, Destination::Review(why) if why.contains("no person")));
        let r = route("Ask Sarah about it", Some(C::Person), &k);
        assert!(
            matches!(&r.destination, Destination::Review(why) if why.contains("Sarah Lee, Sarah Connor"))
        );
        let r = route("The coffee machine is broken", None, &k);
        assert_eq!(r.category, C::Rule);
        assert!(matches!(r.destination, Destination::Review(_)));
    }

    #[test]
    fn communication_learnings_go_to_communication_notes() {
        assert_eq!(
            person_field("Prefers brief, direct emails"),
            PersonField::CommunicationNotes
        );
        assert_eq!(
            person_field("Reports to the GM; close to the decision-maker"),
            PersonField::ContextNotes
        );
    }

    #[test]
    fn a_proposed_playbook_is_named_after_its_first_sentence() {
        assert_eq!(
            playbook_name(
                "Here's how we do this: when scheduling, check all 3 calendars. Then book."
            ),
            "When scheduling, check all 3 calendars"
        );
        assert_eq!(
            playbook_name("remember that invoices go out monthly"),
            "Invoices go out monthly"
        );
        assert_eq!(playbook_name("..."), "Learned procedure");
        let long = "word ".repeat(40);
        let name = playbook_name(&long);
        assert!(name.chars().count() <= NAME_LIMIT && name.starts_with("Word word"));
    }

    #[test]
    fn notes_are_appended_as_dated_paragraphs() {
        let on = NaiveDate::from_ymd_opt(2026, 1, 21).unwrap();
        assert_eq!(
            dated_note(None, on, " Prefers calls "),
            "[2026-01-21] Prefers calls"
        );
        assert_eq!(dated_note(Some("  \n"), on, "x"), "[2026-01-21] x");
        assert_eq!(
            dated_note(Some("Met at the expo.\n"), on, "Prefers calls"),
            "Met at the expo.\n\n[2026-01-21] Prefers calls"
        );
    }

    proptest::proptest! {
        /// Any text gives a usable playbook name and a decision.
        #[test]
        fn any_text_gives_a_name_and_a_route(content in "\\PC{0,200}") {
            let name = playbook_name(&content);
            proptest::prop_assert!(!name.trim().is_empty());
            proptest::prop_assert!(name.chars().count() <= NAME_LIMIT);
            let _ = route(&content, None, &known());
            let _ = detect_trigger(&content);
        }
    }
}
