//! The dashboard's Calendar, Sales, Activity and Briefings pages over HTTP,
//! on SQLite and PostgreSQL: the week and month views place events and due
//! tasks on their days in the viewer's time zone; a deal advances on the
//! board (audited, CSRF-checked, 404 across workspaces); the activity log
//! filters and opens one trace; briefings list where they went and render
//! their Markdown with HTML escaped, and another user's briefing is a 404.

use axum::http::StatusCode;
use chief_brain::briefing::BriefingKind;
use chief_domain::calendar::NewCalendarEvent;
use chief_domain::delivery::Notice;
use chief_domain::sales::NewSalesOpportunity;
use chief_domain::task::NewTask;
use chief_domain::tenant::{Role, User};
use chief_store::tenancy::{self, NewUser, UserPatch};
use chief_store::{Db, Scope, audit, briefing, calendar, delivery, sales, task};
use chrono::{TimeZone, Utc};

mod common;

use chief_testkit::both_backends;
use common::browser::{Browser, owner_with_password};
use common::key_for;

const PW: &str = "correct horse battery";

async fn signed_in(db: &Db, slug: &str) -> (Browser, User) {
    key_for(db, slug).await;
    let owner = owner_with_password(db, slug, PW).await;
    let mut b = Browser::new(db);
    b.login(&format!("owner@{slug}.test"), PW).await;
    (b, owner)
}

fn scope(u: &User) -> Scope {
    Scope::user(u.tenant_id, u.id)
}

both_backends! {
    async fn the_week_and_month_views_put_events_and_due_tasks_on_their_local_days(db: &Db) {
        let (mut b, owner) = signed_in(db, "acme").await;
        let mut tx = db.write(&scope(&owner)).await.unwrap();
        tenancy::update_user(&mut tx, owner.id, UserPatch { timezone: Some("America/New_York".into()), ..Default::default() }).await.unwrap();
        // 02:30 UTC on the 12th is still the 11th in New York.
        calendar::create(&mut tx, owner.id, NewCalendarEvent {
            title: "Board call".into(),
            starts_at: Utc.with_ymd_and_hms(2026, 3, 12, 2, 30, 0).unwrap(),
            ..Default::default()
        }).await.unwrap();
        task::create(&mut tx, owner.id, NewTask {
            title: "Send the deck".into(),
            due_date: Some(Utc.with_ymd_and_hms(2026, 3, 13, 15, 0, 0).unwrap()),
            ..Default::default()
        }).await.unwrap();
        tx.commit().await.unwrap();

        let week = b.get("/calendar?view=week&date=2026-03-11").await;
        assert_eq!(week.status, StatusCode::OK);
        let day = |page: &str, iso: &str| {
            let at = page.find(&format!("id=\"day-{iso}\"")).unwrap_or_else(|| panic!("no {iso}: {page}"));
            page[at..at + page[at..].find("</section>").unwrap()].to_string()
        };
        assert!(day(&week.body, "2026-03-11").contains("Board call"), "{}", week.body);
        assert!(day(&week.body, "2026-03-11").contains("22:30"));
        assert!(day(&week.body, "2026-03-13").contains("Send the deck"));
        assert!(week.body.contains("Week of 9 March 2026"));
        assert!(week.body.contains("date=2026-03-18\" rel=\"next\""), "next week link: {}", week.body);

        let month = b.get("/calendar?view=month&date=2026-03-11").await;
        assert!(month.body.contains("March 2026"));
        assert!(day(&month.body, "2026-03-11").contains("Board call"));
        assert!(month.body.contains("id=\"day-2026-03-31\""));
        assert!(!week.body.contains("id=\"day-2026-03-31\""));

        let bad = b.get("/calendar?date=2026-02-30").await;
        assert_eq!(bad.status, StatusCode::OK);
        assert!(bad.body.contains("is not a date"), "{}", bad.body);
    }

    async fn a_deal_advances_on_the_board_with_csrf_and_an_audit_entry(db: &Db) {
        let (mut b, owner) = signed_in(db, "acme").await;
        let mut tx = db.write(&scope(&owner)).await.unwrap();
        let deal = sales::create(&mut tx, owner.id, NewSalesOpportunity {
            name: "Liberty renewal".into(),
            value_cents: Some(1_250_000),
            next_action: Some("Send proposal".into()),
            ..Default::default()
        }).await.unwrap();
        tx.commit().await.unwrap();

        let board = b.get("/sales").await.body;
        let lead = &board[board.find("id=\"col-lead\"").unwrap()..board.find("id=\"col-qualified\"").unwrap()];
        assert!(lead.contains("Liberty renewal") && lead.contains("12,500.00") && lead.contains("Send proposal"), "{board}");

        let path = format!("/sales/{}/advance", deal.id);
        assert_eq!(b.post_raw(&path, &[]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(sales::get(db, owner.tenant_id, deal.id).await.unwrap().stage.as_str(), "lead");

        let moved = b.post(&path, &[]).await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER);
        assert_eq!(sales::get(db, owner.tenant_id, deal.id).await.unwrap().stage.as_str(), "qualified");
        let log = audit::list(db, owner.tenant_id, Some(deal.id), 5).await.unwrap();
        assert_eq!(log[0].action, "sales.stage_changed");
        assert_eq!(log[0].user_id, Some(owner.id));
        let board = b.get("/sales").await.body;
        let qualified = &board[board.find("id=\"col-qualified\"").unwrap()..board.find("id=\"col-proposal\"").unwrap()];
        assert!(qualified.contains("Liberty renewal"));

        for _ in 0..3 {
            b.post(&path, &[]).await;
        }
        let closed = b.post(&path, &[]).await;
        assert_eq!(closed.status, StatusCode::CONFLICT);
        assert!(closed.body.contains("closed"), "{}", closed.body);

        key_for(db, "other").await;
        let them = owner_with_password(db, "other", PW).await;
        let mut tx = db.write(&scope(&them)).await.unwrap();
        let theirs = sales::create(&mut tx, them.id, NewSalesOpportunity { name: "Their deal".into(), ..Default::default() }).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(b.post(&format!("/sales/{}/advance", theirs.id), &[]).await.status, StatusCode::NOT_FOUND);
        assert!(!b.get("/sales").await.body.contains("Their deal"));
    }

    async fn the_activity_log_filters_and_opens_a_trace(db: &Db) {
        let (mut b, owner) = signed_in(db, "acme").await;
        let mut s = scope(&owner);
        s.trace_id = Some("trace-one".into());
        let mut tx = db.write(&s).await.unwrap();
        task::create(&mut tx, owner.id, NewTask { title: "Traced task".into(), ..Default::default() }).await.unwrap();
        sales::create(&mut tx, owner.id, NewSalesOpportunity { name: "Traced deal".into(), ..Default::default() }).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = db.write(&scope(&owner)).await.unwrap();
        task::create(&mut tx, owner.id, NewTask { title: "Other task".into(), ..Default::default() }).await.unwrap();
        tx.commit().await.unwrap();

        let all = b.get("/activity").await;
        assert_eq!(all.status, StatusCode::OK);
        assert!(all.body.contains("task.created") && all.body.contains("sales.created"), "{}", all.body);
        assert!(all.body.contains("href=\"/activity?trace=trace-one\""));
        let newest = all.body.find("Other task").unwrap();
        assert!(newest < all.body.find("Traced task").unwrap(), "newest first");

        let tasks_only = b.get("/activity?entity_type=task").await.body;
        assert!(tasks_only.contains("task.created") && !tasks_only.contains("sales.created"));
        let by_system = b.get("/activity?actor=system").await.body;
        assert!(!by_system.contains("Traced task"));
        let bad = b.get("/activity?actor=robot").await;
        assert!(bad.body.contains("is not an actor"), "{}", bad.body);

        let trace = b.get("/activity?trace=trace-one").await.body;
        assert!(trace.contains("Traced task") && trace.contains("Traced deal"), "{trace}");
        assert!(!trace.contains("Other task"));
        assert!(trace.contains("2 changes"), "{trace}");

        // Another workspace's trace shows nothing of it.
        key_for(db, "other").await;
        let them = owner_with_password(db, "other", PW).await;
        let mut s = scope(&them);
        s.trace_id = Some("trace-theirs".into());
        let mut tx = db.write(&s).await.unwrap();
        task::create(&mut tx, them.id, NewTask { title: "Their secret".into(), ..Default::default() }).await.unwrap();
        tx.commit().await.unwrap();
        let theirs = b.get("/activity?trace=trace-theirs").await.body;
        assert!(!theirs.contains("Their secret") && theirs.contains("No activity"));
    }

    async fn the_activity_log_pages_without_losing_or_repeating_entries(db: &Db) {
        let (mut b, owner) = signed_in(db, "acme").await;
        let mut tx = db.write(&scope(&owner)).await.unwrap();
        for i in 0..120 {
            task::create(&mut tx, owner.id, NewTask { title: format!("Paged task {i}"), ..Default::default() }).await.unwrap();
        }
        tx.commit().await.unwrap();
        let total = audit::head_seq(db, owner.tenant_id).await.unwrap();
        assert!(total > 100, "{total}");

        let first = b.get("/activity").await.body;
        assert!(first.contains(&format!("1 to 50 of {total}")), "{first}");
        assert!(first.contains("Paged task 119"), "newest first");
        assert!(first.contains("href=\"/activity?offset=50\""), "an older link");
        let last_offset = (total - 1) / 50 * 50;
        let last = b.get(&format!("/activity?offset={last_offset}")).await.body;
        assert!(last.contains(&format!("{} to {total} of {total}", last_offset + 1)), "{last}");
        assert!(!last.contains(&format!("offset={}", last_offset + 50)), "no older link on the last page");

        // A filtered page is not counted; one row more tells whether older ones follow.
        let tasks = b.get("/activity?entity_type=task").await.body;
        assert!(tasks.contains("1 to 50<") || tasks.contains("1 to 50 "), "{tasks}");
        assert!(["&amp;", "&#38;", "&"].iter().any(|amp| tasks.contains(&format!("entity_type=task{amp}offset=50"))), "{tasks}");
        let rest = b.get("/activity?entity_type=task&offset=100").await.body;
        assert!(rest.contains("101 to 120"), "{rest}");
        assert!(rest.contains("Paged task 0") && !rest.contains("offset=150"), "{rest}");
    }

    async fn briefings_list_where_they_went_and_render_markdown_with_html_escaped(db: &Db) {
        let (mut b, owner) = signed_in(db, "acme").await;
        let mut tx = db.write(&scope(&owner)).await.unwrap();
        task::create(&mut tx, owner.id, NewTask {
            title: "<script>alert(1)</script> Pay invoices".into(),
            due_date: Some(Utc::now()),
            ..Default::default()
        }).await.unwrap();
        tx.commit().await.unwrap();
        // Composed and delivered in one transaction, as the scheduler does.
        let composed = chief_app::briefing::compose(db, owner.tenant_id, owner.id, BriefingKind::Morning, Utc::now()).await.unwrap();
        let notice = Notice { title: composed.briefing.title.clone(), text: composed.text.clone(), markdown: composed.markdown.clone(), data: serde_json::Value::Null };
        let system = Scope { tenant: owner.tenant_id, actor: chief_domain::log::Actor::system(), trace_id: Some(chief_store::new_trace_id()), now: None };
        let mut tx = db.write(&system).await.unwrap();
        let kept = briefing::store(&mut tx, owner.id, BriefingKind::Morning, composed).await.unwrap();
        delivery::enqueue(&mut tx, owner.id, "briefing.morning", Some("briefing:test"), &notice).await.unwrap();
        tx.commit().await.unwrap();
        let on_request = chief_app::briefing::compose_and_store(db, &scope(&owner), owner.id, BriefingKind::Evening, Utc::now()).await.unwrap();

        let list = b.get("/briefings").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains(&format!("/briefings/{}", kept.id)) && list.body.contains(&format!("/briefings/{}", on_request.id)));
        assert!(list.body.contains("morning") && list.body.contains("evening"));
        assert!(list.body.contains("Delivered to: dashboard"), "{}", list.body);
        assert!(list.body.contains("kept only (not sent)"));

        let one = b.get(&format!("/briefings/{}", kept.id)).await;
        assert_eq!(one.status, StatusCode::OK);
        assert!(one.body.contains("<h1>Morning plan"), "{}", one.body);
        assert!(one.body.contains("Pay invoices"));
        assert!(!one.body.contains("<script>alert(1)</script>"), "{}", one.body);
        assert!(one.body.contains("&lt;script&gt;"));

        key_for(db, "other").await;
        let them = owner_with_password(db, "other", PW).await;
        let theirs = chief_app::briefing::compose_and_store(db, &scope(&them), them.id, BriefingKind::Morning, Utc::now()).await.unwrap();
        assert_eq!(b.get(&format!("/briefings/{}", theirs.id)).await.status, StatusCode::NOT_FOUND);
    }

    async fn another_users_briefing_page_is_a_404_in_the_same_workspace(db: &Db) {
        let (mut b, owner) = signed_in(db, "acme").await;
        let mut tx = db.write(&scope(&owner)).await.unwrap();
        let colleague = tenancy::add_user(&mut tx, NewUser {
            email: "colleague@acme.test".into(),
            name: None,
            role: Role::Member,
            timezone: "UTC".into(),
        }).await.unwrap();
        task::create(&mut tx, colleague.id, NewTask {
            title: "Colleague's private plan".into(),
            assignee: Some(chief_domain::task::Assignee::User),
            due_date: Some(Utc::now()),
            ..Default::default()
        }).await.unwrap();
        tx.commit().await.unwrap();
        let theirs = chief_app::briefing::compose_and_store(db, &scope(&colleague), colleague.id, BriefingKind::Morning, Utc::now()).await.unwrap();
        let page = b.get(&format!("/briefings/{}", theirs.id)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(!page.body.contains("private plan"), "{}", page.body);
        let mine = chief_app::briefing::compose_and_store(db, &scope(&owner), owner.id, BriefingKind::Morning, Utc::now()).await.unwrap();
        assert_eq!(b.get(&format!("/briefings/{}", mine.id)).await.status, StatusCode::OK);
    }
}
