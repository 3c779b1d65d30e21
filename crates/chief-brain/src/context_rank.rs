//! How relevant each piece of a task's context is, from 0 to 1, so that
//! [`crate::context_budget::pack`] can keep the best of it.
//!
//! The order of kinds is deliberate: the project and the people the task is
//! about come first (an agent writing to Patrick needs Patrick's notes more
//! than anything else); then the knowledge routed to them; then related
//! tasks, by how many signals tie them to the task; then the task's own
//! history, newest first; then triggered playbooks that are not
//! must-consult (the agent can fetch those itself).
//!
//! Text similarity is the cosine of the two texts' term sets
//! (`|A ∩ B| / sqrt(|A| |B|)`) over [`crate::words::terms`]: cheap, and
//! enough to tell "Renewal proposal for Liberty" from "Fix the printer".

use crate::words::{is_stop_word, terms, words};
use chief_domain::person::TaskPersonRole;
use chrono::{DateTime, Utc};

/// The project the task belongs to.
pub const PROJECT: f64 = 0.95;

/// A person linked to the task or named in it.
pub fn person(linked: bool, role: Option<TaskPersonRole>) -> f64 {
    match (linked, role) {
        (true, Some(TaskPersonRole::Subject | TaskPersonRole::Recipient)) => 0.92,
        (true, _) => 0.88,
        (false, _) => 0.85,
    }
}

/// A learning: routed to the task's people, project or client, and how
/// much its text shares with the task's.
pub fn knowledge(routed_to_context: bool, similarity: f64) -> f64 {
    let sim = similarity.clamp(0.0, 1.0);
    if routed_to_context {
        0.75 + 0.08 * sim
    } else {
        0.3 + 0.4 * sim
    }
}

/// The `index`th entry of the task's history, newest first: the latest
/// change matters most, and each older one a little less.
pub fn history(index: usize) -> f64 {
    (0.6 - 0.01 * index as f64).max(0.15)
}

/// A playbook the task triggered (not a must-consult one), from its match
/// score (1.0 for a trigger phrase).
pub fn playbook(relevance_score: f64) -> f64 {
    0.05 + 0.05 * relevance_score.clamp(0.0, 1.0)
}

/// What ties another task to this one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskSignals {
    pub same_project: bool,
    /// The names of the linked people both tasks share.
    pub shared_people: Vec<String>,
    /// Term similarity of the titles (and descriptions), 0 to 1.
    pub similarity: f64,
    /// The terms the titles share, for the reason.
    pub shared_terms: Vec<String>,
    /// Whether the other task is still open.
    pub open: bool,
    pub created_at: Option<DateTime<Utc>>,
}

impl TaskSignals {
    /// From 0.3 to 0.74 (below any routed learning): each signal adds, open and recent tasks a
    /// little more.
    pub fn relevance(&self, now: DateTime<Utc>) -> f64 {
        let mut r = 0.3;
        if self.same_project {
            r += 0.12;
        }
        r += 0.12 * (self.shared_people.len().min(2) as f64);
        r += 0.25 * self.similarity.clamp(0.0, 1.0);
        if self.open {
            r += 0.03;
        }
        if let Some(created) = self.created_at {
            let days = (now - created).num_days().max(0) as f64;
            r += 0.03 / (1.0 + days / 30.0);
        }
        r.min(0.74)
    }

    /// Why the task is related, for people and agents:
    /// `["same project", "shares Dana", "similar: renewal, proposal"]`.
    pub fn reasons(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.same_project {
            out.push("same project".to_string());
        }
        for name in &self.shared_people {
            out.push(format!("shares {name}"));
        }
        if !self.shared_terms.is_empty() {
            out.push(format!("similar: {}", self.shared_terms.join(", ")));
        }
        out
    }
}

/// The deduplicated terms of `text`, in order of first appearance.
pub fn term_set(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in terms(text) {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// The cosine similarity of two term sets, and the terms they share.
pub fn similarity(a: &[String], b: &[String]) -> (f64, Vec<String>) {
    if a.is_empty() || b.is_empty() {
        return (0.0, Vec::new());
    }
    let shared: Vec<String> = a.iter().filter(|t| b.contains(t)).cloned().collect();
    let score = shared.len() as f64 / ((a.len() * b.len()) as f64).sqrt();
    (score.min(1.0), shared)
}

/// Up to `n` words of `text` worth searching for: no stop words, at least
/// three characters, longest first (long words are usually the rare,
/// telling ones), each once.
pub fn top_words(text: &str, n: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words(text) {
        if w.chars().count() >= 3 && !is_stop_word(&w) && !out.contains(&w) {
            out.push(w);
        }
    }
    out.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    out.truncate(n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_people_and_project_outrank_knowledge_tasks_history_and_playbooks() {
        let best_task = TaskSignals {
            same_project: true,
            shared_people: vec!["A".into(), "B".into()],
            similarity: 1.0,
            open: true,
            created_at: Some(Utc::now()),
            ..Default::default()
        };
        let now = Utc::now();
        assert!(person(false, None) > knowledge(true, 1.0));
        assert!(PROJECT > person(true, Some(TaskPersonRole::Subject)));
        assert!(knowledge(true, 0.0) > best_task.relevance(now));
        assert!(best_task.relevance(now) > history(0));
        assert!(history(0) > history(5));
        assert!(history(1_000) > playbook(1.0));
    }

    #[test]
    fn more_signals_make_a_task_more_relevant() {
        let now = Utc::now();
        let base = TaskSignals::default();
        let project = TaskSignals {
            same_project: true,
            ..Default::default()
        };
        let both = TaskSignals {
            same_project: true,
            shared_people: vec!["Dana".into()],
            ..Default::default()
        };
        assert!(project.relevance(now) > base.relevance(now));
        assert!(both.relevance(now) > project.relevance(now));
        assert_eq!(both.reasons(), vec!["same project", "shares Dana"]);
    }

    #[test]
    fn similar_titles_score_by_shared_terms() {
        let a = term_set("Send the renewal proposal to Liberty");
        let b = term_set("Liberty renewal: proposal draft");
        let c = term_set("Fix the printer");
        let (ab, shared) = similarity(&a, &b);
        assert!(ab > 0.5, "{ab}");
        assert_eq!(shared, vec!["renewal", "proposal", "liberty"]);
        assert_eq!(similarity(&a, &c).0, 0.0);
        assert_eq!(similarity(&a, &[]).0, 0.0);
    }

    #[test]
    fn top_words_are_long_meaningful_and_unique() {
        assert_eq!(
            top_words("Call Patrick about the Liberty renewal, call him!", 3),
            vec!["patrick", "liberty", "renewal"]
        );
        assert!(top_words("a an the to", 5).is_empty());
        assert!(top_words("", 5).is_empty());
    }
}
