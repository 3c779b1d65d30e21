//! What the providers' servers receive: the right path, key header and
//! version, and (Anthropic) cache breakpoints on the stable prefix only.

mod common;

use chief_llm::testing::{FAKE_KEY, FakeModel, Reply, Turn};
use chief_llm::{ANTHROPIC_VERSION, Block, Message, ProviderKind};
use common::request;
use serde_json::{Value, json};

fn ephemeral() -> Value {
    json!({"type": "ephemeral"})
}

#[tokio::test]
async fn anthropic_requests_mark_the_stable_prefix_cacheable_and_carry_the_key() {
    let fake = FakeModel::start(ProviderKind::Anthropic).await;
    fake.script([
        Reply::Answer(Turn::text("ok")),
        Reply::Answer(Turn::text("ok")),
    ]);
    let (provider, _) = fake.provider("claude-sonnet-4-5");
    let mut req = request("What is next?");
    req.temperature = Some(0.2);
    provider.complete(&req).await.unwrap();

    let sent = &fake.received()[0];
    assert_eq!(sent.path, "/v1/messages");
    assert_eq!(sent.headers["x-api-key"], FAKE_KEY);
    assert_eq!(sent.headers["anthropic-version"], ANTHROPIC_VERSION);
    assert_eq!(sent.headers["content-type"], "application/json");
    assert!(!sent.headers.contains_key("authorization"));
    let body = &sent.body;
    assert_eq!(body["model"], "claude-sonnet-4-5");
    assert_eq!(body["max_tokens"], 1024);
    assert_eq!(
        body["system"],
        json!([
            {"type": "text", "text": "You are chief, a chief of staff. Draft, never send.",
             "cache_control": ephemeral()},
            {"type": "text", "text": "Today is Tuesday 2026-11-24."},
        ]),
        "the stable part is cached, the dynamic part after it is not"
    );
    let tools = body["tools"].as_array().unwrap();
    assert_eq!(tools[0]["name"], "get_next_task");
    assert_eq!(tools[0]["input_schema"]["type"], "object");
    assert_eq!(tools[0].get("cache_control"), None);
    assert_eq!(
        tools[1]["cache_control"],
        ephemeral(),
        "the last tool ends the tools' prefix"
    );
    assert_eq!(
        body["messages"],
        json!([{"role": "user", "content": [{"type": "text", "text": "What is next?"}]}]),
        "the conversation is not a breakpoint unless asked"
    );
    assert!((body["temperature"].as_f64().unwrap() - 0.2).abs() < 1e-6);

    req.cache_conversation = true;
    req.messages.push(Message::assistant(vec![Block::Text {
        text: "Let me look.".into(),
    }]));
    req.messages.push(Message::user("And after that?"));
    provider.complete(&req).await.unwrap();
    let messages = fake.received()[1].body["messages"].clone();
    assert_eq!(messages[0]["content"][0].get("cache_control"), None);
    assert_eq!(
        messages[2]["content"][0]["cache_control"],
        ephemeral(),
        "an agent loop caches the conversation so far"
    );
}

#[tokio::test]
async fn openai_requests_carry_a_bearer_key_and_the_stable_prompt_first() {
    let fake = FakeModel::start(ProviderKind::OpenAi).await;
    fake.script([Reply::Answer(Turn::text("ok"))]);
    let (provider, _) = fake.provider("llama3.1");
    let mut req = request("What is next?");
    req.stop_sequences = vec!["\n\nHuman:".into()];
    provider.stream(&req, &mut |_| {}).await.unwrap();

    let sent = &fake.received()[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.headers["authorization"], format!("Bearer {FAKE_KEY}"));
    assert!(!sent.headers.contains_key("x-api-key"));
    let body = &sent.body;
    assert_eq!(
        body["messages"],
        json!([
            {"role": "system", "content": "You are chief, a chief of staff. Draft, never send."},
            {"role": "system", "content": "Today is Tuesday 2026-11-24."},
            {"role": "user", "content": "What is next?"},
        ])
    );
    assert_eq!(
        body["tools"][1],
        json!({"type": "function", "function": {
            "name": "create_draft",
            "description": "Drafts an external message for review; never sends it.",
            "parameters": common::tools()[1].input_schema,
        }})
    );
    assert_eq!(
        body["max_tokens"], 1024,
        "compatible servers read max_tokens"
    );
    assert_eq!(body["stop"], json!(["\n\nHuman:"]));
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
}
