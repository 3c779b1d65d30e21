//! The playbook tools: find the playbooks a piece of work calls for, read
//! one (which records that it was consulted, as must-consult checks
//! require), and propose a new one for a person to approve.

use crate::registry::{Caller, Tool, ToolClass, ToolError};
use chief_app::playbook::PlaybookProposal;
use chief_domain::playbook::{Playbook, PlaybookStatus};
use chief_store::task_playbooks::{self, MustConsultWarning, TaskPlaybook};
use chief_store::{StoreError, playbook};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub fn register(tools: &mut Vec<Tool>) {
    tools.push(Tool::new(
        "match_playbooks",
        ToolClass::Read,
        "The active playbooks a piece of work calls for, best first, and the must-consult ones you must read before doing it.",
        match_work,
    ));
    tools.push(Tool::new(
        "get_playbook",
        ToolClass::Read,
        "Reads an active playbook in full, by name or id. Reading it records that it was consulted.",
        get,
    ));
    tools.push(Tool::new(
        "propose_playbook",
        ToolClass::Propose,
        "Proposes a new playbook (how to do something) when you notice a repeatable procedure; a person approves or rejects it.",
        propose,
    ));
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct MatchArgs {
    /// The work, in words: "draft a follow-up email to Patrick".
    task_description: String,
}

#[derive(Serialize)]
struct Matches {
    matched_playbooks: Vec<TaskPlaybook>,
    must_consult_warnings: Vec<MustConsultWarning>,
}

async fn match_work(caller: Caller, a: MatchArgs) -> Result<Matches, ToolError> {
    if a.task_description.trim().is_empty() {
        return Err(StoreError::invalid("task_description", "must not be empty").into());
    }
    let active = task_playbooks::active(&caller.db, caller.scope.tenant).await?;
    let (matched_playbooks, must_consult_warnings) =
        task_playbooks::for_text(&a.task_description, &active);
    Ok(Matches {
        matched_playbooks,
        must_consult_warnings,
    })
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct GetArgs {
    /// The playbook's name (ignoring case) or id.
    name: String,
}

async fn get(caller: Caller, a: GetArgs) -> Result<Playbook, ToolError> {
    let tenant = caller.scope.tenant;
    let id = match Uuid::parse_str(a.name.trim()) {
        Ok(id) => id,
        Err(_) => {
            playbook::find_by_name(&caller.db, tenant, a.name.trim(), PlaybookStatus::Active)
                .await?
                .ok_or_else(|| StoreError::not_found("playbook", &a.name))?
                .id
        }
    };
    // Reading a playbook is consulting it: completion checks must-consult
    // playbooks against the use recorded here.
    Ok(chief_app::playbook::consult(&caller.db, &caller.scope, id).await?)
}

async fn propose(caller: Caller, a: PlaybookProposal) -> Result<Playbook, ToolError> {
    Ok(chief_app::playbook::propose(&caller.db, &caller.scope, a).await?)
}
