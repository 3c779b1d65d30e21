//! The phrase cut into whitespace-separated tokens, each with its byte span
//! and a lower-cased ASCII "word" (surrounding punctuation taken off) that
//! the date, time and recurrence matchers compare. The word lives on the
//! stack, so tokenising allocates only the token list itself; a token too
//! long or not ASCII has an empty word and can never be a keyword.
//!
//! The sigils of todo.txt and friends are read here too: `+project`,
//! `@context`, `#tag`, `!1`, `p1`, `(A)`.

/// The longest keyword a token can match ("fortnightly", "tomorrow's").
const WORD_CAP: usize = 15;

/// A lower-cased ASCII word of at most [`WORD_CAP`] bytes.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Word {
    bytes: [u8; WORD_CAP],
    len: u8,
}

impl Word {
    fn of(core: &str) -> Word {
        let mut w = Word::default();
        if core.len() > WORD_CAP || !core.is_ascii() {
            return w;
        }
        for (slot, b) in w.bytes.iter_mut().zip(core.bytes()) {
            *slot = b.to_ascii_lowercase();
        }
        w.len = core.len() as u8;
        w
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

/// One whitespace-separated piece of the phrase.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token<'a> {
    /// The token as typed.
    pub raw: &'a str,
    /// Lower-cased, without surrounding punctuation; empty when not ASCII
    /// or too long to be a keyword.
    pub word: Word,
}

impl Token<'_> {
    pub(crate) fn w(&self) -> &str {
        self.word.as_str()
    }

    /// Whether the token ends a clause ("tomorrow," or "Friday.").
    pub(crate) fn ends_clause(&self) -> bool {
        self.raw.ends_with([',', '.', ';', ':', '!', '?'])
    }
}

/// Punctuation that may wrap a word without being part of it.
fn is_wrapper(c: char) -> bool {
    matches!(
        c,
        ',' | '.' | ';' | ':' | '!' | '?' | '(' | ')' | '"' | '\'' | '[' | ']' | '…'
    )
}

/// The tokens of `text`, at most `cap` of them; the rest of the text is
/// left for the title untouched.
pub(crate) fn tokenize(text: &str, cap: usize) -> (Vec<Token<'_>>, &str) {
    let mut out = Vec::with_capacity(16);
    let mut rest = text;
    while out.len() < cap {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let raw = &rest[..end];
        out.push(Token {
            raw,
            word: Word::of(raw.trim_matches(is_wrapper)),
        });
        rest = &rest[end..];
    }
    (out, rest.trim())
}

/// What a sigil token says.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Sigil<'a> {
    Project(&'a str),
    Context(&'a str),
    Tag(&'a str),
    Priority(u8),
    /// `@agent`: the task is for the agent.
    Agent,
    /// A todo.txt `key:value` token such as `est:2h` (not `due:`, which is
    /// a date): the key is an ASCII letter then letters, digits, `_` or
    /// `-`; the value is non-empty and does not start with `/`, so
    /// `10:30`, `Re:` and `http://…` stay words.
    Attribute(&'a str, &'a str),
}

fn attribute(raw: &str) -> Option<Sigil<'_>> {
    let (key, value) = raw.split_once(':')?;
    let mut k = key.chars();
    let key_ok = k.next().is_some_and(|c| c.is_ascii_alphabetic())
        && k.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let value_ok =
        !value.is_empty() && !value.starts_with('/') && !value.contains(char::is_whitespace);
    (key_ok && value_ok && !key.eq_ignore_ascii_case("due")).then_some(Sigil::Attribute(key, value))
}

/// The name after a sigil: letters, digits, `-`, `_`, `.`, `/` inside,
/// without trailing punctuation; `None` when it has no letter (`#1` is an
/// issue number, `+1` a vote).
fn sigil_name(rest: &str) -> Option<&str> {
    let name = rest.trim_end_matches(|c: char| is_wrapper(c) || c == '-');
    let ok = !name.is_empty()
        && name.chars().any(char::is_alphabetic)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '&'));
    ok.then_some(name)
}

/// Reads a sigil token.
pub(crate) fn sigil<'a>(t: &Token<'a>) -> Option<Sigil<'a>> {
    let raw = t.raw;
    let mut chars = raw.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    match first {
        '+' => sigil_name(rest).map(Sigil::Project),
        '@' => {
            let name = sigil_name(rest)?;
            if name.eq_ignore_ascii_case("agent") {
                Some(Sigil::Agent)
            } else {
                Some(Sigil::Context(name))
            }
        }
        '#' => sigil_name(rest).map(Sigil::Tag),
        '!' => priority_digit(rest.trim_end_matches(is_wrapper))
            .or_else(|| bangs(raw))
            .map(Sigil::Priority),
        'p' | 'P' => priority_digit(rest.trim_end_matches([',', '.', ';'])).map(Sigil::Priority),
        '(' => {
            let b = raw.as_bytes();
            // todo.txt's (A) to (Z); (F) and below read as 5, as in chief_domain.
            (b.len() == 3 && b[2] == b')' && b[1].is_ascii_uppercase())
                .then(|| (b[1] - b'A' + 1).min(5))
                .map(Sigil::Priority)
        }
        _ => attribute(raw),
    }
}

fn priority_digit(s: &str) -> Option<u8> {
    match s.as_bytes() {
        [d @ b'1'..=b'5'] => Some(d - b'0'),
        _ => None,
    }
}

/// `!!!` is the highest priority and `!!` the next; a lone `!` says
/// nothing.
fn bangs(raw: &str) -> Option<u8> {
    match raw {
        "!!!" | "!!!!" => Some(1),
        "!!" => Some(2),
        _ => None,
    }
}

/// A small count: digits up to 999, or a number word ("a", "two", "couple").
pub(crate) fn count(word: &str) -> Option<u32> {
    if !word.is_empty() && word.len() <= 3 && word.bytes().all(|b| b.is_ascii_digit()) {
        return word.parse().ok();
    }
    Some(match word {
        "a" | "an" | "one" => 1,
        "two" | "couple" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(raw: &str) -> Token<'_> {
        tokenize(raw, 10).0[0]
    }

    #[test]
    fn words_are_lower_case_without_wrapping_punctuation() {
        let (toks, rest) = tokenize("  Call (Patrick) Tomorrow, ok  ", 10);
        let words: Vec<_> = toks.iter().map(|t| t.w()).collect();
        assert_eq!(words, ["call", "patrick", "tomorrow", "ok"]);
        assert_eq!(rest, "");
        assert_eq!(tok("東京").w(), "");
    }

    #[test]
    fn the_token_cap_leaves_the_rest_of_the_text_alone() {
        let (toks, rest) = tokenize("a b  c d", 2);
        assert_eq!(toks.len(), 2);
        assert_eq!(rest, "c d");
    }

    #[test]
    fn sigils_read_projects_contexts_tags_and_priorities() {
        assert_eq!(sigil(&tok("+liberty,")), Some(Sigil::Project("liberty")));
        assert_eq!(sigil(&tok("@phone")), Some(Sigil::Context("phone")));
        assert_eq!(sigil(&tok("@Agent")), Some(Sigil::Agent));
        assert_eq!(sigil(&tok("#sales.")), Some(Sigil::Tag("sales")));
        assert_eq!(sigil(&tok("est:2h")), Some(Sigil::Attribute("est", "2h")));
        for word in [
            "10:30",
            "Re:",
            "https://example.com",
            "due:2026-12-01",
            "agent:",
        ] {
            assert_eq!(sigil(&tok(word)), None, "{word}");
        }
        assert_eq!(sigil(&tok("!1")), Some(Sigil::Priority(1)));
        assert_eq!(sigil(&tok("P2")), Some(Sigil::Priority(2)));
        assert_eq!(sigil(&tok("(B)")), Some(Sigil::Priority(2)));
        assert_eq!(sigil(&tok("(Z)")), Some(Sigil::Priority(5)));
        assert_eq!(sigil(&tok("!!!")), Some(Sigil::Priority(1)));
        for none in ["#1", "+1", "p9", "!6", "(a)", "@", "pizza", "!"] {
            assert_eq!(sigil(&tok(none)), None, "{none}");
        }
    }
}
