//! Entity resolution: which known person, client or project a statement is
//! about. Knowledge routing asks this before it writes a learning into
//! someone's notes, so a wrong guess costs more than no guess: when two
//! entities fit equally well the answer is [`Resolution::Ambiguous`] and a
//! person decides.
//!
//! A name is found, as whole words and ignoring case, by (best first):
//! - `exact`: the full name ("Patrick Fields");
//! - `alias`: one of its aliases ("Pat");
//! - `first_name`: the first word of a longer name ("Patrick", "Liberty" for
//!   Liberty Hotel Group);
//! - `partial`: another telling word of a longer name ("Fields");
//! - `fuzzy`: any of the above with a typo, by Damerau-Levenshtein distance
//!   (adjacent swaps count once): at most 1 for words of 5 to 7 letters, 2
//!   from 8; the first letter must match, since typos rarely hit it;
//! - `possessive`: any of the above as "Patrick's", "Patricks" or
//!   "Liberty's".
//!
//! The statement is about the entity found by the strongest kind of match
//! (exact, alias, possessive, first name and full-name typos are strong;
//! partial words and other typos are weak); among those, the one named
//! first, since the subject of a sentence usually comes first ("Patrick at
//! Liberty prefers calls" is about Patrick). Entities found at the same
//! place equally well are ambiguous: "Sarah" with two Sarahs.
//!
//! In text with capitals, a lower-case word is not taken for a partial name
//! ("fill in the fields" is not about Patrick Fields); text typed all in
//! lower case gets no such check. First names are always taken, lower case
//! or not, because people type "liberty wants…" as often as "Liberty"; the
//! price is that a first name that is also a word ("Mark", "Will") is found
//! where it was only the word.

use crate::typo::close;
use crate::words::is_stop_word;
use serde::Serialize;

/// What kind of record an entity is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Person,
    Client,
    Project,
}

impl EntityKind {
    /// The kind's name: person, client or project.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Client => "client",
            EntityKind::Project => "project",
        }
    }
}

/// A person, client or project a statement may be about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    pub kind: EntityKind,
    pub name: String,
    /// Other names it goes by: "Pat", "LHG".
    pub aliases: Vec<String>,
}

impl Entity {
    /// An entity with no aliases.
    pub fn new(kind: EntityKind, name: impl Into<String>) -> Entity {
        Entity {
            kind,
            name: name.into(),
            aliases: Vec::new(),
        }
    }
}

/// How a name was found in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchHow {
    Exact,
    Alias,
    FirstName,
    Partial,
    Fuzzy,
    Possessive,
}

impl MatchHow {
    /// The name used on the wire: exact, alias, first_name, …
    pub fn as_str(self) -> &'static str {
        match self {
            MatchHow::Exact => "exact",
            MatchHow::Alias => "alias",
            MatchHow::FirstName => "first_name",
            MatchHow::Partial => "partial",
            MatchHow::Fuzzy => "fuzzy",
            MatchHow::Possessive => "possessive",
        }
    }
}

/// One entity found in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The index of the entity in the list given.
    pub index: usize,
    pub how: MatchHow,
    /// How sure the match is, 0 to 1: 1.0 for a full name, less for a part
    /// of one or a typo.
    pub score: f64,
    /// The word of the text where the name starts.
    position: usize,
}

/// Which entity a statement is about.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolution {
    Resolved(Candidate),
    /// Several fit equally well; best first, then by kind and list order.
    Ambiguous(Vec<Candidate>),
    None,
}

/// Scores from this up are strong matches (see the module docs).
const STRONG: f64 = 0.8;

/// How much a typo takes off a match's score.
const TYPO_COST: f64 = 0.2;

/// Words of organisation and project names too general to name one alone.
const GENERIC_WORDS: &[&str] = &[
    "agency",
    "bank",
    "co",
    "company",
    "corp",
    "corporation",
    "team",
    "group",
    "gmbh",
    "hotel",
    "hotels",
    "inc",
    "llc",
    "ltd",
    "partners",
    "phase",
    "project",
    "services",
    "the",
    "new",
    "and",
];

/// A way of writing an entity's name: its words, how it counts, and its
/// score when found as written.
struct Key {
    words: Vec<String>,
    how: MatchHow,
    score: f64,
}

fn keys(entity: &Entity) -> Vec<Key> {
    let name = lower_words(&entity.name);
    let mut keys = Vec::new();
    if name.is_empty() {
        return keys;
    }
    keys.push(Key {
        words: name.clone(),
        how: MatchHow::Exact,
        score: 1.0,
    });
    for alias in &entity.aliases {
        let words = lower_words(alias);
        if !words.is_empty() && words != name {
            keys.push(Key {
                words,
                how: MatchHow::Alias,
                score: 0.95,
            });
        }
    }
    if name.len() > 1 {
        for (i, word) in name.iter().enumerate() {
            let telling = word.chars().count() >= 3
                && !is_stop_word(word)
                && !GENERIC_WORDS.contains(&word.as_str())
                && !word.chars().all(|c| c.is_ascii_digit());
            if telling {
                let (how, score) = if i == 0 {
                    (MatchHow::FirstName, STRONG)
                } else {
                    (MatchHow::Partial, 0.7)
                };
                keys.push(Key {
                    words: vec![word.clone()],
                    how,
                    score,
                });
            }
        }
    }
    keys
}

/// A word of the text: lower-cased, and whether it was written all in lower
/// case.
struct TextWord {
    lower: String,
    was_lower: bool,
}

fn lower_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Finds which of `entities` `text` is about.
pub fn resolve(text: &str, entities: &[Entity]) -> Resolution {
    resolve_where(text, entities, |_| true)
}

/// [`resolve`], considering only the entities `consider` accepts; indices
/// still point into `entities`.
pub fn resolve_where(
    text: &str,
    entities: &[Entity],
    consider: impl Fn(&Entity) -> bool,
) -> Resolution {
    let words: Vec<TextWord> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| TextWord {
            lower: w.to_lowercase(),
            was_lower: !w.chars().any(char::is_uppercase),
        })
        .collect();
    let mixed_case = text.chars().any(char::is_uppercase) && text.chars().any(char::is_lowercase);
    let mut found: Vec<Candidate> = entities
        .iter()
        .enumerate()
        .filter(|(_, e)| consider(e))
        .filter_map(|(index, e)| best_mention(index, e, &words, mixed_case))
        .collect();
    let Some(strongest) = found.iter().map(|c| c.score >= STRONG).max() else {
        return Resolution::None;
    };
    found.retain(|c| (c.score >= STRONG) == strongest);
    found.sort_by(|a, b| {
        a.position
            .cmp(&b.position)
            .then(b.score.total_cmp(&a.score))
            .then(entities[a.index].kind.cmp(&entities[b.index].kind))
            .then(a.index.cmp(&b.index))
    });
    let first = found[0].clone();
    let tied: Vec<Candidate> = found
        .into_iter()
        .filter(|c| c.position == first.position && c.score == first.score)
        .collect();
    if tied.len() == 1 {
        Resolution::Resolved(first)
    } else {
        Resolution::Ambiguous(tied)
    }
}

/// The entity's best match in the text: highest score, then earliest.
fn best_mention(
    index: usize,
    entity: &Entity,
    words: &[TextWord],
    mixed_case: bool,
) -> Option<Candidate> {
    let mut best: Option<Candidate> = None;
    for key in keys(entity) {
        let n = key.words.len();
        if n > words.len() {
            continue;
        }
        for start in 0..=words.len() - n {
            let window = &words[start..start + n];
            // A later word of a name written in lower case amid capitals is
            // an ordinary word ("fill in the fields"), not the name.
            if key.how == MatchHow::Partial && mixed_case && window[0].was_lower {
                continue;
            }
            let Some((how, score)) = match_at(&key, window, words.get(start + n)) else {
                continue;
            };
            if best.as_ref().is_none_or(|b| score > b.score) {
                best = Some(Candidate {
                    index,
                    how,
                    score,
                    position: start,
                });
            }
        }
    }
    best
}

/// How `key` matches the text `window`; `next` is the word after it, an
/// `s` after an apostrophe making it possessive.
fn match_at(key: &Key, window: &[TextWord], next: Option<&TextWord>) -> Option<(MatchHow, f64)> {
    let last = key.words.len() - 1;
    let mut typo = false;
    let mut possessive = false;
    for (i, (want, got)) in key.words.iter().zip(window).enumerate() {
        let got = got.lower.as_str();
        if want == got {
            continue;
        }
        let stripped = got.strip_suffix('s').filter(|_| i == last);
        if stripped == Some(want.as_str()) {
            possessive = true;
        } else if is_stop_word(got) {
            return None;
        } else if close(want, got) || stripped.is_some_and(|s| close(want, s)) {
            typo = true;
        } else {
            return None;
        }
    }
    if next.is_some_and(|w| w.lower == "s") {
        possessive = true;
    }
    Some(match (typo, possessive) {
        (true, _) => (MatchHow::Fuzzy, key.score - TYPO_COST),
        (false, true) => (MatchHow::Possessive, key.score),
        (false, false) => (key.how, key.score),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntityKind::*;

    fn fixture() -> Vec<Entity> {
        let mut patrick = Entity::new(Person, "Patrick Fields");
        patrick.aliases = vec!["Pat".into()];
        vec![
            patrick,
            Entity::new(Person, "Sarah Lee"),
            Entity::new(Person, "Sarah Connor"),
            Entity::new(Person, "Mark Brown"),
            Entity::new(Client, "Liberty Hotel Group"),
            Entity::new(Client, "Acme"),
            Entity::new(Project, "Website Redesign"),
        ]
    }

    fn resolved(text: &str) -> Option<(String, MatchHow)> {
        let e = fixture();
        match resolve(text, &e) {
            Resolution::Resolved(c) => Some((e[c.index].name.clone(), c.how)),
            _ => None,
        }
    }

    fn ambiguous(text: &str) -> Vec<String> {
        let e = fixture();
        match resolve(text, &e) {
            Resolution::Ambiguous(c) => c.iter().map(|c| e[c.index].name.clone()).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn each_way_of_naming_someone_is_found_and_told_apart() {
        use MatchHow::*;
        for (text, name, how) in [
            ("Patrick Fields prefers calls", "Patrick Fields", Exact),
            (
                "remember that pat hates long emails",
                "Patrick Fields",
                Alias,
            ),
            ("Patrick prefers brief emails", "Patrick Fields", FirstName),
            ("email Fields the deck", "Patrick Fields", Partial),
            ("Patrik prefers mornings", "Patrick Fields", Fuzzy),
            ("patirck fields is on leave", "Patrick Fields", Fuzzy),
            ("Patrick's assistant is Jenna", "Patrick Fields", Possessive),
            ("patricks wife is called Ann", "Patrick Fields", Possessive),
            (
                "Liberty's invoices go to finance",
                "Liberty Hotel Group",
                Possessive,
            ),
            (
                "liberty wants monthly invoices",
                "Liberty Hotel Group",
                FirstName,
            ),
            ("Libery pays late", "Liberty Hotel Group", Fuzzy),
            ("ACME uses Outlook", "Acme", Exact),
            ("Sarah Lee is out in May", "Sarah Lee", Exact),
        ] {
            assert_eq!(resolved(text), Some((name.to_string(), how)), "{text}");
        }
    }

    #[test]
    fn equally_good_matches_are_ambiguous() {
        assert_eq!(ambiguous("Ask Sarah first"), ["Sarah Lee", "Sarah Connor"]);
        assert_eq!(
            ambiguous("sarahs birthday is in june"),
            ["Sarah Lee", "Sarah Connor"]
        );
    }

    #[test]
    fn the_subject_named_first_wins_among_strong_matches() {
        assert_eq!(
            resolved("Patrick at Liberty prefers calls").map(|r| r.0),
            Some("Patrick Fields".into())
        );
        assert_eq!(
            resolved("For Liberty, always cc Patrick").map(|r| r.0),
            Some("Liberty Hotel Group".into())
        );
        // A full name beats a first name at the same place.
        assert_eq!(
            resolved("Sarah Connor said Sarah Lee is away").map(|r| r.0),
            Some("Sarah Connor".into())
        );
    }

    #[test]
    fn ordinary_words_are_not_names() {
        assert_eq!(resolved("Book the hotel for the offsite"), None);
        assert_eq!(resolved("The coffee machine is broken"), None);
        assert_eq!(resolved("Fill in all the fields, Pete"), None);
        assert_eq!(resolved(""), None);
        // Four letters are too few for a typo to be told from another word.
        assert_eq!(resolved("Patt is late"), None);
    }

    proptest::proptest! {
        /// Any text resolves without panicking, and a resolution's indices
        /// point into the list.
        #[test]
        fn any_text_resolves(text in "\\PC{0,200}") {
            let e = fixture();
            match resolve(&text, &e) {
                Resolution::Resolved(c) => proptest::prop_assert!(c.index < e.len()),
                Resolution::Ambiguous(cs) => proptest::prop_assert!(cs.len() > 1 && cs.iter().all(|c| c.index < e.len())),
                Resolution::None => {}
            }
        }
    }
}
