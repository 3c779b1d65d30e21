//! Triggers: a person's own automations. Each one has a *when* (a cron
//! schedule in a time zone, or an event), a *what* (an action) and a
//! *where* (channels). A scheduled trigger is run by the scheduler as a job
//! of kind `trigger`; an event trigger follows the outbox from a cursor.
//! Every firing is recorded, with the chain of firings that caused it, so a
//! trigger that fires on its own event is caught and paused.

use crate::briefing::BriefingKind;
use crate::task::{Assignee, TaskStatus};
use crate::{TenantId, text_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// The events a trigger can wait for.
    TriggerEvent {
        /// An open task passed its due date (noticed by the hourly deadline
        /// check).
        TaskOverdue => "task.overdue",
        /// The agent asked the user something.
        QuestionCreated => "question.created",
        /// A draft is waiting for review.
        DraftCreated => "draft.created",
        /// A waiting-for item passed its follow-up date (noticed by the
        /// hourly deadline check).
        WaitingOverdue => "waiting.overdue",
        /// Someone posted to the trigger's own inbound webhook URL.
        WebhookReceived => "webhook.received",
    }
}

/// Which tasks a digest lists: the saved filter of a digest trigger. Windows
/// are relative, so the filter means the same thing every time it runs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DigestFilter {
    /// Statuses to list; the open ones (queued, working, blocked) when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<TaskStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Assignee>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Only tasks due within this many days from the firing (overdue ones
    /// included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_within_days: Option<i64>,
    /// Only tasks completed within this many days before the firing; the
    /// status defaults to completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_within_days: Option<i64>,
    /// `priority` (the default), `due`, `created` or `updated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// How many tasks the digest lists (1 to 50, 15 by default); the rest
    /// are counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
}

/// How outside data handed to the agent is fenced: the heading before it.
/// The agent treats a turn that carries it as untrusted (no deletes, no
/// policy changes).
pub const UNTRUSTED_FENCE: &str = "Untrusted event data";

/// What a trigger does when it fires.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TriggerAction {
    /// Composes a briefing and delivers it.
    Briefing { kind: BriefingKind },
    /// Delivers a digest of the tasks a saved filter finds.
    Digest {
        /// The digest's heading: "Friday wins".
        title: String,
        #[serde(default)]
        filter: DigestFilter,
    },
    /// Creates a task from a quick-add line ("Chase {{title}} tomorrow !2
    /// +Sales"); dates resolve when it fires. `{{field}}` takes a field of
    /// the event that fired it.
    Task {
        template: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// `user` (the default) or `agent`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        assignee: Option<Assignee>,
    },
    /// Hands the agent a prompt: a task assigned to the agent, which the
    /// agent loop (or any MCP client) takes next; the event that fired it
    /// is attached as untrusted context.
    Agent { prompt: String },
    /// Posts the firing (and its event) to one webhook channel.
    Webhook { channel_id: Uuid },
    /// Delivers a notice of the event itself ("New question: ...").
    Notify {
        /// The notice's heading; the event's own when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
}

impl TriggerAction {
    /// The action's name, as in its `type`.
    pub fn name(&self) -> &'static str {
        match self {
            TriggerAction::Briefing { .. } => "briefing",
            TriggerAction::Digest { .. } => "digest",
            TriggerAction::Task { .. } => "task",
            TriggerAction::Agent { .. } => "agent",
            TriggerAction::Webhook { .. } => "webhook",
            TriggerAction::Notify { .. } => "notify",
        }
    }
}

/// A user's trigger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Trigger {
    pub id: Uuid,
    pub tenant_id: TenantId,
    /// Whose trigger it is: it acts as the system for them, and its
    /// schedule is read in their time zone unless it names one.
    pub user_id: Uuid,
    /// Unique per user.
    pub name: String,
    pub description: Option<String>,
    /// The template it was made from, if any.
    pub template: Option<String>,
    /// Cron (five or six fields, or `@daily` and the like); set for a
    /// scheduled trigger.
    pub schedule: Option<String>,
    /// IANA time zone the schedule is read in.
    pub timezone: String,
    /// The event it waits for; set for an event trigger.
    pub event: Option<TriggerEvent>,
    pub action: TriggerAction,
    /// Where its notices go: these channels (and the dashboard); every
    /// channel of the owner's that takes the topic when empty.
    pub channels: Vec<Uuid>,
    pub enabled: bool,
    /// Why it was paused by chief (a loop, or firing too often); absent
    /// when a person paused it or it runs.
    pub paused_reason: Option<String>,
    /// The job that runs a scheduled trigger.
    pub job_id: Option<Uuid>,
    /// The last outbox event an event trigger has looked at.
    #[serde(skip)]
    pub cursor: i64,
    pub fire_count: i64,
    pub last_fired_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

text_enum! {
    /// How a firing ended.
    FiringStatus {
        /// The action ran.
        Fired => "fired",
        /// The action failed; the error says why.
        Failed => "failed",
        /// The event was caused by this trigger's own firing (directly or
        /// through others), or the chain grew too long: nothing ran.
        LoopStopped => "loop_stopped",
        /// The trigger fired too often in the last hour: nothing ran and it
        /// was paused.
        RateLimited => "rate_limited",
    }
}

/// One firing of a trigger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Firing {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub trigger_id: Uuid,
    /// `schedule`, `catch_up`, `manual` or `event`.
    pub cause: String,
    /// The outbox event it fired on.
    pub event_seq: Option<i64>,
    pub event_type: Option<String>,
    pub status: FiringStatus,
    /// What it did, for a person: "created task ...".
    pub output: Option<String>,
    pub error: Option<String>,
    /// The triggers whose firings led here, oldest first, ending with this
    /// one.
    pub chain: Vec<Uuid>,
    /// The trace its changes were audited under.
    pub trace_id: String,
    pub created_at: DateTime<Utc>,
}

/// How many firings may lead from one to the next before the chain is
/// stopped, even with no trigger repeated.
pub const MAX_CHAIN: usize = 5;

/// How many times an event trigger may fire in an hour before it is paused
/// as a runaway.
pub const MAX_FIRINGS_PER_HOUR: i64 = 60;

/// Why firing `trigger` on an event caused by a firing with `parent_chain`
/// would be a loop, or `None` when it is safe.
pub fn loop_in(parent_chain: &[Uuid], trigger: Uuid) -> Option<String> {
    if parent_chain.contains(&trigger) {
        Some("it fired on an event its own firing caused".into())
    } else if parent_chain.len() >= MAX_CHAIN {
        Some(format!(
            "{} triggers fired one from another in a row (the most is {MAX_CHAIN})",
            parent_chain.len() + 1
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trigger_in_its_own_chain_is_a_loop_and_a_long_chain_is_stopped() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(loop_in(&[a], a).is_some());
        assert!(loop_in(&[a, b], a).is_some());
        assert_eq!(loop_in(&[b], a), None);
        assert_eq!(loop_in(&[], a), None);
        let long: Vec<Uuid> = (0..MAX_CHAIN).map(|_| Uuid::now_v7()).collect();
        assert!(loop_in(&long, a).unwrap().contains("in a row"));
        assert_eq!(loop_in(&long[1..], a), None);
    }

    #[test]
    fn actions_read_their_json_and_refuse_unknown_fields() {
        let a: TriggerAction =
            serde_json::from_str(r#"{"type":"briefing","kind":"weekly"}"#).unwrap();
        assert_eq!(
            a,
            TriggerAction::Briefing {
                kind: BriefingKind::Weekly
            }
        );
        let d: TriggerAction = serde_json::from_str(
            r#"{"type":"digest","title":"Wins","filter":{"completed_within_days":7}}"#,
        )
        .unwrap();
        assert_eq!(d.name(), "digest");
        assert!(serde_json::from_str::<TriggerAction>(r#"{"type":"send_email"}"#).is_err());
        assert!(
            serde_json::from_str::<TriggerAction>(r#"{"type":"agent","prompt":"x","model":"y"}"#)
                .is_err()
        );
    }
}
