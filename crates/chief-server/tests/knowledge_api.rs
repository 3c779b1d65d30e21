//! `/api/knowledge` over HTTP, on SQLite and PostgreSQL: seed 003's critical
//! case 3 (trigger phrases, routing to the right kind of record, the playbook
//! proposal a learning starts), learnings held for review and routed by
//! hand, dismissal, task completion routing its learnings the same way,
//! tenant isolation and problem+json errors.

use axum::http::StatusCode;
use chief_domain::TenantId;
use chief_store::{Db, audit, setting};
use serde_json::{Value, json};
use uuid::Uuid;

mod common;

use chief_testkit::both_backends;
use common::{call, key_for};

async fn owner(db: &Db, slug: &str) -> (TenantId, Uuid) {
    let email = format!("owner@{slug}.test");
    for tenant in chief_store::tenancy::list_tenants(db).await.unwrap() {
        let users = chief_store::tenancy::list_users(db, tenant.id)
            .await
            .unwrap();
        if let Some(user) = users.into_iter().find(|u| u.email == email) {
            return (tenant.id, user.id);
        }
    }
    panic!("no user {email}")
}

async fn post(db: &Db, key: &str, path: &str, body: Value) -> Value {
    let (status, _, v) = call(db, "POST", path, Some(key), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {v}");
    v
}

async fn get(db: &Db, key: &str, path: &str) -> Value {
    let (status, _, v) = call(db, "GET", path, Some(key), None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {v}");
    v
}

async fn capture(db: &Db, key: &str, body: Value) -> Value {
    post(db, key, "/api/knowledge/capture", body).await
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// Asserts a 422 problem that names `field`.
async fn invalid(db: &Db, key: &str, method: &str, path: &str, body: Option<Value>, field: &str) {
    let (status, ctype, problem) = call(db, method, path, Some(key), body).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{path}: {problem}"
    );
    assert_eq!(ctype, "application/problem+json");
    assert_eq!(problem["errors"][0]["field"], field, "{problem}");
}

/// Ends with "[YYYY-MM-DD] {text}", the dated paragraph routing appends.
fn ends_with_dated(notes: &Value, text: &str) -> bool {
    let notes = notes.as_str().unwrap_or_default();
    let start = notes.rfind("\n\n[").map_or(0, |i| i + 2);
    let last = &notes[start..];
    last.len() == text.len() + 13 && last.starts_with("[20") && last.ends_with(&format!("] {text}"))
}

both_backends! {
    async fn seed_case_3_a_learning_about_a_person_lands_in_their_notes(db: &Db) {
        let key = key_for(db, "acme").await;
        let patrick = post(db, &key, "/api/people", json!({"name": "Patrick Fields", "communication_notes": "Met at the expo."})).await;
        let (_, _, task) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": "Email Patrick"}))).await;

        let c = capture(db, &key, json!({
            "content": "Patrick prefers brief, direct emails",
            "category": "person",
            "source_task_id": task["id"],
        })).await;
        assert_eq!(c["knowledge"]["status"], "routed");
        assert_eq!(c["knowledge"]["category"], "person");
        assert_eq!(c["knowledge"]["source_type"], "task");
        assert_eq!(c["knowledge"]["routed_to_id"], patrick["id"]);
        assert_eq!(c["routed_to"], json!({"type": "person", "id": patrick["id"], "name": "Patrick Fields", "field_updated": "communication_notes"}));
        assert_eq!(c["action_taken"], "Updated Patrick Fields's communication_notes");
        let shown = get(db, &key, &format!("/api/people/{}", id(&patrick))).await;
        let notes = shown["communication_notes"].as_str().unwrap();
        assert!(notes.starts_with("Met at the expo.\n\n["), "{notes}");
        assert!(ends_with_dated(&shown["communication_notes"], "Patrick prefers brief, direct emails"), "{notes}");

        // No category: a trigger phrase is detected, the person is found by
        // first name and a non-communication learning goes to context.
        let c = capture(db, &key, json!({"content": "Remember that Patrick reports to the GM"})).await;
        assert_eq!(c["knowledge"]["category"], "person");
        assert_eq!(c["knowledge"]["trigger_phrase"], "remember that");
        assert_eq!(c["knowledge"]["source_type"], "trigger_phrase");
        assert_eq!(c["routed_to"]["field_updated"], "context_notes");
        let shown = get(db, &key, &format!("/api/people/{}", id(&patrick))).await;
        assert!(ends_with_dated(&shown["context_notes"], "Remember that Patrick reports to the GM"), "{shown}");

        // A phrase given by the caller is kept as given.
        let c = capture(db, &key, json!({"content": "patrick never answers calls", "trigger_phrase": "FYI for next time"})).await;
        assert_eq!(c["knowledge"]["trigger_phrase"], "FYI for next time");
        assert_eq!(c["routed_to"]["field_updated"], "communication_notes");
    }

    async fn seed_case_3_learnings_route_to_clients_projects_rules_and_settings(db: &Db) {
        let key = key_for(db, "acme").await;
        let (tenant, user) = owner(db, "acme").await;
        let liberty = post(db, &key, "/api/clients", json!({"name": "Liberty Hotel"})).await;
        let cnw = post(db, &key, "/api/projects", json!({"name": "CNW", "description": "AI pilot"})).await;

        let c = capture(db, &key, json!({"content": "Liberty uses Outlook, not Gmail"})).await;
        assert_eq!((c["knowledge"]["category"].as_str(), c["routed_to"]["type"].as_str()), (Some("client"), Some("client")));
        assert_eq!(c["routed_to"]["field_updated"], "notes");
        let shown = get(db, &key, &format!("/api/clients/{}", id(&liberty))).await;
        assert!(ends_with_dated(&shown["notes"], "Liberty uses Outlook, not Gmail"), "{shown}");

        let c = capture(db, &key, json!({"content": "CNW budget approved for Phase 2"})).await;
        assert_eq!(c["routed_to"], json!({"type": "project", "id": cnw["id"], "name": "CNW", "field_updated": "description"}));
        let shown = get(db, &key, &format!("/api/projects/{}", id(&cnw))).await;
        assert!(shown["description"].as_str().unwrap().starts_with("AI pilot\n\n["));
        assert!(ends_with_dated(&shown["description"], "CNW budget approved for Phase 2"));

        // Terminology goes to the rules playbook, made on first use.
        let first = capture(db, &key, json!({"content": "We call it 'AD' not 'Automation Designer'"})).await;
        assert_eq!(first["knowledge"]["category"], "rule");
        assert_eq!(first["routed_to"]["type"], "playbook");
        assert_eq!(first["action_taken"], "Started the rules playbook with it");
        let second = capture(db, &key, json!({"content": "Invoices are always in EUR", "category": "rule"})).await;
        assert_eq!(second["routed_to"]["id"], first["routed_to"]["id"]);
        let rules = get(db, &key, &format!("/api/playbooks/{}", first["routed_to"]["id"].as_str().unwrap())).await;
        assert_eq!((rules["name"].as_str(), rules["status"].as_str()), (Some("rules"), Some("active")));
        let content = rules["content"].as_str().unwrap();
        assert!(content.contains("] We call it 'AD' not 'Automation Designer'\n\n["), "{content}");
        assert!(ends_with_dated(&rules["content"], "Invoices are always in EUR"), "{content}");

        // A preference goes to the user's settings.
        let c = capture(db, &key, json!({"content": "David prefers UTC timestamps"})).await;
        assert_eq!(c["knowledge"]["category"], "setting");
        assert_eq!(c["routed_to"], json!({"type": "user_settings", "id": user, "name": "custom", "field_updated": "custom"}));
        capture(db, &key, json!({"content": "Slack is at https://team.slack.com", "category": "setting"})).await;
        let saved = setting::get(db, tenant, Some(user), "custom").await.unwrap().unwrap();
        let notes: Vec<&str> = saved.value.as_array().unwrap().iter().map(|e| e["note"].as_str().unwrap()).collect();
        assert_eq!(notes, ["David prefers UTC timestamps", "Slack is at https://team.slack.com"]);
        assert_eq!(saved.value[0]["knowledge_id"], c["knowledge"]["id"]);

        let (_, _, routed) = call(db, "GET", "/api/knowledge?status=routed", Some(&key), None).await;
        assert_eq!(routed["total"], 6);
    }

    async fn seed_case_3_a_procedure_becomes_a_playbook_proposal_for_review(db: &Db) {
        let key = key_for(db, "acme").await;
        let (_, _, task) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": "Book the offsite"}))).await;
        let c = capture(db, &key, json!({
            "content": "Here's how we do this: when scheduling, check all 3 calendars. Then send the invite.",
            "source_task_id": task["id"],
        })).await;
        assert_eq!(c["knowledge"]["category"], "playbook");
        assert_eq!(c["knowledge"]["trigger_phrase"], "here's how we do this");
        assert_eq!((c["routed_to"]["type"].as_str(), c["routed_to"]["field_updated"].is_null()), (Some("playbook"), true));
        let path = format!("/api/playbooks/{}", c["routed_to"]["id"].as_str().unwrap());
        let proposed = get(db, &key, &path).await;
        assert_eq!(proposed["status"], "proposed");
        assert_eq!(proposed["name"], "When scheduling, check all 3 calendars");
        assert_eq!(proposed["learned_from"], format!("Task {}", id(&task)));
        assert_eq!(proposed["source_task_id"], task["id"]);
        assert_eq!(c["action_taken"], "Proposed the playbook \"When scheduling, check all 3 calendars\" for review");

        // Proposed playbooks are not matched until a person approves them.
        let matching = "/api/playbooks/match?task_description=Scheduling%20calendars%20check";
        assert!(get(db, &key, matching).await["matched"].as_array().unwrap().is_empty());
        let (status, _, approved) = call(db, "PUT", &format!("{path}/approve"), Some(&key), None).await;
        assert_eq!((status, approved["status"].as_str()), (StatusCode::OK, Some("active")));
        assert_eq!(get(db, &key, matching).await["matched"][0]["playbook"]["id"], proposed["id"]);

        // Another proposal is rejected, for good.
        let c = capture(db, &key, json!({"content": "How to file expenses: scan every receipt", "category": "playbook"})).await;
        let path = format!("/api/playbooks/{}", c["routed_to"]["id"].as_str().unwrap());
        assert_eq!(get(db, &key, &path).await["learned_from"], format!("Knowledge {}", id(&c["knowledge"])));
        let (_, _, rejected) = call(db, "PUT", &format!("{path}/reject"), Some(&key), None).await;
        assert_eq!(rejected["status"], "rejected");
        let (status, _, problem) = call(db, "PUT", &format!("{path}/approve"), Some(&key), None).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(problem["detail"].as_str().unwrap().contains("rejected"), "{problem}");
    }

    async fn people_are_found_by_alias_typo_and_possessive_and_ties_wait_with_candidates(db: &Db) {
        let key = key_for(db, "acme").await;
        let patrick = post(db, &key, "/api/people", json!({"name": "Patrick Fields", "aliases": ["Pat", " pat ", ""]})).await;
        assert_eq!(patrick["metadata"]["aliases"], json!(["Pat"]), "trimmed, without blanks or repeats");
        let lee = post(db, &key, "/api/people", json!({"name": "Sarah Lee"})).await;
        let connor = post(db, &key, "/api/people", json!({"name": "Sarah Connor"})).await;

        for (content, how) in [("pat hates long emails", "alias"), ("Patrik prefers mornings", "fuzzy"), ("Patrick's assistant is Jenna", "possessive")] {
            let c = capture(db, &key, json!({"content": content})).await;
            assert_eq!((c["knowledge"]["status"].as_str(), c["routed_to"]["id"].as_str()), (Some("routed"), patrick["id"].as_str()), "{content}: {c}");
            assert_eq!((c["matched"]["how"].as_str(), c["matched"]["name"].as_str()), (Some(how), Some("Patrick Fields")), "{content}");
            assert_eq!(c["candidates"], json!([]));
        }

        // Two Sarahs: held for review, with both as candidates, kept on the
        // learning too.
        let c = capture(db, &key, json!({"content": "remember that Sarah wants numbers before the meeting"})).await;
        assert_eq!((c["knowledge"]["category"].as_str(), c["knowledge"]["status"].as_str()), (Some("person"), Some("pending_review")));
        assert!(c["routed_to"].is_null() && c["matched"].is_null(), "{c}");
        let ids: Vec<&str> = c["candidates"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap()).collect();
        assert_eq!(ids, [connor["id"].as_str().unwrap(), lee["id"].as_str().unwrap()], "by name");
        assert_eq!((c["candidates"][0]["type"].as_str(), c["candidates"][0]["how"].as_str()), (Some("person"), Some("first_name")));
        let kept = get(db, &key, &format!("/api/knowledge/{}", id(&c["knowledge"]))).await;
        assert_eq!(kept["metadata"]["candidates"], c["candidates"]);
        assert!(kept["metadata"]["review_reason"].as_str().unwrap().contains("Sarah Connor, Sarah Lee"), "{kept}");
        // The person picks one of them.
        let (status, _, routed) = call(db, "POST", &format!("/api/knowledge/{}/route", id(&c["knowledge"])), Some(&key), Some(json!({"target_type": "person", "target_id": connor["id"]}))).await;
        assert_eq!((status, routed["routed_to"]["name"].as_str()), (StatusCode::OK, Some("Sarah Connor")));

        // Aliases are replaced on update, and bad ones are a 422 naming the field.
        let path = format!("/api/people/{}", id(&patrick));
        let (status, _, updated) = call(db, "PUT", &path, Some(&key), Some(json!({"aliases": ["Paddy"]}))).await;
        assert_eq!((status, updated["metadata"]["aliases"].clone()), (StatusCode::OK, json!(["Paddy"])));
        let c = capture(db, &key, json!({"content": "paddy is moving to Dublin"})).await;
        assert_eq!(c["routed_to"]["id"], patrick["id"]);
        invalid(db, &key, "PUT", &path, Some(json!({"aliases": ["x".repeat(101)]})), "aliases").await;
        invalid(db, &key, "POST", "/api/people", Some(json!({"name": "Al", "aliases": "Pat"})), "aliases").await;
    }

    async fn an_unknown_subject_waits_for_review_and_is_routed_by_hand(db: &Db) {
        let key = key_for(db, "acme").await;
        let c = capture(db, &key, json!({"content": "Bob prefers phone calls", "category": "person"})).await;
        assert_eq!(c["knowledge"]["status"], "pending_review");
        assert!(c["routed_to"].is_null());
        assert!(c["action_taken"].as_str().unwrap().starts_with("Held for review: it names no person"), "{c}");
        // Nobody is created on a guess.
        assert_eq!(get(db, &key, "/api/people").await["total"], 0);
        let vague = capture(db, &key, json!({"content": "The coffee machine is broken"})).await;
        assert_eq!((vague["knowledge"]["category"].as_str(), vague["knowledge"]["status"].as_str()), (Some("rule"), Some("pending_review")));
        assert_eq!(vague["knowledge"]["source_type"], "manual");

        let pending = get(db, &key, "/api/knowledge/pending").await;
        assert_eq!(pending["total"], 2);
        assert_eq!(pending["items"][0]["id"], c["knowledge"]["id"]);
        assert_eq!(get(db, &key, "/api/knowledge/pending?limit=1&offset=1").await["items"][0]["id"], vague["knowledge"]["id"]);

        let bob = post(db, &key, "/api/people", json!({"name": "Bob Stone"})).await;
        let route = format!("/api/knowledge/{}/route", id(&c["knowledge"]));
        let (status, _, routed) = call(db, "POST", &route, Some(&key), Some(json!({"target_type": "person", "target_id": bob["id"]}))).await;
        assert_eq!(status, StatusCode::OK, "{routed}");
        assert_eq!(routed["knowledge"]["status"], "routed");
        assert_eq!(routed["routed_to"], json!({"type": "person", "id": bob["id"], "name": "Bob Stone", "field_updated": "communication_notes"}));
        let shown = get(db, &key, &format!("/api/people/{}", id(&bob))).await;
        assert!(ends_with_dated(&shown["communication_notes"], "Bob prefers phone calls"), "{shown}");
        assert_eq!(get(db, &key, "/api/knowledge/pending").await["total"], 1);

        // Routed is final: routing or dismissing again is a 409 naming it.
        for (path, body) in [(route.clone(), json!({"target_type": "rule"})), (format!("/api/knowledge/{}/dismiss", id(&c["knowledge"])), json!({}))] {
            let (status, ctype, problem) = call(db, "POST", &path, Some(&key), Some(body)).await;
            assert_eq!((status, ctype.as_str()), (StatusCode::CONFLICT, "application/problem+json"), "{path}");
            assert!(problem["detail"].as_str().unwrap().contains("routed"), "{problem}");
        }
        let shown = get(db, &key, &format!("/api/people/{}", id(&bob))).await;
        assert_eq!(shown["communication_notes"].as_str().unwrap().matches("Bob prefers").count(), 1);

        // The vague one goes to the rules playbook by hand, with no id.
        let (status, _, routed) = call(db, "POST", &format!("/api/knowledge/{}/route", id(&vague["knowledge"])), Some(&key), Some(json!({"target_type": "rule"}))).await;
        assert_eq!((status, routed["routed_to"]["type"].as_str()), (StatusCode::OK, Some("playbook")));
        assert_eq!(get(db, &key, "/api/knowledge/pending").await["total"], 0);
    }

    async fn dismissing_keeps_the_reason_and_is_final(db: &Db) {
        let key = key_for(db, "acme").await;
        let (tenant, _) = owner(db, "acme").await;
        let a = capture(db, &key, json!({"content": "The coffee machine is broken"})).await;
        let b = capture(db, &key, json!({"content": "Someone moved the plants"})).await;
        let path = format!("/api/knowledge/{}/dismiss", id(&a["knowledge"]));
        let (status, _, dismissed) = call(db, "POST", &path, Some(&key), Some(json!({"reason": "Already known"}))).await;
        assert_eq!((status, dismissed["status"].as_str()), (StatusCode::OK, Some("dismissed")));
        let log = audit::list(db, tenant, Some(dismissed["id"].as_str().unwrap().parse().unwrap()), 10).await.unwrap();
        assert_eq!((log[0].action.as_str(), log[0].details["reason"].as_str()), ("knowledge.dismissed", Some("Already known")));
        // The body may be left out.
        let (status, _, other) = call(db, "POST", &format!("/api/knowledge/{}/dismiss", id(&b["knowledge"])), Some(&key), None).await;
        assert_eq!((status, other["status"].as_str()), (StatusCode::OK, Some("dismissed")));

        let (status, _, problem) = call(db, "POST", &path, Some(&key), None).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(problem["detail"].as_str().unwrap().contains("dismissed"), "{problem}");
        let (status, _, problem) = call(db, "POST", &format!("/api/knowledge/{}/route", id(&a["knowledge"])), Some(&key), Some(json!({"target_type": "setting"}))).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert_eq!(get(db, &key, &format!("/api/knowledge/{}", id(&a["knowledge"]))).await["status"], "dismissed");
        assert!(setting::get(db, tenant, None, "custom").await.unwrap().is_none());
    }

    async fn listing_filters_by_category_status_and_source_task(db: &Db) {
        let key = key_for(db, "acme").await;
        post(db, &key, "/api/people", json!({"name": "Ann Lee"})).await;
        let (_, _, task) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": "Plan the launch"}))).await;
        capture(db, &key, json!({"content": "Ann Lee likes detail", "source_task_id": task["id"]})).await;
        capture(db, &key, json!({"content": "Zed likes detail", "category": "person"})).await;
        capture(db, &key, json!({"content": "We call the launch 'L1'", "source_task_id": task["id"]})).await;

        let all = get(db, &key, "/api/knowledge").await;
        assert_eq!(all["total"], 3);
        assert_eq!(get(db, &key, "/api/knowledge?category=person").await["total"], 2);
        assert_eq!(get(db, &key, "/api/knowledge?category=person&status=routed").await["total"], 1);
        assert_eq!(get(db, &key, "/api/knowledge?status=pending_review").await["items"][0]["content"], "Zed likes detail");
        let from_task = get(db, &key, &format!("/api/knowledge?source_task_id={}", id(&task))).await;
        assert_eq!(from_task["total"], 2);
        let page = get(db, &key, "/api/knowledge?limit=2&offset=2").await;
        assert_eq!((page["items"].as_array().unwrap().len(), page["limit"].as_i64(), page["offset"].as_i64()), (1, Some(2), Some(2)));

        invalid(db, &key, "GET", "/api/knowledge?category=gossip", None, "category").await;
        invalid(db, &key, "GET", "/api/knowledge?status=lost", None, "status").await;
        invalid(db, &key, "GET", "/api/knowledge?source_task_id=nope", None, "source_task_id").await;
        invalid(db, &key, "GET", "/api/knowledge?limit=0", None, "limit").await;
        invalid(db, &key, "GET", "/api/knowledge?colour=red", None, "colour").await;
    }

    async fn bad_input_is_a_422_naming_the_field_and_triggers_are_listed(db: &Db) {
        let key = key_for(db, "acme").await;
        let capture_path = "/api/knowledge/capture";
        for (body, field) in [
            (json!({"content": "   "}), "content"),
            (json!({"content": "x", "category": "gossip"}), "category"),
            (json!({"content": "x", "target_id": Uuid::now_v7()}), "target_type"),
            (json!({"content": "x", "target_type": "person"}), "target_id"),
            (json!({"content": "x", "target_type": "planet", "target_id": Uuid::now_v7()}), "target_type"),
            (json!({"content": "x", "target_type": "setting", "target_id": Uuid::now_v7()}), "target_id"),
            (json!({"content": "x", "source_task_id": "not-a-uuid"}), "source_task_id"),
            (json!({"content": "x", "mood": "happy"}), "mood"),
        ] {
            invalid(db, &key, "POST", capture_path, Some(body), field).await;
        }
        assert_eq!(get(db, &key, "/api/knowledge").await["total"], 0);
        invalid(db, &key, "GET", "/api/knowledge/nope", None, "id").await;
        invalid(db, &key, "POST", "/api/knowledge/nope/dismiss", None, "id").await;
        let c = capture(db, &key, json!({"content": "The coffee machine is broken"})).await;
        let route = format!("/api/knowledge/{}/route", id(&c["knowledge"]));
        invalid(db, &key, "POST", &route, Some(json!({"target_id": Uuid::now_v7()})), "target_type").await;
        invalid(db, &key, "POST", &route, Some(json!({"target_type": "client"})), "target_id").await;
        let (status, _, problem) = call(db, "POST", &route, Some(&key), Some(json!({"target_type": "client", "target_id": Uuid::now_v7()}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
        assert_eq!(get(db, &key, &format!("/api/knowledge/{}", id(&c["knowledge"]))).await["status"], "pending_review");
        let (status, _, _) = call(db, "POST", &format!("/api/knowledge/{}/route", Uuid::now_v7()), Some(&key), Some(json!({"target_type": "rule"}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let triggers = get(db, &key, "/api/knowledge/triggers").await;
        assert_eq!(triggers, json!({"phrases": [
            "remember that", "for future reference", "here's how we do this",
            "going forward", "from now on", "note that", "keep in mind", "don't ever",
            "always", "never", "FYI for next time"
        ]}));
        let (status, _, _) = call(db, "GET", "/api/knowledge/triggers", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }

    async fn another_tenants_records_answer_404_and_nothing_is_written(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        let (_, _, b_task) = call(db, "POST", "/api/tasks", Some(&b), Some(json!({"title": "B's task"}))).await;
        let b_person = post(db, &b, "/api/people", json!({"name": "Patrick Fields"})).await;
        for body in [
            json!({"content": "Patrick prefers calls", "source_task_id": b_task["id"]}),
            json!({"content": "Patrick prefers calls", "target_type": "person", "target_id": b_person["id"]}),
        ] {
            let (status, _, problem) = call(db, "POST", "/api/knowledge/capture", Some(&a), Some(body)).await;
            assert_eq!((status, problem["type"].as_str()), (StatusCode::NOT_FOUND, Some("/problems/not-found")), "{problem}");
        }
        assert_eq!(get(db, &a, "/api/knowledge").await["total"], 0);
        // A's learning names Patrick, but A has no Patrick: it waits.
        let mine = capture(db, &a, json!({"content": "Patrick prefers calls"})).await;
        assert_eq!(mine["knowledge"]["status"], "pending_review");
        let (status, _, _) = call(db, "POST", &format!("/api/knowledge/{}/route", id(&mine["knowledge"])), Some(&a), Some(json!({"target_type": "person", "target_id": b_person["id"]}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(get(db, &b, &format!("/api/people/{}", id(&b_person))).await["communication_notes"].is_null());

        let theirs = capture(db, &b, json!({"content": "Patrick prefers calls"})).await;
        assert_eq!(theirs["knowledge"]["status"], "routed");
        let path = format!("/api/knowledge/{}", id(&theirs["knowledge"]));
        for (method, suffix, body) in [("GET", "", None), ("POST", "/route", Some(json!({"target_type": "rule"}))), ("POST", "/dismiss", None)] {
            let (status, _, _) = call(db, method, &format!("{path}{suffix}"), Some(&a), body).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {suffix}");
        }
        assert_eq!(get(db, &a, "/api/knowledge").await["total"], 1);
        assert_eq!(get(db, &a, "/api/knowledge/pending").await["total"], 1);
    }

    async fn completing_a_task_routes_each_learning_like_capture_does(db: &Db) {
        let key = key_for(db, "acme").await;
        let patrick = post(db, &key, "/api/people", json!({"name": "Patrick Fields"})).await;
        let (_, _, task) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": "Send the proposal"}))).await;
        let (status, _, done) = call(db, "POST", &format!("/api/tasks/{}/complete", id(&task)), Some(&key), Some(json!({
            "output": "Sent",
            "knowledge_captured": [
                "Patrick prefers brief emails",
                {"content": "Proposals go out as PDF", "category": "rule"},
                {"content": "Nobody knows who Zed is", "category": "person"},
            ],
        }))).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        let learned = done["knowledge"].as_array().unwrap();
        assert_eq!(learned[0]["routed_to"], json!({"type": "person", "id": patrick["id"], "name": "Patrick Fields", "field_updated": "communication_notes"}));
        assert_eq!(learned[0]["knowledge"]["source_task_id"], task["id"]);
        assert_eq!(learned[0]["knowledge"]["source_type"], "task");
        assert_eq!(learned[1]["routed_to"]["type"], "playbook");
        assert_eq!(learned[2]["knowledge"]["status"], "pending_review");
        let shown = get(db, &key, &format!("/api/people/{}", id(&patrick))).await;
        assert!(ends_with_dated(&shown["communication_notes"], "Patrick prefers brief emails"), "{shown}");
        assert_eq!(get(db, &key, &format!("/api/knowledge?source_task_id={}", id(&task))).await["total"], 3);

        // A bad learning rolls the whole completion back.
        let (_, _, other) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": "Second"}))).await;
        let (status, _, problem) = call(db, "POST", &format!("/api/tasks/{}/complete", id(&other)), Some(&key), Some(json!({
            "knowledge_captured": ["Patrick likes calls", {"content": "x", "category": "gossip"}],
        }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["errors"][0]["field"], "knowledge_captured[1].category");
        let (status, _, _) = call(db, "POST", &format!("/api/tasks/{}/complete", id(&other)), Some(&key), Some(json!({
            "knowledge_captured": ["Patrick likes calls", ""],
        }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(get(db, &key, &format!("/api/tasks/{}", id(&other))).await["status"], "queued");
        let shown = get(db, &key, &format!("/api/people/{}", id(&patrick))).await;
        assert!(!shown["communication_notes"].as_str().unwrap().contains("likes calls"));
    }

    async fn seed_003s_completion_body_is_taken_and_its_claim_checked(db: &Db) {
        let key = key_for(db, "acme").await;
        let (_, _, task) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": "Send the proposal"}))).await;
        let path = format!("/api/tasks/{}/complete", id(&task));
        // Claimed but not made: refused, naming the claim.
        let (status, _, problem) = call(db, "POST", &path, Some(&key), Some(json!({"output": "Sent", "learnings_captured": true}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "learnings_captured", "{problem}");
        // Learnings and "nothing learned" at once contradict each other.
        let (status, _, problem) = call(db, "POST", &path, Some(&key), Some(json!({"knowledge_captured": ["Send PDFs"], "nothing_learned": true}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(get(db, &key, &format!("/api/tasks/{}", id(&task))).await["status"], "queued");
        assert_eq!(get(db, &key, "/api/knowledge").await["total"], 0, "a refused completion routes nothing");

        capture(db, &key, json!({"content": "Proposals go out as PDF", "source_task_id": task["id"]})).await;
        let (status, _, done) = call(db, "POST", &path, Some(&key), Some(json!({"output": "Sent", "learnings_captured": true}))).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        assert_eq!(done["task"]["status"], "completed");
        assert_eq!(done["task"]["output"], "Sent");
    }
}
