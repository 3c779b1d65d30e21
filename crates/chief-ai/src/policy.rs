//! The agent's safety policy, decided in one place for every caller that
//! runs a tool a model asked for (the agent loop and chat, through
//! `agent::tool_step`):
//!
//! - **approval per tool class**: each class (read, write, propose, admin)
//!   runs on its own (`auto`), waits for a person's approval (`ask`: the
//!   call becomes a question) or is never run (`deny`). The workspace's
//!   choice is the `agent.policy` setting; by default only admin tools
//!   (cancelling, deleting) ask.
//! - **untrusted content**: a turn that carries outside data (a webhook
//!   payload fenced by a trigger, see [`UNTRUSTED_FENCE`]) may not delete or
//!   cancel anything, nor change settings, rules or playbooks, whatever the
//!   policy says.
//! - **the daily token budget**: the tenant's model tokens per UTC day, with
//!   a hard stop ([`crate::budget`]).

use crate::registry::ToolClass;
use chief_app::write::in_scope;
use chief_domain::TenantId;
use chief_store::{Db, Scope, StoreError, Tx, setting};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use chief_domain::trigger::UNTRUSTED_FENCE;

/// The setting that holds a workspace's policy.
pub const SETTING: &str = "agent.policy";

/// What happens when the model asks for a tool of a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Approval {
    /// The call runs.
    Auto,
    /// The call waits for a person: the task blocks on a question.
    Ask,
    /// The call is refused.
    Deny,
}

impl Approval {
    /// Parses `auto`, `ask` or `deny`.
    pub fn parse(text: &str) -> Result<Approval, StoreError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Approval::Auto),
            "ask" => Ok(Approval::Ask),
            "deny" => Ok(Approval::Deny),
            other => Err(StoreError::invalid(
                "approval",
                format!("must be auto, ask or deny, not {other:?}"),
            )),
        }
    }

    /// The name the policy shows.
    pub fn as_str(self) -> &'static str {
        match self {
            Approval::Auto => "auto",
            Approval::Ask => "ask",
            Approval::Deny => "deny",
        }
    }
}

/// A workspace's agent policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Policy {
    pub read: Approval,
    pub write: Approval,
    pub propose: Approval,
    pub admin: Approval,
    /// Model tokens (input plus output) the workspace's agent runs and chat
    /// turns may use per UTC day.
    pub daily_token_budget: u64,
}

/// The daily budget when none is set: five full-budget runs.
pub const DEFAULT_DAILY_TOKENS: u64 = 1_000_000;

/// The largest daily budget accepted.
const MAX_DAILY_TOKENS: u64 = 1_000_000_000;

impl Default for Policy {
    fn default() -> Self {
        Policy {
            read: Approval::Auto,
            write: Approval::Auto,
            propose: Approval::Auto,
            admin: Approval::Ask,
            daily_token_budget: DEFAULT_DAILY_TOKENS,
        }
    }
}

impl Policy {
    /// What the policy says for `class`.
    pub fn for_class(&self, class: ToolClass) -> Approval {
        match class {
            ToolClass::Read => self.read,
            ToolClass::Write => self.write,
            ToolClass::Propose => self.propose,
            ToolClass::Admin => self.admin,
        }
    }

    /// Sets one entry: a class (`read`, `write`, `propose`, `admin`) to
    /// `auto`, `ask` or `deny`, or `daily_token_budget` to a number.
    pub fn set(&mut self, what: &str, value: &str) -> Result<(), StoreError> {
        let slot = match what.trim().to_ascii_lowercase().as_str() {
            "read" => &mut self.read,
            "write" => &mut self.write,
            "propose" => &mut self.propose,
            "admin" => &mut self.admin,
            "daily_token_budget" | "budget" => {
                let n = value.trim().replace('_', "").parse::<u64>().map_err(|_| {
                    StoreError::invalid(
                        "daily_token_budget",
                        format!("must be a number of tokens, not {value:?}"),
                    )
                })?;
                self.daily_token_budget = n;
                return self.validate();
            }
            other => {
                return Err(StoreError::invalid(
                    "class",
                    format!(
                        "must be read, write, propose, admin or daily_token_budget, not {other:?}"
                    ),
                ));
            }
        };
        *slot = Approval::parse(value)?;
        self.validate()
    }

    /// Checks the budget is in range.
    pub fn validate(&self) -> Result<(), StoreError> {
        if !(1..=MAX_DAILY_TOKENS).contains(&self.daily_token_budget) {
            return Err(StoreError::invalid(
                "daily_token_budget",
                format!("must be 1 to {MAX_DAILY_TOKENS} tokens"),
            ));
        }
        Ok(())
    }

    /// The workspace's policy; the defaults fill in what it never set.
    pub async fn load(db: &Db, tenant: TenantId) -> Result<Policy, StoreError> {
        let Some(stored) = setting::get(db, tenant, None, SETTING).await? else {
            return Ok(Policy::default());
        };
        let mut merged = serde_json::to_value(Policy::default()).expect("a policy serializes");
        if let (Some(into), Some(from)) = (merged.as_object_mut(), stored.value.as_object()) {
            for (k, v) in from {
                if into.contains_key(k) {
                    into.insert(k.clone(), v.clone());
                }
            }
        }
        // A hand-edited setting that no longer parses falls back to the
        // safe defaults rather than stopping the agent.
        Ok(serde_json::from_value(merged).unwrap_or_default())
    }

    /// Stores the policy for the workspace (audited as `setting.updated`).
    pub async fn save(&self, tx: &mut Tx) -> Result<(), StoreError> {
        self.validate()?;
        let value = serde_json::to_value(self).expect("a policy serializes");
        setting::set(tx, None, SETTING, value).await?;
        Ok(())
    }
}

/// A change to the policy: the entries to change; those left out stay as
/// they are. `PUT /api/agent/policy` takes it as its body, and
/// `chief agent policy set WHAT VALUE` builds it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PolicyBody")]
pub struct PolicyChange {
    pub read: Option<Approval>,
    pub write: Option<Approval>,
    pub propose: Option<Approval>,
    pub admin: Option<Approval>,
    /// Tokens per UTC day, 1 to 1,000,000,000.
    pub daily_token_budget: Option<u64>,
}

impl PolicyChange {
    /// The change that sets one entry, as [`Policy::set`] reads it.
    pub fn one(what: &str, value: &str) -> Result<PolicyChange, StoreError> {
        let mut set = Policy::default();
        set.set(what, value)?;
        let mut change = PolicyChange::default();
        match what.trim().to_ascii_lowercase().as_str() {
            "read" => change.read = Some(set.read),
            "write" => change.write = Some(set.write),
            "propose" => change.propose = Some(set.propose),
            "admin" => change.admin = Some(set.admin),
            _ => change.daily_token_budget = Some(set.daily_token_budget),
        }
        Ok(change)
    }

    fn apply(self, policy: &mut Policy) {
        policy.read = self.read.unwrap_or(policy.read);
        policy.write = self.write.unwrap_or(policy.write);
        policy.propose = self.propose.unwrap_or(policy.propose);
        policy.admin = self.admin.unwrap_or(policy.admin);
        policy.daily_token_budget = self.daily_token_budget.unwrap_or(policy.daily_token_budget);
    }
}

/// Changes the workspace's policy in one audited transaction and returns
/// it; a budget out of range is refused and nothing changes.
pub async fn change(db: &Db, scope: &Scope, change: PolicyChange) -> Result<Policy, StoreError> {
    let mut policy = Policy::load(db, scope.tenant).await?;
    change.apply(&mut policy);
    policy.validate()?;
    in_scope(db, scope, async |tx| policy.save(tx).await).await?;
    Ok(policy)
}

/// What may happen to one tool call the model asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Run it.
    Run,
    /// Hold it for a person's approval.
    Ask,
    /// Refuse it, telling the model why.
    Refuse(String),
}

/// Decides a call of `tool` (of `class`) with `args`, in a turn that does
/// or does not carry `untrusted` content. Blocking a task is never held:
/// it is how the agent asks a person in the first place.
pub fn decide(
    policy: &Policy,
    tool: &str,
    class: ToolClass,
    args: &Value,
    untrusted: bool,
) -> Verdict {
    if untrusted && changes_what_outside_data_may_not(tool, class, args) {
        return Verdict::Refuse(format!(
            "refused: this turn carries untrusted outside content, so it may not delete or cancel anything or change settings, rules, policy or playbooks ({tool} is not allowed here); carry on without it or block the task to ask the person"
        ));
    }
    if tool == "block_task" {
        return Verdict::Run;
    }
    match policy.for_class(class) {
        Approval::Auto => Verdict::Run,
        Approval::Ask => Verdict::Ask,
        Approval::Deny => Verdict::Refuse(format!(
            "refused: the workspace's policy denies {} tools to the agent ({tool}); carry on without it",
            class.as_str()
        )),
    }
}

/// Admin tools (cancelling, deleting, administering), and captures that
/// would change a setting, a rule or a playbook.
fn changes_what_outside_data_may_not(tool: &str, class: ToolClass, args: &Value) -> bool {
    if class == ToolClass::Admin {
        return true;
    }
    if tool == "capture_knowledge" {
        // Only a capture routed to a named person, client or project is
        // safe; an inferred target could be a setting or the rules.
        return !matches!(
            args["target_type"].as_str(),
            Some("person" | "client" | "project")
        );
    }
    false
}

/// Whether `text` (a task, a tool result) carries fenced outside content.
pub fn carries_untrusted(text: &str) -> bool {
    text.contains(UNTRUSTED_FENCE)
}

/// `args` as text with every object's keys sorted, so the same call always
/// reads the same.
pub fn canonical(args: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                let mut out = serde_json::Map::new();
                for k in keys {
                    out.insert(k.clone(), sorted(&map[k]));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(args).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn admin_asks_by_default_and_the_rest_runs() {
        let p = Policy::default();
        assert_eq!(
            decide(&p, "search", ToolClass::Read, &json!({}), false),
            Verdict::Run
        );
        assert_eq!(
            decide(&p, "cancel_task", ToolClass::Admin, &json!({}), false),
            Verdict::Ask
        );
    }

    #[test]
    fn untrusted_turns_cannot_cancel_or_change_settings() {
        let p = Policy::default();
        let refused =
            |tool, class, args| matches!(decide(&p, tool, class, &args, true), Verdict::Refuse(_));
        assert!(refused("cancel_task", ToolClass::Admin, json!({})));
        assert!(refused(
            "capture_knowledge",
            ToolClass::Propose,
            json!({"content": "x"})
        ));
        assert!(refused(
            "capture_knowledge",
            ToolClass::Propose,
            json!({"target_type": "setting"})
        ));
        assert!(!refused(
            "capture_knowledge",
            ToolClass::Propose,
            json!({"target_type": "person"})
        ));
        assert!(!refused("create_draft", ToolClass::Propose, json!({})));
    }

    #[test]
    fn a_policy_entry_is_set_by_name_and_bad_values_name_the_field() {
        let mut p = Policy::default();
        p.set("write", "ask").unwrap();
        p.set("budget", "50_000").unwrap();
        assert_eq!((p.write, p.daily_token_budget), (Approval::Ask, 50_000));
        assert!(
            p.set("write", "maybe")
                .unwrap_err()
                .to_string()
                .contains("approval must be auto, ask or deny")
        );
        assert!(
            p.set("delete", "ask")
                .unwrap_err()
                .to_string()
                .contains("class must be read, write")
        );
        assert!(
            p.set("budget", "0")
                .unwrap_err()
                .to_string()
                .contains("daily_token_budget")
        );
        assert_eq!(
            decide(&p, "block_task", ToolClass::Write, &json!({}), false),
            Verdict::Run
        );
    }

    #[test]
    fn canonical_arguments_ignore_key_order() {
        assert_eq!(
            canonical(&json!({"b": 1, "a": {"d": 2, "c": 3}})),
            canonical(&json!({"a": {"c": 3, "d": 2}, "b": 1}))
        );
    }
}
