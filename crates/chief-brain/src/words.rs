//! Words as the matchers compare them. Text is lower-cased and split at
//! anything that is not a letter or a digit; for similarity, stop words are
//! dropped and common English endings are taken off ("scheduling meetings"
//! and "schedule a meeting" share `schedul` and `meet`). The stemming is
//! deliberately light: it only has to be consistent, not linguistic.

/// Words so common they say nothing about what a text is about. Sorted, for
/// binary search.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "been", "before", "being", "but", "by", "can", "could", "did", "do", "does", "done",
    "for", "from", "get", "got", "had", "has", "have", "he", "her", "here", "him", "his", "how",
    "i", "if", "in", "into", "is", "it", "its", "just", "let", "me", "more", "most", "my", "need",
    "needs", "no", "not", "of", "on", "one", "or", "our", "out", "over", "please", "s", "she",
    "should", "so", "some", "than", "that", "the", "their", "them", "then", "there", "these",
    "they", "this", "those", "to", "too", "up", "us", "very", "was", "we", "were", "what", "when",
    "which", "who", "will", "with", "would", "you", "your",
];

/// Whether `word` (lower case) is a stop word.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// The lower-cased runs of letters and digits in `text`, in order.
/// "Here's how" gives `here`, `s`, `how`.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The words of `text` that carry meaning, stemmed: stop words and single
/// letters are dropped.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t| out.push(t.to_string()));
    out
}

/// Calls `f` with each term of `text`, as [`terms`] gives them, without
/// allocating for each word.
pub fn for_each_term(text: &str, f: impl FnMut(&str)) {
    for_each_term_where(text, |_| true, f);
}

/// [`for_each_term`], skipping at once the ASCII words whose first two
/// letters (lower-cased) `may_match` refuses. A term starts with the same
/// two letters as its word, so a matcher that knows which terms it wants
/// need not stem the rest: this is what keeps matching a task against a
/// thousand playbooks cheap. Returns how many words of two or more bytes
/// the text has, stop words included: a length for BM25.
pub fn for_each_term_where(
    text: &str,
    may_match: impl Fn([u8; 2]) -> bool,
    mut f: impl FnMut(&str),
) -> usize {
    let mut word = String::new();
    let mut count = 0;
    for piece in text.split(|c: char| !c.is_alphanumeric()) {
        let b = piece.as_bytes();
        if b.len() >= 2 {
            count += 1;
        }
        if b.len() < 2
            || (piece.is_ascii()
                && !may_match([b[0].to_ascii_lowercase(), b[1].to_ascii_lowercase()]))
        {
            continue;
        }
        word.clear();
        word.extend(piece.chars().flat_map(char::to_lowercase));
        if word.chars().count() > 1 && !is_stop_word(&word) {
            stem_in_place(&mut word);
            f(&word);
        }
    }
    count
}

/// `word` without its common English ending: plural `s`/`es`/`ies`, `ing`,
/// `ed` and a final `e`. Short and non-ASCII words are left alone.
pub fn stem(word: &str) -> String {
    let mut w = word.to_string();
    stem_in_place(&mut w);
    w
}

fn stem_in_place(w: &mut String) {
    if w.len() <= 3 || !w.is_ascii() {
        return;
    }
    if w.ends_with("ies") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("sses") {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') && !(w.ends_with("ss") || w.ends_with("us") || w.ends_with("is")) {
        w.pop();
    }
    let suffix_taken = if w.ends_with("ing") && w.len() >= 6 {
        w.truncate(w.len() - 3);
        true
    } else if w.ends_with("ied") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
        false
    } else if w.ends_with("ed") && w.len() >= 5 {
        w.truncate(w.len() - 2);
        true
    } else {
        false
    };
    // "planned" and "planning" become "plan", not "plann".
    if suffix_taken {
        let b = w.as_bytes();
        let n = b.len();
        if n >= 3 && b[n - 1] == b[n - 2] && b"bgmnpt".contains(&b[n - 1]) {
            w.pop();
        }
    }
    if w.ends_with('e') && w.len() > 3 {
        w.pop();
    }
}

/// `text`'s words joined by single spaces, with a space at each end:
/// `" here s how "`. A phrase's form is found in a text's form exactly when
/// its words occur in the text as whole words.
pub fn spaced(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    spaced_into(text, &mut out);
    out
}

/// [`spaced`], written into `out` (cleared first) to reuse its buffer.
pub fn spaced_into(text: &str, out: &mut String) {
    out.clear();
    out.push(' ');
    for piece in text.split(|c: char| !c.is_alphanumeric()) {
        if !piece.is_empty() {
            out.extend(piece.chars().flat_map(char::to_lowercase));
            out.push(' ');
        }
    }
}

/// Whether `needle` occurs in `haystack` as a run of whole words.
pub fn contains_words(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Whether `phrase` occurs in `text` as whole words, ignoring case,
/// punctuation and spacing: "email to" is in "Draft an EMAIL to Pat" but not
/// in "email tomorrow".
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    contains_words(&words(text), &words(phrase))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_stop_word("the") && !is_stop_word("email"));
    }

    #[test]
    fn inflections_of_a_word_share_a_stem() {
        for group in [
            &["schedule", "scheduling", "scheduled", "schedules"][..],
            &["meeting", "meetings"],
            &["email", "emails", "emailing", "emailed"],
            &["draft", "drafts", "drafting", "drafted"],
            &["reply", "replies", "replied", "replying"],
            &["invoice", "invoices", "invoicing", "invoiced"],
            &["plan", "planned", "planning", "plans"],
            &["process", "processes"],
            &["call", "called", "calls"],
        ] {
            let stems: Vec<String> = group.iter().map(|w| stem(w)).collect();
            assert!(
                stems.windows(2).all(|s| s[0] == s[1]),
                "{group:?} -> {stems:?}"
            );
        }
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("thing"), "thing");
        assert_eq!(stem("café"), "café");
    }

    #[test]
    fn phrases_match_whole_words_only() {
        assert!(contains_phrase("Draft an EMAIL to Pat", "email to"));
        assert!(contains_phrase(
            "Here’s how we do this:",
            "here's how we do this"
        ));
        assert!(!contains_phrase("email tomorrow", "email to"));
        assert!(!contains_phrase("He is always late", "never"));
        assert!(!contains_phrase("Alwaysbe", "always"));
        assert!(!contains_phrase("anything", ""));
    }

    #[test]
    fn spaced_forms_find_phrases_as_whole_words() {
        assert_eq!(spaced("Here’s how, WE do"), " here s how we do ");
        assert!(spaced("Draft an EMAIL to Pat").contains(&spaced("email to")));
        assert!(!spaced("email tomorrow").contains(&spaced("email to")));
    }

    #[test]
    fn terms_drop_stop_words_and_stem() {
        assert_eq!(
            terms("Schedule the meetings for Q3"),
            ["schedul", "meet", "q3"]
        );
    }

    #[test]
    fn filtered_terms_are_the_terms_whose_first_letters_pass() {
        let text = "Scheduling MEETINGS with Zoë on Calendars, flying";
        let mut kept = Vec::new();
        for_each_term_where(
            text,
            |p| p == *b"sc" || p == *b"ca",
            |t| kept.push(t.to_string()),
        );
        assert_eq!(kept, ["schedul", "zoë", "calendar"]);
        let expected: Vec<String> = terms(text)
            .into_iter()
            .filter(|t| !t.is_ascii() || t.starts_with("sc") || t.starts_with("ca"))
            .collect();
        assert_eq!(kept, expected);
    }
}
