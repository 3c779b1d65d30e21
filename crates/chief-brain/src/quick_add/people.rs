//! The people a phrase names, as candidates for the edge to resolve against
//! the workspace's people: capitalised names after a verb or preposition
//! that takes a person ("call", "email", "with", "to", "ping", "meet",
//! "ask", "tell", …), lists of them ("with Anna and Ben"), a surname that
//! follows ("Patrick Smith"), and possessives ("Patrick's contract").
//!
//! Only capitalised words count: "call the bank" names nobody. A name typed
//! in lower case is left to the edge, which also looks for the workspace's
//! known people in the whole text.

use super::tokens::Token;

/// Words after which a capitalised word is most likely a person.
fn takes_a_person(w: &str) -> bool {
    matches!(
        w,
        "call"
            | "email"
            | "e-mail"
            | "mail"
            | "with"
            | "w/"
            | "to"
            | "ping"
            | "meet"
            | "ask"
            | "tell"
            | "text"
            | "message"
            | "msg"
            | "dm"
            | "remind"
            | "invite"
            | "thank"
            | "thanks"
            | "cc"
            | "contact"
            | "phone"
            | "see"
            | "visit"
            | "pay"
            | "from"
            | "for"
            | "introduce"
            | "congratulate"
            | "interview"
            | "nudge"
            | "chase"
            | "brief"
            | "send"
            | "ring"
            | "skype"
            | "zoom"
            | "slack"
            | "whatsapp"
            | "reply"
            | "thx"
            | "via"
            | "by"
            | "and"
            | "meeting"
            | "lunch"
            | "coffee"
            | "dinner"
            | "1:1"
            | "sync"
            | "w"
            | "back"
            | "take"
            | "drive"
    )
}

/// Capitalised words that are not names.
fn not_a_name(lower: &str) -> bool {
    matches!(
        lower,
        "i" | "me"
            | "the"
            | "a"
            | "an"
            | "my"
            | "our"
            | "your"
            | "his"
            | "her"
            | "their"
            | "team"
            | "everyone"
            | "all"
            | "asap"
            | "urgent"
            | "re"
            | "fw"
            | "fwd"
            | "it"
            | "this"
            | "that"
            | "them"
            | "him"
            | "us"
            | "you"
            | "we"
            | "they"
            | "mr"
            | "mrs"
            | "ms"
            | "dr"
            | "prof"
            | "professor"
            | "aunt"
            | "auntie"
            | "uncle"
            | "sir"
            | "today"
            | "tonight"
            | "tomorrow"
            | "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "next"
            | "every"
            | "agent"
            | "mom"
            | "dad"
            | "mum"
            | "boss"
            | "client"
            | "clients"
            | "about"
            | "and"
            | "or"
            | "on"
            | "at"
            | "by"
            | "in"
            | "of"
            | "to"
            | "for"
            | "with"
            | "re:"
            | "please"
            | "call"
            | "email"
            | "meet"
            | "ping"
            | "ask"
            | "tell"
            | "send"
            | "ok"
            | "hi"
    )
}

/// Titles that may stand before a name and are skipped.
fn is_honorific(lower: &str) -> bool {
    matches!(
        lower,
        "mr" | "mrs" | "ms" | "dr" | "prof" | "professor" | "aunt" | "auntie" | "uncle" | "sir"
    )
}

/// The name in a token, if it is one: a capital letter then letters
/// (hyphens and apostrophes inside, as in "O'Brien" and "Anne-Marie"),
/// without trailing punctuation. `possessive` says it ended in "'s".
fn name_in(raw: &str) -> Option<(&str, bool)> {
    let trimmed = raw.trim_end_matches([',', '.', ';', ':', '!', '?', ')', '"']);
    let (name, possessive) = match trimmed
        .strip_suffix("'s")
        .or_else(|| trimmed.strip_suffix("’s"))
    {
        Some(n) => (n, true),
        None => (trimmed, false),
    };
    let mut chars = name.chars();
    let first = chars.next()?;
    if !first.is_uppercase() || name.chars().count() < 2 {
        return None;
    }
    let rest = chars.as_str();
    // An acronym ("IBM", "CEO") names an organisation or a role.
    if !rest.chars().any(char::is_lowercase) {
        return None;
    }
    if !rest
        .chars()
        .all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '’')
    {
        return None;
    }
    Some((name, possessive))
}

/// Whether the word after token `i` makes it a modifier: a lower-case
/// content word ("trip") or an acronym ("RFP").
fn names_a_thing_after(toks: &[Token], used: &[bool], i: usize) -> bool {
    if toks[i].ends_clause() {
        return false;
    }
    let Some(next) = toks.get(i + 1).filter(|_| !used[i + 1]) else {
        return false;
    };
    let raw = next.raw.trim_end_matches([',', '.', ';', ':', '!', '?']);
    let acronym = raw.len() >= 2
        && raw
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let content = raw.starts_with(|c: char| c.is_lowercase())
        && raw.chars().all(char::is_alphabetic)
        && !matches!(
            next.w(),
            "about"
                | "re"
                | "and"
                | "or"
                | "to"
                | "for"
                | "with"
                | "on"
                | "at"
                | "the"
                | "a"
                | "an"
                | "in"
                | "of"
                | "by"
                | "from"
                | "back"
                | "that"
                | "this"
                | "if"
                | "when"
                | "before"
                | "after"
                | "asap"
                | "please"
                | "again"
                | "too"
                | "as"
                | "so"
        );
    acronym || content
}

fn is_name(t: &Token, raw_name: &str) -> bool {
    let lower = t.w().trim_end_matches("'s");
    !(not_a_name(lower) || raw_name.is_empty())
}

/// The candidate names, in order of appearance and without repeats.
/// `used` marks the tokens already read as dates, sigils and the like.
pub(crate) fn people(toks: &[Token], used: &[bool]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if used[i] {
            i += 1;
            continue;
        }
        let Some((name, possessive)) = name_in(toks[i].raw).filter(|(n, _)| is_name(&toks[i], n))
        else {
            i += 1;
            continue;
        };
        let mut before = i.checked_sub(1).filter(|&b| !used[b]);
        if let Some(b) = before.filter(|&b| is_honorific(toks[b].w())) {
            before = b.checked_sub(1).filter(|&p| !used[p]);
        }
        let prior = before.map(|b| (toks[b].w(), toks[b].ends_clause()));
        let after_trigger = match prior {
            // "and" and "by" only continue a list of people or name an author.
            Some(("and" | "&", _)) => out.last().is_some() && i >= 2,
            Some((w, false)) => takes_a_person(w),
            Some((_, true)) => false,
            None => false,
        };
        let after_comma = before.is_some_and(|b| toks[b].raw.ends_with(',')) && !out.is_empty();
        let weak = matches!(prior, Some(("to" | "for" | "from" | "by" | "via", _)));
        if weak && !possessive && names_a_thing_after(toks, used, i) {
            // "for Berlin trip", "to Liberty RFP": a place or an organisation.
            i += 1;
            continue;
        }
        if !(possessive || after_trigger || after_comma) {
            i += 1;
            continue;
        }
        let mut full = name.to_string();
        let mut next = i + 1;
        if !possessive && !toks[i].ends_clause() {
            // A capitalised word right after is the surname.
            if let Some(t) = toks
                .get(next)
                .filter(|_| !used.get(next).copied().unwrap_or(true))
                && let Some((surname, _)) = name_in(t.raw).filter(|(n, _)| is_name(t, n))
            {
                full.push(' ');
                full.push_str(surname);
                next += 1;
            }
        }
        if !out.iter().any(|n| n.eq_ignore_ascii_case(&full)) {
            out.push(full);
        }
        i = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quick_add::tokens::tokenize;

    fn names(s: &str) -> Vec<String> {
        let (toks, _) = tokenize(s, 64);
        people(&toks, &vec![false; toks.len()])
    }

    #[test]
    fn names_after_verbs_lists_surnames_and_possessives_are_found() {
        assert_eq!(names("Call Patrick about the Liberty renewal"), ["Patrick"]);
        assert_eq!(names("lunch with Anna and Ben"), ["Anna", "Ben"]);
        assert_eq!(names("email Patrick Smith re contract"), ["Patrick Smith"]);
        assert_eq!(names("review Sarah's deck"), ["Sarah"]);
        assert_eq!(names("ping Dr O'Brien"), ["O'Brien"]);
        assert_eq!(
            names("send deck to Anne-Marie, Tom and Li"),
            ["Anne-Marie", "Tom", "Li"]
        );
    }

    #[test]
    fn capitalised_words_that_are_not_people_are_left_alone() {
        assert!(names("Call the bank").is_empty());
        assert!(names("Email IBM about the RFP").is_empty());
        assert!(names("Prepare Liberty renewal").is_empty());
        assert!(names("Meet Monday").is_empty());
        assert!(names("call patrick").is_empty());
        assert!(names("Pack for Berlin trip").is_empty());
        assert_eq!(names("Send the deck to Anna about pricing"), ["Anna"]);
    }
}
