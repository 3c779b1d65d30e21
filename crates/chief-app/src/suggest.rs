//! Task suggestions, the one operation behind `chief suggest` and
//! `GET /api/tasks/suggest`: it reads the person's open tasks, projects,
//! calendar and rules, and ranks with `chief_brain::suggest`.
//!
//! **Whose tasks.** Tasks of the person, assigned to them (not the agent),
//! queued or working: blocked ones and those waiting on someone else are
//! left out. **Bounded.** The ranking sees the 300 most urgent of those
//! (by `chief next`'s urgency) plus up to 100 more that carry the asked
//! context, so a suggestion costs the same with 100 tasks or 100,000.
//!
//! **Context.** When none is given it is inferred
//! (`chief_brain::suggest_context`) from the person's local time and the
//! calendar event under way, by the rules in the setting
//! `suggest.context_rules` (the person's value, else the workspace's, else
//! the defaults).

use chief_brain::suggest::{Energy, Request, goal_of, suggest as rank};
use chief_brain::suggest_context::{ContextRule, default_rules, infer};
use chief_domain::task::{Assignee, Task, TaskStatus};
use chief_domain::tenant::User;
use chief_store::task_query::{self, TaskFilter};
use chief_store::{Db, Page, StoreError, calendar, project, setting};
use chrono::{DateTime, Duration, Offset, Utc};
use chrono_tz::Tz;
use serde::Serialize;

/// The setting that holds the context rules.
pub const RULES_KEY: &str = "suggest.context_rules";
/// The most suggestions one call gives.
pub const MAX_LIMIT: usize = 100;

/// What the person asks for.
#[derive(Clone, Debug, Default)]
pub struct Ask {
    pub context: Option<String>,
    pub minutes: Option<u32>,
    pub energy: Option<Energy>,
    pub limit: usize,
}

/// The context the suggestions were made for.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ContextUsed {
    /// Without `@`; null when none was given and no rule holds.
    pub value: Option<String>,
    /// Whether it was inferred rather than given.
    pub inferred: bool,
    /// Why: `given`, `in a meeting ("Standup")`, `rule 2: 07:00–09:00 weekdays`.
    pub reason: String,
}

/// One suggested task.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Suggested {
    pub task: Task,
    pub score: f64,
    /// Why it is suggested: `due today`, `priority 1`, `serves goal 'Grow
    /// revenue'`, `fits 30 min`, `matches @phone`, …
    pub reasons: Vec<String>,
    pub estimate_minutes: Option<u32>,
}

/// Suggestions, best first, and the context they assume.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Suggestions {
    pub context: ContextUsed,
    pub minutes: Option<u32>,
    pub energy: Option<String>,
    pub suggestions: Vec<Suggested>,
}

/// A context as given: without `@`, lower case, one word.
pub fn clean_context(text: &str) -> Result<String, StoreError> {
    let c = text.trim().trim_start_matches('@').to_lowercase();
    if c.is_empty() || c.chars().count() > 64 || c.contains(char::is_whitespace) {
        return Err(StoreError::invalid(
            "context",
            format!("{text:?} is not a context like phone or @home (one word)"),
        ));
    }
    Ok(c)
}

/// The context rules that apply to `user`: theirs, the workspace's, or the
/// defaults. Broken rules are an error naming the setting.
pub async fn rules(db: &Db, user: &User) -> Result<Vec<ContextRule>, StoreError> {
    let Some(s) = setting::get(db, user.tenant_id, Some(user.id), RULES_KEY).await? else {
        return Ok(default_rules());
    };
    let rules: Vec<ContextRule> = serde_json::from_value(s.value)
        .map_err(|e| StoreError::invalid("suggest.context_rules", e.to_string()))?;
    for r in &rules {
        r.validate()
            .map_err(|e| StoreError::invalid("suggest.context_rules", e))?;
    }
    Ok(rules)
}

/// Suggests what `user` could do now.
pub async fn suggest(
    db: &Db,
    user: &User,
    ask: &Ask,
    now: DateTime<Utc>,
) -> Result<Suggestions, StoreError> {
    let tenant = user.tenant_id;
    let tz: Tz = user.timezone.parse().unwrap_or(chrono_tz::UTC);
    let local = now.with_timezone(&tz);
    let context = match &ask.context {
        Some(c) => ContextUsed {
            value: Some(clean_context(c)?),
            inferred: false,
            reason: "given".into(),
        },
        None => {
            let rules = rules(db, user).await?;
            let meeting = calendar::list_between(db, tenant, now, now + Duration::seconds(1))
                .await?
                .into_iter()
                .find(|e| e.user_id == user.id && !e.all_day && e.starts_at <= now);
            let found = infer(
                &rules,
                local.naive_local(),
                meeting.as_ref().map(|e| e.title.as_str()),
            );
            ContextUsed {
                value: found.context,
                inferred: true,
                reason: found.reason,
            }
        }
    };
    let mut tasks: Vec<Task> = task_query::next_for_user(db, tenant, user.id, now, 300)
        .await?
        .into_iter()
        .map(|r| r.task)
        .collect();
    if let Some(c) = &context.value {
        let filter = TaskFilter {
            statuses: vec![TaskStatus::Queued, TaskStatus::Working],
            user_id: Some(user.id),
            assignee: Some(Assignee::User),
            context: Some(c.clone()),
            ..Default::default()
        };
        for t in task_query::list(db, tenant, &filter, Page::new(100, 0))
            .await?
            .items
        {
            if !tasks.iter().any(|k| k.id == t.id) {
                tasks.push(t);
            }
        }
    }
    let projects = project::list(db, tenant, None, None).await?;
    let with_goals: Vec<(&Task, Option<&str>)> = tasks
        .iter()
        .map(|t| {
            let goal = t
                .project_id
                .and_then(|p| goal_of(p, &projects))
                .map(|g| g.name.as_str());
            (t, goal)
        })
        .collect();
    let req = Request {
        context: context.value.clone(),
        context_inferred: context.inferred,
        minutes: ask.minutes,
        energy: ask.energy,
        now,
        offset: local.offset().fix(),
    };
    let suggestions = rank(&with_goals, &req, ask.limit.min(MAX_LIMIT))
        .into_iter()
        .map(|s| Suggested {
            task: s.task.clone(),
            score: s.score,
            reasons: s.reasons,
            estimate_minutes: s.estimate_minutes,
        })
        .collect();
    Ok(Suggestions {
        context,
        minutes: ask.minutes,
        energy: ask.energy.map(|e| e.as_str().to_string()),
        suggestions,
    })
}
