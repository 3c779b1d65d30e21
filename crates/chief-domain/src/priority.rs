//! Task and question priority: seed 003's integer from 1 (highest) to 5
//! (lowest), 3 by default. todo.txt letters map onto it: (A) is 1, (B) 2,
//! (C) 3, (D) 4 and (E) to (Z) 5.

use crate::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A priority from 1 (highest) to 5 (lowest).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(try_from = "i64", into = "i64")]
pub struct Priority(u8);

impl Priority {
    pub const HIGHEST: Priority = Priority(1);
    pub const DEFAULT: Priority = Priority(3);
    pub const LOWEST: Priority = Priority(5);

    /// The integer form, 1 to 5.
    pub fn get(self) -> i64 {
        i64::from(self.0)
    }

    /// The todo.txt letter for this priority.
    pub fn letter(self) -> char {
        (b'A' + self.0 - 1) as char
    }

    /// The priority of a todo.txt letter (A to Z; E and below are 5).
    pub fn from_letter(letter: char) -> Option<Priority> {
        let upper = letter.to_ascii_uppercase();
        upper
            .is_ascii_uppercase()
            .then(|| Priority((upper as u8 - b'A' + 1).min(5)))
    }

    /// Parses `1`..`5`, `p1`..`p5`, `!1`..`!5` or a todo.txt letter.
    pub fn parse(text: &str) -> Result<Priority, DomainError> {
        let t = text.trim();
        let digits = t
            .strip_prefix(['p', 'P', '!'])
            .unwrap_or(t)
            .trim_matches(|c| c == '(' || c == ')');
        if let Ok(n) = digits.parse::<i64>() {
            return Priority::try_from(n);
        }
        let mut chars = digits.chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && let Some(p) = Priority::from_letter(c)
        {
            return Ok(p);
        }
        Err(DomainError::invalid(
            "priority",
            format!("{text:?} is not a priority: use 1 (highest) to 5 (lowest), or A to E"),
        ))
    }
}

impl Default for Priority {
    fn default() -> Self {
        Priority::DEFAULT
    }
}

impl TryFrom<i64> for Priority {
    type Error = DomainError;
    fn try_from(n: i64) -> Result<Self, Self::Error> {
        if (1..=5).contains(&n) {
            Ok(Priority(n as u8))
        } else {
            Err(DomainError::invalid(
                "priority",
                format!("{n} is out of range: use 1 (highest) to 5 (lowest)"),
            ))
        }
    }
}

impl From<Priority> for i64 {
    fn from(p: Priority) -> i64 {
        p.get()
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_digits_and_prefixes_all_parse() {
        assert_eq!(Priority::parse("A").unwrap().get(), 1);
        assert_eq!(Priority::parse("(B)").unwrap().get(), 2);
        assert_eq!(Priority::parse("p1").unwrap().get(), 1);
        assert_eq!(Priority::parse("!4").unwrap().get(), 4);
        assert_eq!(Priority::parse("z").unwrap().get(), 5);
        assert_eq!(Priority::parse("5").unwrap().letter(), 'E');
    }

    #[test]
    fn out_of_range_priorities_are_refused_with_the_range() {
        let err = Priority::parse("9").unwrap_err().to_string();
        assert!(err.contains("1 (highest) to 5"), "{err}");
        assert!(Priority::parse("high").is_err());
        assert!(Priority::try_from(0).is_err());
    }
}
