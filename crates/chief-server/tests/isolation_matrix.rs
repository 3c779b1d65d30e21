//! The isolation matrix: every route of the OpenAPI document, called by one
//! workspace with another workspace's real ids, answers 404 and changes
//! nothing there; the same call by the owning workspace does reach the
//! entity (so the 404 is isolation, not a bad request). Every list route
//! answers without a trace of the other workspace, and members get 403 on
//! admin routes.

mod common;

use axum::http::StatusCode;
use chief_domain::TenantId;
use chief_store::{Db, audit, tenancy};
use chief_testkit::both_backends;
use common::{call, key_for, member_key};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// One entity of every kind in workspace `b`, created through the API;
/// returns each kind's id.
async fn seed_other_workspace(db: &Db, key: &str) -> HashMap<&'static str, String> {
    let creations: [(&str, &str, Value); 16] = [
        ("task", "/api/tasks", json!({"title": "B's secret task"})),
        (
            "question",
            "/api/questions",
            json!({"text": "B's secret question?"}),
        ),
        (
            "waiting",
            "/api/waiting",
            json!({"what": "B's secret wait"}),
        ),
        (
            "draft",
            "/api/drafts",
            json!({"type": "email", "body": "B's secret draft"}),
        ),
        (
            "recurring",
            "/api/recurring",
            json!({"title": "B's secret routine", "frequency": "weekly"}),
        ),
        ("sale", "/api/sales", json!({"name": "B's secret deal"})),
        (
            "project",
            "/api/projects",
            json!({"name": "B's secret project"}),
        ),
        (
            "person",
            "/api/people",
            json!({"name": "B's secret person"}),
        ),
        (
            "client",
            "/api/clients",
            json!({"name": "B's secret client"}),
        ),
        ("user", "/api/users", json!({"email": "second@b.test"})),
        ("key", "/api/keys", json!({"name": "B's second key"})),
        (
            "knowledge",
            "/api/knowledge/capture",
            json!({"content": "B's secret lesson: always be brief"}),
        ),
        (
            "playbook",
            "/api/playbooks",
            json!({"name": "b-secret-playbook", "content": "B's secret procedure"}),
        ),
        (
            "channel",
            "/api/channels",
            json!({"name": "B's secret hook", "config": {"url": "https://b.example.test/hook"}}),
        ),
        (
            "trigger",
            "/api/triggers",
            json!({"name": "b-secret-trigger", "schedule": "@daily", "action": {"type": "notify", "title": "B's secret"}}),
        ),
        // Last, so that it is composed from B's secret task and question.
        ("briefing", "/api/briefings", json!({"kind": "morning"})),
    ];
    let paths = chief_server::openapi_document()["paths"].clone();
    let mut ids = HashMap::new();
    // A kind whose routes are not served yet has nothing to walk.
    for (kind, path, body) in creations.into_iter().filter(|c| !paths[c.1].is_null()) {
        let (status, _, v) = call(db, "POST", path, Some(key), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "creating B's {kind}: {v}");
        ids.insert(kind, id_in(&v).unwrap_or_else(|| panic!("no id in {v}")));
    }
    // A delivery is what a channel's test notice queues.
    if let Some(channel) = ids.get("channel").cloned() {
        let path = format!("/api/channels/{channel}/test");
        let (status, _, v) = call(db, "POST", &path, Some(key), None).await;
        assert_eq!(
            status,
            StatusCode::CREATED,
            "queueing B's test delivery: {v}"
        );
        ids.insert("delivery", id_in(&v).expect("a delivery id"));
    }
    // A persona is named, not numbered.
    let persona = json!({"name": "b-persona", "prompt": "B's secret persona"});
    let (status, _, v) = call(db, "POST", "/api/agent/personas", Some(key), Some(persona)).await;
    assert_eq!(status, StatusCode::CREATED, "creating B's persona: {v}");
    ids.insert("persona", "b-persona".to_string());
    // Jobs are given to users by the scheduler, not created over the API.
    let (status, _, me) = call(db, "GET", "/api/users/me", Some(key), None).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    let user: uuid::Uuid = me["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("my id");
    let tenant: TenantId = serde_json::from_value(me["tenant_id"].clone()).expect("my tenant");
    let mut tx = db
        .write(&chief_store::Scope::user(tenant, user))
        .await
        .unwrap();
    let jobs = chief_store::job::ensure_builtin(&mut tx, user, "UTC")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    ids.insert("job", jobs[0].id.to_string());
    // Conversations are started by chat, which needs a model.
    let scope = chief_store::Scope::user(tenant, user);
    let chat = chief_ai::chat::conversation::create(db, &scope, "B's secret chat")
        .await
        .unwrap();
    ids.insert("conversation", chat.id.to_string());
    ids
}

/// The id of the entity a creation answered: top-level, or in the one
/// nested entity (`api_key`, `knowledge`, `playbook`).
fn id_in(v: &Value) -> Option<String> {
    if let Some(id) = v["id"].as_str() {
        return Some(id.to_string());
    }
    v.as_object()?
        .values()
        .find_map(|inner| inner["id"].as_str().map(str::to_string))
}

/// Which of B's entities a path parameter names.
fn kind_of(path: &str, param: &str) -> &'static str {
    if param == "task_id" {
        return "task";
    }
    let segments: Vec<&str> = path.trim_start_matches("/api/").split('/').collect();
    let collection = if segments[0] == "context" {
        segments[1]
    } else {
        segments[0]
    };
    match collection {
        "tasks" | "task" => "task",
        "questions" => "question",
        "waiting" => "waiting",
        "drafts" => "draft",
        "recurring" => "recurring",
        "sales" => "sale",
        "projects" | "project" => "project",
        "people" | "person" => "person",
        "clients" | "client" => "client",
        "users" => "user",
        "keys" => "key",
        "knowledge" => "knowledge",
        "playbooks" => "playbook",
        "jobs" => "job",
        "briefings" => "briefing",
        "channels" => "channel",
        "deliveries" => "delivery",
        "triggers" => "trigger",
        "chat" => "conversation",
        "agent" => "persona",
        other => panic!("{path}: no entity of kind {other:?} in the matrix; add one"),
    }
}

/// Fills a path template with B's ids.
fn fill(path: &str, ids: &HashMap<&str, String>) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').unwrap() + start;
        out.push_str(&rest[..start]);
        out.push_str(&ids[kind_of(path, &rest[start + 1..end])]);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Values for string fields whose text the handler checks.
fn hint(field: &str) -> Option<Value> {
    Some(match field {
        "type" => json!("email"),
        "frequency" => json!("weekly"),
        "role" => json!("member"),
        "category" => json!("person"),
        "target_type" => json!("person"),
        "email" => json!("someone@example.test"),
        "stage" => json!("qualified"),
        "kind" => json!("morning"),
        _ => return None,
    })
}

/// A minimal valid instance of a JSON schema: its required fields only.
fn example(doc: &Value, schema: &Value, field: &str, ids: &HashMap<&str, String>) -> Value {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return example(doc, &doc["components"]["schemas"][name], field, ids);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(variants) = schema[key].as_array() {
            let pick = variants
                .iter()
                .find(|v| v["type"] != "null")
                .unwrap_or(&variants[0]);
            return example(doc, pick, field, ids);
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        return values[0].clone();
    }
    let ty = match &schema["type"] {
        Value::Array(types) => types
            .iter()
            .find(|t| *t != "null")
            .cloned()
            .unwrap_or(Value::Null),
        other => other.clone(),
    };
    match ty.as_str() {
        Some("object") => {
            let mut obj = Map::new();
            let required = schema["required"].as_array().into_iter().flatten();
            let mut names: Vec<&str> = required.map(|n| n.as_str().unwrap()).collect();
            // Routing a learning names its target (a person, with `hint`).
            if schema["properties"]["target_id"].is_object() {
                names.push("target_id");
            }
            for name in names {
                obj.insert(
                    name.to_string(),
                    example(doc, &schema["properties"][name], name, ids),
                );
            }
            Value::Object(obj)
        }
        Some("array") => json!([]),
        Some("integer") => json!(schema["minimum"].as_i64().unwrap_or(1).max(1)),
        Some("number") => json!(1.0),
        Some("boolean") => json!(true),
        Some("string") => match schema["format"].as_str() {
            Some("uuid") if field == "target_id" => json!(ids.get("person")),
            Some("uuid") => json!(ids.get("task")),
            Some("date-time") => json!("2030-01-01T09:00:00Z"),
            Some("date") => json!("2030-01-01"),
            _ => hint(field).unwrap_or_else(|| json!("isolation check")),
        },
        _ => Value::Null,
    }
}

/// The query string of an operation's required parameters.
fn required_query(doc: &Value, op: &Value) -> String {
    let pairs: Vec<String> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query" && p["required"] == true)
        .map(|p| {
            let name = p["name"].as_str().unwrap();
            let v = example(doc, &p["schema"], name, &HashMap::new());
            let text = v.as_str().map(str::to_string).unwrap_or(v.to_string());
            format!("{name}={}", text.replace(' ', "+"))
        })
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

struct Route {
    method: String,
    path: String,
    op: Value,
}

/// Every operation of the document; deletions last, the most specific
/// first, so the owner's control calls still find their entities.
fn routes(doc: &Value) -> Vec<Route> {
    let mut out = Vec::new();
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for (method, op) in methods.as_object().unwrap() {
            out.push(Route {
                method: method.to_uppercase(),
                path: path.clone(),
                op: op.clone(),
            });
        }
    }
    out.sort_by_key(|r| (r.method == "DELETE", std::cmp::Reverse(r.path.len())));
    out
}

fn body_for(doc: &Value, op: &Value, ids: &HashMap<&str, String>) -> Option<Value> {
    let schema = &op["requestBody"]["content"]["application/json"]["schema"];
    (!schema.is_null()).then(|| example(doc, schema, "", ids))
}

fn streams(op: &Value) -> bool {
    op["responses"]["200"]["content"]
        .as_object()
        .is_some_and(|c| c.contains_key("text/event-stream"))
}

async fn tenant_of(db: &Db, slug: &str) -> TenantId {
    tenancy::list_tenants(db)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.slug == slug)
        .unwrap()
        .id
}

both_backends! {
    async fn every_route_answers_404_for_another_workspaces_ids_and_changes_nothing_there(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        let ids = seed_other_workspace(db, &b).await;
        let b_tenant = tenant_of(db, "b").await;
        let doc = chief_server::openapi_document();
        let mut checked = 0;
        for route in routes(&doc) {
            if !route.path.contains('{') {
                continue;
            }
            let path = fill(&route.path, &ids);
            let body = body_for(&doc, &route.op, &ids);
            let what = format!("{} {}", route.method, route.path);

            let before = audit::head_seq(db, b_tenant).await.unwrap();
            let (status, ctype, v) = call(db, &route.method, &path, Some(&a), body.clone()).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{what} with B's ids as A: {v}");
            assert_eq!(ctype, "application/problem+json", "{what}");
            assert_eq!(v["type"], "/problems/not-found", "{what}: {v}");
            assert!(!v.to_string().contains("secret"), "{what} leaked B's data: {v}");
            let after = audit::head_seq(db, b_tenant).await.unwrap();
            assert_eq!(before, after, "{what} as A changed B's workspace");

            // The control: B's own call reaches the entity.
            let (status, _, v) = call(db, &route.method, &path, Some(&b), body).await;
            assert_ne!(status, StatusCode::NOT_FOUND, "{what} as B: {v}");
            assert!(!status.is_server_error(), "{what} as B: {v}");
            checked += 1;
        }
        assert!(checked >= 45, "only {checked} routes with ids were walked");
    }

    async fn list_routes_show_nothing_of_another_workspace(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        let ids = seed_other_workspace(db, &b).await;
        let doc = chief_server::openapi_document();
        for route in routes(&doc) {
            if route.method != "GET" || route.path.contains('{') || streams(&route.op) {
                continue;
            }
            let path = format!("{}{}", route.path, required_query(&doc, &route.op));
            let (status, _, v) = call(db, "GET", &path, Some(&a), None).await;
            assert_eq!(status, StatusCode::OK, "GET {path} as A: {v}");
            let text = v.to_string();
            assert!(!text.contains("secret"), "GET {path} shows B's data: {text}");
            for (kind, id) in &ids {
                assert!(!text.contains(id.as_str()), "GET {path} shows B's {kind} {id}");
            }
        }
        // And the search that would find B's rows finds them for B.
        let (_, _, hits) = call(db, "GET", "/api/context/search?q=secret", Some(&b), None).await;
        assert!(!hits.as_array().unwrap().is_empty(), "B finds its own rows: {hits}");
    }

    async fn members_get_403_on_every_admin_route(db: &Db) {
        let _owner = key_for(db, "a").await;
        let member = member_key(db, "a").await;
        let doc = chief_server::openapi_document();
        let mut admin_routes = 0;
        for route in routes(&doc) {
            if !matches!(route.op["x-chief-role"].as_str(), Some("admin" | "owner")) {
                continue;
            }
            let path = route.path.replace("{id}", &uuid::Uuid::now_v7().to_string());
            let body = body_for(&doc, &route.op, &HashMap::new());
            let (status, _, v) = call(db, &route.method, &path, Some(&member), body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{} {}: {v}", route.method, route.path);
            assert_eq!(v["type"], "/problems/forbidden");
            admin_routes += 1;
        }
        assert!(admin_routes >= 5, "only {admin_routes} admin routes");
    }
}
