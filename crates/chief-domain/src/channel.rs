//! Channels: the places a person's notices go (a webhook now; Slack,
//! Discord, Telegram and email later). Each belongs to one user, takes the
//! topics it subscribes to (all when none), and carries a signing secret
//! that is kept encrypted and never shown after creation. The checks here
//! are the pure ones; the store adds those that need a parser (URLs,
//! secrets).

use crate::{DomainError, TenantId, text_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

text_enum! {
    /// How a channel sends.
    ChannelKind {
        /// A signed JSON POST (Standard Webhooks).
        Webhook => "webhook",
        Slack => "slack",
        Discord => "discord",
        Telegram => "telegram",
        Email => "email",
    }
}

impl ChannelKind {
    /// Whether chief can send through this kind yet.
    pub fn is_supported(self) -> bool {
        matches!(self, ChannelKind::Webhook)
    }
}

/// A place notices go. The secret is not part of it: it is returned once,
/// when the channel is created.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Channel {
    pub id: Uuid,
    pub tenant_id: TenantId,
    /// Whose notices it receives.
    pub user_id: Uuid,
    pub kind: ChannelKind,
    /// Unique per user; the CLI finds a channel by it.
    pub name: String,
    /// Kind-specific settings; a webhook's is `{"url": "https://…"}`.
    pub config: serde_json::Value,
    /// The topics it receives (`briefing`, `deadline.overdue`, …); a topic
    /// also takes those under it. Empty: every topic.
    pub topics: Vec<String>,
    /// A disabled channel gets no new notices; those already queued are
    /// still sent.
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The topic of the notice that tests a channel.
pub const TEST_TOPIC: &str = "channel.test";

/// The notice that tests a channel: one line saying it works.
pub fn test_notice(channel: &Channel) -> crate::delivery::Notice {
    crate::delivery::Notice {
        title: "Test notice from chief".into(),
        text: format!(
            "This is a test of your channel \"{}\". If you can read it, notices will reach you here.",
            channel.name
        ),
        markdown: format!(
            "**Test notice from chief.** If you can read it, notices for *{}* will reach you here.",
            channel.name
        ),
        data: serde_json::json!({ "channel_id": channel.id, "channel": channel.name }),
    }
}

/// The longest channel name.
pub const MAX_NAME: usize = 100;
/// The most topics one channel subscribes to.
pub const MAX_TOPICS: usize = 50;
/// The longest topic.
pub const MAX_TOPIC: usize = 100;

/// A channel name, trimmed: 1 to 100 characters, no control characters.
pub fn check_name(name: &str) -> Result<String, DomainError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(DomainError::invalid(
            "name",
            format!("must be 1 to {MAX_NAME} characters"),
        ));
    }
    crate::one_line::check("name", name)?;
    Ok(name.to_string())
}

/// Subscribed topics, trimmed and deduplicated in order: each lower-case
/// letters, digits, `_`, `-` and dots between words (`deadline.overdue`).
pub fn check_topics(topics: &[String]) -> Result<Vec<String>, DomainError> {
    if topics.len() > MAX_TOPICS {
        return Err(DomainError::invalid(
            "topics",
            format!("must be at most {MAX_TOPICS}"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(topics.len());
    for t in topics {
        let t = t.trim();
        let word_ok = |w: &str| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        };
        if t.len() > MAX_TOPIC || !t.split('.').all(word_ok) {
            return Err(DomainError::invalid(
                "topics",
                format!(
                    "{t:?} is not a topic: use lower-case words joined by dots, such as deadline.overdue"
                ),
            ));
        }
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_name("  ops hook  ").unwrap(), "ops hook");
        assert_eq!(check_name("📣 équipe").unwrap(), "📣 équipe");
        assert!(check_name("   ").is_err());
        assert!(check_name(&"x".repeat(101)).is_err());
        assert!(check_name("a\nb").is_err());
    }

    #[test]
    fn topics_are_dotted_lower_case_words() {
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            check_topics(&t(&[" briefing ", "deadline.overdue", "briefing"])).unwrap(),
            t(&["briefing", "deadline.overdue"])
        );
        for bad in ["", "Briefing", "deadline..overdue", ".x", "a b", "ريد"] {
            assert!(check_topics(&t(&[bad])).is_err(), "{bad:?}");
        }
        assert!(check_topics(&vec!["a".to_string(); 51]).is_err());
    }
}
