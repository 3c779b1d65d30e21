//! The tool registry on SQLite and PostgreSQL: the mandatory capture step,
//! blocking on a question, and bad calls (malformed arguments, an unknown
//! tool, another workspace's task) that fail clearly and write nothing.

use chief_ai::{Caller, Registry, ToolClass, ToolError};
use chief_domain::log::Actor;
use chief_domain::task::Assignee;
use chief_store::{Db, Scope, StoreError, audit, task};
use chief_testkit as common;
use common::{add_person, add_playbook, add_task, both_backends, person, playbook, workspace};
use serde_json::{Value, json};

/// An agent acting for the owner of a new workspace `slug`.
async fn agent(db: &Db, slug: &str) -> Caller {
    let (tenant, owner) = workspace(db, slug).await;
    let scope = Scope {
        actor: Actor::agent(owner),
        ..Scope::user(tenant, owner)
    };
    Caller::new(db.clone(), scope)
}

/// A queued task for the agent.
async fn agent_task(caller: &Caller, title: &str) -> chief_domain::task::Task {
    let new = chief_domain::task::NewTask {
        assignee: Some(Assignee::Agent),
        ..common::task(title)
    };
    add_task(&caller.db, &caller.scope, new)
        .await
        .expect("the task is created")
}

async fn call(registry: &Registry, caller: &Caller, tool: &str, args: Value) -> Value {
    match registry.call(caller, tool, args.clone()).await {
        Ok(v) => v,
        Err(e) => panic!("{tool}({args}) failed: {e}"),
    }
}

async fn head(caller: &Caller) -> i64 {
    audit::head_seq(&caller.db, caller.scope.tenant)
        .await
        .expect("the audit head reads")
}

both_backends! {
    async fn complete_task_refuses_without_the_capture_step(db: Db) -> anyhow::Result<()> {
        let registry = Registry::work_loop();
        let caller = agent(&db, "acme").await;
        let t = agent_task(&caller, "Send the Liberty proposal").await;
        call(&registry, &caller, "start_task", json!({"task_id": t.id})).await;
        let before = head(&caller).await;

        for args in [
            json!({"task_id": t.id, "output": "sent"}),
            json!({"task_id": t.id, "learnings": []}),
            json!({"task_id": t.id, "learnings": [{"content": "  "}]}),
            json!({"task_id": t.id, "learnings": [{"content": "Patrick likes PDFs"}], "nothing_learned": true}),
            json!({"task_id": t.id, "learnings_captured": true}),
        ] {
            let err = registry
                .call(&caller, "complete_task", args.clone())
                .await
                .expect_err("completion without a clear capture is refused");
            assert!(matches!(err, ToolError::Refused(_)), "{args}: {err}");
        }
        let err = registry
            .call(&caller, "complete_task", json!({"task_id": t.id}))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("capture is mandatory"), "{err}");

        let still = task::get(&db, caller.scope.tenant, t.id).await?;
        assert_eq!(still.status.as_str(), "working");
        assert_eq!(
            head(&caller).await,
            before,
            "a refused completion writes nothing"
        );

        let done = call(
            &registry,
            &caller,
            "complete_task",
            json!({"task_id": t.id, "output": "sent", "nothing_learned": true}),
        )
        .await;
        assert_eq!(done["task"]["status"], "completed");
        assert_eq!(done["knowledge"], json!([]));
        Ok(())
    }
}

both_backends! {
    async fn completing_with_learnings_routes_each_to_what_it_is_about(db: Db) -> anyhow::Result<()> {
        let registry = Registry::work_loop();
        let caller = agent(&db, "acme").await;
        let patrick = add_person(&db, &caller.scope, person("Patrick Fields")).await?;
        let t = agent_task(&caller, "Email Patrick about the pilot").await;
        let done = call(
        &registry,
        &caller,
        "complete_task",
        json!({
            "task_id": t.id,
            "output": "drafted",
            "learnings": [{"content": "Patrick Fields prefers brief, direct emails", "category": "person"}],
            "follow_up_tasks": [{"title": "Check Patrick replied", "assignee": "agent"}]
        }),
    )
    .await;
        assert_eq!(done["task"]["status"], "completed");
        assert_eq!(done["knowledge"][0]["routed_to"]["id"], json!(patrick.id));
        assert_eq!(done["follow_up_tasks"][0]["title"], "Check Patrick replied");
        let notes = chief_store::person::get(&db, caller.scope.tenant, patrick.id).await?;
        assert!(
            format!("{notes:?}").contains("prefers brief, direct emails"),
            "the learning reached Patrick's record"
        );
        Ok(())
    }
}

both_backends! {
    async fn block_task_asks_a_question_and_blocks_the_task(db: Db) -> anyhow::Result<()> {
        let registry = Registry::work_loop();
        let caller = agent(&db, "acme").await;
        let t = agent_task(&caller, "Book the offsite venue").await;
        call(&registry, &caller, "start_task", json!({"task_id": t.id})).await;
        let blocked = call(
            &registry,
            &caller,
            "block_task",
            json!({
                "task_id": t.id,
                "question_text": "Which budget should the venue fit?",
                "why_asking": "The two venues differ by $4,000",
                "what_agent_will_do": "Book the one that fits and draft the confirmation",
                "priority": 1
            }),
        )
        .await;
        assert_eq!(blocked["task"]["status"], "blocked");
        let qid = blocked["question"]["id"].clone();
        assert_eq!(blocked["task"]["blocking_question_id"], qid);
        let q = call(
            &registry,
            &caller,
            "get_question",
            json!({"question_id": qid}),
        )
        .await;
        assert_eq!(q["text"], "Which budget should the venue fit?");
        assert_eq!(q["why_asking"], "The two venues differ by $4,000");
        assert_eq!(
            q["what_agent_will_do"],
            "Book the one that fits and draft the confirmation"
        );
        assert_eq!(q["priority"], 1);
        let open = call(
            &registry,
            &caller,
            "list_questions",
            json!({"status": "unanswered"}),
        )
        .await;
        assert_eq!(open["total"], 1);
        // The next task skips the blocked one.
        let next = call(&registry, &caller, "get_next_task", json!({})).await;
        assert_eq!(next["task"], Value::Null);
        Ok(())
    }
}

both_backends! {
    async fn malformed_arguments_and_unknown_tools_fail_clearly_and_write_nothing(db: Db) -> anyhow::Result<()> {
        let registry = Registry::work_loop();
        let caller = agent(&db, "acme").await;
        let t = agent_task(&caller, "Draft the board update").await;
        let before = head(&caller).await;

        let cases = [
            (
                "create_task",
                json!({"title": "x", "colour": "red"}),
                "colour",
            ),
            ("create_task", json!({"description": "no title"}), "title"),
            ("create_task", json!({"title": 7}), "title"),
            (
                "complete_task",
                json!({"task_id": "not-a-uuid", "nothing_learned": true}),
                "task_id",
            ),
            (
                "block_task",
                json!({"task_id": t.id, "question_text": "Which?"}),
                "why_asking",
            ),
            ("create_draft", json!({"type": "email"}), "body"),
            (
                "capture_knowledge",
                json!(["not", "an", "object"]),
                "invalid",
            ),
        ];
        for (tool, args, mentions) in cases {
            let err = registry
                .call(&caller, tool, args.clone())
                .await
                .unwrap_err();
            assert!(
                matches!(err, ToolError::InvalidArguments { .. }),
                "{tool}({args}): {err}"
            );
            assert!(err.to_string().contains(mentions), "{tool}({args}): {err}");
        }
        // Well-formed but invalid values fail in the store, also before writing.
        let err = registry
        .call(&caller, "block_task", json!({"task_id": t.id, "question_text": "Which?", "why_asking": "a", "what_agent_will_do": "b", "priority": 9}))
        .await
        .unwrap_err();
        assert!(err.to_string().contains("priority"), "{err}");
        let err = registry
            .call(
                &caller,
                "create_draft",
                json!({"type": "fax", "body": "hi"}),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, ToolError::Store(StoreError::Domain(_))),
            "{err}"
        );

        let err = registry
            .call(
                &caller,
                "send_email",
                json!({"to": "patrick@liberty.example"}),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, ToolError::UnknownTool { .. }), "{err}");
        assert!(
            err.to_string().contains("create_draft"),
            "the error lists the real tools: {err}"
        );

        assert_eq!(head(&caller).await, before, "failed calls wrote nothing");
        let still = task::get(&db, caller.scope.tenant, t.id).await?;
        assert_eq!(still.status.as_str(), "queued");
        Ok(())
    }
}

both_backends! {
    async fn another_workspaces_task_is_not_found(db: Db) -> anyhow::Result<()> {
        let registry = Registry::work_loop();
        let mine = agent(&db, "acme").await;
        let theirs = agent(&db, "globex").await;
        let secret = agent_task(&theirs, "Globex's secret merger").await;
        let before = head(&theirs).await;
        for (tool, args) in [
            ("get_task_context", json!({"task_id": secret.id})),
            ("start_task", json!({"task_id": secret.id})),
            (
                "complete_task",
                json!({"task_id": secret.id, "nothing_learned": true}),
            ),
            (
                "update_task",
                json!({"task_id": secret.id, "title": "hijacked"}),
            ),
            (
                "cancel_task",
                json!({"task_id": secret.id, "reason": "hijacked"}),
            ),
            (
                "block_task",
                json!({"task_id": secret.id, "question_text": "?", "why_asking": "?", "what_agent_will_do": "?", "priority": 2}),
            ),
            (
                "create_draft",
                json!({"type": "email", "body": "hi", "task_id": secret.id}),
            ),
        ] {
            let err = registry.call(&mine, tool, args).await.unwrap_err();
            assert!(
                matches!(err, ToolError::Store(StoreError::NotFound { .. })),
                "{tool}: {err}"
            );
        }
        let next = call(&registry, &mine, "get_next_task", json!({})).await;
        assert_eq!(
            next["task"],
            Value::Null,
            "the other workspace's queue is not mine"
        );
        assert_eq!(head(&theirs).await, before);
        let untouched = task::get(&db, theirs.scope.tenant, secret.id).await?;
        assert_eq!(untouched.title, "Globex's secret merger");
        Ok(())
    }
}

both_backends! {
    async fn the_loop_hands_over_context_and_must_consult_playbooks(db: Db) -> anyhow::Result<()> {
        let registry = Registry::work_loop();
        let caller = agent(&db, "acme").await;
        let guide = chief_domain::playbook::NewPlaybook {
            must_consult: true,
            triggers: vec!["email".into()],
            ..playbook("email-drafting-guide")
        };
        add_playbook(&db, &caller.scope, guide).await?;
        let t = agent_task(&caller, "Draft follow-up email to Patrick").await;
        let next = call(&registry, &caller, "get_next_task", json!({})).await;
        assert_eq!(next["task"]["id"], json!(t.id));
        assert_eq!(
            next["must_consult_warnings"][0]["playbook_name"],
            "email-drafting-guide"
        );
        let found = call(
            &registry,
            &caller,
            "match_playbooks",
            json!({"task_description": "reply by email to Dana"}),
        )
        .await;
        assert_eq!(
            found["matched_playbooks"][0]["name"],
            "email-drafting-guide"
        );
        let read = call(
            &registry,
            &caller,
            "get_playbook",
            json!({"name": "Email-Drafting-Guide"}),
        )
        .await;
        assert_eq!(read["use_count"], 1, "reading records the consultation");
        let draft = call(
        &registry,
        &caller,
        "create_draft",
        json!({"type": "email", "recipient": "Patrick", "subject": "Pilot", "body": "Hi Patrick", "task_id": t.id}),
    )
    .await;
        assert_eq!(draft["status"], "pending", "a draft waits for a person");
        let revised = call(
            &registry,
            &caller,
            "revise_draft",
            json!({"draft_id": draft["id"], "body": "Hi Patrick, briefly:"}),
        )
        .await;
        assert_eq!(revised["revision_of"], draft["id"]);
        let done = call(
            &registry,
            &caller,
            "complete_task",
            json!({"task_id": t.id, "nothing_learned": true}),
        )
        .await;
        assert_eq!(
            done["must_consult_warnings"],
            json!([]),
            "the guide was read"
        );
        Ok(())
    }
}

#[test]
fn every_tool_has_an_object_schema_a_class_and_there_is_no_send_tool() {
    let registry = Registry::work_loop();
    for name in [
        "get_next_task",
        "get_task_context",
        "start_task",
        "complete_task",
        "block_task",
        "create_task",
        "update_task",
        "cancel_task",
        "match_playbooks",
        "get_playbook",
        "propose_playbook",
        "create_draft",
        "revise_draft",
        "capture_knowledge",
        "add_waiting_item",
        "list_questions",
        "get_question",
        "search",
        "update_person",
    ] {
        let tool = registry
            .get(name)
            .unwrap_or_else(|| panic!("{name} is registered"));
        assert_eq!(tool.input_schema["type"], "object", "{name}");
        assert!(!tool.description.is_empty());
        assert!(
            !serde_json::to_string(&tool.input_schema)
                .unwrap()
                .contains("$ref"),
            "{name} is inlined"
        );
        // Sent with every model call: nothing in it that tells the model nothing.
        assert!(
            !tool.input_schema.contains_key("description"),
            "{name}: the request type's own description is the API's"
        );
        assert!(
            !serde_json::to_string(&tool.input_schema)
                .unwrap()
                .contains(r#""default":null"#),
            "{name} spells out no null default"
        );
    }
    assert!(registry.tools().iter().all(|t| !t.name.contains("send")));
    assert_eq!(
        registry.get("get_next_task").unwrap().class,
        ToolClass::Read
    );
    assert_eq!(
        registry.get("complete_task").unwrap().class,
        ToolClass::Write
    );
    assert_eq!(
        registry.get("create_draft").unwrap().class,
        ToolClass::Propose
    );
    let block = &registry.get("block_task").unwrap().input_schema;
    let required: Vec<&str> = block["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for field in [
        "question_text",
        "why_asking",
        "what_agent_will_do",
        "priority",
    ] {
        assert!(required.contains(&field), "block_task requires {field}");
    }
    assert_eq!(
        registry.get("create_task").unwrap().input_schema["additionalProperties"],
        false
    );
}
