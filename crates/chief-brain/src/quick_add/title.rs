//! The title: the tokens no matcher took, joined by single spaces and
//! tidied. A joining word or dash left hanging by a removed date ("Pay rent
//! and @home", "Call Patrick - tomorrow") goes with it, and so does the
//! punctuation at either end. The title is only ever made of pieces of the
//! text, never new words.

use super::tokens::Token;

/// Words that only join what was around them.
fn is_connector(w: &str, raw: &str) -> bool {
    matches!(
        w,
        "and"
            | "&"
            | "or"
            | "at"
            | "on"
            | "by"
            | "due"
            | "for"
            | "before"
            | "until"
            | "till"
            | "from"
            | "starting"
            | "in"
            | "with"
            | "+"
    ) || (w.is_empty()
        && raw
            .chars()
            .all(|c| matches!(c, '-' | '–' | '—' | '|' | ',' | ':' | '/')))
}

const EDGE_PUNCTUATION: [char; 7] = [',', ';', ':', '-', '–', '—', '|'];

/// The title left once `used` tokens are taken out, with `unread` (text
/// past the token cap) after it.
pub(crate) fn title(toks: &[Token], used: &[bool], unread: &str) -> String {
    let n = toks.len();
    let mut keep: Vec<bool> = used.iter().map(|u| !u).collect();
    // Hanging connectors, right to left so "at and" both go.
    for k in (0..n).rev() {
        if !keep[k] || !is_connector(toks[k].w(), toks[k].raw) {
            continue;
        }
        let right_removed = k + 1 < n && !keep[k + 1];
        let nothing_after = (k + 1..n).all(|j| !keep[j]);
        let left_removed = k > 0 && used[k - 1];
        if right_removed && (nothing_after || left_removed) || (nothing_after && left_removed) {
            keep[k] = false;
        }
    }
    let mut out = String::new();
    for (t, _) in toks.iter().zip(&keep).filter(|(_, k)| **k) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t.raw);
    }
    if !unread.is_empty() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(unread);
    }
    out.trim_matches(|c: char| c.is_whitespace() || EDGE_PUNCTUATION.contains(&c))
        .to_string()
}
