//! One logical call survives busy and failing servers: 429 (honouring
//! Retry-After), 529 overloaded and 5xx are retried with backoff; a wrong
//! key or a bad request is not; and a call gives up after its attempts.

mod common;

use chief_llm::testing::{FakeModel, Reply, Turn};
use chief_llm::{ClientOptions, Endpoint, LlmError, Provider, ProviderKind, StopReason, Usage};
use common::{FLAVORS, request};
use std::time::Duration;

fn usage() -> Usage {
    Usage {
        input_tokens: 1200,
        output_tokens: 80,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
    }
}

#[tokio::test]
async fn a_429_waits_as_retry_after_says_then_succeeds_counting_usage_once() {
    for flavor in FLAVORS {
        let fake = FakeModel::start(flavor).await;
        fake.script([
            Reply::rate_limited("2"),
            Reply::Answer(Turn::text("Here is your plan.").with_usage(usage())),
        ]);
        let (provider, waits) = fake.provider("claude-sonnet-4-5");
        let answer = provider.complete(&request("Plan my day")).await.unwrap();
        assert_eq!(answer.text(), "Here is your plan.");
        assert_eq!(answer.attempts, 2, "{flavor:?}");
        assert_eq!(fake.received().len(), 2, "two HTTP attempts");
        assert_eq!(*waits.lock().unwrap(), [Duration::from_secs(2)]);
        assert_eq!(answer.usage, usage(), "only the answer's tokens count");
        assert_eq!(answer.cost_micro_usd, Some(1200 * 3 + 80 * 15));
    }
}

#[tokio::test]
async fn overloaded_and_server_errors_are_retried_with_growing_backoff() {
    for flavor in FLAVORS {
        let fake = FakeModel::start(flavor).await;
        fake.script([
            Reply::overloaded(),
            Reply::fail(500, "api_error", "Internal server error"),
            Reply::fail(503, "api_error", "Service unavailable"),
            Reply::Answer(Turn::text("ok")),
        ]);
        let (provider, waits) = fake.provider("claude-sonnet-4-5");
        let mut events = 0;
        let answer = provider
            .stream(&request("hi"), &mut |_| events += 1)
            .await
            .unwrap();
        assert_eq!(answer.stop_reason, StopReason::EndTurn);
        assert_eq!(answer.attempts, 4, "{flavor:?}");
        assert!(events > 0);
        // The test jitter takes the top of each range: 0.5 s, doubling.
        assert_eq!(
            *waits.lock().unwrap(),
            [
                Duration::from_millis(500),
                Duration::from_secs(1),
                Duration::from_secs(2)
            ]
        );
    }
}

#[tokio::test]
async fn a_call_gives_up_after_its_attempts_with_the_last_error() {
    let fake = FakeModel::start(ProviderKind::Anthropic).await;
    fake.script((0..5).map(|_| Reply::overloaded()));
    let (provider, waits) = fake.provider("claude-sonnet-4-5");
    let err = provider.complete(&request("hi")).await.unwrap_err();
    assert!(matches!(err, LlmError::GaveUp { attempts: 4, .. }), "{err}");
    assert!(matches!(err.root(), LlmError::Overloaded { .. }));
    assert_eq!(
        err.to_string(),
        "gave up after 4 attempts: the Anthropic API is overloaded: Overloaded"
    );
    assert_eq!(fake.received().len(), 4);
    assert_eq!(fake.unused(), 1);
    assert_eq!(waits.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn a_wrong_key_is_not_retried_and_says_which_variable_to_check() {
    for (flavor, var) in [
        (ProviderKind::Anthropic, "ANTHROPIC_API_KEY"),
        (ProviderKind::OpenAi, "OPENAI_API_KEY"),
    ] {
        let fake = FakeModel::start(flavor).await;
        fake.script([Reply::Answer(Turn::text("never sent"))]);
        let (backoff, waits) = chief_llm::testing::recording_backoff();
        let provider = Provider::new(
            flavor,
            fake.endpoint("sk-wrong"),
            "m",
            ClientOptions::default(),
        )
        .unwrap()
        .with_backoff(backoff);
        let err = provider.complete(&request("hi")).await.unwrap_err();
        assert!(
            matches!(err, LlmError::WrongKey { status: 401, .. }),
            "{err}"
        );
        assert!(
            err.to_string().ends_with(&format!("; check {var}")),
            "{err}"
        );
        assert_eq!(fake.received().len(), 1, "not retried");
        assert!(waits.lock().unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_bad_request_is_not_retried_and_keeps_the_servers_message() {
    let fake = FakeModel::start(ProviderKind::OpenAi).await;
    fake.script([Reply::fail(
        400,
        "invalid_request_error",
        "max_tokens is too large: 999999",
    )]);
    let (provider, _) = fake.provider("gpt-4o");
    let err = provider.complete(&request("hi")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the OpenAI-compatible API rejected the request (HTTP 400): max_tokens is too large: 999999"
    );
    assert_eq!(fake.received().len(), 1);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_returns_the_wait_instead_of_blocking() {
    let fake = FakeModel::start(ProviderKind::Anthropic).await;
    fake.script([
        Reply::rate_limited("3600"),
        Reply::Answer(Turn::text("later")),
    ]);
    let (provider, waits) = fake.provider("claude-sonnet-4-5");
    let err = provider.complete(&request("hi")).await.unwrap_err();
    let LlmError::RateLimited { retry_after, .. } = err else {
        panic!("expected a rate limit, got {err}");
    };
    assert_eq!(retry_after, Some(Duration::from_secs(3600)));
    assert!(waits.lock().unwrap().is_empty());
    assert_eq!(fake.unused(), 1, "the caller decides when to come back");
}

#[tokio::test]
async fn an_overloaded_error_inside_a_stream_before_any_output_is_retried() {
    let fake = FakeModel::start(ProviderKind::Anthropic).await;
    fake.script([
        Reply::StreamError {
            turn: Turn::text("lost"),
            after: 1,
            error_type: "overloaded_error".into(),
        },
        Reply::Answer(Turn::text("fine now")),
    ]);
    let (provider, _) = fake.provider("claude-sonnet-4-5");
    let mut text = String::new();
    let answer = provider
        .stream(&request("hi"), &mut |e| {
            if let chief_llm::StreamEvent::Text(t) = e {
                text.push_str(&t)
            }
        })
        .await
        .unwrap();
    assert_eq!(answer.attempts, 2);
    assert_eq!(
        text, "fine now",
        "nothing from the failed attempt was shown"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let (backoff, waits) = chief_llm::testing::recording_backoff();
    let provider = Provider::new(
        ProviderKind::OpenAi,
        Endpoint {
            base_url: base_url.clone(),
            api_key: None,
        },
        "llama3.1",
        ClientOptions::default(),
    )
    .unwrap()
    .with_backoff(backoff);
    let err = provider.complete(&request("hi")).await.unwrap_err();
    let LlmError::Unreachable { url, .. } = err.root() else {
        panic!("expected unreachable, got {err}");
    };
    assert_eq!(url, &format!("{base_url}/chat/completions"));
    assert!(
        err.to_string()
            .contains("cannot reach the OpenAI-compatible API"),
        "{err}"
    );
    assert_eq!(waits.lock().unwrap().len(), 3);
}
