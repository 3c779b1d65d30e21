//! Deliveries: notices on their way to a person. Scheduled jobs and
//! triggers write them (a briefing, a deadline notice, a digest); the
//! dashboard shows the copy without a channel, and each of the person's
//! channels (a webhook, later Slack, Discord, Telegram, email) gets its own
//! copy, sent and retried by the delivery worker.

use crate::{TenantId, text_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// Where a delivery stands.
    DeliveryStatus {
        /// Waiting for its first or next attempt.
        Pending => "pending",
        Delivered => "delivered",
        /// Every attempt failed; it can be re-delivered by hand.
        Failed => "failed",
    }
}

/// What a notice says, in the forms channels need.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Notice {
    /// One line: a subject or a push title.
    pub title: String,
    /// Plain text.
    pub text: String,
    /// Markdown, for channels that render it.
    pub markdown: String,
    /// The structured content, for webhooks and the dashboard.
    pub data: serde_json::Value,
}

/// One notice for one channel (or, without a channel, for the dashboard).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Delivery {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub user_id: Uuid,
    /// `None`: the dashboard's copy.
    pub channel_id: Option<Uuid>,
    /// `briefing.morning`, `deadline.due_in_3_days`, `waiting.digest`, …
    pub topic: String,
    /// A notice with a key is sent once per channel, ever.
    pub dedupe_key: Option<String>,
    pub payload: Notice,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// One try at sending a delivery: what the target answered, or why it
/// could not be reached.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeliveryAttempt {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub delivery_id: Uuid,
    /// 1 for the first try.
    pub attempt: i64,
    pub started_at: DateTime<Utc>,
    /// How long the try took, in milliseconds.
    pub duration_ms: i64,
    /// The HTTP status the target answered; none when it was not reached.
    pub status_code: Option<i64>,
    /// Why it failed; none when it succeeded.
    pub error: Option<String>,
}
