//! Playbook matching, seed 003's algorithm: which active playbooks a task
//! calls for, and which must-consult ones it must not skip.
//!
//! 1. A trigger phrase found in the task, as whole words and ignoring case,
//!    matches with relevance 1.0 (reason `trigger: 'email to'`).
//! 2. Otherwise the task is scored with BM25 against the playbook's name,
//!    triggers, description and category ([`bm25`] explains the weights),
//!    normalised to a relevance from 0 to 1. From [`RELEVANCE_THRESHOLD`] up
//!    it is a match, with the fields that shared words as the reason
//!    (`bm25: name, description`).
//! 3. A must-consult playbook goes into `must_consult` whenever it is
//!    relevant: matched as above, or the task is the kind of work its
//!    category or its name is about ("Reply to Sam" is communication).
//!
//! Pure and deterministic: ties are broken by name, then id.

pub mod bm25;

use crate::words::{spaced, spaced_into, stem, terms, words};
use chief_domain::playbook::{Playbook, PlaybookStatus};
use std::collections::HashSet;

/// The least BM25 relevance that counts as a match.
pub const RELEVANCE_THRESHOLD: f64 = 0.2;

/// Words that say a task is of a category's kind, for the usual categories.
const CATEGORY_WORDS: &[(&str, &[&str])] = &[
    (
        "communication",
        &[
            "email",
            "mail",
            "reply",
            "respond",
            "message",
            "letter",
            "write",
            "draft",
            "send",
            "slack",
            "announce",
            "follow",
            "introduce",
            "thank",
        ],
    ),
    (
        "scheduling",
        &[
            "schedule",
            "reschedule",
            "meeting",
            "calendar",
            "invite",
            "book",
            "appointment",
            "availability",
            "call",
        ],
    ),
    (
        "sales",
        &[
            "proposal", "deal", "quote", "pricing", "price", "lead", "prospect", "contract",
            "renewal", "pitch", "invoice",
        ],
    ),
    (
        "technical",
        &[
            "deploy", "release", "bug", "fix", "code", "server", "migrate", "debug", "incident",
        ],
    ),
];

/// Name words too general to say what a playbook is for.
const GENERIC_NAME_TERMS: &[&str] = &[
    "guid",
    "playbook",
    "rul",
    "checklist",
    "process",
    "procedur",
    "template",
    "general",
];

/// A playbook the task calls for.
#[derive(Clone, Debug, PartialEq)]
pub struct Matched<'a> {
    pub playbook: &'a Playbook,
    /// `trigger: 'email to'` or `bm25: name, description`.
    pub match_reason: String,
    /// 1.0 for a trigger; the BM25 relevance otherwise.
    pub relevance_score: f64,
}

/// A must-consult playbook the task is relevant to.
#[derive(Clone, Debug, PartialEq)]
pub struct MustConsult<'a> {
    pub playbook: &'a Playbook,
    /// Why it is relevant: a match reason, `category: 'communication'` or
    /// `name: 'email'`.
    pub match_reason: String,
    /// What to tell the agent: "MUST consult before ANY email".
    pub warning: String,
}

/// What matching a task against the playbooks found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlaybookMatch<'a> {
    /// Best first.
    pub matched: Vec<Matched<'a>>,
    /// By name.
    pub must_consult: Vec<MustConsult<'a>>,
}

/// Matches a task's text (its title and description) against `playbooks`.
/// Only active playbooks are considered.
pub fn match_playbooks<'a>(task_text: &str, playbooks: &'a [Playbook]) -> PlaybookMatch<'a> {
    let active: Vec<&Playbook> = playbooks
        .iter()
        .filter(|p| p.status == PlaybookStatus::Active)
        .collect();
    let task_spaced = spaced(task_text);
    let task_terms = dedup(terms(task_text));
    let scores = bm25::score_all(&task_terms, &active);
    let mut trigger = String::new();

    let mut out = PlaybookMatch::default();
    for (playbook, scored) in active.iter().copied().zip(&scores) {
        let matched = match trigger_in(&task_spaced, playbook, &mut trigger) {
            Some(trigger) => Some((format!("trigger: '{trigger}'"), 1.0)),
            None => (scored.relevance >= RELEVANCE_THRESHOLD)
                .then(|| (format!("bm25: {}", scored.fields()), scored.relevance)),
        };
        let relevance = match &matched {
            Some((reason, _)) => Some(reason.clone()),
            None if playbook.must_consult => kind_of_work(&task_terms, playbook),
            None => None,
        };
        if playbook.must_consult
            && let Some(reason) = relevance
        {
            out.must_consult.push(MustConsult {
                playbook,
                warning: warning(playbook),
                match_reason: reason,
            });
        }
        if let Some((match_reason, relevance_score)) = matched {
            out.matched.push(Matched {
                playbook,
                match_reason,
                relevance_score,
            });
        }
    }
    out.matched.sort_by(|a, b| {
        b.relevance_score
            .total_cmp(&a.relevance_score)
            .then_with(|| by_name(a.playbook, b.playbook))
    });
    out.must_consult
        .sort_by(|a, b| by_name(a.playbook, b.playbook));
    out
}

fn by_name(a: &Playbook, b: &Playbook) -> std::cmp::Ordering {
    a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id))
}

fn dedup(mut terms: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    terms.retain(|t| seen.insert(t.clone()));
    terms
}

/// The first of the playbook's triggers that the task contains as whole
/// words; `task_spaced` is the task's [`spaced`] form, `buffer` is scratch.
fn trigger_in<'p>(
    task_spaced: &str,
    playbook: &'p Playbook,
    buffer: &mut String,
) -> Option<&'p str> {
    playbook.triggers.iter().map(|t| t.trim()).find(|t| {
        spaced_into(t, buffer);
        buffer.len() > 1 && task_spaced.contains(buffer.as_str())
    })
}

/// Why a task is the kind of work a playbook is about, if it is: a word of
/// its category's kind, the category itself, or a telling word of its
/// name.
fn kind_of_work(task_terms: &[String], p: &Playbook) -> Option<String> {
    let has = |term: &str| task_terms.iter().any(|t| t == term);
    if let Some(category) = p.category.as_deref().map(str::trim) {
        let lower = category.to_lowercase();
        let listed = CATEGORY_WORDS
            .iter()
            .find(|(name, _)| *name == lower)
            .map(|(_, w)| *w)
            .unwrap_or(&[]);
        let category_terms = terms(category);
        if category_terms.iter().any(|t| has(t)) || listed.iter().any(|w| has(&stem(w))) {
            return Some(format!("category: '{category}'"));
        }
    }
    terms(&p.name)
        .into_iter()
        .filter(|t| t.len() > 2 && !GENERIC_NAME_TERMS.contains(&t.as_str()))
        .find(|t| has(t))
        .map(|t| {
            let word = words(&p.name)
                .into_iter()
                .find(|w| stem(w) == t)
                .unwrap_or(t);
            format!("name: '{word}'")
        })
}

/// The playbook's own must-consult sentence when its description has one
/// ("MUST consult before ANY email"), else a warning naming it.
fn warning(p: &Playbook) -> String {
    let own = p
        .description
        .split(['.', '!', '\n'])
        .map(str::trim)
        .find(|s| s.to_lowercase().contains("must consult"));
    match own {
        Some(sentence) => sentence.to_string(),
        None => format!("MUST consult the playbook \"{}\" before this task", p.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chief_domain::TenantId;
    use chrono::{TimeZone, Utc};

    fn playbook(name: &str, description: &str, triggers: &[&str], must_consult: bool) -> Playbook {
        let at = Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).unwrap();
        Playbook {
            id: uuid_from(name),
            tenant_id: TenantId(uuid_from("tenant")),
            user_id: uuid_from("user"),
            name: name.into(),
            description: description.into(),
            category: None,
            triggers: triggers.iter().map(|t| t.to_string()).collect(),
            must_consult,
            content: format!("# {name}"),
            scripts: serde_json::json!({}),
            references: serde_json::json!({}),
            examples: serde_json::json!([]),
            learned_from: None,
            source_task_id: None,
            last_used: None,
            use_count: 0,
            status: PlaybookStatus::Active,
            created_at: at,
            updated_at: at,
        }
    }

    fn uuid_from(s: &str) -> uuid::Uuid {
        let mut bytes = [0u8; 16];
        for (i, b) in s.bytes().enumerate() {
            bytes[i % 16] ^= b;
        }
        uuid::Uuid::from_bytes(bytes)
    }

    fn email_guide() -> Playbook {
        let mut p = playbook(
            "email-drafting-guide",
            "Guide for drafting external emails. MUST consult before ANY email. Covers tone, relationship awareness, strategic considerations.",
            &["draft email", "email to", "reply to", "follow up with"],
            true,
        );
        p.category = Some("communication".into());
        p
    }

    fn names<'a>(m: &[Matched<'a>]) -> Vec<&'a str> {
        m.iter().map(|m| m.playbook.name.as_str()).collect()
    }

    #[test]
    fn a_trigger_phrase_matches_exactly_with_full_relevance() {
        let playbooks = [
            email_guide(),
            playbook("hiring", "How we interview", &["interview"], false),
        ];
        let m = match_playbooks("Draft follow-up EMAIL TO Patrick at Liberty", &playbooks);
        assert_eq!(names(&m.matched), ["email-drafting-guide"]);
        assert_eq!(m.matched[0].match_reason, "trigger: 'email to'");
        assert_eq!(m.matched[0].relevance_score, 1.0);
        assert_eq!(m.must_consult.len(), 1);
        assert_eq!(m.must_consult[0].warning, "MUST consult before ANY email");
    }

    #[test]
    fn a_trigger_must_appear_as_whole_words() {
        let playbooks = [playbook("x", "", &["email to"], false)];
        let m = match_playbooks("email tomorrow's agenda", &playbooks);
        assert!(
            m.matched
                .iter()
                .all(|m| !m.match_reason.starts_with("trigger"))
        );
    }

    #[test]
    fn without_a_trigger_bm25_over_name_and_description_decides() {
        let playbooks = [
            playbook(
                "scheduling-guide",
                "How we schedule meetings: check all three calendars first",
                &["book a room"],
                false,
            ),
            playbook(
                "expenses",
                "Filing expense reports and receipts",
                &[],
                false,
            ),
        ];
        let m = match_playbooks("Schedule the board meeting", &playbooks);
        assert_eq!(names(&m.matched), ["scheduling-guide"]);
        assert_eq!(m.matched[0].match_reason, "bm25: name, description");
        assert!((RELEVANCE_THRESHOLD..1.0).contains(&m.matched[0].relevance_score));
        assert!(
            match_playbooks("Water the office plants", &playbooks)
                .matched
                .is_empty()
        );
    }

    #[test]
    fn triggers_rank_above_similarity_and_ties_go_by_name() {
        let playbooks = [
            playbook("b-invoices", "Sending invoices to clients", &[], false),
            playbook("a-invoices", "Sending invoices to clients", &[], false),
            playbook("c-billing", "", &["send invoice"], false),
        ];
        let m = match_playbooks("Send invoice to new clients", &playbooks);
        assert_eq!(names(&m.matched), ["c-billing", "a-invoices", "b-invoices"]);
    }

    #[test]
    fn words_every_playbook_uses_count_for_little() {
        let mut playbooks: Vec<Playbook> = (0..10)
            .map(|i| {
                playbook(
                    &format!("client-{i}"),
                    &format!("Client work {i}"),
                    &[],
                    false,
                )
            })
            .collect();
        playbooks.push(playbook(
            "onboarding",
            "Onboarding a new client",
            &[],
            false,
        ));
        let m = match_playbooks("Onboarding for the new client", &playbooks);
        assert_eq!(names(&m.matched), ["onboarding"]);
    }

    #[test]
    fn must_consult_playbooks_are_returned_whenever_the_work_is_their_kind() {
        let mut scheduling = playbook("calendar-rules", "Which calendars to check", &[], true);
        scheduling.category = Some("scheduling".into());
        let unrelated = playbook("security-review", "Reviewing vendor security", &[], true);
        let playbooks = [email_guide(), scheduling, unrelated];

        let m = match_playbooks("Reply to Sam about the offsite", &playbooks);
        let consult: Vec<&str> = m
            .must_consult
            .iter()
            .map(|c| c.playbook.name.as_str())
            .collect();
        assert_eq!(consult, ["email-drafting-guide"]);
        assert_eq!(m.must_consult[0].match_reason, "trigger: 'reply to'");

        let m = match_playbooks("Write a thank-you note", &playbooks);
        assert_eq!(m.must_consult[0].match_reason, "category: 'communication'");
        assert!(m.matched.is_empty());

        let m = match_playbooks("Book the offsite meetings", &playbooks);
        let consult: Vec<&str> = m
            .must_consult
            .iter()
            .map(|c| c.playbook.name.as_str())
            .collect();
        assert_eq!(consult, ["calendar-rules"]);
        assert_eq!(
            m.must_consult[0].warning,
            "MUST consult the playbook \"calendar-rules\" before this task"
        );

        let m = match_playbooks("Security questionnaire for Acme", &playbooks);
        assert_eq!(m.must_consult[0].match_reason, "bm25: name, description");
        // A telling word of its name is enough when too little else matches.
        let m = match_playbooks(
            "Acme questionnaire: security answers, SOC2 evidence folder, procurement deadline Friday",
            &playbooks,
        );
        assert!(m.matched.is_empty(), "{m:?}");
        assert_eq!(m.must_consult[0].match_reason, "name: 'security'");

        assert!(
            match_playbooks("Water the plants", &playbooks)
                .must_consult
                .is_empty()
        );
    }

    #[test]
    fn only_active_playbooks_are_considered() {
        let mut proposed = playbook("draft", "", &["email to"], true);
        proposed.status = PlaybookStatus::Proposed;
        let m = match_playbooks("email to Pat", std::slice::from_ref(&proposed));
        assert!(m.matched.is_empty() && m.must_consult.is_empty());
    }

    #[test]
    fn an_empty_task_matches_nothing_by_similarity() {
        let playbooks = [playbook("a", "anything at all", &[], false)];
        assert!(match_playbooks("", &playbooks).matched.is_empty());
        assert!(match_playbooks("the of and", &playbooks).matched.is_empty());
    }

    proptest::proptest! {
        /// Whatever the task says, scores stay in 0..=1, the best come
        /// first, and every must-consult entry is a must-consult playbook.
        #[test]
        fn scores_are_bounded_and_sorted(task in "[a-zA-Z ,.']{0,80}") {
            let playbooks = [
                email_guide(),
                playbook("scheduling", "How we schedule meetings", &["book a room"], true),
                playbook("expenses", "Filing expense reports", &[], false),
            ];
            let m = match_playbooks(&task, &playbooks);
            for w in m.matched.windows(2) {
                proptest::prop_assert!(w[0].relevance_score >= w[1].relevance_score);
            }
            for x in &m.matched {
                proptest::prop_assert!((RELEVANCE_THRESHOLD..=1.0).contains(&x.relevance_score));
            }
            proptest::prop_assert!(m.must_consult.iter().all(|c| c.playbook.must_consult));
        }
    }
}
