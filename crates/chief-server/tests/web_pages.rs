//! The dashboard's pages over HTTP, on SQLite and PostgreSQL: quick add
//! with its preview, filters, the task drawer's edit (a stale edit is a
//! conflict, not an overwrite), complete and delete; draft review; live
//! updates; and another workspace's ids answering 404.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chief_domain::draft::{DraftType, NewDraft};
use chief_domain::person::NewPerson;
use chief_domain::task::{NewTask, TaskPatch};
use chief_store::{Db, Scope, draft, person, task};
use http_body_util::BodyExt;
use tower::ServiceExt;

mod common;

use chief_testkit::both_backends;
use common::browser::{Browser, owner_with_password};
use common::key_for;

const PW: &str = "correct horse battery";

async fn signed_in(db: &Db, slug: &str) -> (Browser, chief_domain::tenant::User) {
    key_for(db, slug).await;
    let owner = owner_with_password(db, slug, PW).await;
    let mut b = Browser::new(db);
    b.login(&format!("owner@{slug}.test"), PW).await;
    (b, owner)
}

async fn new_task(
    db: &Db,
    owner: &chief_domain::tenant::User,
    title: &str,
) -> chief_domain::task::Task {
    let mut tx = db
        .write(&Scope::user(owner.tenant_id, owner.id))
        .await
        .unwrap();
    let t = task::create(
        &mut tx,
        owner.id,
        NewTask {
            title: title.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    t
}

both_backends! {
    async fn quick_add_previews_then_adds_the_task_and_refuses_a_bad_date_inline(db: &Db) {
        let (mut b, _) = signed_in(db, "acme").await;
        let preview = b.post("/tasks/preview", &[("text", "Call Patrick tomorrow 3pm !1 +liberty")]).await;
        assert_eq!(preview.status, StatusCode::OK);
        for needle in ["Call Patrick", "P1", "liberty", "Patrick"] {
            assert!(preview.body.contains(needle), "{needle}: {}", preview.body);
        }
        let added = b.post("/tasks", &[("text", "Call Patrick tomorrow 3pm !1 +liberty")]).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER);
        let page = b.get(added.location()).await;
        assert!(page.body.contains("Call Patrick"), "{}", page.body);
        assert!(page.body.contains("id=\"drawer\""));

        let bad = b.post("/tasks", &[("text", "Pay rent due:2026-02-30")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("2026-02-30 is not a date"), "{}", bad.body);
        assert!(bad.body.contains(r#"value="Pay rent due:2026-02-30""#));
        assert!(!b.get("/tasks").await.body.contains("Pay rent"));
    }

    async fn the_filters_show_mine_the_agents_and_blocked_tasks(db: &Db) {
        let (mut b, _) = signed_in(db, "acme").await;
        b.post("/tasks", &[("text", "Mine to do")]).await;
        b.post("/tasks", &[("text", "Research vendors @agent")]).await;
        let mine = b.get("/tasks?filter=mine").await.body;
        assert!(mine.contains("Mine to do") && !mine.contains("Research vendors"));
        let agent = b.get("/tasks?filter=agent").await.body;
        assert!(agent.contains("Research vendors") && !agent.contains("Mine to do"));
        let blocked = b.get("/tasks?filter=blocked").await.body;
        assert!(!blocked.contains("Mine to do") && !blocked.contains("Research vendors"));
        let found = b.get("/tasks?q=vendors").await.body;
        assert!(found.contains("Research vendors") && !found.contains("Mine to do"));
    }

    async fn a_stale_edit_is_a_conflict_that_keeps_what_was_typed(db: &Db) {
        let (mut b, owner) = signed_in(db, "acme").await;
        let t = new_task(db, &owner, "Write the report").await;
        let drawer = b.get(&format!("/tasks?open={}", t.id)).await.body;
        let at = drawer.find(r#"name="version" value=""#).unwrap() + 22;
        let version = drawer[at..at + drawer[at..].find('"').unwrap()].to_string();

        // Someone else changes the task after the page loaded.
        let mut tx = db.write(&Scope::user(owner.tenant_id, owner.id)).await.unwrap();
        task::update(&mut tx, t.id, TaskPatch { title: Some("Write the Q3 report".into()), ..Default::default() }).await.unwrap();
        tx.commit().await.unwrap();

        let edit = |title: &'static str, version: String| {
            vec![("title", title.to_string()), ("description", String::new()), ("priority", "2".into()), ("assignee", "user".into()), ("version", version)]
        };
        let fields = edit("Write the short report", version.clone());
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let stale = b.post(&format!("/tasks/{}/edit", t.id), &pairs).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(stale.body.contains("changed since you opened it"), "{}", stale.body);
        assert!(stale.body.contains(r#"value="Write the short report""#));
        assert_eq!(task::get(db, owner.tenant_id, t.id).await.unwrap().title, "Write the Q3 report");

        // With the current version, the edit lands.
        let fresh = task::get(db, owner.tenant_id, t.id).await.unwrap();
        let fields = edit("Write the short report", fresh.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let ok = b.post(&format!("/tasks/{}/edit", t.id), &pairs).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let saved = task::get(db, owner.tenant_id, t.id).await.unwrap();
        assert_eq!((saved.title.as_str(), saved.priority.get()), ("Write the short report", 2));
    }

    async fn complete_and_delete_from_the_drawer(db: &Db) {
        let (mut b, owner) = signed_in(db, "acme").await;
        let t = new_task(db, &owner, "File expenses").await;
        let u = new_task(db, &owner, "Old idea").await;
        b.get(&format!("/tasks?open={}", t.id)).await;
        assert_eq!(b.post(&format!("/tasks/{}/complete", t.id), &[]).await.status, StatusCode::SEE_OTHER);
        assert_eq!(task::get(db, owner.tenant_id, t.id).await.unwrap().status.as_str(), "completed");
        let history = b.get(&format!("/tasks?open={}", t.id)).await.body;
        assert!(history.contains("task.status_changed") || history.contains("task.completed"), "{history}");
        assert_eq!(b.post(&format!("/tasks/{}/delete", u.id), &[]).await.status, StatusCode::SEE_OTHER);
        assert!(!b.get("/tasks").await.body.contains("Old idea"));
    }

    async fn another_workspaces_task_and_draft_are_404s(db: &Db) {
        let (mut b, _) = signed_in(db, "acme").await;
        key_for(db, "other").await;
        let them = owner_with_password(db, "other", PW).await;
        let theirs = new_task(db, &them, "Their secret").await;
        assert_eq!(b.get(&format!("/tasks?open={}", theirs.id)).await.status, StatusCode::NOT_FOUND);
        for action in ["complete", "delete"] {
            assert_eq!(b.post(&format!("/tasks/{}/{action}", theirs.id), &[]).await.status, StatusCode::NOT_FOUND);
        }
        let fields = [("title", "Mine now"), ("priority", "1"), ("assignee", "user"), ("version", "2026-01-01T00:00:00Z")];
        assert_eq!(b.post(&format!("/tasks/{}/edit", theirs.id), &fields).await.status, StatusCode::NOT_FOUND);
        let mut tx = db.write(&Scope::user(them.tenant_id, them.id)).await.unwrap();
        let d = draft::create(&mut tx, them.id, NewDraft { task_id: None, draft_type: DraftType::Email, recipient: None, subject: None, body: "Hi".into(), relationship_context: None }).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(b.post(&format!("/drafts/{}", d.id), &[("action", "approve")]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(task::get(db, them.tenant_id, theirs.id).await.unwrap().title, "Their secret");
        assert!(!b.get("/drafts").await.body.contains(&d.id.to_string()));
    }

    async fn drafts_are_approved_rejected_with_feedback_and_revised(db: &Db) {
        let (mut b, owner) = signed_in(db, "acme").await;
        let mut tx = db.write(&Scope::user(owner.tenant_id, owner.id)).await.unwrap();
        person::create(&mut tx, owner.id, NewPerson { name: "Patrick Fields".into(), communication_notes: Some("Prefers short emails".into()), ..Default::default() }).await.unwrap();
        let mut made = vec![];
        for subject in ["One", "Two", "Three"] {
            made.push(draft::create(&mut tx, owner.id, NewDraft { task_id: None, draft_type: DraftType::Email, recipient: Some("Patrick Fields".into()), subject: Some(subject.into()), body: format!("Body {subject}"), relationship_context: None }).await.unwrap());
        }
        tx.commit().await.unwrap();
        let page = b.get("/drafts").await.body;
        assert!(page.contains("Prefers short emails"), "the relationship context is shown: {page}");
        assert_eq!(b.post(&format!("/drafts/{}", made[0].id), &[("action", "approve")]).await.status, StatusCode::SEE_OTHER);
        assert_eq!(b.post(&format!("/drafts/{}", made[1].id), &[("action", "reject"), ("feedback", "Too formal")]).await.status, StatusCode::SEE_OTHER);
        let empty = b.post(&format!("/drafts/{}", made[2].id), &[("action", "revise"), ("body", "  ")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("role=\"alert\""));
        assert_eq!(b.post(&format!("/drafts/{}", made[2].id), &[("action", "revise"), ("body", "Shorter"), ("subject", "Three")]).await.status, StatusCode::SEE_OTHER);
        let t = owner.tenant_id;
        assert_eq!(draft::get(db, t, made[0].id).await.unwrap().status.as_str(), "approved");
        let rejected = draft::get(db, t, made[1].id).await.unwrap();
        assert_eq!((rejected.status.as_str(), rejected.feedback.as_deref()), ("rejected", Some("Too formal")));
        assert_eq!(draft::get(db, t, made[2].id).await.unwrap().status.as_str(), "revised");
        let page = b.get("/drafts").await.body;
        assert!(page.contains("Shorter") && !page.contains("Body One"));
    }

    async fn a_change_reaches_an_open_page_over_the_live_stream(db: &Db) {
        let (b, owner) = signed_in(db, "acme").await;
        let req = Request::get("/live")
            .header(header::COOKIE, format!("chief_session={}", b.cookie.clone().unwrap()))
            .body(Body::empty())
            .unwrap();
        let resp = b.app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let mut body = resp.into_body();
        // The stream is open once its first frame (the retry hint) arrives.
        body.frame().await.unwrap().unwrap();
        new_task(db, &owner, "Made elsewhere").await;
        let mut seen = String::new();
        while !seen.contains("event: change") {
            let frame = tokio::time::timeout(std::time::Duration::from_secs(10), body.frame())
                .await
                .expect("the change arrives")
                .unwrap()
                .unwrap();
            if let Ok(data) = frame.into_data() {
                seen.push_str(&String::from_utf8_lossy(&data));
            }
        }
        assert!(seen.contains("data: task.created"), "{seen}");

        let anonymous = b.app.clone().oneshot(Request::get("/live").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    }
}
