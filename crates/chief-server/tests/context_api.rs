//! `/api/context` over HTTP, on SQLite and PostgreSQL: what a task, person,
//! project or client brings with it, full-text search with its filters,
//! and another tenant's ids answering 404.

use axum::http::StatusCode;
use chief_domain::draft::{DraftType, NewDraft};
use chief_domain::playbook::NewPlaybook;
use chief_domain::sales::NewSalesOpportunity;
use chief_store::{Db, Scope, Tx, tenancy};
use serde_json::{Value, json};

mod common;

use chief_testkit::both_backends;
use common::{call, key_for};

async fn create(db: &Db, key: &str, path: &str, body: Value) -> String {
    let (status, _, created) = call(db, "POST", path, Some(key), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {created}");
    created["id"].as_str().unwrap().to_string()
}

/// A write transaction as the key's user, for the rows no endpoint here
/// creates (playbooks, drafts, deals); returns it with the user's id.
async fn write_as(db: &Db, key: &str) -> (Tx, uuid::Uuid) {
    let (user, _) = tenancy::authenticate(db, key).await.unwrap().unwrap();
    (
        db.write(&Scope::user(user.tenant_id, user.id))
            .await
            .unwrap(),
        user.id,
    )
}

fn ids_of(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect()
}

both_backends! {
    async fn a_tasks_context_has_its_project_people_related_tasks_history_and_playbooks(db: &Db) {
        let key = key_for(db, "acme").await;
        let project = create(db, &key, "/api/projects", json!({"name": "Renewals"})).await;
        let patrick = create(db, &key, "/api/people", json!({"name": "Patrick Smith", "relationship_to_user": "client CEO", "communication_notes": "brief emails"})).await;
        let linked = create(db, &key, "/api/people", json!({"name": "Dana"})).await;
        create(db, &key, "/api/people", json!({"name": "Pat"})).await;
        let task = create(db, &key, "/api/tasks", json!({"title": "Send the renewal proposal to Patrick Smith", "project_id": project})).await;
        let sibling = create(db, &key, "/api/tasks", json!({"title": "Check the invoice", "project_id": project})).await;
        let shares_dana = create(db, &key, "/api/tasks", json!({"title": "Lunch"})).await;
        let unrelated = create(db, &key, "/api/tasks", json!({"title": "Unrelated"})).await;
        for t in [&task, &shares_dana] {
            let (status, _, _) = call(db, "POST", &format!("/api/people/{linked}/tasks/{t}"), Some(&key), Some(json!({"role": "stakeholder"}))).await;
            assert_eq!(status, StatusCode::NO_CONTENT);
        }
        call(db, "PUT", &format!("/api/tasks/{task}"), Some(&key), Some(json!({"priority": 1}))).await;
        let (mut tx, user) = write_as(db, &key).await;
        let playbook = |name: &str, triggers: &[&str], must_consult: bool| NewPlaybook {
            name: name.into(),
            description: name.into(),
            triggers: triggers.iter().map(|t| t.to_string()).collect(),
            must_consult,
            content: "steps".into(),
            ..Default::default()
        };
        chief_store::playbook::create(&mut tx, user, playbook("Proposals", &["renewal proposal"], false)).await.unwrap();
        let mut email_rules = playbook("Email rules", &[], true);
        email_rules.category = Some("communication".into());
        chief_store::playbook::create(&mut tx, user, email_rules).await.unwrap();
        // Must-consult, but about nothing this task does.
        chief_store::playbook::create(&mut tx, user, playbook("House rules", &[], true)).await.unwrap();
        chief_store::playbook::create(&mut tx, user, playbook("Hiring", &["interview"], false)).await.unwrap();
        tx.commit().await.unwrap();

        let (status, _, ctx) = call(db, "GET", &format!("/api/context/task/{task}"), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK, "{ctx}");
        assert_eq!(ctx["task"]["id"].as_str(), Some(task.as_str()));
        assert_eq!(ctx["project"]["name"], "Renewals");
        let people: Vec<(&str, &str)> = ctx["related_people"].as_array().unwrap().iter()
            .map(|r| (r["person"]["id"].as_str().unwrap(), r["relationship_context"]["source"].as_str().unwrap()))
            .collect();
        assert_eq!(people, vec![(linked.as_str(), "linked"), (patrick.as_str(), "mentioned")], "Pat is not Patrick Smith");
        assert_eq!(ctx["related_people"][1]["relationship_context"]["communication_notes"], "brief emails");
        let mut related = ids_of(&ctx["related_tasks"]);
        related.sort();
        let mut want = vec![sibling.as_str(), shares_dana.as_str()];
        want.sort();
        assert_eq!(related, want, "same project or same people, never {unrelated}");
        let actions: Vec<&str> = ctx["history"].as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
        assert_eq!(actions.first(), Some(&"task.updated"), "newest first: {actions:?}");
        assert_eq!(actions.last(), Some(&"task.created"));
        let mut playbooks: Vec<&str> = ctx["relevant_playbooks"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        playbooks.sort();
        assert_eq!(playbooks, vec!["Email rules", "Proposals"], "sending is communication");
    }

    async fn a_persons_context_has_their_tasks_waiting_items_drafts_and_client(db: &Db) {
        let key = key_for(db, "acme").await;
        let client = create(db, &key, "/api/clients", json!({"name": "Acme Corp"})).await;
        let person = create(db, &key, "/api/people", json!({"name": "Patrick", "email": "patrick@acme.test", "client_id": client})).await;
        let linked = create(db, &key, "/api/tasks", json!({"title": "Prepare the QBR"})).await;
        let named = create(db, &key, "/api/tasks", json!({"title": "Call Patrick"})).await;
        create(db, &key, "/api/tasks", json!({"title": "Other work"})).await;
        call(db, "POST", &format!("/api/people/{person}/tasks/{linked}"), Some(&key), None).await;
        create(db, &key, "/api/waiting", json!({"what": "Signed contract", "person_id": person})).await;
        create(db, &key, "/api/waiting", json!({"what": "Budget", "who": "patrick"})).await;
        create(db, &key, "/api/waiting", json!({"what": "Someone else's", "who": "Dana"})).await;
        let (mut tx, user) = write_as(db, &key).await;
        let mut to_him = NewDraft::new(DraftType::Email, "Hi Patrick");
        to_him.recipient = Some("patrick@acme.test".into());
        chief_store::draft::create(&mut tx, user, to_him).await.unwrap();
        let mut to_dana = NewDraft::new(DraftType::Email, "Hi Dana");
        to_dana.recipient = Some("dana@acme.test".into());
        chief_store::draft::create(&mut tx, user, to_dana).await.unwrap();
        tx.commit().await.unwrap();

        let (status, _, ctx) = call(db, "GET", &format!("/api/context/person/{person}"), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK, "{ctx}");
        assert_eq!(ctx["person"]["name"], "Patrick");
        let mut tasks = ids_of(&ctx["tasks"]);
        tasks.sort();
        let mut want = vec![linked.as_str(), named.as_str()];
        want.sort();
        assert_eq!(tasks, want);
        let mut waiting: Vec<&str> = ctx["waiting"].as_array().unwrap().iter().map(|w| w["what"].as_str().unwrap()).collect();
        waiting.sort();
        assert_eq!(waiting, vec!["Budget", "Signed contract"]);
        assert_eq!(ctx["drafts"].as_array().unwrap().len(), 1);
        assert_eq!(ctx["drafts"][0]["body"], "Hi Patrick");
        assert_eq!(ctx["client"]["name"], "Acme Corp");
    }

    async fn project_and_client_contexts_list_what_belongs_to_them(db: &Db) {
        let key = key_for(db, "acme").await;
        let project = create(db, &key, "/api/projects", json!({"name": "Offsite"})).await;
        let low = create(db, &key, "/api/tasks", json!({"title": "Snacks", "project_id": project, "priority": 5})).await;
        let high = create(db, &key, "/api/tasks", json!({"title": "Venue", "project_id": project, "priority": 1})).await;
        create(db, &key, "/api/tasks", json!({"title": "Elsewhere"})).await;
        let (status, _, ctx) = call(db, "GET", &format!("/api/context/project/{project}"), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ctx["project"]["name"], "Offsite");
        assert_eq!(ids_of(&ctx["tasks"]), vec![high.as_str(), low.as_str()], "by priority");

        let client = create(db, &key, "/api/clients", json!({"name": "Acme Corp"})).await;
        create(db, &key, "/api/people", json!({"name": "Patrick", "client_id": client})).await;
        create(db, &key, "/api/people", json!({"name": "Not theirs"})).await;
        let (mut tx, user) = write_as(db, &key).await;
        let deal = NewSalesOpportunity { name: "Renewal".into(), client_id: Some(client.parse().unwrap()), ..Default::default() };
        chief_store::sales::create(&mut tx, user, deal).await.unwrap();
        let other = NewSalesOpportunity { name: "Other deal".into(), ..Default::default() };
        chief_store::sales::create(&mut tx, user, other).await.unwrap();
        tx.commit().await.unwrap();
        let (status, _, ctx) = call(db, "GET", &format!("/api/context/client/{client}"), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK, "{ctx}");
        assert_eq!(ctx["client"]["name"], "Acme Corp");
        assert_eq!(ctx["people"].as_array().unwrap().len(), 1);
        assert_eq!(ctx["people"][0]["name"], "Patrick");
        assert_eq!(ctx["opportunities"].as_array().unwrap().len(), 1);
        assert_eq!(ctx["opportunities"][0]["name"], "Renewal");
    }

    async fn search_finds_entities_filtered_by_type_in_both_forms(db: &Db) {
        let key = key_for(db, "acme").await;
        let other = key_for(db, "other").await;
        create(db, &key, "/api/tasks", json!({"title": "Liberty renewal call"})).await;
        create(db, &key, "/api/people", json!({"name": "Liberty Jones"})).await;
        create(db, &key, "/api/projects", json!({"name": "Liberty launch"})).await;
        create(db, &other, "/api/tasks", json!({"title": "Liberty secret"})).await;
        let kinds = |hits: &Value| {
            let mut k: Vec<String> = hits.as_array().unwrap().iter().map(|h| h["entity_type"].as_str().unwrap().to_string()).collect();
            k.sort();
            k
        };
        let (status, _, all) = call(db, "GET", "/api/context/search?q=liberty", Some(&key), None).await;
        assert_eq!(status, StatusCode::OK, "{all}");
        assert_eq!(kinds(&all), vec!["person", "project", "task"], "never another tenant's task");
        assert!(all[0]["snippet"].as_str().unwrap().to_lowercase().contains("[liberty]"), "{all}");
        let (_, _, comma) = call(db, "GET", "/api/context/search?q=liberty&entity_types=task,person", Some(&key), None).await;
        assert_eq!(kinds(&comma), vec!["person", "task"]);
        let (_, _, repeated) = call(db, "GET", "/api/context/search?q=liberty&entity_types[]=task&entity_types[]=person", Some(&key), None).await;
        assert_eq!(kinds(&repeated), vec!["person", "task"]);
        let (_, _, encoded) = call(db, "GET", "/api/context/search?q=liberty&entity_types%5B%5D=project", Some(&key), None).await;
        assert_eq!(kinds(&encoded), vec!["project"]);
        let (_, _, one) = call(db, "GET", "/api/context/search?q=liberty&limit=1", Some(&key), None).await;
        assert_eq!(one.as_array().unwrap().len(), 1);
        for (path, field) in [
            ("/api/context/search?q=liberty&entity_types=task,spaceship", "entity_types"),
            ("/api/context/search?q=liberty&limit=0", "limit"),
            ("/api/context/search?q=liberty&limit=lots", "limit"),
            ("/api/context/search?q=liberty&colour=red", "colour"),
            ("/api/context/search", "q"),
        ] {
            let (status, ctype, problem) = call(db, "GET", path, Some(&key), None).await;
            assert_eq!((status, ctype.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "application/problem+json"), "{path}: {problem}");
            assert!(problem.to_string().contains(field), "{path} names {field}: {problem}");
        }
        let (_, _, problem) = call(db, "GET", "/api/context/search?q=x&entity_types=spaceship", Some(&key), None).await;
        assert!(problem.to_string().contains("spaceship"), "the unknown type is named: {problem}");
        let (status, _, none) = call(db, "GET", "/api/context/search?q=%3B%3B", Some(&key), None).await;
        assert_eq!((status, none.as_array().map(Vec::len)), (StatusCode::OK, Some(0)));
    }

    async fn another_tenants_ids_answer_404_in_every_context(db: &Db) {
        let a = key_for(db, "a").await;
        let b = key_for(db, "b").await;
        let task = create(db, &b, "/api/tasks", json!({"title": "B's task"})).await;
        let person = create(db, &b, "/api/people", json!({"name": "B's person"})).await;
        let project = create(db, &b, "/api/projects", json!({"name": "B's project"})).await;
        let client = create(db, &b, "/api/clients", json!({"name": "B's client"})).await;
        for (kind, id) in [("task", &task), ("person", &person), ("project", &project), ("client", &client)] {
            let path = format!("/api/context/{kind}/{id}");
            let (status, ctype, problem) = call(db, "GET", &path, Some(&a), None).await;
            assert_eq!((status, ctype.as_str()), (StatusCode::NOT_FOUND, "application/problem+json"), "{path}");
            assert_eq!(problem["type"], "/problems/not-found");
            let (status, _, _) = call(db, "GET", &path, Some(&b), None).await;
            assert_eq!(status, StatusCode::OK, "{path} for its own tenant");
        }
        let (status, _, _) = call(db, "GET", "/api/context/task/not-a-uuid", Some(&a), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

/// Sets a setting for the key's user, as the CLI or a future settings
/// endpoint would.
async fn set_setting(db: &Db, key: &str, name: &str, value: Value) {
    let (mut tx, user) = write_as(db, key).await;
    chief_store::setting::set(&mut tx, Some(user), name, value)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

both_backends! {
    async fn a_tasks_context_fits_its_token_budget_most_relevant_first_and_counts_what_is_left_out(db: &Db) {
        let key = key_for(db, "acme").await;
        let project = create(db, &key, "/api/projects", json!({"name": "Liberty", "description": "Hotel pilot"})).await;
        let patrick = create(db, &key, "/api/people", json!({"name": "Patrick Fields", "relationship_to_user": "main contact", "political_context": "reports to the GM", "communication_notes": "brief, direct emails"})).await;
        let task = create(db, &key, "/api/tasks", json!({"title": "Email Patrick Fields the Liberty renewal proposal", "project_id": project})).await;
        for i in 0..30 {
            create(db, &key, "/api/tasks", json!({"title": format!("Liberty step {i}: {}", "details ".repeat(20)), "project_id": project})).await;
        }
        let similar = create(db, &key, "/api/tasks", json!({"title": "Price the renewal proposal"})).await;
        let unrelated = create(db, &key, "/api/tasks", json!({"title": "Water the plants"})).await;
        let (mut tx, user) = write_as(db, &key).await;
        let capture = chief_app::knowledge_routing::Capture {
            content: "Patrick prefers numbers before prose".into(),
            category: Some(chief_domain::knowledge::KnowledgeCategory::Person),
            source_task_id: None,
            trigger_phrase: None,
            target: Some(chief_app::knowledge_routing::Target::Person(patrick.parse().unwrap())),
        };
        chief_app::knowledge_routing::capture(&mut tx, user, capture).await.unwrap();
        chief_store::playbook::create(&mut tx, user, NewPlaybook {
            name: "Email rules".into(), description: "how we write".into(), category: Some("communication".into()),
            must_consult: true, content: "x".repeat(4000), ..Default::default()
        }).await.unwrap();
        tx.commit().await.unwrap();

        // The default budget: everything relevant fits but not the whole project.
        let (status, _, full) = call(db, "GET", &format!("/api/context/task/{task}"), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK, "{full}");
        assert_eq!(full["token_budget"], 4000);
        let used = full["tokens_used"].as_u64().unwrap();
        assert!(used <= 4000 && used > 100, "{used}");
        assert_eq!(full["project"]["name"], "Liberty");
        assert_eq!(full["project"]["recent_tasks"].as_array().unwrap().len(), 5);
        assert_eq!(full["related_people"][0]["person"]["id"].as_str(), Some(patrick.as_str()));
        assert_eq!(full["related_people"][0]["relationship_context"]["political_context"], "reports to the GM");
        assert_eq!(full["knowledge"][0]["content"], "Patrick prefers numbers before prose");
        let related = full["related_tasks"].as_array().unwrap();
        let scores: Vec<f64> = related.iter().map(|t| t["relevance"].as_f64().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "most relevant first: {scores:?}");
        let found = related.iter().find(|t| t["id"] == similar.as_str()).expect("the similar title is related");
        assert!(found["reasons"][0].as_str().unwrap().starts_with("similar: "), "{found}");
        assert!(related.iter().all(|t| t["id"] != unrelated.as_str()));
        assert_eq!(full["relevant_playbooks"][0]["name"], "Email rules", "must-consult is never dropped");

        // A small budget keeps the people and the project's first, and counts the rest.
        let (_, _, small) = call(db, "GET", &format!("/api/context/task/{task}?budget=1200"), Some(&key), None).await;
        let core = small["tokens_used"].as_u64().unwrap();
        assert!(core <= 1200, "{small}");
        assert_eq!(small["related_people"].as_array().unwrap().len(), 1);
        let omitted = &small["omitted"];
        assert!(omitted["related_tasks"].as_u64().unwrap() + omitted["history"].as_u64().unwrap() > 0, "{omitted}");
        let kept = small["related_tasks"].as_array().unwrap().len() as u64 + omitted["related_tasks"].as_u64().unwrap();
        assert_eq!(kept, full["related_tasks"].as_array().unwrap().len() as u64 + full["omitted"]["related_tasks"].as_u64().unwrap());

        // Below the core, the core stays (reported) and nothing else goes in.
        let (_, _, tiny) = call(db, "GET", &format!("/api/context/task/{task}?budget=10"), Some(&key), None).await;
        assert_eq!(tiny["core_over_budget"], true);
        assert!(tiny["tokens_used"].as_u64().unwrap() > 10, "the core is kept whole, past the budget: {tiny}");
        assert_eq!(tiny["relevant_playbooks"][0]["name"], "Email rules");
        assert!(tiny["related_people"].as_array().unwrap().is_empty());
        assert_eq!(tiny["omitted"]["people"], 1);
        assert_eq!(tiny["task"]["id"].as_str(), Some(task.as_str()));

        // The person's setting is the default; the query wins over it.
        set_setting(db, &key, "context.token_budget", json!(1500)).await;
        let (_, _, set) = call(db, "GET", &format!("/api/context/task/{task}"), Some(&key), None).await;
        assert_eq!(set["token_budget"], 1500);
        let (_, _, over) = call(db, "GET", &format!("/api/context/task/{task}?budget=900"), Some(&key), None).await;
        assert_eq!(over["token_budget"], 900);
        for bad in ["0", "-5", "200001", "lots", "1e3"] {
            let path = format!("/api/context/task/{task}?budget={bad}");
            let (status, ctype, problem) = call(db, "GET", &path, Some(&key), None).await;
            assert_eq!((status, ctype.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "application/problem+json"), "{path}: {problem}");
            assert!(problem.to_string().contains("budget"), "{problem}");
        }
    }

    async fn next_brings_the_same_assembled_context_within_its_budget(db: &Db) {
        let key = key_for(db, "acme").await;
        let dana = create(db, &key, "/api/people", json!({"name": "Dana Scully", "communication_notes": "calls, not email"})).await;
        let task = create(db, &key, "/api/tasks", json!({"title": "Ask Dana Scully about the audit", "assignee": "agent", "priority": 1, "context": {"source": "chat"}})).await;
        let (_, _, next) = call(db, "GET", "/api/tasks/next", Some(&key), None).await;
        assert_eq!(next["task"]["id"].as_str(), Some(task.as_str()));
        assert_eq!(next["task"]["context"]["source"], "chat", "the task's own context JSON stays on the task");
        let ctx = &next["context"];
        assert_eq!(ctx["token_budget"], 4000);
        assert_eq!(ctx["related_people"][0]["person"]["id"].as_str(), Some(dana.as_str()));
        assert_eq!(ctx["related_people"][0]["relationship_context"]["source"], "mentioned");
        assert_eq!(ctx["history"][0]["action"], "task.created");
        let (_, _, direct) = call(db, "GET", &format!("/api/context/task/{task}"), Some(&key), None).await;
        assert_eq!(ctx["related_people"], direct["related_people"], "one definition for both");
        let (_, _, small) = call(db, "GET", "/api/tasks/next?budget=50", Some(&key), None).await;
        assert_eq!(small["context"]["token_budget"], 50);
        assert!(small["context"]["omitted"]["people"].as_u64().unwrap() >= 1);
        let (status, _, problem) = call(db, "GET", "/api/tasks/next?budget=0", Some(&key), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(problem.to_string().contains("budget"));
        call(db, "POST", &format!("/api/tasks/{task}/complete"), Some(&key), None).await;
        let (_, _, empty) = call(db, "GET", "/api/tasks/next", Some(&key), None).await;
        assert!(empty["task"].is_null() && empty["context"].is_null(), "{empty}");
    }
}

both_backends! {
    async fn odd_task_text_still_finds_the_people_it_names(db: &Db) {
        let key = key_for(db, "acme").await;
        let patrick = create(db, &key, "/api/people", json!({"name": "Patrick Fields"})).await;
        create(db, &key, "/api/people", json!({"name": "נועה"})).await;
        let title = "📞 call \"patrick fields\" OR NEAR( about نوعه and נועה: 100% * done?";
        let task = create(db, &key, "/api/tasks", json!({"title": title, "description": "x".repeat(100_000)})).await;
        let (status, _, ctx) = call(db, "GET", &format!("/api/context/task/{task}?budget=200000"), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK, "{ctx}");
        let names: Vec<&str> = ctx["related_people"].as_array().unwrap().iter().map(|p| p["person"]["name"].as_str().unwrap()).collect();
        assert!(names.contains(&"Patrick Fields"), "{names:?}");
        assert_eq!(ctx["related_people"][0]["relationship_context"]["source"], "mentioned");
        let found = ctx["related_people"].as_array().unwrap().iter().find(|p| p["person"]["name"] == "Patrick Fields").unwrap();
        assert_eq!(found["person"]["id"].as_str(), Some(patrick.as_str()));
    }
}
