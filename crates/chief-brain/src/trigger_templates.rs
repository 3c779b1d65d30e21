//! The trigger library: ready-made automations a person adds by name
//! (`chief triggers add --template friday-wins`) and may then adjust.

use chief_domain::briefing::BriefingKind;
use chief_domain::task::{Assignee, TaskStatus};
use chief_domain::trigger::{DigestFilter, TriggerAction, TriggerEvent};
use serde::Serialize;

/// One ready-made trigger.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TriggerTemplate {
    /// What it is added by, and the name the trigger gets by default.
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// Cron, read in the owner's time zone; absent for an event template.
    pub schedule: Option<&'static str>,
    pub event: Option<TriggerEvent>,
    pub action: TriggerAction,
}

fn digest(title: &str, filter: DigestFilter) -> TriggerAction {
    TriggerAction::Digest {
        title: title.into(),
        filter,
    }
}

/// Every template, in the order a person reads them.
pub fn all() -> Vec<TriggerTemplate> {
    vec![
        TriggerTemplate {
            name: "monday-priorities",
            title: "Monday priorities",
            description: "Monday 08:30: the open tasks due this week, most important first.",
            schedule: Some("30 8 * * 1"),
            event: None,
            action: digest(
                "Monday priorities",
                DigestFilter {
                    due_within_days: Some(7),
                    sort: Some("priority".into()),
                    limit: Some(10),
                    ..DigestFilter::default()
                },
            ),
        },
        TriggerTemplate {
            name: "friday-wins",
            title: "Friday wins",
            description: "Friday 16:00: everything completed since Monday, to close the week on what got done.",
            schedule: Some("0 16 * * 5"),
            event: None,
            action: digest(
                "Friday wins",
                DigestFilter {
                    completed_within_days: Some(5),
                    sort: Some("updated".into()),
                    limit: Some(25),
                    ..DigestFilter::default()
                },
            ),
        },
        TriggerTemplate {
            name: "client-follow-up-sweep",
            title: "Client follow-up sweep",
            description: "Tuesday 10:00: the agent reviews clients and waiting-for items gone quiet and drafts follow-ups for your review (drafts only; nothing is sent).",
            schedule: Some("0 10 * * 2"),
            event: None,
            action: TriggerAction::Agent {
                prompt: "Client follow-up sweep: review every active client and open waiting-for item. For each one with no contact in 14 days or past its follow-up date, draft a short, friendly follow-up in the relationship's tone (read the person's communication notes and any must-consult email playbook first). Create drafts only; ask a question if a relationship is unclear.".into(),
            },
        },
        TriggerTemplate {
            name: "question-alert",
            title: "Question alert",
            description: "When the agent asks you something, tell you at once, so blocked work does not wait.",
            schedule: None,
            event: Some(TriggerEvent::QuestionCreated),
            action: TriggerAction::Notify { title: None },
        },
        TriggerTemplate {
            name: "draft-review-nudge",
            title: "Draft review nudge",
            description: "When a draft is waiting for review, tell you, with its subject.",
            schedule: None,
            event: Some(TriggerEvent::DraftCreated),
            action: TriggerAction::Notify { title: None },
        },
        TriggerTemplate {
            name: "overdue-replan",
            title: "Overdue re-plan",
            description: "When a task falls overdue, add a task for tomorrow to re-plan or drop it.",
            schedule: None,
            event: Some(TriggerEvent::TaskOverdue),
            action: TriggerAction::Task {
                template: "Re-plan or drop: {{title}} tomorrow !2".into(),
                description: Some("It passed its due date. Move the date, break it down, delegate it or cancel it.".into()),
                assignee: Some(Assignee::User),
            },
        },
        TriggerTemplate {
            name: "waiting-chase",
            title: "Chase what you are waiting for",
            description: "When a waiting-for item passes its follow-up date, the agent drafts a polite chaser for your review.",
            schedule: None,
            event: Some(TriggerEvent::WaitingOverdue),
            action: TriggerAction::Agent {
                prompt: "Draft a polite follow-up about \"{{what}}\" (waiting on {{who}}). Read what we know about the person first. Draft only; do not send.".into(),
            },
        },
        TriggerTemplate {
            name: "webhook-to-task",
            title: "Webhook to task",
            description: "A form, a CRM or a script posts JSON to the trigger's URL; each post becomes a task (its `title` field, else a generic one).",
            schedule: None,
            event: Some(TriggerEvent::WebhookReceived),
            action: TriggerAction::Task {
                template: "{{payload.title|Webhook received}}".into(),
                description: Some("Received by webhook: {{payload}}".into()),
                assignee: Some(Assignee::User),
            },
        },
        TriggerTemplate {
            name: "blocked-work-digest",
            title: "Blocked work digest",
            description: "Weekdays 14:00: the tasks blocked on a question or on someone, so they get unblocked the same day.",
            schedule: Some("0 14 * * 1-5"),
            event: None,
            action: digest(
                "Blocked work",
                DigestFilter {
                    status: vec![TaskStatus::Blocked],
                    sort: Some("updated".into()),
                    ..DigestFilter::default()
                },
            ),
        },
        TriggerTemplate {
            name: "sunday-week-ahead",
            title: "Sunday week ahead",
            description: "Sunday 18:00: the weekly review, so Monday starts with a plan.",
            schedule: Some("0 18 * * 0"),
            event: None,
            action: TriggerAction::Briefing {
                kind: BriefingKind::Weekly,
            },
        },
    ]
}

/// The template named `name`.
pub fn find(name: &str) -> Option<TriggerTemplate> {
    all().into_iter().find(|t| t.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_has_at_least_eight_templates_each_a_schedule_or_an_event() {
        let all = all();
        assert!(all.len() >= 8);
        for t in &all {
            assert!(t.schedule.is_some() != t.event.is_some(), "{}", t.name);
            if let Some(s) = t.schedule {
                chief_domain::schedule::CronSchedule::parse(s).expect(t.name);
            }
            assert_eq!(find(t.name).as_ref(), Some(t));
        }
        let mut names: Vec<_> = all.iter().map(|t| t.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len());
        for wanted in ["friday-wins", "monday-priorities", "client-follow-up-sweep"] {
            assert!(find(wanted).is_some(), "{wanted}");
        }
    }
}
