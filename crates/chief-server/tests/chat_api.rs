//! `/api/chat` over HTTP on SQLite and PostgreSQL, with the model faked by
//! a local server speaking Anthropic's streaming wire format: a turn
//! streams its tokens and tool events, is stored and continued, writes as
//! the agent (undoably), and bad input, someone else's conversation, a
//! failing model and a server with no model are each answered clearly.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chief_llm::testing::{FakeModel, Flavor, Reply, Turn};
use chief_server::ServerConfig;
use chief_store::Db;
use serde_json::{Value, json};

mod common;

use chief_testkit::both_backends;
use common::{call_app, key_for, send};

async fn chat_app(db: &Db, fake: &FakeModel) -> axum::Router {
    let (provider, _waits) = fake.provider("claude-sonnet-4-5");
    chief_server::app(
        db.clone(),
        &ServerConfig {
            model: Some(provider),
            ..ServerConfig::default()
        },
    )
}

/// Posts `body` to `/api/chat`; returns the status and the stream's
/// events as (name, data).
async fn chat(app: &axum::Router, key: &str, body: Value) -> (StatusCode, Vec<(String, Value)>) {
    let req = Request::builder()
        .method("POST")
        .uri("/api/chat")
        .header("x-api-key", key)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let (status, headers, bytes) = send(app, req).await;
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    if status != StatusCode::OK {
        return (
            status,
            vec![(
                "problem".into(),
                serde_json::from_str(&text).unwrap_or(Value::Null),
            )],
        );
    }
    assert_eq!(headers["content-type"], "text/event-stream");
    let events = text
        .split("\n\n")
        .filter_map(|block| {
            let mut name = None;
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event: ") {
                    name = Some(v.to_string());
                } else if let Some(v) = line.strip_prefix("data: ") {
                    data.push_str(v);
                }
            }
            Some((name?, serde_json::from_str(&data).unwrap()))
        })
        .collect();
    (status, events)
}

fn names(events: &[(String, Value)]) -> Vec<&str> {
    let mut out: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    out.dedup();
    out
}

fn text_of(events: &[(String, Value)]) -> String {
    events
        .iter()
        .filter(|(n, _)| n == "token")
        .map(|(_, d)| d["text"].as_str().unwrap().to_string())
        .collect()
}

/// How many of the workspace's tasks are about the offsite.
async fn offsite_tasks(app: &axum::Router, key: &str) -> usize {
    let (_, _, tasks) = call_app(app, "GET", "/api/tasks?limit=200", Some(key), None).await;
    tasks["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["title"].as_str().unwrap().contains("offsite"))
        .count()
}

both_backends! {
    async fn a_turn_streams_its_tokens_and_tool_events_and_is_stored(db: &Db) {
        let key = key_for(db, "acme").await;
        let fake = FakeModel::start(Flavor::Anthropic).await;
        let app = chat_app(db, &fake).await;
        let (status, _, task) = call_app(&app, "POST", "/api/tasks", Some(&key), Some(json!({"title": "Send the Acme renewal quote"}))).await;
        assert_eq!(status, StatusCode::CREATED);
        fake.script([
            Reply::Answer(Turn::tool_call("c1", "search", json!({"q": "Acme"})).with_text_first("Let me look.")),
            Reply::Answer(Turn::text("You have one Acme task: Send the Acme renewal quote.")),
        ]);
        let (status, events) = chat(&app, &key, json!({"message": "What is on my plate for Acme?"})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(names(&events), ["started", "token", "tool_call", "tool_result", "token", "done"]);
        let call = &events.iter().find(|(n, _)| n == "tool_call").unwrap().1;
        assert_eq!((call["name"].as_str(), call["input"]["q"].as_str()), (Some("search"), Some("Acme")));
        let result = &events.iter().find(|(n, _)| n == "tool_result").unwrap().1;
        assert_eq!(result["ok"], true);
        assert!(result["result"].to_string().contains(task["id"].as_str().unwrap()), "the search found the task: {result}");
        assert_eq!(text_of(&events), "Let me look.You have one Acme task: Send the Acme renewal quote.");
        let done = &events.last().unwrap().1;
        assert_eq!(done["text"], "You have one Acme task: Send the Acme renewal quote.");
        assert!(done["input_tokens"].as_u64().unwrap() > 0);
        let id = done["conversation_id"].as_str().unwrap().to_string();

        let (status, _, list) = call_app(&app, "GET", "/api/chat/conversations", Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["title"], "What is on my plate for Acme?");
        let (status, _, convo) = call_app(&app, "GET", &format!("/api/chat/conversations/{id}"), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        let roles: Vec<&str> = convo["messages"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
        assert_eq!(roles, ["user", "assistant", "user", "assistant"], "question, tool call, tool result, answer");
        assert_eq!(convo["messages"][1]["content"][1]["type"], "tool_use");
        assert_eq!(convo["messages"][2]["content"][0]["type"], "tool_result");
    }

    async fn the_next_message_continues_the_conversation_with_what_was_said(db: &Db) {
        let key = key_for(db, "acme").await;
        let fake = FakeModel::start(Flavor::Anthropic).await;
        let app = chat_app(db, &fake).await;
        fake.script([
            Reply::Answer(Turn::text("Patrick is your contact at Acme.")),
            Reply::Answer(Turn::text("He prefers email.")),
        ]);
        let (_, first) = chat(&app, &key, json!({"message": "Who is my contact at Acme?"})).await;
        let id = first.last().unwrap().1["conversation_id"].as_str().unwrap().to_string();
        let (status, second) = chat(&app, &key, json!({"message": "How does he like to be reached?", "conversation_id": id})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(second.last().unwrap().1["conversation_id"], id.as_str());
        let sent = &fake.received()[1].body["messages"];
        let said: Vec<String> = sent.as_array().unwrap().iter().map(|m| m["content"].to_string()).collect();
        assert_eq!(said.len(), 3, "the question, the answer and the new question: {said:?}");
        assert!(said[0].contains("Who is my contact at Acme?"));
        assert!(said[1].contains("Patrick is your contact at Acme."));
        assert!(said[2].contains("How does he like to be reached?"));
        let (_, _, list) = call_app(&app, "GET", "/api/chat/conversations", Some(&key), None).await;
        assert_eq!(list.as_array().unwrap().len(), 1, "still one conversation");
    }

    async fn what_chat_changes_is_the_agent_s_work_and_can_be_undone(db: &Db) {
        let key = key_for(db, "acme").await;
        let fake = FakeModel::start(Flavor::Anthropic).await;
        let app = chat_app(db, &fake).await;
        fake.script([
            Reply::Answer(Turn::tool_call("c1", "create_task", json!({"title": "Book the offsite venue"}))),
            Reply::Answer(Turn::text("Added: Book the offsite venue.")),
        ]);
        let (_, events) = chat(&app, &key, json!({"message": "Remind me to book the offsite venue"})).await;
        let done = &events.last().unwrap().1;
        assert_eq!(offsite_tasks(&app, &key).await, 1, "the task was created");
        let (_, _, by_agent) = call_app(&app, "GET", "/api/logs?action=task.created&actor=agent", Some(&key), None).await;
        assert_eq!(by_agent["total"], 1, "created as the agent's work: {by_agent}");

        let tenant = chief_store::tenancy::list_tenants(db).await.unwrap().into_iter().find(|t| t.slug == "acme").unwrap();
        let owner = chief_store::tenancy::list_users(db, tenant.id).await.unwrap()[0].clone();
        let run = uuid::Uuid::parse_str(done["run_id"].as_str().unwrap()).unwrap();
        let undone = chief_ai::agent::undo(db, &chief_store::Scope::user(tenant.id, owner.id), run).await.unwrap();
        assert_eq!(undone.removed.len(), 1);
        assert_eq!(offsite_tasks(&app, &key).await, 0, "undo removed it");
    }

    async fn bad_messages_and_other_people_s_conversations_are_refused(db: &Db) {
        let key = key_for(db, "acme").await;
        let other = key_for(db, "globex").await;
        let member = common::member_key(db, "acme").await;
        let fake = FakeModel::start(Flavor::Anthropic).await;
        let app = chat_app(db, &fake).await;
        fake.script([Reply::Answer(Turn::text("Hello."))]);
        let (_, events) = chat(&app, &key, json!({"message": "Hi"})).await;
        let id = events.last().unwrap().1["conversation_id"].as_str().unwrap().to_string();

        let (status, p) = chat(&app, &key, json!({"message": "   "})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(p[0].1["errors"][0]["field"], "message");
        let (status, _) = chat(&app, &key, json!({"message": "x".repeat(16_001)})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = chat(&app, &key, json!({"message": "Hi", "model": "gpt-9"})).await;
        assert!(status.is_client_error(), "unknown fields are refused: {status}");
        for k in [&other, &member] {
            let (status, p) = chat(&app, k, json!({"message": "Hi", "conversation_id": id})).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{p:?}");
            let (status, _, _) = call_app(&app, "GET", &format!("/api/chat/conversations/{id}"), Some(k), None).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
        let (status, _) = chat(&app, &key, json!({"message": "Hi", "conversation_id": uuid::Uuid::now_v7()})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(fake.received().len(), 1, "no refused message reached the model");
        let (_, _, convo) = call_app(&app, "GET", &format!("/api/chat/conversations/{id}"), Some(&key), None).await;
        assert_eq!(convo["messages"].as_array().unwrap().len(), 2, "nothing was added to it");
    }

    async fn a_model_that_fails_ends_the_turn_with_an_error_and_keeps_what_was_said(db: &Db) {
        let key = key_for(db, "acme").await;
        let fake = FakeModel::start(Flavor::Anthropic).await;
        let app = chat_app(db, &fake).await;
        fake.script([
            Reply::fail(400, "invalid_request_error", "prompt is too long"),
            Reply::Answer(Turn::text("Here is your week.")),
        ]);
        let (status, events) = chat(&app, &key, json!({"message": "Plan my week"})).await;
        assert_eq!(status, StatusCode::OK, "the stream had started");
        assert_eq!(names(&events), ["started", "error"]);
        let error = &events[1].1;
        assert_eq!(error["status"], 503);
        assert!(error["detail"].as_str().unwrap().contains("prompt is too long"), "{error}");
        let id = events[0].1["conversation_id"].as_str().unwrap().to_string();
        let (status, again) = chat(&app, &key, json!({"message": "Try again please", "conversation_id": id})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(again.last().unwrap().1["text"], "Here is your week.");
        let sent = &fake.received()[1].body["messages"];
        assert_eq!(sent.as_array().unwrap().len(), 2, "both questions, nothing half-written: {sent}");
    }

    async fn with_no_model_chat_is_unavailable_but_conversations_still_read(db: &Db) {
        let key = key_for(db, "acme").await;
        let app = chief_server::router(db.clone());
        let (status, p) = chat(&app, &key, json!({"message": "Hi"})).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(p[0].1["detail"].as_str().unwrap().contains("ANTHROPIC_API_KEY"));
        let (status, _, list) = call_app(&app, "GET", "/api/chat/conversations", Some(&key), None).await;
        assert_eq!((status, list), (StatusCode::OK, json!([])));
        let (status, _, _) = call_app(&app, "GET", "/api/chat/conversations?limit=0", Some(&key), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
