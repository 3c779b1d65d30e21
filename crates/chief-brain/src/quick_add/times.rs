//! Times of day: "3pm", "3:30 pm", "15:00", "15h30", "noon", "midnight",
//! "eod", and a bare hour after "at" ("at 9"). Parts of the day
//! ("morning", "evening") are soft times: an explicit time beside them
//! wins without a warning.
//!
//! Choices, documented in the README: a bare hour after "at" reads 1–6 as
//! afternoon (13:00–18:00) and 7–11 as morning, because people rarely meet
//! at 3 in the night; "midnight" is 23:59, the end of the day it is said
//! with, because "by midnight" means before the day is over; "eod" and
//! "close of business" are 17:00. "morning" is 09:00, "afternoon" 15:00,
//! "evening" and "tonight" 19:00, "night" 21:00.

use super::tokens::Token;
use chrono::NaiveTime;

/// A time of day found in the phrase.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Time {
    pub at: NaiveTime,
    /// A part of the day ("morning"): any explicit time replaces it.
    pub soft: bool,
    /// A bare hour ("at 8"): after "evening" or "tonight" it is read as pm.
    pub bare: bool,
}

fn hm(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

fn exact(at: NaiveTime) -> Time {
    Time {
        at,
        soft: false,
        bare: false,
    }
}

/// The soft time of a part of the day.
pub(crate) fn part_of_day(word: &str) -> Option<Time> {
    let at = match word {
        "morning" | "am" => hm(9, 0),
        "afternoon" | "pm" => hm(15, 0),
        "evening" | "tonight" => hm(19, 0),
        "night" => hm(21, 0),
        _ => None,
    }?;
    Some(Time {
        at,
        soft: true,
        bare: false,
    })
}

/// Hours and minutes from "3", "3:30", "3.30", "15h30"; minutes default to 0.
fn clock(s: &str) -> Option<(u32, u32, bool)> {
    let (h, m, has_minutes) = match s.find([':', '.', 'h']) {
        Some(i) => {
            let (h, m) = (&s[..i], &s[i + 1..]);
            // "15h30" but not "8h", which is more often a duration.
            if m.len() != 2 {
                return None;
            }
            (h, m, true)
        }
        None => (s, "0", false),
    };
    if h.is_empty() || h.len() > 2 || !h.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !m.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((h.parse().ok()?, m.parse().ok()?, has_minutes))
}

/// Applies am/pm to a 12-hour clock reading.
fn meridiem(h: u32, m: u32, pm: bool) -> Option<NaiveTime> {
    if !(1..=12).contains(&h) {
        return None;
    }
    let h24 = match (h, pm) {
        (12, false) => 0,
        (12, true) => 12,
        (h, true) => h + 12,
        (h, false) => h,
    };
    hm(h24, m)
}

fn split_meridiem(w: &str) -> Option<(&str, bool)> {
    for (suffix, pm) in [
        ("pm", true),
        ("am", false),
        ("p", true),
        ("p.m", true),
        ("a.m", false),
    ] {
        if let Some(n) = w.strip_suffix(suffix)
            && n.starts_with(|c: char| c.is_ascii_digit())
        {
            return Some((n, pm));
        }
    }
    None
}

/// A time starting at token `i`: the number of tokens it spans and the
/// time. `after_at` says the token before was "at" or "@", which lets a
/// bare hour count.
pub(crate) fn time_at(toks: &[Token], i: usize, after_at: bool) -> Option<(usize, Time)> {
    let w = toks[i].w();
    let next = toks.get(i + 1).map(|t| t.w()).unwrap_or("");
    match w {
        "noon" | "midday" | "lunchtime" => return Some((1, exact(hm(12, 0)?))),
        "midnight" => return Some((1, exact(hm(23, 59)?))),
        "eod" | "cob" | "eob" => return Some((1, exact(hm(17, 0)?))),
        "close" if next == "of" && toks.get(i + 2).is_some_and(|t| t.w() == "business") => {
            return Some((3, exact(hm(17, 0)?)));
        }
        _ => {}
    }
    if let Some((n, pm)) = split_meridiem(w) {
        let (h, m, _) = clock(n)?;
        return Some((1, exact(meridiem(h, m, pm)?)));
    }
    let (h, m, has_minutes) = clock(w)?;
    let pm = match next {
        "pm" | "p.m" => Some(true),
        "am" | "a.m" => Some(false),
        _ => None,
    };
    if let Some(pm) = pm {
        return Some((2, exact(meridiem(h, m, pm)?)));
    }
    let oclock = matches!(next, "o'clock" | "oclock");
    if has_minutes && !w.contains('.') {
        // "15:00", "09:30": a 24-hour clock. A one-digit hour from 1 to 6
        // ("pick up kids 3:15") is the afternoon, as after "at".
        let afternoon = (1..=6).contains(&h) && !w.starts_with('0');
        return Some((1, exact(hm(if afternoon { h + 12 } else { h }, m)?)));
    }
    if has_minutes && after_at {
        // "at 9.30"
        return Some((1, exact(hm(h, m)?)));
    }
    if !(after_at || oclock) || has_minutes {
        return None;
    }
    let h24 = match h {
        1..=6 => h + 12,
        h => h,
    };
    let time = Time {
        at: hm(h24, m)?,
        soft: false,
        bare: h <= 12,
    };
    Some((1 + usize::from(oclock), time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quick_add::tokens::tokenize;

    fn read(s: &str, after_at: bool) -> Option<(usize, String)> {
        let (toks, _) = tokenize(s, 8);
        time_at(&toks, 0, after_at).map(|(n, t)| (n, t.at.format("%H:%M").to_string()))
    }

    #[test]
    fn twelve_and_twenty_four_hour_clocks_read() {
        assert_eq!(read("3pm", false), Some((1, "15:00".into())));
        assert_eq!(read("3:30pm", false), Some((1, "15:30".into())));
        assert_eq!(read("3 PM", false), Some((2, "15:00".into())));
        assert_eq!(read("12am", false), Some((1, "00:00".into())));
        assert_eq!(read("12pm", false), Some((1, "12:00".into())));
        assert_eq!(read("15:00", false), Some((1, "15:00".into())));
        assert_eq!(read("15h30", false), Some((1, "15:30".into())));
        assert_eq!(read("3:15", false), Some((1, "15:15".into())));
        assert_eq!(read("03:15", false), Some((1, "03:15".into())));
        assert_eq!(read("noon", false), Some((1, "12:00".into())));
        assert_eq!(read("midnight", false), Some((1, "23:59".into())));
    }

    #[test]
    fn a_bare_hour_needs_at_and_reads_as_working_hours() {
        assert_eq!(read("9", false), None);
        assert_eq!(read("9", true), Some((1, "09:00".into())));
        assert_eq!(read("3", true), Some((1, "15:00".into())));
        assert_eq!(read("3 o'clock", false), Some((2, "15:00".into())));
    }

    #[test]
    fn impossible_times_are_not_times() {
        for bad in ["25:00", "13pm", "9:5", "0am", "3.14", "1000", "8h"] {
            assert_eq!(read(bad, false), None, "{bad}");
        }
    }
}
