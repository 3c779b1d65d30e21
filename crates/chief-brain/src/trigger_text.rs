//! The words a trigger's firing writes: `{{field}}` placeholders filled
//! from the event that fired it, the notice of an event, and the digest of
//! a saved filter. Pure: the tasks and the reader's time zone are passed
//! in.

use crate::notices::when;
use chief_domain::delivery::Notice;
use chief_domain::task::Task;
use chrono::TimeZone;
use serde_json::{Map, Value, json};

/// The longest text one placeholder puts in.
const MAX_FIELD: usize = 300;

/// An event's fields as a flat map: each changed field's value after the
/// change (`title`, `text`, `due_date`...), or the field itself for events
/// that carry plain values (`payload` of a webhook), plus `event` (its
/// type) and `entity_id`.
pub fn event_fields(event_type: &str, payload: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(changes) = payload["changes"].as_object() {
        for (k, v) in changes {
            let value = match v.get("after") {
                Some(after) if v.as_object().is_some_and(|o| o.len() <= 2) => after.clone(),
                _ => v.clone(),
            };
            out.insert(k.clone(), value);
        }
    }
    out.insert("event".into(), json!(event_type));
    if let Some(id) = payload.get("entity_id") {
        out.insert("entity_id".into(), id.clone());
    }
    out
}

/// What an event is about, for a person: a task's title, a question's
/// text, a draft's subject, a waiting item's `what`.
pub fn subject_of(fields: &Map<String, Value>) -> Option<String> {
    ["title", "text", "subject", "what", "name"]
        .iter()
        .find_map(|k| fields.get(*k).and_then(Value::as_str))
        .map(|s| clip(s).to_string())
}

fn clip(s: &str) -> &str {
    match s.char_indices().nth(MAX_FIELD) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn render(v: &Value) -> String {
    match v {
        Value::String(s) => clip(s).to_string(),
        Value::Null => String::new(),
        other => clip(&other.to_string()).to_string(),
    }
}

/// Fills each `{{path}}` in `template` from `fields`: `{{title}}`, or
/// `{{payload.customer.name}}` into nested values. `{{path|fallback}}`
/// gives the fallback when the path has no value; otherwise a path with no
/// value is left as written, so a mistake shows instead of vanishing.
pub fn fill(template: &str, fields: &Map<String, Value>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let (path, fallback) = match after[..end].split_once('|') {
            Some((p, f)) => (p.trim(), Some(f.trim())),
            None => (after[..end].trim(), None),
        };
        let mut parts = path.split('.');
        let value = parts
            .next()
            .and_then(|first| fields.get(first))
            .and_then(|v| {
                parts.try_fold(v, |v, p| match p.parse::<usize>() {
                    Ok(i) => v.get(i),
                    Err(_) => v.get(p),
                })
            });
        match (value.filter(|v| !v.is_null()), fallback) {
            (Some(v), _) => out.push_str(&render(v)),
            (None, Some(f)) => out.push_str(f),
            (None, None) => out.push_str(&rest[start..start + 4 + end]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The heading an event's notice has unless the trigger gives one.
fn event_heading(event_type: &str) -> &'static str {
    match event_type {
        "task.overdue" => "Task overdue",
        "question.created" => "New question for you",
        "draft.created" => "Draft to review",
        "waiting.overdue" => "Waiting-for item past its follow-up",
        "webhook.received" => "Webhook received",
        _ => "Trigger fired",
    }
}

/// The notice of the event that fired a trigger named `trigger`, or of a
/// firing with no event (a schedule or a test).
pub fn event_notice(
    trigger: &str,
    title: Option<&str>,
    event: Option<(&str, &Map<String, Value>)>,
) -> Notice {
    let heading = title
        .map(str::to_string)
        .or_else(|| event.map(|(t, _)| event_heading(t).to_string()))
        .unwrap_or_else(|| format!("Trigger {trigger} fired"));
    let subject = event.and_then(|(_, f)| subject_of(f));
    let (text, markdown) = match &subject {
        Some(s) => (format!("{heading}: {s}"), format!("**{heading}:** {s}")),
        None => (heading.clone(), format!("**{heading}**")),
    };
    Notice {
        title: heading,
        text,
        markdown,
        data: json!({
            "trigger": trigger,
            "event": event.map(|(t, _)| t),
            "fields": event.map(|(_, f)| Value::Object(f.clone())),
        }),
    }
}

/// A digest of the tasks a saved filter found (`total` in all), titled
/// `title`; `None` when it found none.
pub fn task_digest<Tz: TimeZone>(title: &str, tasks: &[Task], total: i64, tz: &Tz) -> Option<Notice>
where
    Tz::Offset: std::fmt::Display,
{
    if tasks.is_empty() {
        return None;
    }
    let line = |t: &Task, md: bool| {
        let name = if md {
            format!("**{}**", t.title)
        } else {
            t.title.clone()
        };
        let mut bits = vec![format!("p{}", t.priority.get())];
        if let Some(done) = t.completed_at {
            bits.push(format!("done {}", when(done, false, tz)));
        } else if let Some(due) = t.due_date {
            bits.push(format!("due {}", when(due, t.due_has_time, tz)));
        }
        format!("- {name} ({})", bits.join(", "))
    };
    let more = total - tasks.len() as i64;
    let tail = if more > 0 {
        format!("\n…and {more} more")
    } else {
        String::new()
    };
    let count = match total {
        1 => "1 task".to_string(),
        n => format!("{n} tasks"),
    };
    let list = |md| {
        tasks
            .iter()
            .map(|t| line(t, md))
            .collect::<Vec<_>>()
            .join("\n")
    };
    Some(Notice {
        title: format!("{title}: {count}"),
        text: format!("{title} ({count}):\n{}{tail}", list(false)),
        markdown: format!("### {title} ({count})\n{}{tail}", list(true)),
        data: json!({
            "title": title,
            "total": total,
            "tasks": tasks.iter().map(|t| json!({"id": t.id, "title": t.title, "status": t.status, "priority": t.priority.get(), "due_date": t.due_date, "completed_at": t.completed_at})).collect::<Vec<_>>(),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Map<String, Value> {
        event_fields(
            "question.created",
            &json!({
                "entity_id": "0193",
                "changes": {
                    "text": {"before": null, "after": "Which vendor?"},
                    "priority": {"before": null, "after": 2},
                    "payload": {"customer": {"name": "Acme"}, "items": [1, 2]},
                }
            }),
        )
    }

    #[test]
    fn placeholders_take_the_values_after_the_change_and_nested_paths() {
        let f = fields();
        assert_eq!(
            fill("Answer: {{text}} (p{{ priority }})", &f),
            "Answer: Which vendor? (p2)"
        );
        assert_eq!(
            fill("{{payload.customer.name}} {{payload.items.1}}", &f),
            "Acme 2"
        );
        assert_eq!(fill("{{event}}", &f), "question.created");
    }

    #[test]
    fn unknown_or_unclosed_placeholders_stay_as_written() {
        let f = fields();
        assert_eq!(fill("Hi {{nobody}}!", &f), "Hi {{nobody}}!");
        assert_eq!(fill("Hi {{nobody|there}}!", &f), "Hi there!");
        assert_eq!(fill("{{text|x}}", &f), "Which vendor?");
        assert_eq!(fill("Hi {{text", &f), "Hi {{text");
        assert_eq!(fill("no braces", &f), "no braces");
    }

    #[test]
    fn a_long_field_is_clipped_and_multibyte_text_survives() {
        let mut f = Map::new();
        f.insert("title".into(), json!("é".repeat(1000)));
        assert_eq!(fill("{{title}}", &f).chars().count(), MAX_FIELD);
    }

    #[test]
    fn an_event_notice_names_what_the_event_is_about() {
        let f = fields();
        let n = event_notice("questions", None, Some(("question.created", &f)));
        assert_eq!(n.title, "New question for you");
        assert_eq!(n.text, "New question for you: Which vendor?");
        let n = event_notice("standup", Some("Stand-up"), None);
        assert_eq!(n.text, "Stand-up");
    }
}
