//! The people tool: keep what the agent learns about someone's role and
//! relationships on their record, where drafts and context read it.

use crate::registry::{Caller, Tool, ToolClass, ToolError};
use crate::tools::targeted::{IdField, Targeted};
use chief_app::person;
use chief_domain::person::Person;
use chief_domain::person::PersonPatch;

pub fn register(tools: &mut Vec<Tool>) {
    tools.push(Tool::new(
        "update_person",
        ToolClass::Write,
        "Updates what we know about a person: title, company, relationship, relationship_to_user, political_context, communication_notes, context_notes and the rest of their record; fields left out stay as they are, and null clears one.",
        update,
    ));
}

/// `person_id`: the person to change.
pub struct PersonId;

impl IdField for PersonId {
    const NAME: &'static str = "person_id";
    const DESCRIPTION: &'static str = "The person to change.";
}

async fn update(caller: Caller, a: Targeted<PersonId, PersonPatch>) -> Result<Person, ToolError> {
    Ok(person::update(&caller.db, &caller.scope, a.id, a.request).await?)
}
