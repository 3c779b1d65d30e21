//! The delivery worker against a real HTTP receiver, driven by a clock
//! passed to each tick (no sleeps): webhooks are signed per Standard
//! Webhooks, failures are retried with bounded backoff, a target that is
//! down ends `failed` and visible in the API, re-delivery sends again, and
//! two workers never send one delivery twice.

mod common;

use axum::http::StatusCode;
use chief_channels::{Worker, retry};
use chief_domain::TenantId;
use chief_domain::delivery::Notice;
use chief_store::{Db, Scope, SecretBox, delivery};
use chief_testkit::{Engine, TestDb, both_backends};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use common::webhook_receiver::{Receiver, dead_url, signature_is_valid};
use common::{call, key_for};
use serde_json::{Value, json};
use uuid::Uuid;

async fn hook(db: &Db, key: &str, url: &str, topics: Value) -> (String, String) {
    let (status, _, v) = call(
        db,
        "POST",
        "/api/channels",
        Some(key),
        Some(json!({"name": "hook", "config": {"url": url}, "topics": topics})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    (
        v["channel"]["id"].as_str().unwrap().to_string(),
        v["secret"].as_str().unwrap().to_string(),
    )
}

fn worker(db: &Db, name: &str) -> Worker {
    Worker::new(db.clone(), SecretBox::locate(db, None).unwrap(), name).unwrap()
}

/// Queues a test notice; returns its id and an instant it is due by.
async fn queue_test(db: &Db, key: &str, channel: &str) -> (String, DateTime<Utc>) {
    let (status, _, d) = call(
        db,
        "POST",
        &format!("/api/channels/{channel}/test"),
        Some(key),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    (
        d["id"].as_str().unwrap().to_string(),
        // Stored times drop the clock's nanoseconds; a `now` that kept them
        // would look later than the stored time built from it.
        (Utc::now() + Duration::seconds(1)).trunc_subsecs(3),
    )
}

async fn get(db: &Db, key: &str, path: &str) -> Value {
    let (status, _, v) = call(db, "GET", path, Some(key), None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {v}");
    v
}

fn ts(v: &Value) -> DateTime<Utc> {
    v.as_str().expect("a timestamp").parse().unwrap()
}

async fn me(db: &Db, key: &str) -> (TenantId, Uuid) {
    let me = get(db, key, "/api/users/me").await;
    (
        serde_json::from_value(me["tenant_id"].clone()).unwrap(),
        me["id"].as_str().unwrap().parse().unwrap(),
    )
}

fn notice(title: &str) -> Notice {
    Notice {
        title: title.into(),
        text: title.into(),
        markdown: format!("**{title}**"),
        data: json!({"n": title}),
    }
}

both_backends! {
    async fn a_webhook_is_a_post_signed_per_standard_webhooks(db: &Db) {
        let key = key_for(db, "a").await;
        let rx = Receiver::start().await;
        let (channel, secret) = hook(db, &key, &rx.url, json!([])).await;
        let (id, now) = queue_test(db, &key, &channel).await;
        let tick = worker(db, "w1").tick(now).await.unwrap();
        assert_eq!(tick.delivered, 1, "{tick:?}");
        let got = rx.received();
        assert_eq!(got.len(), 1);
        let r = &got[0];
        assert!(signature_is_valid(r, &secret), "signature: {}", r.header("webhook-signature"));
        assert_eq!(r.header("webhook-id"), id);
        assert_eq!(r.header("webhook-timestamp"), now.timestamp().to_string());
        assert_eq!(r.header("content-type"), "application/json");
        let body = r.json();
        assert_eq!(body["type"], "channel.test");
        assert_eq!(ts(&body["timestamp"]).timestamp(), now.timestamp());
        assert_eq!(body["data"]["delivery_id"], id.as_str());
        assert_eq!(body["data"]["title"], "Test notice from chief");
        assert!(body["data"]["markdown"].as_str().unwrap().contains("hook"));
        // The verifier is not fooled by a changed body.
        let mut forged = r.clone();
        let altered = String::from_utf8_lossy(&r.body).replace("Test notice", "Paid invoice");
        forged.body = axum::body::Bytes::from(altered);
        assert!(!signature_is_valid(&forged, &secret));

        let d = get(db, &key, &format!("/api/deliveries/{id}")).await;
        assert_eq!(d["status"], "delivered");
        assert_eq!(d["attempts"], 1);
        let tries = get(db, &key, &format!("/api/deliveries/{id}/attempts")).await;
        assert_eq!(tries[0]["status_code"], 200, "{tries}");
        assert!(tries[0]["error"].is_null());
    }

    async fn a_500_then_a_200_is_delivered_on_the_second_attempt_after_a_bounded_backoff(db: &Db) {
        let key = key_for(db, "a").await;
        let rx = Receiver::start().await;
        rx.answer(&[(500, None)]);
        let (channel, _) = hook(db, &key, &rx.url, json!([])).await;
        let (id, now) = queue_test(db, &key, &channel).await;
        let w = worker(db, "w1");
        assert_eq!(w.tick(now).await.unwrap().retried, 1);
        let d = get(db, &key, &format!("/api/deliveries/{id}")).await;
        assert_eq!((d["status"].as_str(), d["attempts"].as_i64()), (Some("pending"), Some(1)));
        assert!(d["last_error"].as_str().unwrap().contains("HTTP 500"), "{d}");
        let wait = ts(&d["next_attempt_at"]) - now;
        assert!(wait >= Duration::seconds(1) && wait <= Duration::seconds(30), "first backoff {wait}");
        // Not due yet: nothing is sent.
        assert_eq!(w.tick(now + Duration::milliseconds(500)).await.unwrap().retried + rx.received().len() - 1, 0);
        let tick = w.tick(ts(&d["next_attempt_at"])).await.unwrap();
        assert_eq!(tick.delivered, 1);
        let got = rx.received();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"), "one id across retries");
        let tries = get(db, &key, &format!("/api/deliveries/{id}/attempts")).await;
        let codes: Vec<i64> = tries.as_array().unwrap().iter().map(|a| a["status_code"].as_i64().unwrap()).collect();
        assert_eq!(codes, [500, 200]);
        assert_eq!(get(db, &key, &format!("/api/deliveries/{id}")).await["status"], "delivered");
    }

    async fn a_target_that_is_down_is_retried_then_failed_and_visible(db: &Db) {
        let key = key_for(db, "a").await;
        let (channel, _) = hook(db, &key, &dead_url().await, json!([])).await;
        let (id, mut now) = queue_test(db, &key, &channel).await;
        let w = worker(db, "w1");
        for attempt in 1..=retry::MAX_ATTEMPTS {
            let tick = w.tick(now).await.unwrap();
            let d = get(db, &key, &format!("/api/deliveries/{id}")).await;
            assert_eq!(d["attempts"], attempt, "{d}");
            if attempt < retry::MAX_ATTEMPTS {
                assert_eq!(tick.retried, 1, "attempt {attempt}: {tick:?}");
                let wait = ts(&d["next_attempt_at"]) - now;
                let bound = Duration::from_std(retry::backoff_bound(attempt)).unwrap();
                // Stored times keep microseconds; `now` may carry nanoseconds.
                let floor = Duration::seconds(1) - Duration::microseconds(1);
                assert!(wait >= floor && wait <= bound, "attempt {attempt}: waits {wait}, bound {bound}");
                now = ts(&d["next_attempt_at"]);
            } else {
                assert_eq!(tick.failed, 1, "{tick:?}");
            }
        }
        let failed = get(db, &key, "/api/deliveries?status=failed").await;
        assert_eq!(failed["total"], 1, "{failed}");
        let d = &failed["items"][0];
        assert_eq!(d["id"], id.as_str());
        let error = d["last_error"].as_str().unwrap().to_lowercase();
        assert!(error.contains("gave up after 8 attempts") && error.contains("refused"), "{error}");
        let tries = get(db, &key, &format!("/api/deliveries/{id}/attempts")).await;
        assert_eq!(tries.as_array().unwrap().len(), 8);
        assert!(tries.as_array().unwrap().iter().all(|a| a["status_code"].is_null() && a["error"].is_string()));
        // Nothing more is tried, however late.
        let later = w.tick(now + Duration::days(2)).await.unwrap();
        assert_eq!(later, chief_channels::Tick::default());
    }

    async fn redeliver_sends_a_failed_delivery_again_and_topics_pick_the_channel(db: &Db) {
        let key = key_for(db, "a").await;
        let rx = Receiver::start().await;
        rx.answer(&[(410, None)]);
        let (_channel, secret) = hook(db, &key, &rx.url, json!(["briefing"])).await;
        let (tenant, user) = me(db, &key).await;
        let mut tx = db.write(&Scope::user(tenant, user)).await.unwrap();
        let morning = delivery::enqueue(&mut tx, user, "briefing.morning", Some("b-1"), &notice("Morning plan")).await.unwrap();
        let deadline = delivery::enqueue(&mut tx, user, "deadline.overdue", None, &notice("Overdue")).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!((morning.len(), deadline.len()), (2, 1), "the dashboard's copy, and the channel's for its topic only");
        let sent = morning.iter().find(|d| d.channel_id.is_some()).unwrap().id;
        let dashboard = morning.iter().find(|d| d.channel_id.is_none()).unwrap().id;
        let now = Utc::now() + Duration::seconds(1);
        let w = worker(db, "w1");
        assert_eq!(w.tick(now).await.unwrap().failed, 1, "410 Gone fails at once");

        let (status, _, d) = call(db, "POST", &format!("/api/deliveries/{sent}/redeliver"), Some(&key), None).await;
        assert_eq!(status, StatusCode::OK, "{d}");
        assert_eq!((d["status"].as_str(), d["attempts"].as_i64()), (Some("pending"), Some(0)));
        let (status, _, v) = call(db, "POST", &format!("/api/deliveries/{sent}/redeliver"), Some(&key), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "already pending: {v}");
        let (status, _, v) = call(db, "POST", &format!("/api/deliveries/{dashboard}/redeliver"), Some(&key), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

        assert_eq!(w.tick(Utc::now() + Duration::seconds(1)).await.unwrap().delivered, 1);
        let got = rx.received();
        assert_eq!(got.len(), 2);
        assert!(signature_is_valid(&got[1], &secret));
        assert_eq!(got[1].json()["type"], "briefing.morning");
        let tries = get(db, &key, &format!("/api/deliveries/{sent}/attempts")).await;
        assert_eq!(tries.as_array().unwrap().len(), 2, "the earlier attempt stays in the log");
        let (_, _, logs) = call(db, "GET", "/api/logs?limit=100", Some(&key), None).await;
        assert!(logs.to_string().contains("delivery.redelivered"), "audited");
    }

    async fn two_workers_never_send_one_delivery_twice(db: &Db) {
        let key = key_for(db, "a").await;
        let rx = Receiver::start().await;
        hook(db, &key, &rx.url, json!([])).await;
        let (tenant, user) = me(db, &key).await;
        let mut tx = db.write(&Scope::user(tenant, user)).await.unwrap();
        for n in 0..100 {
            delivery::enqueue(&mut tx, user, "digest", None, &notice(&format!("n{n}"))).await.unwrap();
        }
        tx.commit().await.unwrap();
        let now = Utc::now() + Duration::seconds(1);
        let (one, two) = (worker(db, "one"), worker(db, "two"));
        let (a, b) = tokio::join!(one.tick(now), two.tick(now));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.delivered + b.delivered, 100, "{a:?} {b:?}");
        let ids: std::collections::HashSet<String> = rx.received().iter().map(|r| r.header("webhook-id")).collect();
        assert_eq!(rx.received().len(), 100, "no delivery sent twice");
        assert_eq!(ids.len(), 100);
    }
}

/// Throughput, run by hand: `cargo test -p chief-server --test
/// delivery_worker -- --ignored --nocapture`.
async fn throughput_body(db: &Db) {
    let key = key_for(db, "a").await;
    let rx = Receiver::start().await;
    hook(db, &key, &rx.url, json!([])).await;
    let (tenant, user) = me(db, &key).await;
    let mut tx = db.write(&Scope::user(tenant, user)).await.unwrap();
    for n in 0..2000 {
        delivery::enqueue(&mut tx, user, "digest", None, &notice(&format!("n{n}")))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let started = std::time::Instant::now();
    let tick = worker(db, "one")
        .tick(Utc::now() + Duration::seconds(1))
        .await
        .unwrap();
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(tick.delivered, 2000);
    println!(
        "{:?}: 2000 deliveries in {secs:.2} s = {:.0}/s",
        db.backend(),
        2000.0 / secs
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark, run by hand"]
async fn throughput_sqlite() {
    chief_testkit::run_async(Engine::Sqlite, async |t: &TestDb| {
        throughput_body(t.db()).await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark, run by hand"]
async fn throughput_postgres() {
    chief_testkit::run_async(Engine::Postgres, async |t: &TestDb| {
        throughput_body(t.db()).await
    })
    .await;
}
