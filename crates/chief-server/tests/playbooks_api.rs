//! `/api/playbooks` over HTTP, on SQLite and PostgreSQL: create, list,
//! update, the proposal workflow and its 409s, seed 003's critical case 4
//! (trigger exact match, similarity fallback, must-consult always returned),
//! the playbooks `/tasks/next` and `/tasks/{id}/start` bring up, tenant
//! isolation and problem+json errors.

use axum::http::StatusCode;
use chief_store::Db;
use serde_json::{Value, json};
use uuid::Uuid;

mod common;

use chief_testkit::both_backends;
use common::{call, key_for, member_key};

async fn create(db: &Db, key: &str, body: Value) -> Value {
    let (status, _, p) = call(db, "POST", "/api/playbooks", Some(key), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    p
}

async fn get(db: &Db, key: &str, path: &str) -> Value {
    let (status, _, v) = call(db, "GET", path, Some(key), None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {v}");
    v
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

/// Seed 003's email guide: must-consult, with triggers, about
/// communication.
fn email_guide() -> Value {
    json!({
        "name": "email-drafting-guide",
        "description": "Guide for drafting external emails. MUST consult before ANY email. Covers tone, relationship awareness, strategic considerations.",
        "category": "communication",
        "triggers": ["draft email", "email to", "reply to", "follow up with"],
        "must_consult": true,
        "content": "# Email Drafting Guide\n\n## Before You Draft\n\nAsk yourself who this person is relative to David.",
    })
}

fn scheduling_guide() -> Value {
    json!({
        "name": "scheduling-guide",
        "description": "How we schedule meetings: check all three calendars first",
        "category": "scheduling",
        "content": "1. Check the calendars\n2. Propose two slots",
    })
}

fn security_review() -> Value {
    json!({
        "name": "security-review",
        "description": "Reviewing a vendor's security",
        "must_consult": true,
        "content": "Ask for the SOC 2 report.",
    })
}

fn match_path(text: &str) -> String {
    let q: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
    format!("/api/playbooks/match?task_description={q}")
}

both_backends! {
    async fn playbooks_are_created_listed_and_read(db: &Db) {
        let key = key_for(db, "acme").await;
        let email = create(db, &key, email_guide()).await;
        assert_eq!((email["status"].as_str(), email["must_consult"].as_bool()), (Some("active"), Some(true)));
        assert_eq!(email["triggers"], json!(["draft email", "email to", "reply to", "follow up with"]));
        assert_eq!((email["scripts"].clone(), email["examples"].clone()), (json!({}), json!([])));
        create(db, &key, scheduling_guide()).await;
        let security = create(db, &key, json!({
            "name": "security-review", "content": "Ask for the SOC 2 report.", "must_consult": true,
            "scripts": {"check.sh": "echo ok"}, "examples": [{"case": "new vendor"}],
        })).await;
        assert_eq!(security["scripts"], json!({"check.sh": "echo ok"}));
        assert_eq!(security["description"], "");

        let shown = get(db, &key, &format!("/api/playbooks/{}", id(&email))).await;
        assert_eq!(shown["content"], email_guide()["content"]);

        let all = get(db, &key, "/api/playbooks").await;
        let names: Vec<&str> = all["items"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["email-drafting-guide", "scheduling-guide", "security-review"]);
        assert_eq!(all["total"], 3);
        assert_eq!(get(db, &key, "/api/playbooks?must_consult=true").await["total"], 2);
        assert_eq!(get(db, &key, "/api/playbooks?must_consult=false").await["items"][0]["name"], "scheduling-guide");
        assert_eq!(get(db, &key, "/api/playbooks?category=communication").await["total"], 1);
        assert_eq!(get(db, &key, "/api/playbooks?status=proposed").await["total"], 0);
        let page = get(db, &key, "/api/playbooks?limit=1&offset=1").await;
        assert_eq!((page["total"].as_i64(), page["items"][0]["name"].as_str()), (Some(3), Some("scheduling-guide")));

        invalid(db, &key, "GET", "/api/playbooks?status=lost", None, "status").await;
        invalid(db, &key, "GET", "/api/playbooks?must_consult=maybe", None, "must_consult").await;
        invalid(db, &key, "GET", "/api/playbooks/nope", None, "id").await;
        let (status, _, problem) = call(db, "GET", &format!("/api/playbooks/{}", Uuid::now_v7()), Some(&key), None).await;
        assert_eq!((status, problem["type"].as_str()), (StatusCode::NOT_FOUND, Some("/problems/not-found")));
        for (body, field) in [
            (json!({"name": " ", "content": "x"}), "name"),
            (json!({"name": "x", "content": " "}), "content"),
            (json!({"name": "x", "content": "x", "scripts": ["a"]}), "scripts"),
            (json!({"name": "x", "content": "x", "examples": {"a": 1}}), "examples"),
            (json!({"name": "x", "content": "x", "triggers": "email"}), "triggers"),
            (json!({"name": "x", "content": "x", "colour": "red"}), "colour"),
        ] {
            invalid(db, &key, "POST", "/api/playbooks", Some(body), field).await;
        }
        assert_eq!(get(db, &key, "/api/playbooks").await["total"], 3);
    }

    async fn seed_case_4_trigger_match_similarity_fallback_and_must_consult(db: &Db) {
        let key = key_for(db, "acme").await;
        let email = create(db, &key, email_guide()).await;
        let scheduling = create(db, &key, scheduling_guide()).await;
        create(db, &key, security_review()).await;

        // 1. A trigger phrase matches exactly, with relevance 1.0, and the
        // must-consult playbook comes with its warning.
        let m = get(db, &key, &match_path("Draft follow-up EMAIL TO Patrick at Liberty")).await;
        assert_eq!(m["matched"].as_array().unwrap().len(), 1, "{m}");
        assert_eq!(m["matched"][0]["playbook"]["id"], email["id"]);
        assert_eq!(m["matched"][0]["match_reason"], "trigger: 'email to'");
        assert_eq!(m["matched"][0]["relevance_score"], 1.0);
        assert_eq!(m["must_consult"].as_array().unwrap().len(), 1);
        assert_eq!(m["must_consult"][0]["playbook"]["id"], email["id"]);
        assert_eq!(m["must_consult"][0]["warning"], "MUST consult before ANY email");
        // Whole words only: "email tomorrow" does not contain "email to".
        let m = get(db, &key, &match_path("Send the agenda by email tomorrow")).await;
        assert!(m["matched"].as_array().unwrap().iter().all(|x| x["match_reason"] != "trigger: 'email to'"), "{m}");

        // 2. Without a trigger, the description decides.
        let m = get(db, &key, &match_path("Schedule the board meeting")).await;
        assert_eq!(m["matched"].as_array().unwrap().len(), 1, "{m}");
        assert_eq!(m["matched"][0]["playbook"]["id"], scheduling["id"]);
        assert_eq!(m["matched"][0]["match_reason"], "bm25: name, description, category");
        let score = m["matched"][0]["relevance_score"].as_f64().unwrap();
        assert!((0.2..1.0).contains(&score), "{score}");
        assert!(m["must_consult"].as_array().unwrap().is_empty());
        assert!(get(db, &key, &match_path("Water the office plants")).await["matched"].as_array().unwrap().is_empty());

        // 3. A must-consult playbook is returned whenever the work is its
        // kind, even when nothing matched.
        let m = get(db, &key, &match_path("Write a thank-you note to Sam")).await;
        assert!(m["matched"].as_array().unwrap().is_empty(), "{m}");
        let consult: Vec<&str> = m["must_consult"].as_array().unwrap().iter().map(|c| c["playbook"]["name"].as_str().unwrap()).collect();
        assert_eq!(consult, ["email-drafting-guide"]);
        let m = get(db, &key, &match_path("Security questionnaire from Acme")).await;
        assert_eq!(m["must_consult"][0]["playbook"]["name"], "security-review");
        assert_eq!(m["must_consult"][0]["warning"], "MUST consult the playbook \"security-review\" before this task");

        // Archived and proposed playbooks are not matched.
        call(db, "PUT", &format!("/api/playbooks/{}/archive", id(&email)), Some(&key), None).await;
        let (_, _, proposed) = call(db, "POST", "/api/playbooks/propose", Some(&key), Some(json!({"name": "x", "content": "x", "triggers": ["email to"]}))).await;
        assert_eq!(proposed["playbook"]["status"], "proposed");
        let m = get(db, &key, &match_path("Draft follow-up email to Patrick")).await;
        assert!(m["matched"].as_array().unwrap().is_empty() && m["must_consult"].as_array().unwrap().is_empty(), "{m}");

        invalid(db, &key, "GET", "/api/playbooks/match", None, "task_description").await;
        invalid(db, &key, "GET", "/api/playbooks/match?task_description=%20", None, "task_description").await;
        invalid(db, &key, "GET", "/api/playbooks/match?task=email", None, "task").await;
    }

    async fn proposals_are_approved_into_active_or_rejected_for_good(db: &Db) {
        let key = key_for(db, "acme").await;
        let member = member_key(db, "acme").await;
        let (_, _, task) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": "Book the offsite"}))).await;
        let (status, _, proposed) = call(db, "POST", "/api/playbooks/propose", Some(&key), Some(json!({
            "name": "offsite-booking",
            "description": "How to book an offsite venue",
            "content": "1. Check the budget\n2. Hold two venues",
            "learned_from": "David taught this on 2026-01-21",
            "source_task_id": task["id"],
        }))).await;
        assert_eq!(status, StatusCode::CREATED, "{proposed}");
        let p = &proposed["playbook"];
        assert_eq!((p["status"].as_str(), p["learned_from"].as_str()), (Some("proposed"), Some("David taught this on 2026-01-21")));
        assert_eq!(p["source_task_id"], task["id"]);
        assert_eq!(get(db, &key, "/api/playbooks?status=proposed").await["total"], 1);

        // Approval is the person's call; any member may make it.
        let path = format!("/api/playbooks/{}", id(p));
        let (status, _, approved) = call(db, "PUT", &format!("{path}/approve"), Some(&member), None).await;
        assert_eq!((status, approved["status"].as_str()), (StatusCode::OK, Some("active")));
        for op in ["approve", "reject", "restore"] {
            let (status, ctype, problem) = call(db, "PUT", &format!("{path}/{op}"), Some(&key), None).await;
            assert_eq!((status, ctype.as_str()), (StatusCode::CONFLICT, "application/problem+json"), "{op}");
            assert!(problem["detail"].as_str().unwrap().contains("active"), "{problem}");
        }
        let (_, _, archived) = call(db, "PUT", &format!("{path}/archive"), Some(&key), None).await;
        assert_eq!(archived["status"], "archived");
        let (_, _, restored) = call(db, "PUT", &format!("{path}/restore"), Some(&key), None).await;
        assert_eq!(restored["status"], "active");

        let (_, _, other) = call(db, "POST", "/api/playbooks/propose", Some(&key), Some(json!({"name": "x", "content": "y"}))).await;
        let path = format!("/api/playbooks/{}", id(&other["playbook"]));
        let (status, _, rejected) = call(db, "PUT", &format!("{path}/reject"), Some(&key), None).await;
        assert_eq!((status, rejected["status"].as_str()), (StatusCode::OK, Some("rejected")));
        for op in ["approve", "archive", "restore", "reject"] {
            let (status, _, problem) = call(db, "PUT", &format!("{path}/{op}"), Some(&key), None).await;
            assert_eq!(status, StatusCode::CONFLICT, "{op}");
            assert!(problem["detail"].as_str().unwrap().contains("rejected"), "{problem}");
        }
        assert_eq!(get(db, &key, &path).await["status"], "rejected");

        invalid(db, &key, "POST", "/api/playbooks/propose", Some(json!({"name": "x", "content": ""})), "content").await;
        invalid(db, &key, "POST", "/api/playbooks/propose", Some(json!({"name": "x", "content": "y", "source_task_id": 5})), "source_task_id").await;
        let (status, _, _) = call(db, "POST", "/api/playbooks/propose", Some(&key), Some(json!({"name": "x", "content": "y", "source_task_id": Uuid::now_v7()}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        invalid(db, &key, "PUT", "/api/playbooks/nope/approve", None, "id").await;
    }

    async fn updating_changes_the_fields_present_and_null_clears_the_category(db: &Db) {
        let key = key_for(db, "acme").await;
        let p = create(db, &key, scheduling_guide()).await;
        let path = format!("/api/playbooks/{}", id(&p));
        let (status, _, updated) = call(db, "PUT", &path, Some(&key), Some(json!({
            "triggers": ["book a room", " book a room ", ""],
            "must_consult": true,
            "category": null,
        }))).await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!(updated["triggers"], json!(["book a room"]));
        assert_eq!((updated["must_consult"].as_bool(), updated["category"].is_null()), (Some(true), true));
        assert_eq!((updated["name"].as_str(), updated["content"].clone()), (Some("scheduling-guide"), scheduling_guide()["content"].clone()));
        let shown = get(db, &key, &path).await;
        assert_eq!(shown["triggers"], json!(["book a room"]));
        let m = get(db, &key, &match_path("Please book a room for Tuesday")).await;
        assert_eq!(m["matched"][0]["match_reason"], "trigger: 'book a room'");
        assert_eq!(m["must_consult"][0]["playbook"]["id"], p["id"]);

        let (_, _, renamed) = call(db, "PUT", &path, Some(&key), Some(json!({"name": "rooms", "content": "Use the app", "description": "Rooms"}))).await;
        assert_eq!((renamed["name"].as_str(), renamed["content"].as_str(), renamed["description"].as_str()), (Some("rooms"), Some("Use the app"), Some("Rooms")));
        invalid(db, &key, "PUT", &path, Some(json!({"name": ""})), "name").await;
        invalid(db, &key, "PUT", &path, Some(json!({"content": " "})), "content").await;
        invalid(db, &key, "PUT", &path, Some(json!({"status": "active"})), "status").await;
        assert_eq!(get(db, &key, &path).await["name"], "rooms");
    }

    async fn another_tenants_playbooks_answer_404_and_are_never_matched(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        let theirs = create(db, &b, email_guide()).await;
        let (_, _, proposal) = call(db, "POST", "/api/playbooks/propose", Some(&b), Some(json!({"name": "b", "content": "b"}))).await;
        let path = format!("/api/playbooks/{}", id(&theirs));
        for (method, p, body) in [
            ("GET", path.clone(), None),
            ("PUT", path.clone(), Some(json!({"name": "hijacked"}))),
            ("PUT", format!("{path}/archive"), None),
            ("PUT", format!("/api/playbooks/{}/approve", id(&proposal["playbook"])), None),
            ("PUT", format!("/api/playbooks/{}/reject", id(&proposal["playbook"])), None),
        ] {
            let (status, _, problem) = call(db, method, &p, Some(&a), body).await;
            assert_eq!((status, problem["type"].as_str()), (StatusCode::NOT_FOUND, Some("/problems/not-found")), "{method} {p}");
        }
        assert_eq!(get(db, &a, "/api/playbooks").await["total"], 0);
        let m = get(db, &a, &match_path("Draft email to Patrick")).await;
        assert_eq!(m, json!({"matched": [], "must_consult": []}));
        let still = get(db, &b, &path).await;
        assert_eq!((still["name"].as_str(), still["status"].as_str()), (Some("email-drafting-guide"), Some("active")));
        assert_eq!(get(db, &b, "/api/playbooks?status=proposed").await["total"], 1);
    }

    async fn completing_without_reading_a_must_consult_playbook_warns_and_is_logged(db: &Db) {
        let key = key_for(db, "acme").await;
        let task = |title: &str| json!({"title": title});
        let (_, _, early) = call(db, "POST", "/api/tasks", Some(&key), Some(task("Email to Patrick about the pilot"))).await;
        // Started before the guide existed: nobody handed it over.
        let (status, _, _) = call(db, "POST", &format!("/api/tasks/{}/start", id(&early)), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        let guide = create(db, &key, email_guide()).await;

        let (status, _, done) = call(db, "POST", &format!("/api/tasks/{}/complete", id(&early)), Some(&key), Some(json!({"output": "sent the draft"}))).await;
        assert_eq!(status, StatusCode::OK, "completion is not refused: {done}");
        assert_eq!(done["task"]["status"], "completed");
        let warnings = done["must_consult_warnings"].as_array().unwrap();
        assert_eq!(warnings.len(), 1, "{done}");
        assert_eq!(warnings[0]["playbook_name"], "email-drafting-guide");
        let logs = get(db, &key, &format!("/api/logs?entity_id={}", id(&guide))).await;
        let skipped: Vec<&Value> = logs["items"].as_array().unwrap().iter().filter(|l| l["action"] == "playbook.skipped").collect();
        assert_eq!(skipped.len(), 1, "{logs}");
        assert_eq!(skipped[0]["details"]["task_id"], early["id"]);

        // Started with the guide in place: start hands it over, no warning.
        let (_, _, later) = call(db, "POST", "/api/tasks", Some(&key), Some(task("Reply to Sarah's email"))).await;
        let (_, _, started) = call(db, "POST", &format!("/api/tasks/{}/start", id(&later)), Some(&key), None).await;
        assert!(started["playbooks"].as_array().unwrap().iter().any(|p| p["id"] == guide["id"]), "{started}");
        let (_, _, done) = call(db, "POST", &format!("/api/tasks/{}/complete", id(&later)), Some(&key), None).await;
        assert_eq!(done["must_consult_warnings"], json!([]), "{done}");

        // Reading the guide counts too, and every read is counted.
        let before = get(db, &key, &format!("/api/playbooks/{}", id(&guide))).await;
        let after = get(db, &key, &format!("/api/playbooks/{}", id(&guide))).await;
        assert_eq!(after["use_count"].as_i64().unwrap(), before["use_count"].as_i64().unwrap() + 1);
    }

    async fn the_next_task_brings_its_playbooks_and_must_consult_warnings(db: &Db) {
        let key = key_for(db, "acme").await;
        let mut guide = email_guide();
        guide["content"] = json!(format!("# Email Drafting Guide\n\n{}", "Be warm but strategic. ".repeat(20)));
        let email = create(db, &key, guide).await;
        create(db, &key, scheduling_guide()).await;
        create(db, &key, security_review()).await;
        let (_, _, task) = call(db, "POST", "/api/tasks", Some(&key), Some(json!({
            "title": "Draft follow-up email to Patrick at Liberty",
            "description": "Thank him for the pilot kickoff",
            "priority": 1,
        }))).await;

        let next = get(db, &key, "/api/tasks/next").await;
        assert_eq!(next["task"]["id"], task["id"]);
        let matched = next["matched_playbooks"].as_array().unwrap();
        assert_eq!(matched.len(), 1, "{next}");
        assert_eq!(matched[0]["id"], email["id"]);
        assert_eq!(matched[0]["name"], "email-drafting-guide");
        assert_eq!(matched[0]["match_reason"], "trigger: 'email to'");
        assert_eq!((matched[0]["must_consult"].as_bool(), matched[0]["relevance_score"].as_f64()), (Some(true), Some(1.0)));
        let preview = matched[0]["content_preview"].as_str().unwrap();
        assert!(preview.starts_with("# Email Drafting Guide\n\nBe warm") && preview.ends_with('…'), "{preview}");
        assert!(preview.chars().count() <= 201);
        assert_eq!(next["must_consult_warnings"], json!([{
            "playbook_id": email["id"],
            "playbook_name": "email-drafting-guide",
            "warning": "MUST consult before ANY email",
            "match_reason": "trigger: 'email to'",
        }]));

        // A new playbook shows up at once: the cached answer follows changes.
        create(db, &key, json!({"name": "liberty-account", "description": "Liberty Hotel account notes", "triggers": ["liberty"], "content": "Short."})).await;
        let next = get(db, &key, "/api/tasks/next").await;
        let names: Vec<&str> = next["matched_playbooks"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["email-drafting-guide", "liberty-account"]);
        assert_eq!(next["matched_playbooks"][1]["content_preview"], "Short.");

        // Starting the task returns the playbooks to read first.
        let (status, _, started) = call(db, "POST", &format!("/api/tasks/{}/start", id(&task)), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        let names: Vec<&str> = started["playbooks"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["email-drafting-guide", "liberty-account"]);
        assert!(started["playbooks"][0]["content"].as_str().unwrap().len() > 200);

        // Work of another kind brings only its own must-consult playbook.
        call(db, "POST", "/api/tasks", Some(&key), Some(json!({"title": "Security questionnaire from Acme", "priority": 2}))).await;
        call(db, "POST", &format!("/api/tasks/{}/complete", id(&task)), Some(&key), None).await;
        let next = get(db, &key, "/api/tasks/next").await;
        assert_eq!(next["task"]["title"], "Security questionnaire from Acme");
        // BM25 finds it by the name's rare word; its must-consult warning
        // comes with it.
        assert_eq!(next["matched_playbooks"][0]["name"], "security-review", "{next}");
        assert!(next["matched_playbooks"][0]["match_reason"].as_str().unwrap().starts_with("bm25: name"), "{next}");
        let warned: Vec<&str> = next["must_consult_warnings"].as_array().unwrap().iter().map(|w| w["playbook_name"].as_str().unwrap()).collect();
        assert_eq!(warned, ["security-review"]);
    }
}
