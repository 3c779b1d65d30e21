//! `/api/projects`, `/api/people` and `/api/clients` over HTTP, on SQLite
//! and PostgreSQL: the create/read/update/delete cycle, name search and
//! paging, what deleting detaches, links between people and tasks,
//! another tenant's ids answering 404, and names and titles kept to one
//! line.

use axum::http::StatusCode;
use chief_store::Db;
use serde_json::{Value, json};

mod common;

use chief_testkit::both_backends;
use common::{call, key_for};

async fn create(db: &Db, key: &str, path: &str, body: Value) -> String {
    let (status, _, created) = call(db, "POST", path, Some(key), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {created}");
    created["id"].as_str().unwrap().to_string()
}

/// Creates, reads, updates (with `null` clearing `field`), lists and
/// deletes one resource, the same way for each kind.
async fn crud_cycle(db: &Db, resource: &str, create_body: Value, field: &str) {
    let key = key_for(db, "acme").await;
    let base = format!("/api/{resource}");
    let id = create(db, &key, &base, create_body).await;
    create(db, &key, &base, json!({"name": "Zed"})).await;
    let path = format!("{base}/{id}");
    let (status, _, got) = call(db, "GET", &path, Some(&key), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["name"], "Acme Renewal");
    assert!(got[field].is_string(), "{field} was set on create: {got}");
    let (status, _, updated) = call(
        db,
        "PUT",
        &path,
        Some(&key),
        Some(json!({"name": "Acme Renewal 2025", field: null})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["name"], "Acme Renewal 2025");
    assert!(updated[field].is_null(), "null clears {field}: {updated}");
    let (_, _, again) = call(db, "GET", &path, Some(&key), None).await;
    assert_eq!(again, updated, "the update was stored");
    let (_, _, found) = call(db, "GET", &format!("{base}?q=renewal"), Some(&key), None).await;
    assert_eq!(
        (found["total"].as_i64(), found["items"][0]["id"].as_str()),
        (Some(1), Some(id.as_str()))
    );
    let (_, _, paged) = call(
        db,
        "GET",
        &format!("{base}?limit=1&offset=1"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(
        (
            paged["total"].as_i64(),
            paged["items"].as_array().unwrap().len()
        ),
        (Some(2), 1)
    );
    assert_eq!(paged["items"][0]["name"], "Zed", "sorted by name");
    let (status, _, _) = call(db, "DELETE", &path, Some(&key), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = call(db, "GET", &path, Some(&key), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = call(db, "DELETE", &path, Some(&key), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "deleting twice");
}

/// Every id path of `resource` answers 404 to another tenant, which cannot
/// see it listed either, and the row is unchanged.
async fn isolated(db: &Db, a: &str, b: &str, resource: &str) {
    let id = create(
        db,
        b,
        &format!("/api/{resource}"),
        json!({"name": "B's secret"}),
    )
    .await;
    let path = format!("/api/{resource}/{id}");
    for (method, body) in [
        ("GET", None),
        ("PUT", Some(json!({"name": "hijacked"}))),
        ("DELETE", None),
    ] {
        let (status, ctype, problem) = call(db, method, &path, Some(a), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(ctype, "application/problem+json");
        assert_eq!(problem["type"], "/problems/not-found");
    }
    let (_, _, list) = call(db, "GET", &format!("/api/{resource}"), Some(a), None).await;
    assert_eq!(list["total"], 0);
    let (_, _, still) = call(db, "GET", &path, Some(b), None).await;
    assert_eq!(still["name"], "B's secret");
}

both_backends! {
    async fn projects_are_created_read_updated_searched_and_deleted(db: &Db) {
        crud_cycle(db, "projects", json!({"name": "Acme Renewal", "description": "Renew the contract", "project_type": "initiative"}), "description").await;
    }

    async fn people_are_created_read_updated_searched_and_deleted(db: &Db) {
        crud_cycle(db, "people", json!({"name": "Acme Renewal", "email": "p@acme.test", "communication_notes": "brief"}), "email").await;
    }

    async fn clients_are_created_read_updated_searched_and_deleted(db: &Db) {
        crud_cycle(db, "clients", json!({"name": "Acme Renewal", "status": "prospect", "notes": "big"}), "notes").await;
    }

    async fn another_tenants_projects_people_and_clients_answer_404(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        for resource in ["projects", "people", "clients"] {
            isolated(db, &a, &b, resource).await;
        }
    }

    async fn deleting_a_project_keeps_its_tasks_without_the_project(db: &Db) {
        let key = key_for(db, "acme").await;
        let project = create(db, &key, "/api/projects", json!({"name": "Offsite"})).await;
        let child = create(db, &key, "/api/projects", json!({"name": "Venue", "parent_id": project})).await;
        let task = create(db, &key, "/api/tasks", json!({"title": "Book it", "project_id": project})).await;
        let (status, _, _) = call(db, "DELETE", &format!("/api/projects/{project}"), Some(&key), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _, task) = call(db, "GET", &format!("/api/tasks/{task}"), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(task["project_id"].is_null());
        let (_, _, child) = call(db, "GET", &format!("/api/projects/{child}"), Some(&key), None).await;
        assert!(child["parent_id"].is_null(), "the sub-project moved to the top level");
    }

    async fn a_project_cannot_become_its_own_ancestor(db: &Db) {
        let key = key_for(db, "acme").await;
        let top = create(db, &key, "/api/projects", json!({"name": "Top"})).await;
        let child = create(db, &key, "/api/projects", json!({"name": "Child", "parent_id": top})).await;
        let (status, _, problem) = call(db, "PUT", &format!("/api/projects/{top}"), Some(&key), Some(json!({"parent_id": child}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let (_, _, top) = call(db, "GET", &format!("/api/projects/{top}"), Some(&key), None).await;
        assert!(top["parent_id"].is_null());
    }

    async fn deleting_a_client_keeps_its_people(db: &Db) {
        let key = key_for(db, "acme").await;
        let client = create(db, &key, "/api/clients", json!({"name": "Acme"})).await;
        let person = create(db, &key, "/api/people", json!({"name": "Patrick", "client_id": client})).await;
        let (status, _, _) = call(db, "DELETE", &format!("/api/clients/{client}"), Some(&key), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, _, person) = call(db, "GET", &format!("/api/people/{person}"), Some(&key), None).await;
        assert!(person["client_id"].is_null());
        assert_eq!(person["name"], "Patrick");
    }

    async fn people_are_linked_to_tasks_and_unlinked(db: &Db) {
        let key = key_for(db, "acme").await;
        let other = key_for(db, "other").await;
        let person = create(db, &key, "/api/people", json!({"name": "Patrick"})).await;
        let task = create(db, &key, "/api/tasks", json!({"title": "Send the proposal"})).await;
        let theirs = create(db, &other, "/api/tasks", json!({"title": "Theirs"})).await;
        let link = format!("/api/people/{person}/tasks/{task}");
        let (status, _, _) = call(db, "POST", &link, Some(&key), Some(json!({"role": "recipient"}))).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, _, ctx) = call(db, "GET", &format!("/api/context/task/{task}"), Some(&key), None).await;
        assert_eq!(ctx["related_people"][0]["relationship_context"]["role"], "recipient");
        let (status, _, _) = call(db, "POST", &format!("/api/people/{person}/tasks/{theirs}"), Some(&key), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another tenant's task");
        let (status, _, _) = call(db, "POST", &link, Some(&other), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another tenant's person");
        let (status, _, problem) = call(db, "POST", &link, Some(&key), Some(json!({"role": "boss"}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let (status, _, _) = call(db, "POST", &format!("/api/people/{person}/tasks/nope"), Some(&key), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _, _) = call(db, "DELETE", &link, Some(&key), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _, _) = call(db, "DELETE", &link, Some(&key), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "no link left to remove");
        let (_, _, ctx) = call(db, "GET", &format!("/api/context/task/{task}"), Some(&key), None).await;
        assert_eq!(ctx["related_people"].as_array().unwrap().len(), 0);
    }

    async fn bad_input_to_projects_people_and_clients_is_problem_json(db: &Db) {
        let key = key_for(db, "acme").await;
        let cases = [
            ("POST", "/api/projects", Some(json!({"name": ""})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/projects", Some(json!({"name": "x", "project_type": "dream"})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/projects", Some(json!({"name": "x", "parent_id": uuid::Uuid::now_v7()})), StatusCode::NOT_FOUND),
            ("POST", "/api/people", Some(json!({"name": "x", "colour": "red"})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/people", Some(json!({"name": "x", "client_id": uuid::Uuid::now_v7()})), StatusCode::NOT_FOUND),
            ("POST", "/api/clients", Some(json!({"name": "x", "status": "happy"})), StatusCode::UNPROCESSABLE_ENTITY),
            ("POST", "/api/clients", Some(json!({"name": "x\u{0}y"})), StatusCode::UNPROCESSABLE_ENTITY),
            ("GET", "/api/clients?limit=0", None, StatusCode::UNPROCESSABLE_ENTITY),
            ("GET", "/api/people/not-a-uuid", None, StatusCode::UNPROCESSABLE_ENTITY),
            ("GET", "/api/projects?sort=name", None, StatusCode::UNPROCESSABLE_ENTITY),
        ];
        for (method, path, body, want) in cases {
            let (status, ctype, problem) = call(db, method, path, Some(&key), body.clone()).await;
            assert_eq!(status, want, "{method} {path} {body:?}: {problem}");
            assert_eq!(ctype, "application/problem+json", "{method} {path}");
        }
        for resource in ["projects", "people", "clients"] {
            let (_, _, list) = call(db, "GET", &format!("/api/{resource}"), Some(&key), None).await;
            assert_eq!(list["total"], 0, "no bad request created a {resource} row");
        }
    }

    async fn a_name_or_title_with_a_line_break_tab_or_escape_is_a_422_naming_the_field(db: &Db) {
        let key = key_for(db, "acme").await;
        let task = create(db, &key, "/api/tasks", json!({"title": "Pay rent"})).await;
        let project = create(db, &key, "/api/projects", json!({"name": "Office move"})).await;
        let cases = [
            ("POST", "/api/tasks".to_string(), json!({"title": "Pay rent\nand the deposit"}), "title", "found a line break"),
            ("POST", "/api/tasks".to_string(), json!({"title": "Pay\trent"}), "title", "found a tab"),
            ("PUT", format!("/api/tasks/{task}"), json!({"title": "\u{1b}[2JPay rent"}), "title", "found an escape (U+001B)"),
            ("POST", "/api/recurring".to_string(), json!({"title": "Weekly\r\nreview", "frequency": "daily", "next_run": "2026-01-01T09:00:00Z"}), "title", "found a line break"),
            ("POST", "/api/people".to_string(), json!({"name": "Ana\u{1b}]0;pwned\u{7}"}), "name", "found an escape (U+001B)"),
            ("POST", "/api/clients".to_string(), json!({"name": "Acme\nCorp"}), "name", "found a line break"),
            ("PUT", format!("/api/projects/{project}"), json!({"name": "Office\u{9b}2J move"}), "name", "found U+009B"),
            ("POST", "/api/users".to_string(), json!({"email": "ana@acme.test", "name": "Ana\u{7f}"}), "name", "found U+007F"),
        ];
        for (method, path, body, field, found) in cases {
            let (status, ctype, problem) = call(db, method, &path, Some(&key), Some(body.clone())).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{method} {path} {body}: {problem}");
            assert_eq!(ctype, "application/problem+json");
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
            let message = problem["errors"][0]["message"].as_str().unwrap();
            assert!(message.starts_with("must be one line with no control characters") && message.ends_with(found), "{message}");
        }
        let (_, _, kept) = call(db, "GET", &format!("/api/tasks/{task}"), Some(&key), None).await;
        assert_eq!(kept["title"], "Pay rent");
        let (_, _, kept) = call(db, "GET", &format!("/api/projects/{project}"), Some(&key), None).await;
        assert_eq!(kept["name"], "Office move");
        for resource in ["people", "clients", "recurring"] {
            let (_, _, list) = call(db, "GET", &format!("/api/{resource}"), Some(&key), None).await;
            let n = list.get("total").cloned().unwrap_or_else(|| list.as_array().map(|a| a.len()).unwrap_or(0).into());
            assert_eq!(n, 0, "no {resource} was created: {list}");
        }
    }

    async fn a_body_that_is_a_json_array_is_a_422_and_changes_nothing(db: &Db) {
        let key = key_for(db, "acme").await;
        let client = create(db, &key, "/api/clients", json!({"name": "Acme"})).await;
        let cases = [
            ("POST", "/api/tasks".to_string(), json!(["Pay rent", null, null, null, null, null, null, null])),
            ("PUT", format!("/api/clients/{client}"), json!(["Renamed", null])),
            ("POST", "/api/tasks".to_string(), json!("Pay rent")),
        ];
        for (method, path, body) in cases {
            let (status, ctype, problem) = call(db, method, &path, Some(&key), Some(body.clone())).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{method} {path} {body}: {problem}");
            assert_eq!(ctype, "application/problem+json");
            assert_eq!(problem["detail"], "body: must be a JSON object", "{problem}");
        }
        let (_, _, kept) = call(db, "GET", &format!("/api/clients/{client}"), Some(&key), None).await;
        assert_eq!(kept["name"], "Acme");
        let (_, _, tasks) = call(db, "GET", "/api/tasks", Some(&key), None).await;
        let n = tasks.get("total").cloned().unwrap_or_else(|| tasks.as_array().map(|a| a.len()).unwrap_or(0).into());
        assert_eq!(n, 0, "no task was created: {tasks}");
    }

    async fn questions_are_filtered_by_priority(db: &Db) {
        let key = key_for(db, "acme").await;
        for (text, priority) in [("Urgent?", 1), ("Later?", 4), ("Also urgent?", 1)] {
            create(db, &key, "/api/questions", json!({"text": text, "priority": priority})).await;
        }
        let (status, _, urgent) = call(db, "GET", "/api/questions?priority=1", Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(urgent["total"], 2);
        assert!(urgent["items"].as_array().unwrap().iter().all(|q| q["priority"] == 1));
        let (_, _, later) = call(db, "GET", "/api/questions/unanswered?priority=4", Some(&key), None).await;
        assert_eq!((later["total"].as_i64(), later["items"][0]["text"].as_str()), (Some(1), Some("Later?")));
        let (status, _, problem) = call(db, "GET", "/api/questions?priority=9", Some(&key), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    }
}
