//! Words that set a task's priority or assignee rather than describe it:
//! "asap", "urgent", "high priority", "priority 2", "for the agent".
//!
//! Choices, documented in the README: "asap", "urgent", "urgently" and "top
//! priority" are priority 1; "high priority" is 2 and "low priority" 4;
//! "priority N" / "prio N" is N. "asap" and the "… priority" phrases leave
//! the title; "urgent" leaves it only at either end or as a label
//! ("URGENT: call Patrick"), since "send the urgent invoice" is its name.
//! "for the agent", "for agent" and "@agent" give the task to the agent.

use super::tokens::Token;

/// A marker found at a token: how many tokens it spans and what it sets.
pub(crate) enum Marker {
    Priority(u8),
    Agent,
}

fn priority_number(w: &str) -> Option<u8> {
    match w {
        "1" | "one" => Some(1),
        "2" | "two" => Some(2),
        "3" | "three" => Some(3),
        "4" | "four" => Some(4),
        "5" | "five" => Some(5),
        _ => None,
    }
}

/// A marker at token `i`; `first` and `last` say whether the token is the
/// first or last of the phrase's words still in the title.
pub(crate) fn marker_at(
    toks: &[Token],
    i: usize,
    first: bool,
    last: bool,
) -> Option<(usize, Marker)> {
    let w = |k: usize| toks.get(i + k).map(|t| t.w()).unwrap_or("");
    let is_priority = |k: usize| matches!(w(k), "priority" | "prio" | "pri");
    match w(0) {
        "asap" | "a.s.a.p" => Some((1, Marker::Priority(1))),
        "urgent" | "urgently" => {
            let label = toks[i].raw.ends_with([':', '!']);
            (first || last || label).then_some((1, Marker::Priority(1)))
        }
        "top" | "highest" if is_priority(1) => Some((2, Marker::Priority(1))),
        "high" | "hi" if is_priority(1) => Some((2, Marker::Priority(2))),
        "low" | "lowest" if is_priority(1) => {
            Some((2, Marker::Priority(if w(0) == "low" { 4 } else { 5 })))
        }
        "priority" | "prio" | "pri" => priority_number(w(1)).map(|p| (2, Marker::Priority(p))),
        "for" if w(1) == "the" && w(2) == "agent" => Some((3, Marker::Agent)),
        "for" if w(1) == "agent" => Some((2, Marker::Agent)),
        _ if toks[i].raw.eq_ignore_ascii_case("agent:") => Some((1, Marker::Agent)),
        _ => None,
    }
}
