//! The dashboard's Settings page over HTTP, on SQLite and PostgreSQL: an
//! API key's secret is shown once and the key works, then is revoked; the
//! time zone and the briefing times refuse bad input inline, keeping what
//! was typed, and save good input (audited, the jobs retimed); triggers and
//! channels pause and resume; a member cannot reach another user's, and
//! another workspace's ids are 404s. Every form needs the CSRF token.

use axum::http::StatusCode;
use chief_domain::tenant::User;
use chief_store::{Db, Scope, audit, channel, job, tenancy, trigger};
use serde_json::json;

mod common;

use chief_testkit::both_backends;
use common::browser::{Browser, owner_with_password};
use common::{call, key_for};

const PW: &str = "correct horse battery";

async fn signed_in(db: &Db, slug: &str) -> (Browser, User, String) {
    let key = key_for(db, slug).await;
    let owner = owner_with_password(db, slug, PW).await;
    let mut b = Browser::new(db);
    b.login(&format!("owner@{slug}.test"), PW).await;
    (b, owner, key)
}

both_backends! {
    async fn an_api_key_is_shown_once_works_and_is_revoked(db: &Db) {
        let (mut b, owner, _) = signed_in(db, "acme").await;
        assert_eq!(b.post_raw("/settings/keys", &[("name", "laptop")]).await.status, StatusCode::FORBIDDEN);

        let made = b.post("/settings/keys", &[("name", "laptop")]).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        let marker = "id=\"new-key\" readonly value=\"";
        let at = made.body.find(marker).expect("the secret is shown") + marker.len();
        let secret = made.body[at..at + made.body[at..].find('"').unwrap()].to_string();
        assert!(secret.starts_with("chief_"), "{secret}");
        let (status, _, me) = call(db, "GET", "/api/users/me", Some(&secret), None).await;
        assert_eq!((status, me["id"].as_str()), (StatusCode::OK, Some(owner.id.to_string().as_str())));

        let again = b.get("/settings").await.body;
        assert!(again.contains("laptop") && !again.contains(&secret), "the secret is never shown twice");

        let empty = b.post("/settings/keys", &[("name", "   ")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("must be 1 to 100 characters"));

        let keys = tenancy::keys_of_user(db, owner.tenant_id, owner.id).await.unwrap();
        let laptop = keys.iter().find(|k| k.name == "laptop").unwrap();
        let revoked = b.post(&format!("/settings/keys/{}/revoke", laptop.id), &[]).await;
        assert_eq!(revoked.status, StatusCode::SEE_OTHER);
        assert_eq!(call(db, "GET", "/api/users/me", Some(&secret), None).await.0, StatusCode::UNAUTHORIZED);
        let twice = b.post(&format!("/settings/keys/{}/revoke", laptop.id), &[]).await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        assert!(twice.body.contains("already revoked"));
        let log = audit::list(db, owner.tenant_id, Some(laptop.id), 5).await.unwrap();
        assert!(log.iter().all(|e| e.user_id == Some(owner.id)) && log.len() >= 2);

        key_for(db, "other").await;
        let them = owner_with_password(db, "other", PW).await;
        let theirs = tenancy::keys_of_user(db, them.tenant_id, them.id).await.unwrap()[0].id;
        assert_eq!(b.post(&format!("/settings/keys/{theirs}/revoke"), &[]).await.status, StatusCode::NOT_FOUND);
    }

    async fn the_time_zone_refuses_a_bad_name_inline_and_moves_the_jobs_with_a_good_one(db: &Db) {
        let (mut b, owner, _) = signed_in(db, "acme").await;
        let mut tx = db.write(&Scope::user(owner.tenant_id, owner.id)).await.unwrap();
        job::ensure_builtin(&mut tx, owner.id, "UTC").await.unwrap();
        tx.commit().await.unwrap();

        let bad = b.post("/settings/timezone", &[("timezone", "Mars/Olympus")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("is not an IANA timezone"), "{}", bad.body);
        assert!(bad.body.contains(r#"value="Mars/Olympus""#));
        assert_eq!(tenancy::get_user(db, owner.tenant_id, owner.id).await.unwrap().timezone, "UTC");

        let good = b.post("/settings/timezone", &[("timezone", "Europe/Madrid")]).await;
        assert_eq!(good.status, StatusCode::SEE_OTHER);
        assert_eq!(tenancy::get_user(db, owner.tenant_id, owner.id).await.unwrap().timezone, "Europe/Madrid");
        let morning = job::by_name(db, owner.tenant_id, owner.id, "morning_briefing").await.unwrap();
        assert_eq!(morning.timezone, "Europe/Madrid");
        let log = audit::list(db, owner.tenant_id, Some(owner.id), 5).await.unwrap();
        assert_eq!(log[0].action, "user.updated");
        assert!(b.get("/settings").await.body.contains(r#"value="Europe/Madrid""#));
    }

    async fn briefing_times_refuse_a_bad_time_inline_and_retime_the_jobs(db: &Db) {
        let (mut b, owner, _) = signed_in(db, "acme").await;
        let mut tx = db.write(&Scope::user(owner.tenant_id, owner.id)).await.unwrap();
        job::ensure_builtin(&mut tx, owner.id, "UTC").await.unwrap();
        tx.commit().await.unwrap();
        let page = b.get("/settings").await.body;
        assert!(page.contains(r#"name="morning" value="08:00""#), "{page}");
        assert!(page.contains(r#"name="midday" value="12:30""#));

        let fields = |morning: &'static str| [("morning", morning), ("midday", "12:30"), ("evening", "18:00"), ("weekly", "09:00"), ("weekly_day", "5")];
        let bad = b.post("/settings/briefing-times", &fields("25:61")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("is not a time of day"), "{}", bad.body);
        assert!(bad.body.contains(r#"name="morning" value="25:61""#));
        assert_eq!(job::by_name(db, owner.tenant_id, owner.id, "morning_briefing").await.unwrap().schedule, "0 8 * * *");

        let ok = b.post("/settings/briefing-times", &fields("7:15")).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        assert_eq!(job::by_name(db, owner.tenant_id, owner.id, "morning_briefing").await.unwrap().schedule, "15 7 * * *");
        assert_eq!(job::by_name(db, owner.tenant_id, owner.id, "weekly_review").await.unwrap().schedule, "0 9 * * 5");
        let page = b.get("/settings").await.body;
        assert!(page.contains(r#"name="morning" value="07:15""#));
        assert!(page.contains(r#"<option value="5" selected>Friday"#), "{page}");
    }

    async fn triggers_and_channels_pause_and_resume_but_not_another_users(db: &Db) {
        let (mut b, owner, key) = signed_in(db, "acme").await;
        let (status, _, t) = call(db, "POST", "/api/triggers", Some(&key), Some(json!({"template": "friday-wins"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{t}");
        let tid: uuid::Uuid = t["id"].as_str().unwrap().parse().unwrap();
        let (status, _, c) = call(db, "POST", "/api/channels", Some(&key), Some(json!({"kind": "webhook", "name": "ops hook", "config": {"url": "https://hooks.example.test/in"}}))).await;
        assert_eq!(status, StatusCode::CREATED, "{c}");
        let cid: uuid::Uuid = c["channel"]["id"].as_str().unwrap().parse().unwrap();

        let page = b.get("/settings").await.body;
        assert!(page.contains("friday-wins") && page.contains("ops hook"), "{page}");
        assert_eq!(b.post_raw(&format!("/settings/triggers/{tid}/off"), &[]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(b.post(&format!("/settings/triggers/{tid}/off"), &[]).await.status, StatusCode::SEE_OTHER);
        assert!(!trigger::get(db, owner.tenant_id, tid).await.unwrap().enabled);
        assert_eq!(b.post(&format!("/settings/channels/{cid}/off"), &[]).await.status, StatusCode::SEE_OTHER);
        assert!(!channel::get(db, owner.tenant_id, cid).await.unwrap().enabled);
        let page = b.get("/settings").await.body;
        assert!(page.contains("Resume the trigger friday-wins") && page.contains("Enable the channel ops hook"));
        b.post(&format!("/settings/triggers/{tid}/on"), &[]).await;
        b.post(&format!("/settings/channels/{cid}/on"), &[]).await;
        assert!(trigger::get(db, owner.tenant_id, tid).await.unwrap().enabled);
        assert!(channel::get(db, owner.tenant_id, cid).await.unwrap().enabled);
        assert_eq!(b.post(&format!("/settings/channels/{cid}/sideways"), &[]).await.status, StatusCode::BAD_REQUEST);

        // A member sees neither and cannot switch them.
        common::member_key(db, "acme").await;
        let member = tenancy::list_users(db, owner.tenant_id).await.unwrap().into_iter().find(|u| u.id != owner.id).unwrap();
        let mut tx = db.write(&Scope::user(owner.tenant_id, owner.id)).await.unwrap();
        chief_store::password::set_password(&mut tx, member.id, PW).await.unwrap();
        tx.commit().await.unwrap();
        let mut m = Browser::new(db);
        m.login(&member.email, PW).await;
        let theirs = m.get("/settings").await.body;
        assert!(!theirs.contains("friday-wins") && !theirs.contains("ops hook"));
        assert_eq!(m.post(&format!("/settings/triggers/{tid}/off"), &[]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(m.post(&format!("/settings/channels/{cid}/off"), &[]).await.status, StatusCode::NOT_FOUND);
        assert!(trigger::get(db, owner.tenant_id, tid).await.unwrap().enabled);

        // Another workspace's owner gets 404s too.
        let (mut other, _, _) = signed_in(db, "other").await;
        assert_eq!(other.post(&format!("/settings/triggers/{tid}/off"), &[]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(other.post(&format!("/settings/channels/{cid}/off"), &[]).await.status, StatusCode::NOT_FOUND);
    }
}
