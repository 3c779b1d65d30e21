//! Context assembly: what an agent should know before working on a task,
//! packed into a token budget. The store gathers the candidates with
//! bounded reads (`chief_store::context_inputs`); this scores each one
//! ([`crate::context_rank`]) and packs them, most relevant first, into the
//! budget ([`crate::context_budget`], which documents the estimator). The
//! task and its must-consult playbooks are never dropped.

use crate::context_budget::{Item, ItemKind, estimate_tokens, pack};
use crate::context_items::{
    AssembledContext, ContextKnowledge, ContextPlaybook, ContextProject, RelatedPerson,
    RelatedTask, RelationshipContext, TaskBrief, playbook_brief,
};
use crate::context_rank::{self, TaskSignals, similarity, term_set};
use crate::playbook_match::PlaybookMatch;
use chief_domain::knowledge::{Knowledge, KnowledgeStatus};
use chief_domain::log::LogEntry;
use chief_domain::person::{Person, TaskPersonRole};
use chief_domain::project::Project;
use chief_domain::task::Task;
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// How many of the project's tasks are shown with the project.
const PROJECT_RECENT: usize = 5;
/// How many tasks similar by title are considered.
const SIMILAR_TASKS: usize = 10;

/// What the store read for one task's context, each read bounded.
#[derive(Clone, Debug, Default)]
pub struct ContextInputs {
    /// The people linked to the task, with their role, by name.
    pub linked_people: Vec<(Person, Option<TaskPersonRole>)>,
    /// The people the task's title or description names.
    pub mentioned_people: Vec<Person>,
    /// The task's project, with its newest other tasks.
    pub project: Option<(Project, Vec<TaskBrief>)>,
    /// The newest tasks of the linked people, with which of them each has.
    pub people_tasks: Vec<(TaskBrief, Vec<Uuid>)>,
    /// The newest live tasks in the workspace (for title similarity).
    pub recent_tasks: Vec<TaskBrief>,
    /// The task's audit log entries, newest first.
    pub history: Vec<LogEntry>,
    /// The learnings routed to the task's people, their clients or its
    /// project ([`ContextInputs::targets`]).
    pub routed_knowledge: Vec<Knowledge>,
    /// The newest learnings (for term overlap).
    pub recent_knowledge: Vec<Knowledge>,
}

/// The text of a task that context is matched against.
pub fn task_text(task: &Task) -> String {
    match &task.description {
        Some(d) => format!("{} {d}", task.title),
        None => task.title.clone(),
    }
}

/// The records whose routed learnings bear on the task: its people (linked
/// or mentioned), their clients, and its project.
pub fn targets(task: &Task, people: &[&Person]) -> Vec<Uuid> {
    let mut targets: Vec<Uuid> = people.iter().map(|p| p.id).collect();
    targets.extend(people.iter().filter_map(|p| p.client_id));
    targets.extend(task.project_id);
    targets
}

/// The people the context names, linked first: those the text mentions
/// that are also linked appear once.
fn people(inputs: &mut ContextInputs) -> Vec<(Person, Option<TaskPersonRole>, bool)> {
    let mut people: Vec<(Person, Option<TaskPersonRole>, bool)> = inputs
        .linked_people
        .drain(..)
        .map(|(p, role)| (p, role, true))
        .collect();
    for p in inputs.mentioned_people.drain(..) {
        if !people.iter().any(|(k, _, _)| k.id == p.id) {
            people.push((p, None, false));
        }
    }
    people
}

enum Piece {
    Project(ContextProject),
    Person(Box<RelatedPerson>),
    Task(RelatedTask),
    History(LogEntry),
    Knowledge(ContextKnowledge),
    Playbook(ContextPlaybook),
}

fn tokens_of<T: Serialize>(value: &T) -> usize {
    serde_json::to_string(value).map_or(0, |s| estimate_tokens(&s))
}

fn item<T: Serialize>(
    kind: ItemKind,
    relevance: f64,
    value: T,
    wrap: fn(T) -> Piece,
) -> Item<Piece> {
    Item {
        kind,
        relevance,
        tokens: tokens_of(&value),
        value: wrap(value),
    }
}

/// Assembles `task`'s context from `inputs` within `budget` tokens, with
/// the playbooks it calls for (`found`).
pub fn assemble(
    task: &Task,
    mut inputs: ContextInputs,
    found: &PlaybookMatch<'_>,
    budget: usize,
    now: DateTime<Utc>,
) -> AssembledContext {
    let text = task_text(task);
    let task_terms = term_set(&text);
    let people = people(&mut inputs);
    let person_refs: Vec<&Person> = people.iter().map(|p| &p.0).collect();
    let targets = targets(task, &person_refs);
    let mut items: Vec<Item<Piece>> = Vec::new();

    let project = inputs.project.take();
    let candidates = related_tasks(task, &task_terms, &people, &mut inputs, project.as_ref());
    if let Some((project, siblings)) = project {
        let recent_tasks = siblings.into_iter().take(PROJECT_RECENT).collect();
        let p = ContextProject {
            project,
            recent_tasks,
        };
        items.push(item(
            ItemKind::Project,
            context_rank::PROJECT,
            p,
            Piece::Project,
        ));
    }
    for (person, role, is_linked) in people {
        let relevance = context_rank::person(is_linked, role);
        let related = RelatedPerson {
            relationship_context: RelationshipContext {
                role,
                source: if is_linked { "linked" } else { "mentioned" },
                relationship: person.relationship.clone(),
                relationship_to_user: person.relationship_to_user.clone(),
                political_context: person.political_context.clone(),
                communication_notes: person.communication_notes.clone(),
            },
            person,
            relevance,
        };
        items.push(item(
            ItemKind::Person,
            relevance,
            Box::new(related),
            Piece::Person,
        ));
    }
    for (t, s) in candidates {
        let relevance = s.relevance(now);
        let related = RelatedTask {
            task: t,
            relevance,
            reasons: s.reasons(),
        };
        items.push(item(ItemKind::RelatedTask, relevance, related, Piece::Task));
    }
    for (i, entry) in inputs.history.drain(..).enumerate() {
        items.push(item(
            ItemKind::History,
            context_rank::history(i),
            entry,
            Piece::History,
        ));
    }
    knowledge_items(&mut inputs, &targets, &task_terms, &mut items);

    // Playbooks: must-consult ones are the core; triggered ones are items.
    let core: Vec<ContextPlaybook> = found
        .must_consult
        .iter()
        .map(|c| playbook_brief(c.playbook, c.match_reason.clone()))
        .collect();
    for m in &found.matched {
        if core.iter().any(|c| c.id == m.playbook.id) {
            continue;
        }
        let relevance = context_rank::playbook(m.relevance_score);
        let brief = playbook_brief(m.playbook, m.match_reason.clone());
        items.push(item(ItemKind::Playbook, relevance, brief, Piece::Playbook));
    }

    let core_tokens = tokens_of(task) + core.iter().map(tokens_of).sum::<usize>();
    let packed = pack(core_tokens, items, budget);
    let mut out = AssembledContext {
        project: None,
        related_people: vec![],
        related_tasks: vec![],
        history: vec![],
        knowledge: vec![],
        relevant_playbooks: core,
        token_budget: packed.token_budget,
        tokens_used: packed.tokens_used,
        core_over_budget: packed.core_over_budget(),
        omitted: packed.omitted,
    };
    for kept in packed.kept {
        match kept.value {
            Piece::Project(p) => out.project = Some(p),
            Piece::Person(p) => out.related_people.push(*p),
            Piece::Task(t) => out.related_tasks.push(t),
            Piece::History(h) => out.history.push(h),
            Piece::Knowledge(k) => out.knowledge.push(k),
            Piece::Playbook(p) => out.relevant_playbooks.push(p),
        }
    }
    out
}

/// Related tasks: candidates from each signal (the same project, shared
/// linked people, similar titles), merged, each with its signals.
fn related_tasks(
    task: &Task,
    task_terms: &[String],
    people: &[(Person, Option<TaskPersonRole>, bool)],
    inputs: &mut ContextInputs,
    project: Option<&(Project, Vec<TaskBrief>)>,
) -> Vec<(TaskBrief, TaskSignals)> {
    let name_of = |id: Uuid| -> Option<String> {
        people
            .iter()
            .find(|p| p.0.id == id)
            .map(|p| p.0.name.clone())
    };
    let mut candidates: Vec<(TaskBrief, TaskSignals)> = Vec::new();
    let mut add = |t: TaskBrief, f: &dyn Fn(&mut TaskSignals)| {
        let i = match candidates.iter().position(|(k, _)| k.id == t.id) {
            Some(i) => i,
            None => {
                let signals = TaskSignals {
                    open: t.status.is_open(),
                    created_at: Some(t.created_at),
                    ..Default::default()
                };
                candidates.push((t, signals));
                candidates.len() - 1
            }
        };
        f(&mut candidates[i].1);
    };
    for t in project.map(|p| p.1.iter()).into_iter().flatten() {
        add(t.clone(), &|s| s.same_project = true);
    }
    for (t, shared) in inputs.people_tasks.drain(..) {
        let names: Vec<String> = shared.iter().filter_map(|id| name_of(*id)).collect();
        add(t, &|s| s.shared_people = names.clone());
    }
    let mut similar: Vec<(f64, Vec<String>, TaskBrief)> = inputs
        .recent_tasks
        .drain(..)
        .filter(|t| t.id != task.id)
        .filter_map(|t| {
            let (score, shared) = similarity(task_terms, &term_set(&t.title));
            (score > 0.0).then_some((score, shared, t))
        })
        .collect();
    similar.sort_by(|a, b| b.0.total_cmp(&a.0));
    similar.truncate(SIMILAR_TASKS);
    for (score, shared, t) in similar {
        add(t, &|s| {
            s.similarity = score;
            s.shared_terms = shared.clone();
        });
    }
    // Shared people may come from a candidate found another way.
    for (t, s) in &mut candidates {
        if s.similarity == 0.0 {
            let (score, shared) = similarity(task_terms, &term_set(&t.title));
            s.similarity = score;
            s.shared_terms = shared;
        }
    }
    candidates
}

/// The learnings routed to `targets`, and the recent ones sharing the
/// task's terms.
fn knowledge_items(
    inputs: &mut ContextInputs,
    targets: &[Uuid],
    task_terms: &[String],
    items: &mut Vec<Item<Piece>>,
) {
    let mut seen: Vec<Uuid> = Vec::new();
    let mut push = |k: Knowledge, is_routed: bool| {
        if seen.contains(&k.id) {
            return;
        }
        let (sim, shared) = similarity(task_terms, &term_set(&k.content));
        if !is_routed && sim == 0.0 {
            return;
        }
        seen.push(k.id);
        let reason = if is_routed {
            format!(
                "routed to this {}",
                k.routed_to_type.as_deref().unwrap_or("entity")
            )
        } else {
            format!("similar: {}", shared.join(", "))
        };
        let relevance = context_rank::knowledge(is_routed, sim);
        let brief = ContextKnowledge {
            id: k.id,
            content: k.content,
            category: k.category,
            routed_to_type: k.routed_to_type,
            routed_to_id: k.routed_to_id,
            learned_at: k.learned_at,
            relevance,
            reason,
        };
        items.push(item(
            ItemKind::Knowledge,
            relevance,
            brief,
            Piece::Knowledge,
        ));
    };
    for k in inputs.routed_knowledge.drain(..) {
        push(k, true);
    }
    for k in inputs.recent_knowledge.drain(..) {
        let is_routed = k.routed_to_id.is_some_and(|id| targets.contains(&id))
            && k.status == KnowledgeStatus::Routed;
        push(k, is_routed);
    }
}
