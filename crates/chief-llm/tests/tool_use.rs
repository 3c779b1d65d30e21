//! A tool-use round trip on both providers, whole and streamed: the model
//! asks for a tool, chief sends the result back, the model answers.

mod common;

use chief_llm::testing::{FakeModel, Reply, Turn};
use chief_llm::{Block, Message, ProviderKind, StopReason, StreamEvent};
use common::{FLAVORS, request};
use serde_json::{Value, json};

fn draft_args() -> Value {
    json!({"to": "patrick@liberty.example", "subject": "Renewal — next steps",
           "body": "Hi Patrick,\n\"quotes\" and {braces} survive.\n— chief"})
}

fn script() -> Vec<Reply> {
    vec![
        Reply::Answer(
            Turn::tool_call("call_1", "create_draft", draft_args())
                .with_text_first("I'll draft the renewal email."),
        ),
        Reply::Answer(Turn::text("Drafted; it waits for your approval.")),
    ]
}

/// The second request of the round trip: the model's answer and the tool's
/// result appended.
fn follow_up(first: &chief_llm::Response) -> chief_llm::Request {
    let mut req = request("Draft the renewal email to Patrick.");
    req.messages.push(Message::assistant(first.content.clone()));
    req.messages
        .push(Message::tool_results(vec![Block::tool_result(
            "call_1",
            "draft 0193 created, pending review",
        )]));
    req
}

/// The tool result as the fake received it, in the provider's own shape.
fn assert_tool_result_sent(flavor: ProviderKind, body: &Value) {
    let messages = body["messages"].as_array().unwrap();
    match flavor {
        ProviderKind::Anthropic => {
            let assistant = &messages[1]["content"];
            assert_eq!(assistant[1]["type"], "tool_use");
            assert_eq!(assistant[1]["input"], draft_args());
            let result = &messages[2]["content"][0];
            assert_eq!(result["type"], "tool_result");
            assert_eq!(result["tool_use_id"], "call_1");
            assert_eq!(result["content"], "draft 0193 created, pending review");
        }
        ProviderKind::OpenAi => {
            let assistant = messages.iter().find(|m| m["role"] == "assistant").unwrap();
            assert_eq!(assistant["content"], "I'll draft the renewal email.");
            let call = &assistant["tool_calls"][0];
            assert_eq!(call["id"], "call_1");
            assert_eq!(call["function"]["name"], "create_draft");
            let args: Value =
                serde_json::from_str(call["function"]["arguments"].as_str().unwrap()).unwrap();
            assert_eq!(args, draft_args());
            let tool = messages.iter().find(|m| m["role"] == "tool").unwrap();
            assert_eq!(tool["tool_call_id"], "call_1");
            assert_eq!(tool["content"], "draft 0193 created, pending review");
        }
    }
}

#[tokio::test]
async fn a_tool_use_round_trip_works_on_both_providers() {
    for flavor in FLAVORS {
        let fake = FakeModel::start(flavor).await;
        fake.script(script());
        let (provider, _) = fake.provider("claude-sonnet-4-5");

        let first = provider
            .complete(&request("Draft the renewal email to Patrick."))
            .await
            .unwrap();
        assert_eq!(first.stop_reason, StopReason::ToolUse, "{flavor:?}");
        assert_eq!(first.text(), "I'll draft the renewal email.");
        let calls: Vec<_> = first.tool_calls().collect();
        assert_eq!(
            calls,
            [("call_1", "create_draft", &draft_args())],
            "{flavor:?}"
        );

        let second = provider.complete(&follow_up(&first)).await.unwrap();
        assert_eq!(second.stop_reason, StopReason::EndTurn);
        assert_eq!(second.text(), "Drafted; it waits for your approval.");
        let received = fake.received();
        assert_eq!(received.len(), 2);
        assert_eq!(
            received[0].body["stream"],
            Value::Null,
            "a whole answer was asked for"
        );
        assert_tool_result_sent(flavor, &received[1].body);
    }
}

#[tokio::test]
async fn a_streamed_tool_use_round_trip_reports_tokens_and_argument_fragments() {
    for flavor in FLAVORS {
        let fake = FakeModel::start(flavor).await;
        fake.script(script());
        let (provider, _) = fake.provider("gpt-4o-mini");

        let mut events = Vec::new();
        let first = provider
            .stream(&request("Draft the renewal email to Patrick."), &mut |e| {
                events.push(e)
            })
            .await
            .unwrap();
        assert_eq!(first.stop_reason, StopReason::ToolUse, "{flavor:?}");
        assert_eq!(first.tool_calls().next().unwrap().2, &draft_args());

        let text: String = events
            .iter()
            .filter_map(|e| match e {
                StreamEvent::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(text, "I'll draft the renewal email.");
        assert!(
            events
                .iter()
                .filter(|e| matches!(e, StreamEvent::Text(_)))
                .count()
                > 1,
            "text arrives in pieces"
        );
        let fragments: Vec<&str> = events
            .iter()
            .filter_map(|e| match e {
                StreamEvent::ToolCallArguments { id, fragment } if id == "call_1" => {
                    Some(fragment.as_str())
                }
                _ => None,
            })
            .collect();
        assert!(
            fragments.len() > 5,
            "the arguments were split: {fragments:?}"
        );
        assert!(
            serde_json::from_str::<Value>(fragments[0]).is_err(),
            "a fragment alone is not JSON"
        );
        assert_eq!(
            serde_json::from_str::<Value>(&fragments.concat()).unwrap(),
            draft_args()
        );
        assert_eq!(
            events.first(),
            Some(&StreamEvent::Text("I'll dr".into())),
            "{flavor:?}"
        );
        let started = events
            .iter()
            .position(|e| matches!(e, StreamEvent::ToolCallStarted { name, .. } if name == "create_draft"))
            .unwrap();
        let finished = events
            .iter()
            .position(|e| matches!(e, StreamEvent::ToolCallFinished { input, .. } if *input == draft_args()))
            .unwrap();
        assert!(started < finished);

        let mut later = Vec::new();
        let second = provider
            .stream(&follow_up(&first), &mut |e| later.push(e))
            .await
            .unwrap();
        assert_eq!(second.text(), "Drafted; it waits for your approval.");
        let received = fake.received();
        assert_eq!(received[0].body["stream"], true);
        assert_tool_result_sent(flavor, &received[1].body);
    }
}

#[tokio::test]
async fn several_tool_calls_in_one_streamed_answer_stay_apart() {
    for flavor in FLAVORS {
        let fake = FakeModel::start(flavor).await;
        fake.script([Reply::Answer(
            Turn::tool_call("call_a", "get_next_task", json!({})).and_tool_call(
                "call_b",
                "create_draft",
                draft_args(),
            ),
        )]);
        let (provider, _) = fake.provider("claude-haiku-4-5");
        let answer = provider.stream(&request("go"), &mut |_| {}).await.unwrap();
        let calls: Vec<_> = answer.tool_calls().collect();
        assert_eq!(
            calls,
            [
                ("call_a", "get_next_task", &json!({})),
                ("call_b", "create_draft", &draft_args())
            ],
            "{flavor:?}"
        );
    }
}

#[tokio::test]
async fn malformed_tool_arguments_reach_the_caller_as_raw_text() {
    for flavor in FLAVORS {
        let fake = FakeModel::start(flavor).await;
        let broken = json!("{\"to\": \"pat@liberty.example\", \"body\": ");
        fake.script([Reply::Answer(Turn::tool_call(
            "call_1",
            "create_draft",
            broken.clone(),
        ))]);
        let (provider, _) = fake.provider("gpt-4o");
        let mut finished = None;
        let answer = provider
            .stream(&request("go"), &mut |e| {
                if let StreamEvent::ToolCallFinished { input, .. } = e {
                    finished = Some(input)
                }
            })
            .await
            .unwrap();
        let (_, _, input) = answer.tool_calls().next().unwrap();
        assert_eq!(
            input, &broken,
            "{flavor:?}: kept for the error sent back to the model"
        );
        assert_eq!(finished, Some(broken));
    }
}
