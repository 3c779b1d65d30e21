//! Context assembly: what an agent should know before working on a task,
//! packed into a token budget. One definition serves `GET
//! /api/context/task/{id}` and the `context` of `GET /api/tasks/next`.
//!
//! It gathers, with bounded reads (`chief_store::context_reads`): the
//! project and its newest tasks; the people linked to the task or named in
//! it, with their relationship notes; related tasks by project, by shared
//! people and by title similarity among the newest task titles; the task's
//! audit history; the learnings routed to its people, project or client,
//! or sharing its words; and the playbooks it calls for. The brain scores
//! each item (`chief_brain::context_rank`) and packs them, most relevant
//! first, into the budget (`chief_brain::context_budget`, which documents
//! the estimator). The task and its must-consult playbooks are never
//! dropped. The budget is `?budget=`, else the person's setting
//! `context.token_budget`, else 4,000.

use crate::task_context_items::{
    AssembledContext, ContextKnowledge, ContextPlaybook, ContextProject, RelatedPerson,
    RelatedTask, RelationshipContext, TaskBrief, playbook_brief,
};
use chief_brain::context_budget::{
    DEFAULT_TOKEN_BUDGET, Item, ItemKind, MAX_TOKEN_BUDGET, estimate_tokens, pack,
};
use chief_brain::context_rank::{self, TaskSignals, similarity, term_set};
use chief_brain::playbook_match::PlaybookMatch;
use chief_domain::TenantId;
use chief_domain::knowledge::Knowledge;
use chief_domain::log::LogEntry;
use chief_domain::person::{Person, TaskPersonRole};
use chief_domain::task::Task;
use chief_store::StoreError;
use chief_store::{Db, context_reads as reads, project, setting};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// The setting holding a person's default budget.
pub const BUDGET_KEY: &str = "context.token_budget";

/// Bounds of each read: enough to choose from, never the whole workspace.
const PROJECT_TASKS: i64 = 20;
const PEOPLE_TASKS: i64 = 20;
const RECENT_TITLES: i64 = 300;
const SIMILAR_TASKS: usize = 10;
const HISTORY: i64 = 50;
const ROUTED_KNOWLEDGE: i64 = 30;
const RECENT_KNOWLEDGE: i64 = 200;
const PEOPLE: usize = 20;
/// How many of the project's tasks are shown with the project.
const PROJECT_RECENT: usize = 5;

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

/// Refuses a requested budget outside 1 to 200,000.
pub fn check_budget(requested: Option<i64>) -> Result<(), StoreError> {
    match requested {
        Some(b) if !(1..=MAX_TOKEN_BUDGET as i64).contains(&b) => Err(StoreError::invalid(
            "budget",
            format!("must be 1 to {MAX_TOKEN_BUDGET} tokens, not {b}"),
        )),
        _ => Ok(()),
    }
}

/// The budget for this request: `requested`, else the person's setting,
/// else the default. A requested budget outside 1 to 200,000 is refused; a
/// setting outside it is ignored.
pub async fn budget(
    db: &Db,
    tenant: TenantId,
    user: Uuid,
    requested: Option<i64>,
) -> Result<usize, StoreError> {
    let range = 1..=MAX_TOKEN_BUDGET as i64;
    if let Some(b) = requested {
        check_budget(requested)?;
        return Ok(b as usize);
    }
    let set = setting::get(db, tenant, Some(user), BUDGET_KEY).await?;
    Ok(set
        .and_then(|s| s.value.as_i64())
        .filter(|b| range.contains(b))
        .map_or(DEFAULT_TOKEN_BUDGET, |b| b as usize))
}

fn task_text(task: &Task) -> String {
    match &task.description {
        Some(d) => format!("{} {d}", task.title),
        None => task.title.clone(),
    }
}

/// Assembles `task`'s context within `budget` tokens, with the playbooks
/// it calls for (`found`, from `task_playbooks::matched_for`).
pub async fn assemble(
    db: &Db,
    tenant: TenantId,
    task: &Task,
    found: &PlaybookMatch<'_>,
    budget: usize,
    now: DateTime<Utc>,
) -> Result<AssembledContext, StoreError> {
    let text = task_text(task);
    let mut items: Vec<Item<Piece>> = Vec::new();

    // The people: linked first, then named in the text.
    let mut people: Vec<(Person, Option<TaskPersonRole>, bool)> =
        reads::linked_people(db, tenant, task.id)
            .await?
            .into_iter()
            .map(|(p, role)| (p, role, true))
            .collect();
    for p in chief_store::person::mentioned_in(db, tenant, &text, PEOPLE).await? {
        if !people.iter().any(|(k, _, _)| k.id == p.id) {
            people.push((p, None, false));
        }
    }
    let linked_ids: Vec<Uuid> = people.iter().filter(|p| p.2).map(|p| p.0.id).collect();
    let mut targets: Vec<Uuid> = people.iter().map(|p| p.0.id).collect();
    targets.extend(people.iter().filter_map(|p| p.0.client_id));
    targets.extend(task.project_id);
    let name_of = |id: Uuid| -> Option<String> {
        people
            .iter()
            .find(|p| p.0.id == id)
            .map(|p| p.0.name.clone())
    };

    // Related tasks: candidates from each signal, merged, then scored.
    let task_terms = term_set(&text);
    let mut candidates: Vec<(Task, TaskSignals)> = Vec::new();
    let mut add = |t: Task, f: &dyn Fn(&mut TaskSignals)| {
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
    let mut project_out = None;
    if let Some(pid) = task.project_id {
        let project = project::get(db, tenant, pid).await?;
        let siblings = reads::project_tasks(db, tenant, pid, task.id, PROJECT_TASKS).await?;
        let recent_tasks = siblings
            .iter()
            .take(PROJECT_RECENT)
            .map(TaskBrief::from)
            .collect();
        project_out = Some(ContextProject {
            project,
            recent_tasks,
        });
        for t in siblings {
            add(t, &|s| s.same_project = true);
        }
    }
    for (t, shared) in
        reads::tasks_of_people(db, tenant, &linked_ids, task.id, PEOPLE_TASKS).await?
    {
        let names: Vec<String> = shared.iter().filter_map(|id| name_of(*id)).collect();
        add(t, &|s| s.shared_people = names.clone());
    }
    let mut similar: Vec<(f64, Vec<String>, Uuid)> =
        reads::recent_titles(db, tenant, RECENT_TITLES)
            .await?
            .into_iter()
            .filter(|(id, _)| *id != task.id)
            .filter_map(|(id, title)| {
                let (score, shared) = similarity(&task_terms, &term_set(&title));
                (score > 0.0).then_some((score, shared, id))
            })
            .collect();
    similar.sort_by(|a, b| b.0.total_cmp(&a.0));
    similar.truncate(SIMILAR_TASKS);
    let similar_ids: Vec<Uuid> = similar.iter().map(|s| s.2).collect();
    for t in reads::tasks_by_id(db, tenant, &similar_ids).await? {
        let (score, shared) = similar
            .iter()
            .find(|s| s.2 == t.id)
            .map(|s| (s.0, s.1.clone()))
            .unwrap_or_default();
        add(t, &|s| {
            s.similarity = score;
            s.shared_terms = shared.clone();
        });
    }
    // Shared people may come from a candidate found another way.
    for (t, s) in &mut candidates {
        if s.similarity == 0.0 {
            let (score, shared) = similarity(&task_terms, &term_set(&t.title));
            s.similarity = score;
            s.shared_terms = shared;
        }
    }

    if let Some(p) = project_out {
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
            task: TaskBrief::from(&t),
            relevance,
            reasons: s.reasons(),
        };
        items.push(item(ItemKind::RelatedTask, relevance, related, Piece::Task));
    }
    for (i, entry) in reads::task_history(db, tenant, task.id, HISTORY)
        .await?
        .into_iter()
        .enumerate()
    {
        items.push(item(
            ItemKind::History,
            context_rank::history(i),
            entry,
            Piece::History,
        ));
    }
    knowledge_items(db, tenant, &targets, &task_terms, &mut items).await?;

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
    Ok(out)
}

/// The learnings routed to `targets`, and the recent ones sharing the
/// task's terms.
async fn knowledge_items(
    db: &Db,
    tenant: TenantId,
    targets: &[Uuid],
    task_terms: &[String],
    items: &mut Vec<Item<Piece>>,
) -> Result<(), StoreError> {
    let routed = reads::knowledge_routed_to(db, tenant, targets, ROUTED_KNOWLEDGE).await?;
    let recent = reads::recent_knowledge(db, tenant, RECENT_KNOWLEDGE).await?;
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
    for k in routed {
        push(k, true);
    }
    for k in recent {
        let is_routed = k.routed_to_id.is_some_and(|id| targets.contains(&id))
            && k.status == chief_domain::knowledge::KnowledgeStatus::Routed;
        push(k, is_routed);
    }
    Ok(())
}
