//! Typos in names: two words are the same name mistyped when they start
//! with the same letter and are within a small Damerau-Levenshtein
//! distance, allowed by the length of the name (see [`close`]). Entity
//! resolution uses it to find "Patrik" for Patrick.

/// Whether `got` is `want` with a typo: same first letter, within the
/// distance allowed for `want`'s length.
pub fn close(want: &str, got: &str) -> bool {
    let len = want.chars().count();
    let allowed = match len {
        0..=4 => return false,
        5..=7 => 1,
        _ => 2,
    };
    want.chars().next() == got.chars().next()
        && got.chars().count().abs_diff(len) <= allowed
        && edit_distance(want, got) <= allowed
}

/// The optimal-string-alignment distance (Damerau-Levenshtein where an
/// adjacent swap counts as one edit) between two words.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * width] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = v;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_distance_counts_a_swap_as_one_edit() {
        assert_eq!(edit_distance("patrick", "patirck"), 1);
        assert_eq!(edit_distance("patrick", "patrik"), 1);
        assert_eq!(edit_distance("liberty", "libery"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn short_names_and_other_first_letters_are_never_typos() {
        assert!(close("patrick", "patrik") && close("liberty", "libery"));
        assert!(close("lindqvist", "lindqivst"));
        assert!(!close("sarah", "farah"), "the first letter differs");
        assert!(!close("anna", "anne"), "four letters are too few");
        assert!(!close("patrick", "patricia"));
    }
}
