//! Where the person probably is, when they ask for suggestions without
//! saying: from the time of day and the calendar, by rules they can change
//! (the setting `suggest.context_rules`, a JSON list).
//!
//! Each rule names a context and when it holds: `in_meeting: true` (an
//! event on the calendar covers now), and/or a local time window `from`–`to`
//! (`"HH:MM"`; a window past midnight, `22:00`–`02:00`, wraps), on `days`
//! (`mon`…`sun`, `weekdays`, `weekend`; every day when empty). The first
//! rule that holds wins; when none does, there is no context. The defaults
//! ([`default_rules`]): in a meeting, `meeting`; weekday commutes
//! (07:00–09:00, 17:00–19:00), `phone`; evenings (19:00–23:00), `home`.

use chrono::{Datelike, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// One rule of context inference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContextRule {
    /// The context it gives, without `@`.
    pub context: String,
    /// Holds only while a calendar event is under way.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_meeting: bool,
    /// Local start, `HH:MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Local end (exclusive), `HH:MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// `mon`…`sun`, `weekdays`, `weekend`; every day when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days: Vec<String>,
}

/// The rules used until the person sets their own.
pub fn default_rules() -> Vec<ContextRule> {
    let rule =
        |context: &str, from: Option<&str>, to: Option<&str>, days: &[&str], meeting| ContextRule {
            context: context.into(),
            in_meeting: meeting,
            from: from.map(Into::into),
            to: to.map(Into::into),
            days: days.iter().map(|d| d.to_string()).collect(),
        };
    vec![
        rule("meeting", None, None, &[], true),
        rule("phone", Some("07:00"), Some("09:00"), &["weekdays"], false),
        rule("phone", Some("17:00"), Some("19:00"), &["weekdays"], false),
        rule("home", Some("19:00"), Some("23:00"), &[], false),
    ]
}

fn time(field: &str, text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| format!("{field} {text:?} is not a time like 07:30"))
}

fn day_matches(spec: &str, day: Weekday) -> Result<bool, String> {
    let weekend = matches!(day, Weekday::Sat | Weekday::Sun);
    Ok(match spec.trim().to_ascii_lowercase().as_str() {
        "weekdays" | "weekday" => !weekend,
        "weekend" | "weekends" => weekend,
        other => {
            let named: Weekday = other
                .parse()
                .map_err(|_| format!("day {spec:?} is not mon…sun, weekdays or weekend"))?;
            named == day
        }
    })
}

impl ContextRule {
    /// Checks the rule; the message names what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        let context = self.context.trim().trim_start_matches('@');
        if context.is_empty()
            || context.chars().count() > 64
            || context.contains(char::is_whitespace)
        {
            return Err(format!(
                "context {:?} must be one word of at most 64 characters",
                self.context
            ));
        }
        if let Some(f) = &self.from {
            time("from", f)?;
        }
        if let Some(t) = &self.to {
            time("to", t)?;
        }
        for d in &self.days {
            day_matches(d, Weekday::Mon)?;
        }
        if !self.in_meeting && self.from.is_none() && self.to.is_none() && self.days.is_empty() {
            return Err(format!(
                "the rule for {:?} says neither when (from, to, days) nor in_meeting",
                self.context
            ));
        }
        Ok(())
    }

    /// Whether the rule holds at local time `at`; invalid parts never hold.
    fn holds(&self, at: NaiveDateTime, meeting: bool) -> bool {
        if self.in_meeting && !meeting {
            return false;
        }
        if !self.days.is_empty()
            && !self
                .days
                .iter()
                .any(|d| day_matches(d, at.weekday()).unwrap_or(false))
        {
            return false;
        }
        let now = at.time();
        let from = self.from.as_deref().map(|f| time("from", f));
        let to = self.to.as_deref().map(|t| time("to", t));
        match (from, to) {
            (Some(Err(_)), _) | (_, Some(Err(_))) => false,
            (Some(Ok(f)), Some(Ok(t))) if f <= t => f <= now && now < t,
            (Some(Ok(f)), Some(Ok(t))) => now >= f || now < t,
            (Some(Ok(f)), None) => now >= f,
            (None, Some(Ok(t))) => now < t,
            (None, None) => true,
        }
    }
}

/// A context inferred, and why.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Inferred {
    /// The context, without `@`; none when no rule holds.
    pub context: Option<String>,
    /// What decided it: `in a meeting ("Standup")`, `rule 2: 07:00–09:00 weekdays`.
    pub reason: String,
}

/// The context at local time `at`, given the title of the calendar event
/// under way, if any.
pub fn infer(rules: &[ContextRule], at: NaiveDateTime, meeting: Option<&str>) -> Inferred {
    for (i, rule) in rules.iter().enumerate() {
        if rule.holds(at, meeting.is_some()) {
            let reason = match (rule.in_meeting, meeting) {
                (true, Some(title)) => format!("in a meeting ({title:?})"),
                _ => {
                    let mut when = vec![format!(
                        "{}–{}",
                        rule.from.as_deref().unwrap_or("00:00"),
                        rule.to.as_deref().unwrap_or("24:00")
                    )];
                    if !rule.days.is_empty() {
                        when.push(rule.days.join(","));
                    }
                    format!("rule {}: {}", i + 1, when.join(" "))
                }
            };
            return Inferred {
                context: Some(rule.context.trim().trim_start_matches('@').to_lowercase()),
                reason,
            };
        }
    }
    Inferred {
        context: None,
        reason: "no rule holds now".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(day: u32, h: u32, m: u32) -> NaiveDateTime {
        // November 2026: the 23rd is a Monday, the 28th a Saturday.
        NaiveDate::from_ymd_opt(2026, 11, day)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn the_default_rules_follow_the_day() {
        let rules = default_rules();
        assert!(rules.iter().all(|r| r.validate().is_ok()));
        let ctx = |d, h, m, meeting| infer(&rules, at(d, h, m), meeting).context;
        assert_eq!(ctx(23, 8, 15, None).as_deref(), Some("phone"));
        assert_eq!(ctx(23, 8, 15, Some("Standup")).as_deref(), Some("meeting"));
        assert_eq!(ctx(23, 11, 0, None), None);
        assert_eq!(ctx(23, 18, 59, None).as_deref(), Some("phone"));
        assert_eq!(ctx(23, 19, 0, None).as_deref(), Some("home"));
        // No commute on Saturday; the evening rule holds every day.
        assert_eq!(ctx(28, 8, 15, None), None);
        assert_eq!(ctx(28, 21, 0, None).as_deref(), Some("home"));
        assert_eq!(
            infer(&rules, at(23, 10, 0), Some("Standup")).reason,
            "in a meeting (\"Standup\")"
        );
    }

    #[test]
    fn windows_past_midnight_wrap() {
        let rules = vec![ContextRule {
            context: "@Night".into(),
            in_meeting: false,
            from: Some("22:00".into()),
            to: Some("02:00".into()),
            days: vec![],
        }];
        assert_eq!(
            infer(&rules, at(23, 23, 0), None).context.as_deref(),
            Some("night")
        );
        assert_eq!(
            infer(&rules, at(23, 1, 0), None).context.as_deref(),
            Some("night")
        );
        assert_eq!(infer(&rules, at(23, 3, 0), None).context, None);
    }

    #[test]
    fn bad_rules_are_refused_with_what_is_wrong() {
        let mut r = default_rules().remove(1);
        r.from = Some("7am".into());
        assert!(r.validate().unwrap_err().contains("from \"7am\""));
        let mut r = default_rules().remove(1);
        r.days = vec!["someday".into()];
        assert!(r.validate().unwrap_err().contains("someday"));
        let mut r = default_rules().remove(1);
        r.context = " ".into();
        assert!(r.validate().is_err());
        let r = ContextRule {
            context: "x".into(),
            in_meeting: false,
            from: None,
            to: None,
            days: vec![],
        };
        assert!(r.validate().is_err());
    }
}
