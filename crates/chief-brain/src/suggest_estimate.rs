//! How long a task should take, for suggestions that fit the time there is.
//! Tasks have no estimate column; the estimate is read, first found wins,
//! from:
//! 1. a todo.txt attribute `est:`, `estimate:` or `duration:` (`est:30m`);
//! 2. the task's context JSON, `"estimate_minutes": 30` or
//!    `"estimate": "1h30m"` (a number there is minutes);
//! 3. a `~30m` token in the title (`Call the bank ~15m`).
//!
//! Durations read: `30`, `30m`, `30 min`, `45 minutes`, `1h`, `1.5h`,
//! `1h30`, `1h30m`, `2 hours`. Anything else, zero, or more than a week of
//! minutes gives no estimate.

use chief_domain::task::Task;

/// The most minutes an estimate may be: a week.
const MAX_MINUTES: f64 = 7.0 * 24.0 * 60.0;

/// Minutes in a duration text, or `None`.
pub fn parse_duration(text: &str) -> Option<u32> {
    let t = text.trim().to_ascii_lowercase().replace(' ', "");
    if t.is_empty() || t.len() > 32 {
        return None;
    }
    let mut total = 0.0;
    let mut rest = t.as_str();
    while !rest.is_empty() {
        let n_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if n_end == 0 {
            return None;
        }
        let n: f64 = rest[..n_end].parse().ok()?;
        rest = &rest[n_end..];
        let u_end = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = &rest[..u_end];
        rest = &rest[u_end..];
        let factor = match unit {
            "h" | "hr" | "hrs" | "hour" | "hours" => 60.0,
            "m" | "min" | "mins" | "minute" | "minutes" => 1.0,
            // A bare number after hours is minutes (`1h30`); alone, too.
            "" => 1.0,
            _ => return None,
        };
        if unit.is_empty() && !rest.is_empty() {
            return None;
        }
        total += n * factor;
    }
    (1.0..=MAX_MINUTES)
        .contains(&total)
        .then_some(total.round() as u32)
}

/// The task's estimate in minutes, from the places the module lists.
pub fn estimate_minutes(task: &Task) -> Option<u32> {
    for (k, v) in &task.attributes {
        if matches!(
            k.to_ascii_lowercase().as_str(),
            "est" | "estimate" | "duration"
        ) && let Some(m) = parse_duration(v)
        {
            return Some(m);
        }
    }
    for key in ["estimate_minutes", "estimate"] {
        match task.context.get(key) {
            Some(serde_json::Value::Number(n)) => {
                if let Some(m) = n.as_f64().and_then(|m| parse_duration(&m.to_string())) {
                    return Some(m);
                }
            }
            Some(serde_json::Value::String(s)) => {
                if let Some(m) = parse_duration(s) {
                    return Some(m);
                }
            }
            _ => {}
        }
    }
    task.title
        .split_whitespace()
        .filter_map(|w| w.strip_prefix('~'))
        .find_map(parse_duration)
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations_read_the_ways_people_write_them() {
        for (text, want) in [
            ("30", Some(30)),
            ("30m", Some(30)),
            ("30 min", Some(30)),
            ("45 minutes", Some(45)),
            ("1h", Some(60)),
            ("1.5h", Some(90)),
            ("1h30", Some(90)),
            ("1h30m", Some(90)),
            ("2 hours", Some(120)),
            ("0", None),
            ("", None),
            ("soon", None),
            ("30x", None),
            ("1.2.3h", None),
            ("99999999h", None),
            ("😀", None),
        ] {
            assert_eq!(parse_duration(text), want, "{text}");
        }
    }
}
