//! The todo.txt line format (<https://github.com/todotxt/todo.txt>): one task
//! per line, `x` for done, `(A)` priorities, dates, `+project`, `@context`
//! and `key:value` tokens. [`parse_line`] reads a line into a [`TodoItem`],
//! [`format_line`] writes one back in canonical order, and [`parse_file`]
//! reads a whole file with line numbers for error messages.
//!
//! Where the spec leaves room, this module decides:
//! - A token is `key:value` only when the key is an ASCII letter followed by
//!   letters, digits, `_` or `-`, and the value is non-empty and does not
//!   start with `/`. So `http://example.com`, `10:30` and `Re:` stay in the
//!   description, while `url:https://example.com` is an attribute.
//! - `#tag` is a chief extension: `#` plus at least one character. A lone
//!   `#`, `+` or `@` is description text.
//! - Leading and trailing whitespace is ignored, and runs of spaces and tabs
//!   between words collapse to one space.
//! - A done task keeps its priority as `pri:X`. If there are several valid
//!   ones the last wins and the others stay attributes, so formatting and
//!   parsing again gives the same item. On open tasks `pri:` is an ordinary
//!   attribute.
//! - More than one `due:` on a line is an error rather than a silent choice.

use std::fmt;

use chrono::NaiveDate;

/// The longest line accepted, in bytes.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

const DATE_FORMAT: &str = "%Y-%m-%d";

/// One task as written on a todo.txt line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TodoItem {
    /// Whether the line starts with `x `.
    pub done: bool,
    /// When the task was done; only on done tasks.
    pub completion_date: Option<NaiveDate>,
    /// `'A'..='Z'`: the `(A)` prefix, or for done tasks a `pri:A` attribute.
    pub priority: Option<char>,
    /// When the task was written down.
    pub creation_date: Option<NaiveDate>,
    /// The description without its tokens, words separated by single spaces.
    pub text: String,
    /// `+project` names without the `+`, in order of first appearance.
    pub projects: Vec<String>,
    /// `@context` names without the `@`, in order of first appearance.
    pub contexts: Vec<String>,
    /// `#tag` names without the `#` (a chief extension).
    pub tags: Vec<String>,
    /// The `due:YYYY-MM-DD` date.
    pub due: Option<NaiveDate>,
    /// Every other `key:value` pair, verbatim and in order.
    pub attributes: Vec<(String, String)>,
}

/// Which date on the line was malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    Completion,
    Creation,
    Due,
}

impl fmt::Display for DateField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateField::Completion => "completion",
            DateField::Creation => "creation",
            DateField::Due => "due",
        })
    }
}

/// Why a todo.txt line could not be read. `line` is 1-based; [`parse_line`]
/// reports line 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("line {line}: {field} date {value:?} is not a valid YYYY-MM-DD date")]
    InvalidDate {
        line: usize,
        field: DateField,
        value: String,
    },
    #[error("line {line}: the task has no description")]
    MissingDescription { line: usize },
    #[error(
        "line {line}: the line is {len} bytes long, over the limit of {limit} bytes; split the task",
        limit = MAX_LINE_BYTES
    )]
    LineTooLong { line: usize, len: usize },
    #[error(
        "line {line}: control character U+{code:04X} at column {column}; only tabs are allowed, so remove it"
    )]
    ControlCharacter {
        line: usize,
        code: u32,
        column: usize,
    },
    #[error("line {line}: more than one due date ({first:?} and {second:?}); keep one")]
    DuplicateDue {
        line: usize,
        first: String,
        second: String,
    },
}

impl ParseError {
    /// The 1-based line the error is on.
    pub fn line(&self) -> usize {
        match self {
            ParseError::InvalidDate { line, .. }
            | ParseError::MissingDescription { line }
            | ParseError::LineTooLong { line, .. }
            | ParseError::ControlCharacter { line, .. }
            | ParseError::DuplicateDue { line, .. } => *line,
        }
    }
}

/// Reads one line; `Ok(None)` for a blank line. One trailing line ending is allowed.
pub fn parse_line(line: &str) -> Result<Option<TodoItem>, ParseError> {
    let line = line.strip_suffix('\n').unwrap_or(line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    parse_numbered(line, 1)
}

/// Reads a whole file, skipping blank lines, and stops at the first bad line.
pub fn parse_file(text: &str) -> Result<Vec<(usize, TodoItem)>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut items = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        if let Some(item) = parse_numbered(raw, index + 1)? {
            items.push((index + 1, item));
        }
    }
    Ok(items)
}

/// Writes an item as one line (without a line ending), in canonical order.
///
/// Items from [`parse_line`] come back as the same item. The format has no
/// escaping, so a hand-built item cannot always be written faithfully: tokens
/// inside `text`, a creation date on a done task without a completion date
/// (dropped), or an open task whose text starts with `x`, `(A)` or a date and
/// that has no token to put in front of it.
pub fn format_line(item: &TodoItem) -> String {
    let mut prefix: Vec<String> = Vec::new();
    if item.done {
        prefix.push("x".to_string());
        if let Some(completed) = item.completion_date {
            prefix.push(completed.format(DATE_FORMAT).to_string());
            if let Some(created) = item.creation_date {
                prefix.push(created.format(DATE_FORMAT).to_string());
            }
        }
    } else {
        if let Some(priority) = item.priority {
            prefix.push(format!("({priority})"));
        }
        if let Some(created) = item.creation_date {
            prefix.push(created.format(DATE_FORMAT).to_string());
        }
    }

    let mut tokens: Vec<String> = Vec::new();
    tokens.extend(item.projects.iter().map(|p| format!("+{p}")));
    tokens.extend(item.contexts.iter().map(|c| format!("@{c}")));
    tokens.extend(item.tags.iter().map(|t| format!("#{t}")));
    if let Some(due) = item.due {
        tokens.push(format!("due:{}", due.format(DATE_FORMAT)));
    }
    tokens.extend(item.attributes.iter().map(|(k, v)| format!("{k}:{v}")));
    if item.done
        && let Some(priority) = item.priority
    {
        tokens.push(format!("pri:{priority}"));
    }

    let text = (!item.text.is_empty()).then(|| item.text.clone());
    // Tokens go first only when the text would otherwise be misread as part
    // of the prefix; a line like `+work 2026-03-01 offsite` parses that way.
    let words = if text_collides_with_prefix(item) {
        prefix
            .into_iter()
            .chain(tokens)
            .chain(text)
            .collect::<Vec<_>>()
    } else {
        prefix
            .into_iter()
            .chain(text)
            .chain(tokens)
            .collect::<Vec<_>>()
    };
    words.join(" ")
}

fn parse_numbered(raw: &str, line: usize) -> Result<Option<TodoItem>, ParseError> {
    if raw.len() > MAX_LINE_BYTES {
        return Err(ParseError::LineTooLong {
            line,
            len: raw.len(),
        });
    }
    if let Some((index, c)) = raw
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && *c != '\t')
    {
        return Err(ParseError::ControlCharacter {
            line,
            code: u32::from(c),
            column: index + 1,
        });
    }
    let words: Vec<&str> = raw.split_whitespace().collect();
    if words.is_empty() {
        return Ok(None);
    }

    let mut item = TodoItem::default();
    let mut pos = 0;
    // A lone `x` is a task called "x": the spec wants `x` followed by a space.
    if words.len() > 1 && words[0] == "x" {
        item.done = true;
        pos = 1;
        if let Some(completed) = date_at(&words, pos, line, DateField::Completion)? {
            item.completion_date = Some(completed);
            pos += 1;
            if let Some(created) = date_at(&words, pos, line, DateField::Creation)? {
                item.creation_date = Some(created);
                pos += 1;
            }
        }
    } else {
        if let Some(priority) = priority_prefix(words[0]) {
            item.priority = Some(priority);
            pos = 1;
        }
        if let Some(created) = date_at(&words, pos, line, DateField::Creation)? {
            item.creation_date = Some(created);
            pos += 1;
        }
    }

    let body = &words[pos..];
    if body.is_empty() {
        return Err(ParseError::MissingDescription { line });
    }
    let mut text: Vec<&str> = Vec::new();
    let mut due_raw: Option<&str> = None;
    for &word in body {
        match classify(word) {
            Token::Project(name) => push_unique(&mut item.projects, name),
            Token::Context(name) => push_unique(&mut item.contexts, name),
            Token::Tag(name) => push_unique(&mut item.tags, name),
            Token::KeyValue("due", value) => {
                if let Some(first) = due_raw {
                    return Err(ParseError::DuplicateDue {
                        line,
                        first: first.to_string(),
                        second: value.to_string(),
                    });
                }
                item.due = Some(parse_date(value, line, DateField::Due)?);
                due_raw = Some(value);
            }
            Token::KeyValue(key, value) => {
                item.attributes.push((key.to_string(), value.to_string()));
            }
            Token::Text => text.push(word),
        }
    }
    if item.done
        && let Some(index) = item
            .attributes
            .iter()
            .rposition(|(k, v)| k == "pri" && priority_letter(v).is_some())
    {
        let (_, value) = item.attributes.remove(index);
        item.priority = priority_letter(&value);
    }
    item.text = text.join(" ");
    Ok(Some(item))
}

enum Token<'a> {
    Project(&'a str),
    Context(&'a str),
    Tag(&'a str),
    KeyValue(&'a str, &'a str),
    Text,
}

fn classify(word: &str) -> Token<'_> {
    let named = |sigil: char| word.strip_prefix(sigil).filter(|name| !name.is_empty());
    if let Some(name) = named('+') {
        Token::Project(name)
    } else if let Some(name) = named('@') {
        Token::Context(name)
    } else if let Some(name) = named('#') {
        Token::Tag(name)
    } else if let Some((key, value)) = word.split_once(':')
        && is_key(key)
        && !value.is_empty()
        && !value.starts_with('/')
    {
        Token::KeyValue(key, value)
    } else {
        Token::Text
    }
}

fn is_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn push_unique(names: &mut Vec<String>, name: &str) {
    if !names.iter().any(|existing| existing == name) {
        names.push(name.to_string());
    }
}

/// The letter of an `(A)` prefix token.
fn priority_prefix(word: &str) -> Option<char> {
    word.strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
        .and_then(priority_letter)
}

/// The letter of a priority written as a single `A`..`Z`.
fn priority_letter(value: &str) -> Option<char> {
    let mut chars = value.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_uppercase() => Some(c),
        _ => None,
    }
}

/// Whether a word looks like `NNNN-NN-NN`, valid or not; such a word in a
/// date position is read as a date (and rejected if it is not one).
fn is_date_shaped(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

fn date_at(
    words: &[&str],
    pos: usize,
    line: usize,
    field: DateField,
) -> Result<Option<NaiveDate>, ParseError> {
    match words.get(pos) {
        Some(word) if is_date_shaped(word) => parse_date(word, line, field).map(Some),
        _ => Ok(None),
    }
}

fn parse_date(value: &str, line: usize, field: DateField) -> Result<NaiveDate, ParseError> {
    let invalid = || ParseError::InvalidDate {
        line,
        field,
        value: value.to_string(),
    };
    if !is_date_shaped(value) {
        return Err(invalid());
    }
    NaiveDate::parse_from_str(value, DATE_FORMAT).map_err(|_| invalid())
}

/// Whether the first word of the text, written right after the prefix, would
/// be read back as a done mark, a priority or a date.
fn text_collides_with_prefix(item: &TodoItem) -> bool {
    let Some(first) = item.text.split_whitespace().next() else {
        return false;
    };
    let date_slot_open = if item.done {
        item.completion_date.is_none() || item.creation_date.is_none()
    } else {
        item.creation_date.is_none()
    };
    let prefix_empty = !item.done && item.priority.is_none() && item.creation_date.is_none();
    (date_slot_open && is_date_shaped(first))
        || (prefix_empty && (first == "x" || priority_prefix(first).is_some()))
}

#[cfg(test)]
mod tests;
