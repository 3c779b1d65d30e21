//! The MCP server driven by a real MCP client (rmcp's) through seed 003's
//! loop, over both transports and on both backends: `chief mcp` over stdio
//! (the built binary, spawned) and `/mcp` over streamable HTTP (the server
//! in process, on an ephemeral port). The same loop runs on each: list the
//! tools, take the next task, read its context and its must-consult
//! playbook as a resource, draft, capture, and complete, which is refused
//! until the capture step is answered. `/mcp` also refuses a wrong key
//! (401) and a rebound Host or foreign Origin (403).

mod support;

use chief_domain::person::NewPerson;
use chief_domain::playbook::NewPlaybook;
use chief_domain::task::{Assignee, NewTask};
use chief_domain::tenant::Role;
use chief_store::tenancy::{self, NewUser};
use chief_store::{Db, Location, OpenOptions, Scope};
use chief_testkit::both_backends;
use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, GetPromptRequestParams, ReadResourceRequestParams};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use serde_json::{Value, json};
use std::io::{Read, Write};
use support::Store;
use uuid::Uuid;

type Client = RunningService<RoleClient, ()>;

/// What the loop works on.
struct Seeded {
    db: Db,
    tenant: chief_domain::TenantId,
    key: String,
    task: Uuid,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// A workspace with a must-consult email playbook, Patrick, and a task for
/// the agent to draft him an email.
async fn seed(store: &Store) -> Seeded {
    let location = match &store.database_url {
        Some(url) => Location::parse(url).expect("the test URL parses"),
        None => Location::Sqlite(store.dir.path().join("chief.db")),
    };
    let db = Db::open(&location, &OpenOptions::default())
        .await
        .expect("the store opens");
    let owner = NewUser {
        email: "david@acme.example".into(),
        name: Some("David".into()),
        role: Role::Owner,
        timezone: "UTC".into(),
    };
    let ws = tenancy::create_workspace(&db, "Acme", "acme", owner)
        .await
        .expect("the workspace is created");
    let scope = Scope::user(ws.tenant.id, ws.owner.id);
    let mut tx = db.write(&scope).await.unwrap();
    let guide = NewPlaybook {
        name: "email-drafting-guide".into(),
        description: "How we write external email".into(),
        triggers: vec!["email".into()],
        must_consult: true,
        content: "Warm but strategic. One topic per paragraph. A clear ask.".into(),
        ..Default::default()
    };
    chief_store::playbook::create(&mut tx, ws.owner.id, guide)
        .await
        .unwrap();
    let patrick = NewPerson {
        name: "Patrick Fields".into(),
        relationship_to_user: Some("Main contact at Liberty Hotel".into()),
        ..Default::default()
    };
    chief_store::person::create(&mut tx, ws.owner.id, patrick)
        .await
        .unwrap();
    let task = NewTask {
        title: "Draft follow-up email to Patrick Fields".into(),
        assignee: Some(Assignee::Agent),
        ..Default::default()
    };
    let task = chief_store::task::create(&mut tx, ws.owner.id, task)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Seeded {
        db,
        tenant: ws.tenant.id,
        key: ws.api_key,
        task: task.id,
    }
}

/// Calls a tool; returns its JSON result and whether it failed.
async fn call(client: &Client, tool: &str, args: Value) -> (Value, bool) {
    let result = client
        .call_tool(CallToolRequestParams {
            meta: None,
            name: tool.to_string().into(),
            arguments: args.as_object().cloned(),
            task: None,
        })
        .await
        .unwrap_or_else(|e| panic!("{tool} is answered: {e}"));
    let text = result
        .content
        .first()
        .and_then(|c| c.as_text())
        .map(|t| t.text.clone())
        .unwrap_or_default();
    let failed = result.is_error == Some(true);
    let value = if failed {
        Value::String(text)
    } else {
        serde_json::from_str(&text).expect("a tool result is JSON")
    };
    (value, failed)
}

async fn ok(client: &Client, tool: &str, args: Value) -> Value {
    let (value, failed) = call(client, tool, args).await;
    assert!(!failed, "{tool} failed: {value}");
    value
}

/// Seed 003's loop, as an MCP client runs it.
async fn run_loop(client: &Client, seeded: &Seeded) {
    let tools = client.list_all_tools().await.expect("tools are listed");
    let names: Vec<String> = tools.iter().map(|t| t.name.to_string()).collect();
    let registry: Vec<String> = chief_ai::Registry::work_loop()
        .tools()
        .iter()
        .map(|t| t.name.to_string())
        .collect();
    assert_eq!(names, registry, "the MCP tool list is the registry");
    assert!(!names.iter().any(|n| n.contains("send")));
    let next_tool = tools.iter().find(|t| t.name == "get_next_task").unwrap();
    assert_eq!(
        next_tool.annotations.as_ref().unwrap().read_only_hint,
        Some(true)
    );

    let next = ok(client, "get_next_task", json!({})).await;
    assert_eq!(next["task"]["id"], json!(seeded.task));
    assert_eq!(
        next["must_consult_warnings"][0]["playbook_name"],
        "email-drafting-guide"
    );
    let people = &next["context"]["related_people"];
    assert_eq!(people[0]["person"]["name"], "Patrick Fields");

    let context = ok(client, "get_task_context", json!({"task_id": seeded.task})).await;
    assert_eq!(
        context["task"]["title"],
        "Draft follow-up email to Patrick Fields"
    );
    assert_eq!(
        context["related_people"][0]["relationship_context"]["relationship_to_user"],
        "Main contact at Liberty Hotel"
    );

    let resources = client
        .list_all_resources()
        .await
        .expect("resources are listed");
    let uris: Vec<&str> = resources.iter().map(|r| r.uri.as_str()).collect();
    assert!(uris.contains(&"chief://dashboard"), "{uris:?}");
    assert!(
        uris.contains(&"chief://playbooks/email-drafting-guide"),
        "{uris:?}"
    );
    let read = client
        .read_resource(ReadResourceRequestParams {
            meta: None,
            uri: "chief://playbooks/email-drafting-guide".into(),
        })
        .await
        .expect("the playbook resource reads");
    let text = match &read.contents[0] {
        rmcp::model::ResourceContents::TextResourceContents { text, .. } => text.clone(),
        other => panic!("a text resource, not {other:?}"),
    };
    assert!(text.contains("One topic per paragraph"), "{text}");
    assert!(text.contains("Must consult"), "{text}");
    let task_context = client
        .read_resource(ReadResourceRequestParams {
            meta: None,
            uri: format!("chief://tasks/{}/context", seeded.task),
        })
        .await
        .expect("the task context resource reads");
    assert!(format!("{task_context:?}").contains("Patrick Fields"));

    let prompt = client
        .get_prompt(GetPromptRequestParams {
            meta: None,
            name: "operating_loop".into(),
            arguments: None,
        })
        .await
        .expect("the loop prompt is served");
    assert!(format!("{prompt:?}").contains("complete_task"));

    ok(client, "start_task", json!({"task_id": seeded.task})).await;
    let draft = ok(
        client,
        "create_draft",
        json!({"type": "email", "recipient": "Patrick Fields", "subject": "Next steps", "body": "Hi Patrick, thanks for today.", "task_id": seeded.task}),
    )
    .await;
    assert_eq!(draft["status"], "pending");
    let morning = client
        .get_prompt(GetPromptRequestParams {
            meta: None,
            name: "morning_review".into(),
            arguments: None,
        })
        .await
        .expect("the morning review prompt is served");
    let morning = format!("{morning:?}");
    assert!(morning.contains("My dashboard right now"), "{morning}");
    assert!(
        morning.contains("Draft follow-up email to Patrick Fields")
            && morning.contains("Next steps"),
        "the live dashboard is in it: {morning}"
    );
    assert_eq!(
        draft["relationship_context"]["relationship_to_user"],
        "Main contact at Liberty Hotel"
    );

    let (refused, failed) = call(client, "complete_task", json!({"task_id": seeded.task})).await;
    assert!(
        failed,
        "completing without the capture step is a tool error"
    );
    assert!(
        refused.as_str().unwrap().contains("capture is mandatory"),
        "{refused}"
    );
    let (bad, failed) = call(client, "complete_task", json!({"task": seeded.task})).await;
    assert!(
        failed && bad.as_str().unwrap().contains("unknown field"),
        "{bad}"
    );
    let (unknown, failed) = call(client, "send_email", json!({})).await;
    assert!(
        failed && unknown.as_str().unwrap().contains("no tool"),
        "{unknown}"
    );

    let routed = ok(
        client,
        "capture_knowledge",
        json!({"content": "Patrick Fields prefers brief, direct emails", "category": "person", "source_task_id": seeded.task}),
    )
    .await;
    assert_eq!(routed["routed_to"]["name"], "Patrick Fields");
    let done = ok(
        client,
        "complete_task",
        json!({"task_id": seeded.task, "output": "Drafted the follow-up for review", "learnings_captured": true}),
    )
    .await;
    assert_eq!(done["task"]["status"], "completed");
    assert_eq!(
        done["must_consult_warnings"],
        json!([]),
        "the guide was read"
    );
    let after = ok(client, "get_next_task", json!({})).await;
    assert_eq!(after["task"], Value::Null);
}

/// The audit actor of the newest `draft.created` row: MCP work is the agent's.
async fn draft_actor(seeded: &Seeded) -> String {
    let row = chief_store::testing::fetch_optional(
            &seeded.db,
            "SELECT actor FROM logs WHERE tenant_id = $1 AND action = 'draft.created' ORDER BY seq DESC LIMIT 1",
            &[seeded.tenant.into()],
        )
        .await
        .unwrap()
        .expect("the draft was audited");
    row.text("actor").unwrap()
}

both_backends! {
    fn the_loop_runs_over_stdio(store: &Store) {
        runtime().block_on(async {
            let seeded = seed(&store).await;
            let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_chief"));
            command
                .arg("mcp")
                .env_remove("CHIEF_DATABASE_URL")
                .env_remove("CHIEF_TENANT")
                .env_remove("CHIEF_USER")
                .env("CHIEF_DATA_DIR", store.dir.path())
                .env("CHIEF_API_KEY", &seeded.key);
            if let Some(url) = &store.database_url {
                command.env("CHIEF_DATABASE_URL", url);
            }
            let transport = TokioChildProcess::new(command).expect("chief mcp starts");
            let client = ().serve(transport).await.expect("the client initializes");
            let info = client.peer_info().expect("the server introduced itself");
            assert_eq!(info.server_info.name, "chief");
            assert!(info.instructions.as_deref().unwrap_or("").contains("mandatory"));
            run_loop(&client, &seeded).await;
            client.cancel().await.expect("the client leaves");
            assert_eq!(draft_actor(&seeded).await, "agent");
            seeded.db.close().await;
        });
    }

    fn the_loop_runs_over_streamable_http(store: &Store) {
        runtime().block_on(async {
            let seeded = seed(&store).await;
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let config = chief_server::ServerConfig::default();
            let server = tokio::spawn({
                let db = seeded.db.clone();
                async move {
                    chief_server::serve(db, &config, listener, async { let _ = stopped.await; }).await
                }
            });
            let url = format!("http://{addr}/mcp");

            for (headers, expect) in [
                (format!("Host: {addr}\r\nAuthorization: Bearer wrong-key\r\n"), "401"),
                (format!("Host: {addr}\r\n"), "401"),
                (format!("Host: evil.example\r\nX-API-Key: {}\r\n", seeded.key), "403"),
                (format!("Host: {addr}\r\nOrigin: https://evil.example\r\nX-API-Key: {}\r\n", seeded.key), "403"),
            ] {
                let sent = headers.clone();
                let status = tokio::task::spawn_blocking(move || raw_post(addr, &sent)).await.unwrap();
                assert_eq!(status, expect, "{headers:?}");
            }

            let transport = StreamableHttpClientTransport::from_config(
                StreamableHttpClientTransportConfig::with_uri(url).auth_header(seeded.key.clone()),
            );
            let client = ().serve(transport).await.expect("the client initializes");
            run_loop(&client, &seeded).await;
            client.cancel().await.expect("the client leaves");
            assert_eq!(draft_actor(&seeded).await, "agent");
            let _ = stop.send(());
            server.await.unwrap().expect("the server stops cleanly");
            seeded.db.close().await;
        });
    }
}

/// POSTs an MCP initialize to `/mcp` with `headers`; returns the status code.
fn raw_post(addr: std::net::SocketAddr, headers: &str) -> String {
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST /mcp HTTP/1.1\r\n{headers}Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).unwrap();
    String::from_utf8_lossy(&head[9..12]).to_string()
}

both_backends! {
    fn chief_mcp_refuses_a_wrong_or_missing_key_in_one_line(store: &Store) {
        store.init();
        let out = store.chief().arg("mcp").env("CHIEF_API_KEY", "chief_wrong").output().unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("unknown or revoked"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(out.stdout.is_empty(), "nothing reaches the protocol stream");
        let out = store.chief().arg("mcp").env_remove("CHIEF_API_KEY").output().unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("CHIEF_API_KEY"));
    }
}

#[test]
fn agent_instructions_print_the_loop_the_rules_the_tools_and_the_desktop_config() {
    let out = Store::sqlite()
        .chief()
        .args(["agent", "instructions"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "## Your operating loop",
        "get_next_task",
        "Capture what you learned (mandatory)",
        "Never send anything",
        "block_task",
        "must_consult",
        "| `complete_task` | write |",
        "| `create_draft` | propose |",
        "\"mcpServers\"",
        "\"CHIEF_API_KEY\"",
        "claude mcp add chief",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    let json_start = text.find("```json\n").unwrap() + 8;
    let json_end = json_start + text[json_start..].find("```").unwrap();
    let config: Value = serde_json::from_str(&text[json_start..json_end]).unwrap();
    assert_eq!(config["mcpServers"]["chief"]["args"], json!(["mcp"]));
}
