//! Chat (`POST /api/chat`, `chief chat`): the person talks with the agent
//! in a stored conversation. The agent answers with the same registry
//! tools as the loop — it looks things up, and changes records when asked
//! — and, as everywhere, drafts but never sends.
//!
//! A turn is an agent run like any other: journaled step by step (each
//! write before it is applied), counted against the token budget, and
//! undoable with `chief agent undo RUN`. Text and tool calls are reported
//! as they happen, for the API's Server-Sent Events and the terminal.
//!
//! - [`conversation`]: the stored conversations and their messages.

pub mod conversation;

use crate::agent::journal::{Journal, Routing, RunStatus};
use crate::agent::tool_step::{self, StepRules};
use crate::instructions::RULES;
use crate::policy::{self, Policy};
use crate::registry::{Caller, Registry};
use chief_llm::ToolDefinition;
use chief_llm::{Block, LlmError, Message, Provider, Request, StreamEvent, SystemPrompt};
use chief_store::StoreError;
use chrono::Utc;
use conversation::Conversation;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;
use uuid::Uuid;

/// The longest message a person may send, in characters.
pub const MAX_MESSAGE_CHARS: usize = 16_000;

/// How chat differs from working a task: the person is there.
const CHAT: &str = "\
You are the user's chief of staff, talking with them directly. Answer from
their system of record: look things up with the tools (`search`,
`get_task_context`, `match_playbooks`, the lookups) rather than guessing,
and change records only when they ask you to. Draft external messages with
`create_draft`; never say you sent anything — the user sends approved
drafts. Be brief and concrete, and name tasks, people and dates exactly as
they are stored.
";

/// Limits of one turn.
#[derive(Clone, Debug)]
pub struct ChatOptions {
    /// Model calls in one turn before it stops.
    pub max_rounds: u32,
    /// Input plus output tokens in one turn; it stops once reached.
    pub token_budget: u64,
    /// Room for each answer.
    pub max_tokens: u32,
}

impl Default for ChatOptions {
    fn default() -> Self {
        ChatOptions {
            max_rounds: 10,
            token_budget: 150_000,
            max_tokens: 4096,
        }
    }
}

/// The chat agent: a model, the tools and the limits.
pub struct Chat {
    pub registry: Registry,
    pub provider: Provider,
    pub options: ChatOptions,
}

/// Something a turn did, reported as it happens.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatEvent {
    /// The turn began: its conversation (new or continued) and its run.
    Started {
        conversation_id: Uuid,
        run_id: Uuid,
        trace_id: String,
    },
    /// More of the answer's text.
    Token { text: String },
    /// The model calls a tool.
    ToolCall {
        id: String,
        name: String,
        input: Value,
    },
    /// What the tool returned, or why it failed.
    ToolResult {
        id: String,
        name: String,
        ok: bool,
        result: Value,
    },
    /// The turn finished.
    Done(TurnReport),
}

impl ChatEvent {
    /// The event's name, as the SSE `event:` field carries it.
    pub fn name(&self) -> &'static str {
        match self {
            ChatEvent::Started { .. } => "started",
            ChatEvent::Token { .. } => "token",
            ChatEvent::ToolCall { .. } => "tool_call",
            ChatEvent::ToolResult { .. } => "tool_result",
            ChatEvent::Done(_) => "done",
        }
    }
}

/// What a finished turn did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TurnReport {
    pub conversation_id: Uuid,
    pub run_id: Uuid,
    /// The text of the agent's last answer.
    pub text: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cost_micro_usd: u64,
    /// Why the turn stopped early, when it did.
    pub note: Option<String>,
}

/// Why a turn could not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    /// The message cannot be sent (empty, too long).
    #[error("{0}")]
    Invalid(String),
    /// The store failed, or the conversation is not the caller's.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The model failed mid-turn; what the turn stored so far is kept and
    /// the conversation can go on.
    #[error("the model could not answer: {0}")]
    Model(LlmError),
}

/// A turn ready to run: the message checked and the conversation found or
/// started.
pub struct Turn {
    chat: Arc<Chat>,
    caller: Caller,
    pub conversation: Conversation,
    history: Vec<Message>,
    text: String,
}

impl Chat {
    /// Checks `text` and finds `conversation` (the caller's own; not found
    /// otherwise) or starts a new one, so the caller can report a bad
    /// request before anything streams.
    pub async fn start(
        self: &Arc<Self>,
        caller: &Caller,
        conversation: Option<Uuid>,
        text: &str,
    ) -> Result<Turn, ChatError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ChatError::Invalid("message: say something".into()));
        }
        let chars = text.chars().count();
        if chars > MAX_MESSAGE_CHARS {
            return Err(ChatError::Invalid(format!(
                "message: {chars} characters is longer than the {MAX_MESSAGE_CHARS} allowed"
            )));
        }
        let user = caller
            .scope
            .actor
            .user_id
            .ok_or_else(|| StoreError::invalid("actor", "chat needs a user"))?;
        let db = &caller.db;
        let (conversation, history) = match conversation {
            Some(id) => {
                let found = conversation::get(db, caller.scope.tenant, user, id).await?;
                let stored = conversation::messages(db, caller.scope.tenant, id).await?;
                (found, conversation::history(&stored))
            }
            None => {
                let title = conversation::title_of(text);
                (
                    conversation::create(db, &caller.scope, &title).await?,
                    Vec::new(),
                )
            }
        };
        Ok(Turn {
            chat: self.clone(),
            caller: caller.clone(),
            conversation,
            history,
            text: text.to_string(),
        })
    }

    fn tools(&self) -> Vec<ToolDefinition> {
        self.registry
            .tools()
            .iter()
            .map(|t| ToolDefinition {
                name: t.name.to_string(),
                description: t.description.to_string(),
                input_schema: Value::Object(t.input_schema.clone()),
            })
            .collect()
    }
}

impl Turn {
    /// Runs the turn: stores the person's message, then lets the model
    /// answer and call tools until it answers without one, reporting each
    /// step to `on`. Every message is stored as soon as it is whole.
    pub async fn run(
        self,
        on: &mut (dyn FnMut(ChatEvent) + Send),
    ) -> Result<TurnReport, ChatError> {
        let Turn {
            chat,
            caller,
            conversation,
            mut history,
            text,
        } = self;
        let db = &caller.db;
        let scope = &caller.scope;
        let routing = Routing {
            persona: "chat".into(),
            decision: "chat".into(),
            confidence: 100,
        };
        let policy = Policy::load(db, scope.tenant).await?;
        let mut journal = Journal::open(db, scope, &routing, None, chat.provider.model()).await?;
        let run_id = journal.run_id;
        on(ChatEvent::Started {
            conversation_id: conversation.id,
            run_id,
            trace_id: scope.trace_id.clone().unwrap_or_default(),
        });
        let message = Message::user(text);
        conversation::append(db, scope, conversation.id, &message, Some(run_id)).await?;
        history.push(message);
        let mut req = Request {
            system: SystemPrompt {
                stable: format!("{CHAT}\n{RULES}"),
                dynamic: format!(
                    "Today is {}.",
                    scope.now.unwrap_or_else(Utc::now).format("%A %Y-%m-%d")
                ),
            },
            messages: history,
            tools: chat.tools(),
            max_tokens: chat.options.max_tokens,
            cache_conversation: true,
            ..Request::default()
        };
        let mut last_text = String::new();
        let mut note = None;
        // Outside content read by a tool makes the rest of the turn
        // untrusted: no deletes, no policy changes.
        let mut untrusted = false;
        for round in 0.. {
            if let Some(spent) = journal.day_spent(&policy).await? {
                note = Some(spent);
                break;
            }
            if round >= chat.options.max_rounds {
                note = Some(format!(
                    "stopped after {} model calls in one turn",
                    chat.options.max_rounds
                ));
                break;
            }
            let used = journal.input_tokens + journal.output_tokens;
            if used >= chat.options.token_budget {
                note = Some(format!(
                    "stopped: the turn used {used} tokens, over its budget of {}",
                    chat.options.token_budget
                ));
                break;
            }
            let started = std::time::Instant::now();
            let mut relay = |e: StreamEvent| {
                if let StreamEvent::Text(text) = e {
                    on(ChatEvent::Token { text });
                }
            };
            let resp = match chat.provider.stream(&req, &mut relay).await {
                Ok(resp) => resp,
                Err(e) => {
                    journal.model_failure(&e.to_string(), started.elapsed());
                    journal
                        .finish(RunStatus::Failed, Some(&e.to_string()))
                        .await?;
                    return Err(ChatError::Model(e));
                }
            };
            journal.model_call(&resp);
            let answer = Message::assistant(resp.content.clone());
            conversation::append(db, scope, conversation.id, &answer, Some(run_id)).await?;
            req.messages.push(answer);
            last_text = resp.text();
            let calls: Vec<(String, String, Value)> = resp
                .tool_calls()
                .map(|(id, name, input)| (id.to_string(), name.to_string(), input.clone()))
                .collect();
            if calls.is_empty() {
                break;
            }
            let mut results = Vec::with_capacity(calls.len());
            for (id, name, input) in calls {
                on(ChatEvent::ToolCall {
                    id: id.clone(),
                    name: name.clone(),
                    input: input.clone(),
                });
                let rules = StepRules {
                    allowed: &|_| true,
                    policy: &policy,
                    untrusted,
                    task_id: None,
                };
                let outcome = tool_step::requested(
                    &mut journal,
                    &chat.registry,
                    &caller,
                    &rules,
                    &name,
                    input,
                )
                .await?;
                if let Ok(v) = &outcome {
                    untrusted |= policy::carries_untrusted(&v.to_string());
                }
                let (ok, result, block) = match outcome {
                    Ok(v) => (
                        true,
                        v.clone(),
                        Block::tool_result(id.clone(), v.to_string()),
                    ),
                    Err(e) => (
                        false,
                        Value::String(e.clone()),
                        Block::ToolResult {
                            tool_use_id: id.clone(),
                            content: e,
                            is_error: true,
                        },
                    ),
                };
                on(ChatEvent::ToolResult {
                    id,
                    name,
                    ok,
                    result,
                });
                results.push(block);
            }
            let answered = Message::tool_results(results);
            conversation::append(db, scope, conversation.id, &answered, Some(run_id)).await?;
            req.messages.push(answered);
        }
        journal
            .finish(RunStatus::Completed, note.as_deref())
            .await?;
        let report = TurnReport {
            conversation_id: conversation.id,
            run_id,
            text: last_text,
            input_tokens: journal.input_tokens,
            output_tokens: journal.output_tokens,
            cost_micro_usd: journal.cost_micro_usd,
            note,
        };
        on(ChatEvent::Done(report.clone()));
        Ok(report)
    }
}
