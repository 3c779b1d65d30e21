//! `/api/chat`: talk with the agent. `POST /api/chat` runs one turn and
//! streams it as Server-Sent Events; the conversation is stored, so the
//! next message continues it, and `GET /api/chat/conversations` lists what
//! was said. Each turn is an agent run (journaled, undoable).

use crate::api::Api;
use crate::http::auth::Caller;
use crate::http::body::{Body, Params};
use crate::http::params::Id;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use chief_ai::chat::conversation::{self, Conversation, StoredMessage};
use chief_ai::chat::{ChatError, ChatEvent};
use chief_domain::log::Actor;
use futures_util::Stream;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::convert::Infallible;
use uuid::Uuid;

pub fn routes(api: &mut Api) {
    api.section("Chat");
    api.post("/chat", send)
        .summary("Talk with the agent (Server-Sent Events)")
        .describe(
            "Sends `message` in conversation `conversation_id` (or starts a new one) and \
             streams the agent's turn: `started` (the conversation and run ids), `token` \
             (text as it is written), `tool_call` and `tool_result` (what the agent looked \
             up or changed, through the same tools as the agent loop), then `done` with the \
             whole answer and its tokens, or `error` with a problem object if the model \
             failed (what was said so far is kept). The agent drafts but never sends. \
             Needs a model (`ANTHROPIC_API_KEY`, `OPENAI_API_KEY` or `CHIEF_MODEL`); \
             without one the answer is 503.",
        )
        .body::<ChatBody>()
        .streams("text/event-stream");
    api.get("/chat/conversations", list)
        .summary("Your conversations with the agent, newest first")
        .query::<ListQuery>()
        .ok::<Vec<Conversation>>();
    api.get("/chat/conversations/{id}", show)
        .summary("A conversation and its messages")
        .ok::<ConversationView>();
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ChatBody {
    /// What you say.
    message: String,
    /// The conversation to continue; omit it to start one.
    conversation_id: Option<Uuid>,
}

fn chat_error(e: ChatError) -> ApiError {
    match e {
        ChatError::Invalid(detail) => {
            let (field, message) = detail.split_once(": ").unwrap_or(("message", &detail));
            ApiError::invalid(field, message)
        }
        ChatError::Store(e) => e.into(),
        ChatError::Model(e) => ApiError::unavailable(format!("the model could not answer: {e}")),
    }
}

async fn send(
    State(state): State<AppState>,
    caller: Caller,
    Body(b): Body<ChatBody>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let chat = state.chat.clone().ok_or_else(|| {
        ApiError::unavailable(
            "no model is configured: set ANTHROPIC_API_KEY, OPENAI_API_KEY (and OPENAI_BASE_URL) or CHIEF_MODEL and restart chief serve",
        )
    })?;
    let mut scope = caller.scope();
    scope.actor = Actor::agent(caller.user.id);
    let agent = chief_ai::Caller::new(state.db.clone(), scope);
    let turn = chat
        .start(&agent, b.conversation_id, &b.message)
        .await
        .map_err(chat_error)?;
    // The turn runs to its end even if the client goes away, so what it
    // stores is whole; the client only stops listening.
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
    tokio::spawn(async move {
        let events = tx.clone();
        let mut on = move |e: ChatEvent| {
            let event = Event::default()
                .event(e.name())
                .json_data(&e)
                .expect("chat events serialise to JSON");
            let _ = events.send(event);
        };
        if let Err(e) = turn.run(&mut on).await {
            let problem = chat_error(e);
            let body = json!({
                "type": problem.kind,
                "title": problem.title,
                "status": problem.status.as_u16(),
                "detail": problem.detail,
            });
            let _ = tx.send(
                Event::default()
                    .event("error")
                    .json_data(body)
                    .expect("problems serialise to JSON"),
            );
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|event| (Ok(event), rx))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// At most this many (default 50, at most 200).
    limit: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Params(q): Params<ListQuery>,
) -> Result<Json<Vec<Conversation>>, ApiError> {
    let limit = match q.limit {
        None => 50,
        Some(n @ 1..=200) => n,
        Some(_) => return Err(ApiError::invalid("limit", "must be from 1 to 200")),
    };
    Ok(Json(
        conversation::list(&state.db, caller.tenant(), caller.user.id, limit).await?,
    ))
}

/// A conversation with its messages.
#[derive(Serialize, JsonSchema)]
struct ConversationView {
    #[serde(flatten)]
    conversation: Conversation,
    /// Each message's `content` is the model's blocks: `text`, `tool_use`
    /// and `tool_result`.
    #[schemars(with = "Vec<serde_json::Value>")]
    messages: Vec<StoredMessage>,
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<ConversationView>, ApiError> {
    let conversation = conversation::get(&state.db, caller.tenant(), caller.user.id, id).await?;
    let messages = conversation::messages(&state.db, caller.tenant(), id).await?;
    Ok(Json(ConversationView {
        conversation,
        messages,
    }))
}
