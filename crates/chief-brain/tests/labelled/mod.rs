//! Scoring chief-brain against the labelled sets in `tests/data/`: phrases
//! written the way people type, each with what a careful reader would take
//! from it. The floors in `tests/labelled_sets.rs` and the figures printed by
//! `bench/brain.sh` (the `brain_score` example) both come from here, so they
//! cannot disagree.

#![allow(dead_code)]

pub mod intents;
pub mod knowledge;
pub mod playbooks;
pub mod quick_add;

/// One labelled field's tally.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub correct: usize,
    pub total: usize,
}

impl Field {
    /// The share of cases this field got right, 0 to 1.
    pub fn accuracy(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.correct as f64 / self.total as f64
        }
    }
}

/// How one labelled set scored: per field, with the misses spelled out.
#[derive(Debug, Clone)]
pub struct Report {
    pub set: &'static str,
    pub cases: usize,
    pub fields: Vec<Field>,
    pub misses: Vec<String>,
}

impl Report {
    pub fn new(set: &'static str) -> Report {
        Report {
            set,
            cases: 0,
            fields: Vec::new(),
            misses: Vec::new(),
        }
    }

    /// Counts one case's `field`; `miss` describes it when it is wrong.
    pub fn check(&mut self, field: &'static str, ok: bool, miss: impl FnOnce() -> String) {
        let tally = match self.fields.iter().position(|f| f.name == field) {
            Some(i) => &mut self.fields[i],
            None => {
                self.fields.push(Field {
                    name: field,
                    correct: 0,
                    total: 0,
                });
                self.fields.last_mut().expect("just pushed")
            }
        };
        tally.total += 1;
        if ok {
            tally.correct += 1;
        } else {
            self.misses.push(format!("{field}: {}", miss()));
        }
    }

    /// The tally for `field`.
    pub fn field(&self, field: &str) -> &Field {
        self.fields
            .iter()
            .find(|f| f.name == field)
            .unwrap_or_else(|| panic!("{} has no field {field}", self.set))
    }

    /// Fails unless the set has at least `min_cases` cases and `field`
    /// scores at least `floor`, listing every miss.
    pub fn assert_floor(&self, field: &str, floor: f64, min_cases: usize) {
        assert!(
            self.cases >= min_cases,
            "{}: {} cases, the set must have at least {min_cases}",
            self.set,
            self.cases
        );
        let f = self.field(field);
        assert!(
            f.accuracy() >= floor,
            "{} {field}: {}/{} = {:.1}%, below the floor of {:.0}%\n{}",
            self.set,
            f.correct,
            f.total,
            f.accuracy() * 100.0,
            floor * 100.0,
            self.misses.join("\n")
        );
    }
}

/// The non-empty lines of a data file that are not `#` comments.
pub fn data_lines(text: &'static str) -> impl Iterator<Item = (usize, &'static str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

/// Every labelled set's report, in a stable order.
pub fn all() -> Vec<Report> {
    vec![
        intents::score(),
        quick_add::score(),
        knowledge::score(),
        playbooks::score(),
    ]
}
