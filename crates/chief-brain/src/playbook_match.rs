//! Playbook matching, seed 003's algorithm: which active playbooks a task
//! calls for, and which must-consult ones it must not skip.
//!
//! 1. A trigger phrase found in the task, as whole words and ignoring case,
//!    matches with relevance 1.0 (reason `trigger: 'email to'`).
//! 2. Otherwise the task is compared with the playbook's name, description
//!    and category: the relevance is the share of the task's terms that the
//!    playbook also uses, each term weighted by how rare it is among the
//!    playbooks (BM25's inverse document frequency), so words every playbook
//!    uses count for little. From [`SIMILARITY_THRESHOLD`] up it is a match
//!    (reason `description similarity`).
//! 3. A must-consult playbook goes into `must_consult` whenever it is
//!    relevant: matched as above, or the task is the kind of work its
//!    category or its name is about ("Reply to Sam" is communication).
//!
//! Pure and deterministic: ties are broken by name, then id.

use crate::words::{for_each_term_where, spaced, spaced_into, stem, terms, words};
use chief_domain::playbook::{Playbook, PlaybookStatus};
use std::collections::{HashMap, HashSet};

/// The least relevance that counts as a match by similarity.
pub const SIMILARITY_THRESHOLD: f64 = 0.5;

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
    /// `trigger: 'email to'` or `description similarity`.
    pub match_reason: String,
    /// 1.0 for a trigger; the similarity otherwise.
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
    let index: HashMap<&str, usize> = task_terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    let mut starts = vec![0u64; 1024];
    for t in &task_terms {
        if let [a, b, ..] = t.as_bytes() {
            let k = usize::from(*a) << 8 | usize::from(*b);
            starts[k / 64] |= 1 << (k % 64);
        }
    }
    let may_match = |p: [u8; 2]| {
        let k = usize::from(p[0]) << 8 | usize::from(p[1]);
        starts[k / 64] & (1 << (k % 64)) != 0
    };
    let hits: Vec<Vec<bool>> = active
        .iter()
        .map(|p| shared_terms(p, &index, &may_match))
        .collect();
    let mut trigger = String::new();
    let weights = idf_weights(task_terms.len(), &hits);

    let mut out = PlaybookMatch::default();
    for (playbook, hits) in active.iter().copied().zip(&hits) {
        let matched = match trigger_in(&task_spaced, playbook, &mut trigger) {
            Some(trigger) => Some((format!("trigger: '{trigger}'"), 1.0)),
            None => {
                let score = similarity(&weights, hits);
                (score >= SIMILARITY_THRESHOLD)
                    .then(|| ("description similarity".to_string(), score))
            }
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

/// Which of the task's terms (by their `index`) the playbook's name,
/// description or category use. `may_match` says which first two letters
/// a task term can start with.
fn shared_terms(
    p: &Playbook,
    index: &HashMap<&str, usize>,
    may_match: &impl Fn([u8; 2]) -> bool,
) -> Vec<bool> {
    let mut hits = vec![false; index.len()];
    let mut mark = |term: &str| {
        if let Some(&i) = index.get(term) {
            hits[i] = true;
        }
    };
    for_each_term_where(&p.name, may_match, &mut mark);
    for_each_term_where(&p.description, may_match, &mut mark);
    if let Some(c) = &p.category {
        for_each_term_where(c, may_match, &mut mark);
    }
    hits
}

/// Each task term's weight, `ln(1 + N / df)`: a term few playbooks use
/// weighs more. A term no playbook uses weighs as one used once, so a task
/// with many unknown words is not called similar to anything.
fn idf_weights(terms: usize, hits: &[Vec<bool>]) -> Vec<f64> {
    let n = hits.len().max(1) as f64;
    (0..terms)
        .map(|i| {
            let df = hits.iter().filter(|h| h[i]).count().max(1) as f64;
            (1.0 + n / df).ln()
        })
        .collect()
}

/// The weighted share of the task's terms the playbook uses, 0 to 1.
fn similarity(weights: &[f64], hits: &[bool]) -> f64 {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let shared: f64 = weights
        .iter()
        .zip(hits)
        .filter(|(_, hit)| **hit)
        .map(|(w, _)| w)
        .sum();
    shared / total
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
        assert!(
            match_playbooks("email tomorrow's agenda", &playbooks)
                .matched
                .is_empty()
        );
    }

    #[test]
    fn without_a_trigger_the_description_decides_by_similarity() {
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
        assert_eq!(m.matched[0].match_reason, "description similarity");
        assert!((SIMILARITY_THRESHOLD..1.0).contains(&m.matched[0].relevance_score));
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
                proptest::prop_assert!((SIMILARITY_THRESHOLD..=1.0).contains(&x.relevance_score));
            }
            proptest::prop_assert!(m.must_consult.iter().all(|c| c.playbook.must_consult));
        }
    }
}
