//! The lookup tools: the questions asked and their answers (so the agent
//! acts on what a person decided), full-text search over the workspace,
//! and the dashboard summary.

use crate::registry::{Caller, Tool, ToolClass, ToolError};
use chief_domain::question::{Question, QuestionStatus};
use chief_store::dashboard::{self, Dashboard};
use chief_store::search::{self, EntityKind, Hit};
use chief_store::{Listing, Page, StoreError, question};
use chrono::Utc;
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

pub fn register(tools: &mut Vec<Tool>) {
    tools.push(Tool::new(
        "list_questions",
        ToolClass::Read,
        "Questions asked of the person, most urgent first: `answered` ones carry the answer to act on; `unanswered` ones are still open.",
        list_questions,
    ));
    tools.push(Tool::new(
        "get_question",
        ToolClass::Read,
        "One question with its answer (if given) and the tasks it blocks.",
        get_question,
    ));
    tools.push(Tool::new(
        "search",
        ToolClass::Read,
        "Full-text search over tasks, people, playbooks, projects and learnings, best first.",
        search_all,
    ));
    tools.push(Tool::new(
        "get_dashboard",
        ToolClass::Read,
        "The person's dashboard: today's priorities, open questions, what the agent is working on, drafts to review, waiting items and the day's figures.",
        get_dashboard,
    ));
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListArgs {
    /// unanswered, answered or dismissed; any when absent.
    status: Option<String>,
    /// At most this many, 1 to 200 (default 20).
    limit: Option<i64>,
}

fn limit(n: Option<i64>) -> Result<i64, StoreError> {
    let n = n.unwrap_or(20);
    if !(1..=200).contains(&n) {
        return Err(StoreError::invalid(
            "limit",
            format!("must be 1 to 200, not {n}"),
        ));
    }
    Ok(n)
}

async fn list_questions(caller: Caller, a: ListArgs) -> Result<Listing<Question>, ToolError> {
    let status = a
        .status
        .as_deref()
        .map(str::parse::<QuestionStatus>)
        .transpose()?;
    let page = Page::new(limit(a.limit)?, 0);
    Ok(question::list_filtered(&caller.db, caller.scope.tenant, status, None, page).await?)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct QuestionId {
    question_id: Uuid,
}

async fn get_question(caller: Caller, a: QuestionId) -> Result<Question, ToolError> {
    Ok(question::get(&caller.db, caller.scope.tenant, a.question_id).await?)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SearchArgs {
    /// Words to look for.
    q: String,
    /// Only these kinds: task, person, playbook, project, knowledge.
    #[serde(default)]
    entity_types: Vec<String>,
    /// At most this many, 1 to 200 (default 20).
    limit: Option<i64>,
}

async fn search_all(caller: Caller, a: SearchArgs) -> Result<Vec<Hit>, ToolError> {
    let mut kinds = Vec::new();
    for name in &a.entity_types {
        let kind = EntityKind::parse(name).ok_or_else(|| {
            StoreError::invalid(
                "entity_types",
                format!("{name:?} is not one of task, person, playbook, project, knowledge"),
            )
        })?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    let limit = limit(a.limit)?;
    Ok(search::search(&caller.db, caller.scope.tenant, &a.q, &kinds, limit).await?)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NoArgs {}

async fn get_dashboard(caller: Caller, _: NoArgs) -> Result<Dashboard, ToolError> {
    let user = caller.user()?;
    Ok(dashboard::overview(&caller.db, caller.scope.tenant, user, Utc::now()).await?)
}
