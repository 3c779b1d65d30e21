//! Human output: aligned columns, and colour when writing to a terminal
//! (never when NO_COLOR is set or output is piped).

use std::io::IsTerminal;
use std::sync::OnceLock;

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

/// Wraps text in the style's escape codes when colour is on.
pub fn paint(text: &str, style: Style) -> String {
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

    /// Prints the table; the last column is not padded.
    pub fn print(&self) {
        let cols = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
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
        for row in &self.rows {
            line(row.clone(), &mut out);
        }
        print!("{out}");
    }
}

/// Prints a value as pretty JSON.
pub fn json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// The last 8 hex digits of an id, for tables: random in a UUID v7, so
/// they tell ids apart (`chief show` accepts them).
pub fn short(id: &uuid::Uuid) -> String {
    let text = id.simple().to_string();
    text[text.len() - 8..].to_string()
}
