//! The rule for text that is one line by nature: names (of people,
//! clients, projects, workspaces, users, channels) and titles (of tasks and
//! recurring tasks). A line break, a tab or a terminal escape serves no
//! reader there, and printed raw it can rewrite a terminal or forge a log
//! line, so every validator of such a field refuses control characters
//! through [`check`], with one message.

use crate::DomainError;

/// Refuses `text` for `field` when it holds a control character (C0, DEL
/// or C1: line breaks, tabs, ESC, NUL, …), naming the first one found.
pub fn check(field: &'static str, text: &str) -> Result<(), DomainError> {
    match text.chars().find(|c| c.is_control()) {
        None => Ok(()),
        Some(c) => Err(DomainError::invalid(
            field,
            format!(
                "must be one line with no control characters; found {}",
                describe(c)
            ),
        )),
    }
}

fn describe(c: char) -> String {
    match c {
        '\n' | '\r' => "a line break".into(),
        '\t' => "a tab".into(),
        '\x1b' => "an escape (U+001B)".into(),
        c => format!("U+{:04X}", c as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn plain_text_of_any_script_passes() {
        for ok in [
            "Renew the lease",
            "Zoë Müller",
            "会议 → 下周",
            "a - b (c) #d",
        ] {
            assert_eq!(check("name", ok), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn line_breaks_tabs_and_escapes_are_refused_by_name() {
        let reason = |t: &str| check("title", t).unwrap_err().to_string();
        assert_eq!(
            reason("two\nlines"),
            "title must be one line with no control characters; found a line break"
        );
        assert!(reason("a\ttab").ends_with("found a tab"));
        assert!(reason("\x1b[2Jcleared").ends_with("found an escape (U+001B)"));
        assert!(reason("nul\0").ends_with("found U+0000"));
        assert!(reason("del\x7f").ends_with("found U+007F"));
        assert!(reason("csi\u{9b}2J").ends_with("found U+009B"));
    }
}
