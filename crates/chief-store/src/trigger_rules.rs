//! What a trigger may be: a name people type, texts within bounds, a
//! digest filter with sane windows, an action that names only the owner's
//! own webhook channel, channels of the owner's, and what a template fills
//! in. The repository (`trigger.rs`) checks every new or changed trigger
//! here before writing it.

use crate::trigger::NewTrigger;
use crate::{StoreError, Tx, channel};
use chief_brain::trigger_templates;
use chief_domain::channel::ChannelKind;
use chief_domain::trigger::{DigestFilter, TriggerAction};
use uuid::Uuid;

/// The longest description, quick-add template or agent prompt kept.
pub(crate) const MAX_TEXT: usize = 4000;
/// The most channels one trigger names.
const MAX_CHANNELS: usize = 10;

pub(crate) fn check_name(name: &str) -> Result<(), StoreError> {
    let ok = !name.is_empty()
        && name.len() <= 48
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "name",
            "must be 1 to 48 lower-case letters, digits, '_' or '-', such as friday-wins",
        ))
    }
}

pub(crate) fn check_text(field: &'static str, text: &str, max: usize) -> Result<(), StoreError> {
    if text.trim().is_empty() {
        Err(StoreError::invalid(field, "must not be empty"))
    } else if text.chars().count() > max {
        Err(StoreError::invalid(
            field,
            format!("must be at most {max} characters"),
        ))
    } else {
        Ok(())
    }
}

fn check_filter(f: &DigestFilter) -> Result<(), StoreError> {
    let window = |field, days: Option<i64>| match days {
        Some(d) if !(1..=366).contains(&d) => {
            Err(StoreError::invalid(field, "must be 1 to 366 days"))
        }
        _ => Ok(()),
    };
    window("action.filter.due_within_days", f.due_within_days)?;
    window(
        "action.filter.completed_within_days",
        f.completed_within_days,
    )?;
    if f.limit.is_some_and(|l| !(1..=50).contains(&l)) {
        return Err(StoreError::invalid(
            "action.filter.limit",
            "must be 1 to 50",
        ));
    }
    if let Some(s) = &f.sort
        && !["priority", "due", "created", "updated"].contains(&s.as_str())
    {
        return Err(StoreError::invalid(
            "action.filter.sort",
            format!("{s:?} is not one of priority, due, created, updated"),
        ));
    }
    Ok(())
}

/// Checks an action against the owner's workspace: a webhook action must
/// name one of their webhook channels.
pub(crate) async fn check_action(
    tx: &mut Tx,
    user_id: Uuid,
    a: &TriggerAction,
) -> Result<(), StoreError> {
    match a {
        TriggerAction::Briefing { .. } => Ok(()),
        TriggerAction::Digest { title, filter } => {
            check_text("action.title", title, 200)?;
            check_filter(filter)
        }
        TriggerAction::Task {
            template,
            description,
            ..
        } => {
            check_text("action.template", template, 500)?;
            match description {
                Some(d) => check_text("action.description", d, MAX_TEXT),
                None => Ok(()),
            }
        }
        TriggerAction::Agent { prompt } => check_text("action.prompt", prompt, MAX_TEXT),
        TriggerAction::Notify { title } => match title {
            Some(t) => check_text("action.title", t, 200),
            None => Ok(()),
        },
        TriggerAction::Webhook { channel_id } => {
            let tenant = tx.tenant();
            let c = channel::get(&mut *tx, tenant, *channel_id)
                .await
                .map_err(|_| {
                    StoreError::invalid("action.channel_id", "no such channel of yours")
                })?;
            if c.user_id != user_id {
                Err(StoreError::invalid(
                    "action.channel_id",
                    "no such channel of yours",
                ))
            } else if c.kind != ChannelKind::Webhook {
                Err(StoreError::invalid(
                    "action.channel_id",
                    format!("{} is a {} channel, not a webhook", c.name, c.kind.as_str()),
                ))
            } else {
                Ok(())
            }
        }
    }
}

pub(crate) async fn check_channels(
    tx: &mut Tx,
    user_id: Uuid,
    ids: &[Uuid],
) -> Result<(), StoreError> {
    if ids.len() > MAX_CHANNELS {
        return Err(StoreError::invalid(
            "channels",
            format!("at most {MAX_CHANNELS} channels"),
        ));
    }
    let tenant = tx.tenant();
    for id in ids {
        let mine = channel::get(&mut *tx, tenant, *id)
            .await
            .is_ok_and(|c| c.user_id == user_id);
        if !mine {
            return Err(StoreError::invalid(
                "channels",
                format!("{id} is not one of your channels"),
            ));
        }
    }
    Ok(())
}

/// `new` with what it leaves out taken from its template, if it names
/// one: the name, the description, the schedule or event (when it gives
/// neither) and the action.
pub(crate) fn with_template(mut new: NewTrigger) -> Result<NewTrigger, StoreError> {
    let Some(name) = &new.template else {
        return Ok(new);
    };
    let t = trigger_templates::find(name).ok_or_else(|| {
        let names: Vec<&str> = trigger_templates::all().iter().map(|t| t.name).collect();
        StoreError::invalid(
            "template",
            format!("no template {name:?}; the library has {}", names.join(", ")),
        )
    })?;
    if new.name.is_empty() {
        new.name = t.name.into();
    }
    if new.schedule.is_none() && new.event.is_none() {
        new.schedule = t.schedule.map(String::from);
        new.event = t.event;
    }
    new.description = new.description.or(Some(t.description.into()));
    new.action = new.action.or(Some(t.action));
    Ok(new)
}
