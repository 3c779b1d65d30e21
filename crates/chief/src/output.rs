//! Human output: aligned columns, colour when writing to a terminal (never
//! when NO_COLOR is set or output is piped), and one gate every line goes
//! through. Titles, names and notes come from the API, MCP clients, the
//! agent and webhooks; printed raw, an escape in one (`ESC[2J`) would clear
//! the screen or retitle the window. So nothing in this crate prints with
//! `println!` and friends (clippy refuses them, see `clippy.toml`): the
//! [`outln!`], [`out!`] and [`eoutln!`] macros print through
//! [`terminal_safe`], which shows every control character as a visible
//! `\u001b`-style escape.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::sync::OnceLock;

/// Prints a line to stdout, made terminal-safe.
macro_rules! outln {
    () => { $crate::output::write_out(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::write_out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Prints to stdout without a line end, made terminal-safe.
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write_out(format_args!($($arg)*)) };
}

/// Prints a line to stderr, made terminal-safe.
macro_rules! eoutln {
    () => { $crate::output::write_err(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::write_err(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Prints to stderr without a line end, made terminal-safe.
macro_rules! eout {
    ($($arg:tt)*) => { $crate::output::write_err(format_args!($($arg)*)) };
}

/// Writes `args` to stdout through [`terminal_safe`]; what [`outln!`] and
/// [`out!`] call. A failed write ends the process as `println!` does.
pub fn write_out(args: std::fmt::Arguments) {
    let text = args.to_string();
    let safe = terminal_safe(&text, Lines::Keep, colour_enabled());
    if let Err(e) = std::io::stdout().lock().write_all(safe.as_bytes()) {
        panic!("failed printing to stdout: {e}");
    }
}

/// Writes `args` to stderr through [`terminal_safe`]; what [`eoutln!`]
/// and [`eout!`] call.
pub fn write_err(args: std::fmt::Arguments) {
    let text = args.to_string();
    let safe = terminal_safe(&text, Lines::Keep, false);
    let _ = std::io::stderr().lock().write_all(safe.as_bytes());
}

/// Whether line breaks and tabs are part of the text or must show too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    /// A block of text: `\n` and `\t` stay as they are.
    Keep,
    /// One cell of a table: they show as escapes like everything else.
    Show,
}

/// The colour codes [`paint`] writes, the only escapes let through, and
/// only while colour is on.
const OUR_COLOURS: [&str; 7] = [
    "\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[36m",
];

/// `text` with every control character (C0, DEL and C1: ESC, CR,
/// backspace, BEL, …) shown as a `\u001b`-style escape, which is also
/// what it means inside a JSON string, so JSON output stays valid and
/// unchanged in meaning. Line breaks and tabs stay when `lines` is
/// [`Lines::Keep`]; the colour codes [`paint`] writes stay when `colours`
/// is true, and no other escape sequence does.
pub fn terminal_safe(text: &str, lines: Lines, colours: bool) -> Cow<'_, str> {
    let kept = |c: char| !c.is_control() || (lines == Lines::Keep && matches!(c, '\n' | '\t'));
    if text.chars().all(kept) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\x1b'
            && colours
            && let Some(code) = OUR_COLOURS.iter().find(|code| rest.starts_with(**code))
        {
            out.push_str(code);
            rest = &rest[code.len()..];
            continue;
        }
        if kept(c) {
            out.push(c);
        } else {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

fn colour_enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED
        .get_or_init(|| std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal())
}

/// A style for one cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Dim,
    Bold,
    Red,
    Yellow,
    Green,
    Cyan,
}

/// Wraps text in the style's escape codes when colour is on; control
/// characters in the text itself show (see [`terminal_safe`]).
pub fn paint(text: &str, style: Style) -> String {
    let text = &terminal_safe(text, Lines::Keep, false);
    let code = match style {
        Style::Plain => return text.to_string(),
        Style::Dim => "2",
        Style::Bold => "1",
        Style::Red => "31",
        Style::Yellow => "33",
        Style::Green => "32",
        Style::Cyan => "36",
    };
    if colour_enabled() {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// A table of styled cells, printed with aligned columns.
#[derive(Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<(String, Style)>>,
}

impl Table {
    /// A table with these column headings.
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<(String, Style)>) {
        self.rows.push(cells);
    }

    /// Prints the table; the last column is not padded. Each cell shows
    /// its control characters, line breaks included, so one value stays on
    /// its row.
    pub fn print(&self) {
        let rows: Vec<Vec<(String, Style)>> = self
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|(text, style)| {
                        (terminal_safe(text, Lines::Show, false).into_owned(), *style)
                    })
                    .collect()
            })
            .collect();
        let cols = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &rows {
            for (i, (text, _)) in row.iter().enumerate().take(cols) {
                widths[i] = widths[i].max(text.chars().count());
            }
        }
        let mut out = String::new();
        let line = |cells: Vec<(String, Style)>, out: &mut String| {
            let n = cells.len();
            for (i, (text, style)) in cells.into_iter().enumerate() {
                let pad = if i + 1 < n {
                    widths[i].saturating_sub(text.chars().count()) + 2
                } else {
                    0
                };
                out.push_str(&paint(&text, style));
                out.push_str(&" ".repeat(pad));
            }
            let trimmed = out.trim_end_matches(' ').len();
            out.truncate(trimmed);
            out.push('\n');
        };
        line(
            self.header
                .iter()
                .map(|h| (h.to_uppercase(), Style::Bold))
                .collect(),
            &mut out,
        );
        for row in rows {
            line(row, &mut out);
        }
        out!("{out}");
    }
}

/// Prints a value as pretty JSON.
pub fn json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    outln!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// The last 8 hex digits of an id, for tables: random in a UUID v7, so
/// they tell ids apart (`chief show` accepts them).
pub fn short(id: &uuid::Uuid) -> String {
    let text = id.simple().to_string();
    text[text.len() - 8..].to_string()
}

#[cfg(test)]
mod tests {
    use super::{Lines, terminal_safe};

    #[test]
    fn escapes_and_other_controls_show_instead_of_acting() {
        assert_eq!(
            terminal_safe("Pay\x1b[2J rent\x07\r", Lines::Keep, false),
            "Pay\\u001b[2J rent\\u0007\\u000d"
        );
        assert_eq!(
            terminal_safe("osc\u{9b}\x7f", Lines::Keep, false),
            "osc\\u009b\\u007f"
        );
        assert_eq!(
            terminal_safe("plain Zoë → ok", Lines::Show, false),
            "plain Zoë → ok"
        );
    }

    #[test]
    fn line_breaks_stay_in_a_block_and_show_in_a_cell() {
        assert_eq!(terminal_safe("a\n\tb", Lines::Keep, false), "a\n\tb");
        assert_eq!(
            terminal_safe("a\n\tb", Lines::Show, false),
            "a\\u000a\\u0009b"
        );
    }

    #[test]
    fn only_our_own_colour_codes_pass_and_only_with_colour_on() {
        let painted = "\x1b[1mTitle\x1b[0m \x1b[2J";
        assert_eq!(
            terminal_safe(painted, Lines::Keep, true),
            "\x1b[1mTitle\x1b[0m \\u001b[2J"
        );
        assert_eq!(
            terminal_safe(painted, Lines::Keep, false),
            "\\u001b[1mTitle\\u001b[0m \\u001b[2J"
        );
    }

    #[test]
    fn json_output_stays_valid_json_with_the_same_meaning() {
        let value = serde_json::json!({"title": "csi\u{9b}2J del\x7f esc\x1b"});
        let text = serde_json::to_string(&value).unwrap();
        let safe = terminal_safe(&text, Lines::Keep, false);
        assert!(!safe.chars().any(char::is_control), "{safe}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
            value
        );
    }
}
