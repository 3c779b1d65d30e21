//! What the agent's end-to-end tests share: an agent acting for a new
//! workspace's owner, tasks for it, an agent on a fake model server, and
//! reading back what a run journaled.
#![allow(dead_code)]

use chief_ai::agent::{Agent, AgentOptions, Outcome, RunReport};
use chief_ai::{Caller, Registry};
use chief_domain::log::Actor;
use chief_domain::task::{Assignee, Task};
use chief_llm::testing::{FakeModel, Reply, Turn};
use chief_store::agent::journal_reads;
use chief_store::{Db, Scope};
use serde_json::Value;

use crate::common;

/// An agent acting for the owner of a new workspace.
pub async fn caller(db: &Db) -> Caller {
    let (tenant, owner) = common::workspace(db, "acme").await;
    let scope = Scope {
        actor: Actor::agent(owner),
        ..Scope::user(tenant, owner)
    };
    Caller::new(db.clone(), scope)
}

pub async fn agent_task(c: &Caller, title: &str, description: &str) -> Task {
    let new = chief_domain::task::NewTask {
        assignee: Some(Assignee::Agent),
        description: Some(description.into()),
        ..common::task(title)
    };
    common::add_task(&c.db, &c.scope, new)
        .await
        .expect("the task is added")
}

pub fn agent_for(fake: &FakeModel, options: AgentOptions) -> Agent {
    let (provider, _waits) = fake.provider("claude-sonnet-4-5");
    Agent {
        registry: Registry::work_loop(),
        provider,
        options,
    }
}

pub async fn run(agent: &Agent, c: &Caller) -> RunReport {
    match agent.run_once(c).await.expect("the loop runs") {
        Outcome::Ran(report) => report,
        Outcome::Idle => panic!("there was a task to run"),
    }
}

pub fn call(id: &str, tool: &str, args: Value) -> Reply {
    Reply::Answer(Turn::tool_call(id, tool, args))
}

/// The model completes `task` with nothing learned.
pub fn completes(id: &str, task: &Task) -> Reply {
    call(
        id,
        "complete_task",
        serde_json::json!({"task_id": task.id, "nothing_learned": true}),
    )
}

/// The model's classification `answer`, then `task` completed: a routed run.
pub fn classified(answer: &str, id: &str, task: &Task) -> [Reply; 2] {
    [Reply::Answer(Turn::text(answer)), completes(id, task)]
}

/// The routing decision and confidence a run recorded.
pub async fn routing_of(c: &Caller, run_id: uuid::Uuid) -> (String, i64) {
    journal_reads::routing_of(&c.db, c.scope.tenant, run_id)
        .await
        .expect("the run is read")
}

pub async fn count(c: &Caller, table: &str) -> i64 {
    common::count_rows(&c.db, table, c.scope.tenant).await
}

/// The `kind:tool:status` of each step of a run, in order.
pub async fn steps(c: &Caller, run_id: uuid::Uuid) -> Vec<String> {
    journal_reads::steps_of(&c.db, c.scope.tenant, run_id)
        .await
        .expect("steps read")
        .iter()
        .map(|s| {
            format!(
                "{}:{}:{}",
                s.kind,
                s.tool.as_deref().unwrap_or_default(),
                s.status
            )
        })
        .collect()
}

/// The result JSON of a run's `decision` step about `about`.
pub async fn decision(c: &Caller, run_id: uuid::Uuid, about: &str) -> Value {
    journal_reads::decision_of(&c.db, c.scope.tenant, run_id, about)
        .await
        .expect("steps read")
        .expect("the decision was journaled")
}
