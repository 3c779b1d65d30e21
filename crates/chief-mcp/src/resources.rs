//! The resources: each playbook as `chief://playbooks/{name}` (its
//! Markdown), the dashboard summary as `chief://dashboard`, and a task's
//! assembled context as `chief://tasks/{id}/context`. Each is read through
//! the registry's tool for it, so a resource and its tool never disagree
//! (reading a playbook records that it was consulted, either way).

use crate::ChiefMcp;
use chief_ai::Caller;
use rmcp::ErrorData as McpError;
use rmcp::model::{
    AnnotateAble, RawResource, RawResourceTemplate, ReadResourceResult, Resource, ResourceContents,
    ResourceTemplate,
};
use serde_json::json;

/// The dashboard summary's address.
pub const DASHBOARD: &str = "chief://dashboard";
const PLAYBOOKS: &str = "chief://playbooks/";
const TASKS: &str = "chief://tasks/";

/// A playbook's address; the name is percent-encoded.
pub fn playbook_uri(name: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    format!("{PLAYBOOKS}{encoded}")
}

fn decode(segment: &str) -> String {
    form_urlencoded::parse(format!("n={segment}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The dashboard and every active playbook.
pub async fn list(caller: &Caller) -> Result<Vec<Resource>, McpError> {
    let mut dashboard = RawResource::new(DASHBOARD, "dashboard");
    dashboard.description =
        Some("Today's priorities, open questions, drafts to review and waiting items".into());
    dashboard.mime_type = Some("application/json".into());
    let mut out = vec![dashboard.no_annotation()];
    let active = chief_store::task_playbooks::active(&caller.db, caller.scope.tenant)
        .await
        .map_err(|e| McpError::internal_error(e.to_string(), None))?;
    for p in active.iter() {
        let mut r = RawResource::new(playbook_uri(&p.name), p.name.clone());
        r.description = Some(if p.must_consult {
            format!("MUST CONSULT. {}", p.description)
        } else {
            p.description.clone()
        });
        r.mime_type = Some("text/markdown".into());
        out.push(r.no_annotation());
    }
    Ok(out)
}

/// The addresses with a parameter.
pub fn templates() -> Vec<ResourceTemplate> {
    let template = |uri: &str, name: &str, description: &str, mime: &str| {
        RawResourceTemplate {
            uri_template: uri.into(),
            name: name.into(),
            title: None,
            description: Some(description.into()),
            mime_type: Some(mime.into()),
            icons: None,
        }
        .no_annotation()
    };
    vec![
        template(
            "chief://playbooks/{name}",
            "playbook",
            "A playbook's procedure, by name",
            "text/markdown",
        ),
        template(
            "chief://tasks/{id}/context",
            "task-context",
            "A task with its assembled context: people, project, related tasks, history, learnings, playbooks",
            "application/json",
        ),
    ]
}

/// The resource at `uri`.
pub async fn read(
    server: &ChiefMcp,
    caller: &Caller,
    uri: &str,
) -> Result<ReadResourceResult, McpError> {
    let unknown = || {
        McpError::resource_not_found(
            format!(
                "no resource {uri}: use chief://dashboard, chief://playbooks/{{name}} or chief://tasks/{{id}}/context"
            ),
            None,
        )
    };
    let (text, mime) = if uri == DASHBOARD {
        let value = server.run(caller, "get_dashboard", json!({})).await?;
        (pretty(&value)?, "application/json")
    } else if let Some(name) = uri.strip_prefix(PLAYBOOKS) {
        let value = server
            .run(caller, "get_playbook", json!({"name": decode(name)}))
            .await?;
        (markdown(&value), "text/markdown")
    } else if let Some(id) = uri
        .strip_prefix(TASKS)
        .and_then(|rest| rest.strip_suffix("/context"))
    {
        let id = uuid::Uuid::parse_str(id).map_err(|_| unknown())?;
        let value = server
            .run(caller, "get_task_context", json!({"task_id": id}))
            .await?;
        (pretty(&value)?, "application/json")
    } else {
        return Err(unknown());
    };
    Ok(ReadResourceResult {
        contents: vec![ResourceContents::TextResourceContents {
            uri: uri.into(),
            mime_type: Some(mime.into()),
            text,
            meta: None,
        }],
    })
}

fn pretty(value: &serde_json::Value) -> Result<String, McpError> {
    serde_json::to_string_pretty(value).map_err(|e| McpError::internal_error(e.to_string(), None))
}

/// A playbook as Markdown: its name, what it is for, then the procedure.
fn markdown(playbook: &serde_json::Value) -> String {
    let field = |k: &str| playbook[k].as_str().unwrap_or_default();
    let must = if playbook["must_consult"].as_bool() == Some(true) {
        "\n\n**Must consult** before the work it covers."
    } else {
        ""
    };
    format!(
        "# {}\n\n{}{must}\n\n{}\n",
        field("name"),
        field("description"),
        field("content")
    )
}
