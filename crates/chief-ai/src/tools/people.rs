//! The people tool: keep what the agent learns about someone's role and
//! relationships on their record, where drafts and context read it.

use crate::registry::{Caller, Tool, ToolClass, ToolError};
use chief_app::person;
use chief_domain::person::Person;
use chief_domain::person::PersonPatch;
use schemars::JsonSchema;
use serde::Deserialize;
use uuid::Uuid;

pub fn register(tools: &mut Vec<Tool>) {
    tools.push(Tool::new(
        "update_person",
        ToolClass::Write,
        "Updates what we know about a person: title, company, relationship, relationship_to_user, political_context, communication_notes, context_notes; fields left out stay as they are.",
        update,
    ));
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct UpdateArgs {
    person_id: Uuid,
    email: Option<String>,
    title: Option<String>,
    company: Option<String>,
    /// client, colleague, vendor, …
    relationship: Option<String>,
    /// Who they are to the user: "main contact at Liberty Hotel".
    relationship_to_user: Option<String>,
    /// "Reports to the GM; close to the decision-maker."
    political_context: Option<String>,
    /// "Prefers brief, direct emails."
    communication_notes: Option<String>,
    context_notes: Option<String>,
}

async fn update(caller: Caller, a: UpdateArgs) -> Result<Person, ToolError> {
    let patch = PersonPatch {
        email: a.email.map(Some),
        title: a.title.map(Some),
        company: a.company.map(Some),
        relationship: a.relationship.map(Some),
        relationship_to_user: a.relationship_to_user.map(Some),
        political_context: a.political_context.map(Some),
        communication_notes: a.communication_notes.map(Some),
        context_notes: a.context_notes.map(Some),
        ..Default::default()
    };
    Ok(person::update(&caller.db, &caller.scope, a.person_id, patch).await?)
}
