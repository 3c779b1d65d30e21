//! An answer that stops early is an error, never a silently partial
//! answer: a dropped connection or a stream with no final event is
//! `CutOff`, and the caller can retry the whole call.

mod common;

use chief_llm::testing::{FakeModel, Reply, Turn};
use chief_llm::{LlmError, StreamEvent};
use common::{FLAVORS, request};
use serde_json::json;

fn draft() -> Turn {
    Turn::tool_call(
        "call_1",
        "create_draft",
        json!({"to": "pat@liberty.example", "body": "The renewal terms are attached."}),
    )
    .with_text_first("Drafting now.")
}

#[tokio::test]
async fn a_connection_dropped_mid_stream_is_cut_off_and_the_call_can_be_retried() {
    for flavor in FLAVORS {
        let fake = FakeModel::start(flavor).await;
        fake.script([
            // Stops inside the tool call's arguments.
            Reply::CutOff {
                turn: draft(),
                after: 9,
                drop_connection: true,
            },
            Reply::Answer(draft()),
        ]);
        let (provider, waits) = fake.provider("claude-sonnet-4-5");
        let req = request("Draft the renewal email");
        let mut events = Vec::new();
        let err = provider
            .stream(&req, &mut |e| events.push(e))
            .await
            .unwrap_err();
        assert!(matches!(err, LlmError::CutOff { .. }), "{flavor:?}: {err}");
        assert!(err.to_string().contains("cut off"), "{err}");
        assert!(
            events
                .iter()
                .any(|e| matches!(e, StreamEvent::ToolCallArguments { .. })),
            "{flavor:?}: the stream had reached the arguments: {events:?}"
        );
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, StreamEvent::ToolCallFinished { .. })),
            "no half tool call is reported finished"
        );
        assert_eq!(
            fake.received().len(),
            1,
            "the client does not repeat shown output"
        );
        assert!(waits.lock().unwrap().is_empty());

        let mut again = Vec::new();
        let answer = provider.stream(&req, &mut |e| again.push(e)).await.unwrap();
        assert_eq!(answer.tool_calls().count(), 1);
        assert_eq!(answer.text(), "Drafting now.");
    }
}

#[tokio::test]
async fn a_stream_that_ends_without_its_final_event_is_cut_off() {
    for flavor in FLAVORS {
        let fake = FakeModel::start(flavor).await;
        fake.script([Reply::Unfinished(Turn::text("A complete-looking answer."))]);
        let (provider, _) = fake.provider("claude-sonnet-4-5");
        let mut text = String::new();
        let err = provider
            .stream(&request("hi"), &mut |e| {
                if let StreamEvent::Text(t) = e {
                    text.push_str(&t)
                }
            })
            .await
            .unwrap_err();
        assert_eq!(text, "A complete-looking answer.", "{flavor:?}");
        let LlmError::CutOff { detail, .. } = &err else {
            panic!("{flavor:?}: expected a cut-off, got {err}");
        };
        let last = match flavor {
            chief_llm::ProviderKind::Anthropic => "message_stop",
            chief_llm::ProviderKind::OpenAi => "[DONE]",
        };
        assert_eq!(detail, &format!("the stream ended before {last}"));
    }
}

#[tokio::test]
async fn a_whole_answer_cut_short_is_cut_off() {
    for flavor in FLAVORS {
        let fake = FakeModel::start(flavor).await;
        fake.script([Reply::CutOff {
            turn: draft(),
            after: 40,
            drop_connection: true,
        }]);
        let (provider, _) = fake.provider("gpt-4o");
        let err = provider.complete(&request("hi")).await.unwrap_err();
        assert!(matches!(err, LlmError::CutOff { .. }), "{flavor:?}: {err}");
    }
}

#[tokio::test]
async fn a_whole_answer_that_is_not_the_wire_format_is_malformed() {
    for flavor in FLAVORS {
        let fake = FakeModel::start(flavor).await;
        // The body ends cleanly, but 40 bytes of JSON are not an answer.
        fake.script([Reply::CutOff {
            turn: draft(),
            after: 40,
            drop_connection: false,
        }]);
        let (provider, _) = fake.provider("gpt-4o");
        let err = provider.complete(&request("hi")).await.unwrap_err();
        assert!(
            matches!(err, LlmError::Malformed { .. }),
            "{flavor:?}: {err}"
        );
        assert!(err.to_string().contains("sent a malformed answer"), "{err}");
    }
}
