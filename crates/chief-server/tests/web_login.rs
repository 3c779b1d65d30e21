//! The dashboard's login, sessions and CSRF, on SQLite and PostgreSQL: a
//! page without a session goes to the login page and comes back after it;
//! a wrong password gets one generic message and repeated tries are
//! limited; form posts need the session's CSRF token; logout and expiry end
//! a session; another workspace's ids answer 404.

use axum::http::StatusCode;
use chief_domain::question::NewQuestion;
use chief_domain::task::NewTask;
use chief_store::{Db, Scope, task, web_session};
use chrono::{Duration, Utc};

mod common;

use chief_testkit::both_backends;
use common::browser::{Browser, owner_with_password};
use common::key_for;

const PW: &str = "correct horse battery";

/// A blocked task of the owner of `slug` and the question blocking it.
async fn blocked_task(db: &Db, slug: &str) -> (uuid::Uuid, uuid::Uuid) {
    let owner = owner_with_password(db, slug, PW).await;
    let mut tx = db
        .write(&Scope::user(owner.tenant_id, owner.id))
        .await
        .unwrap();
    let t = task::create(
        &mut tx,
        owner.id,
        NewTask {
            title: "Send the renewal".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (_, q) = task::block(
        &mut tx,
        t.id,
        NewQuestion {
            text: "Which price tier?".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (t.id, q.id)
}

both_backends! {
    async fn the_login_form_needs_its_csrf_token_and_cookie(db: &Db) {
        key_for(db, "acme").await;
        owner_with_password(db, "acme", PW).await;
        let mut b = Browser::new(db);
        let fields = [("email", "owner@acme.test"), ("password", PW)];
        // No form loaded: no cookie, no token.
        let forged = b.post_raw("/login", &fields).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert!(forged.body.contains("This form is missing its security token; reload the page and sign in again."), "{}", forged.body);
        assert!(!forged.body.contains("expired"), "there never was a token to expire: {}", forged.body);
        assert!(forged.body.contains(r#"value="owner@acme.test""#));
        assert!(b.cookie.is_none());
        // A token that is not the cookie's.
        b.get("/login").await;
        let cookie = b.login_cookie.clone().expect("the form sets its cookie");
        let mut wrong = fields.to_vec();
        wrong.push(("csrf", "not-the-token"));
        let replaced = b.post_raw("/login", &wrong).await;
        assert_eq!(replaced.status, StatusCode::FORBIDDEN);
        assert!(replaced.body.contains("replaced by a newer one"), "{}", replaced.body);
        assert!(b.cookie.is_none());
        // A token whose cookie ran out (the browser dropped it) expired.
        let mut stale = Browser::new(db);
        let mut with_token = fields.to_vec();
        with_token.push(("csrf", cookie.as_str()));
        let expired = stale.post_raw("/login", &with_token).await;
        assert_eq!(expired.status, StatusCode::FORBIDDEN);
        assert!(expired.body.contains("This login form expired"), "{}", expired.body);
        // The cookie is scoped to the login form and strict.
        let page = b.get("/login").await;
        let set = page.headers["set-cookie"].to_str().unwrap();
        assert!(set.contains("Path=/login") && set.contains("SameSite=Strict") && set.contains("HttpOnly"), "{set}");
        assert_ne!(b.login_cookie.as_deref(), Some(cookie.as_str()), "each form gets a fresh token");
        let done = b.post_login(&fields).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert!(b.cookie.is_some());
        assert!(b.login_cookie.is_none(), "signing in clears the form's cookie");
    }

    async fn a_page_without_a_session_goes_to_login_and_returns_after_it(db: &Db) {
        key_for(db, "acme").await;
        owner_with_password(db, "acme", PW).await;
        let mut b = Browser::new(db);
        let got = b.get("/questions").await;
        assert_eq!(got.status, StatusCode::SEE_OTHER);
        assert_eq!(got.location(), "/login?next=%2Fquestions");
        let form = b.get(got.location()).await;
        assert!(form.body.contains(r#"name="next" value="/questions""#), "{}", form.body);
        let done = b
            .post_login(&[("email", "Owner@acme.test"), ("password", PW), ("next", "/questions")])
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(done.location(), "/questions");
        let cookie = done.headers["set-cookie"].to_str().unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        let page = b.get("/questions").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<h1>Questions</h1>"));
    }

    async fn after_login_only_a_path_on_this_site_is_returned_to(db: &Db) {
        key_for(db, "acme").await;
        owner_with_password(db, "acme", PW).await;
        // A tab is dropped by browsers, so this next is //evil.example.
        let mut b = Browser::new(db);
        let form = b.get("/login?next=%2F%09%2Fevil.example").await;
        assert!(form.body.contains(r#"name="next" value="/""#), "{}", form.body);
        for (next, back_to) in [
            ("/\t/evil.example", "/"),
            ("/\\evil.example", "/"),
            ("//evil.example", "/"),
            ("https:evil.example", "/"),
            ("/tasks\r\nSet-Cookie: planted=1", "/"),
            ("/tasks\n", "/"),
            ("/tasks?filter=mine", "/tasks?filter=mine"),
        ] {
            let mut b = Browser::new(db);
            let done = b
                .post_login(&[("email", "owner@acme.test"), ("password", PW), ("next", next)])
                .await;
            assert_eq!(done.status, StatusCode::SEE_OTHER, "{next:?}: {}", done.body);
            assert_eq!(done.location(), back_to, "{next:?}");
        }
    }

    async fn a_wrong_password_gets_a_generic_message_keeps_the_email_and_is_rate_limited(db: &Db) {
        key_for(db, "acme").await;
        owner_with_password(db, "acme", PW).await;
        let mut b = Browser::new(db);
        let wrong = b.post_login(&[("email", "owner@acme.test"), ("password", "nope nope")]).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(wrong.body.contains("The email or password is wrong."));
        assert!(wrong.body.contains(r#"value="owner@acme.test""#));
        let unknown = b.post_login(&[("email", "nobody@acme.test"), ("password", PW)]).await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        assert!(unknown.body.contains("The email or password is wrong."));
        assert!(b.cookie.is_none());
        for _ in 0..9 {
            b.post_login(&[("email", "owner@acme.test"), ("password", "guess guess")]).await;
        }
        // Over the limit, even the right password waits, briefly.
        let limited = b.post_login(&[("email", "owner@acme.test"), ("password", PW)]).await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = limited.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=10).contains(&retry), "a short Retry-After: {retry}");
        assert!(b.cookie.is_none());
    }

    async fn only_failures_from_one_client_count_towards_its_login_limit(db: &Db) {
        key_for(db, "acme").await;
        owner_with_password(db, "acme", PW).await;
        let mut attacker = Browser::new(db).connecting_from("203.0.113.7:40000");
        let mut owner = attacker.beside("198.51.100.2:50000");
        for _ in 0..10 {
            attacker.post_login(&[("email", "owner@acme.test"), ("password", "guess guess")]).await;
        }
        let locked = attacker.post_login(&[("email", "owner@acme.test"), ("password", PW)]).await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(locked.headers.contains_key("retry-after"));
        // Someone else's guesses do not lock the owner out.
        let mine = owner.post_login(&[("email", "owner@acme.test"), ("password", PW)]).await;
        assert_eq!(mine.status, StatusCode::SEE_OTHER, "{}", mine.body);
        // Successful sign-ins never count, and one clears the failures before it.
        for _ in 0..9 {
            owner.post_login(&[("email", "owner@acme.test"), ("password", "typo typo")]).await;
        }
        for _ in 0..15 {
            let again = owner.post_login(&[("email", "owner@acme.test"), ("password", PW)]).await;
            assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
        }
        for _ in 0..9 {
            let typo = owner.post_login(&[("email", "owner@acme.test"), ("password", "typo typo")]).await;
            assert_eq!(typo.status, StatusCode::UNAUTHORIZED, "the count started again");
        }
    }

    async fn a_form_post_needs_the_sessions_csrf_token(db: &Db) {
        key_for(db, "acme").await;
        let (task_id, question) = blocked_task(db, "acme").await;
        let mut b = Browser::new(db);
        b.login("owner@acme.test", PW).await;
        let path = format!("/questions/{question}/answer");
        let forged = b.post_raw(&path, &[("answer", "Gold")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let wrong = b.post_raw(&path, &[("answer", "Gold"), ("csrf", "not-the-token")]).await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);
        let tenant = chief_store::tenancy::list_tenants(db).await.unwrap()[0].id;
        assert_eq!(task::get(db, tenant, task_id).await.unwrap().status.as_str(), "blocked");
        let ok = b.post(&path, &[("answer", "Gold")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        assert_eq!(task::get(db, tenant, task_id).await.unwrap().status.as_str(), "queued");
    }

    async fn an_empty_answer_is_shown_inline_and_keeps_nothing_lost(db: &Db) {
        key_for(db, "acme").await;
        let (_, question) = blocked_task(db, "acme").await;
        let mut b = Browser::new(db);
        b.login("owner@acme.test", PW).await;
        let got = b.post(&format!("/questions/{question}/answer"), &[("answer", "   ")]).await;
        assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(got.body.contains(r#"aria-invalid="true""#), "{}", got.body);
        assert!(got.body.contains("must not be empty"));
    }

    async fn logout_and_expiry_end_a_session(db: &Db) {
        key_for(db, "acme").await;
        let owner = owner_with_password(db, "acme", PW).await;
        let mut b = Browser::new(db);
        b.login("owner@acme.test", PW).await;
        let token = b.cookie.clone().unwrap();
        let out = b.post("/logout", &[]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert!(b.cookie.is_none());
        // The old cookie, replayed, opens nothing.
        b.cookie = Some(token);
        assert_eq!(b.get("/").await.location(), "/login?next=%2F");

        // A session started eight days ago has expired.
        let mut scope = Scope::user(owner.tenant_id, owner.id);
        scope.now = Some(Utc::now() - Duration::days(8));
        let mut tx = db.write(&scope).await.unwrap();
        let (old, _) = web_session::start(&mut tx, owner.id).await.unwrap();
        tx.commit().await.unwrap();
        b.cookie = Some(old);
        let got = b.get("/questions?x=1").await;
        assert_eq!(got.location(), "/login?next=%2Fquestions%3Fx%3D1");
    }

    async fn setting_a_password_ends_the_users_sessions(db: &Db) {
        key_for(db, "acme").await;
        let owner = owner_with_password(db, "acme", PW).await;
        let mut b = Browser::new(db);
        b.login("owner@acme.test", PW).await;
        let mut tx = db.write(&Scope::user(owner.tenant_id, owner.id)).await.unwrap();
        chief_store::password::set_password(&mut tx, owner.id, "a new passphrase").await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER);
    }

    async fn another_workspaces_question_is_a_404(db: &Db) {
        key_for(db, "acme").await;
        key_for(db, "other").await;
        owner_with_password(db, "acme", PW).await;
        let (task_id, theirs) = blocked_task(db, "other").await;
        let mut b = Browser::new(db);
        b.login("owner@acme.test", PW).await;
        let got = b.post(&format!("/questions/{theirs}/answer"), &[("answer", "Gold")]).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND);
        let other = chief_store::tenancy::list_tenants(db).await.unwrap().into_iter().find(|t| t.slug == "other").unwrap();
        assert_eq!(task::get(db, other.id, task_id).await.unwrap().status.as_str(), "blocked");
    }
}
