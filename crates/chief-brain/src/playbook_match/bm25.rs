//! BM25 over the active playbooks: how well a task's words fit each
//! playbook's name, triggers, description and category.
//!
//! Each playbook is one document whose fields count with different weights
//! (BM25F, simplified): a word in the name counts [`NAME_WEIGHT`] times, in
//! a trigger [`TRIGGER_WEIGHT`] times, in the description or the category
//! once, because a name and its triggers say what a playbook is for while a
//! description also says how. With the usual `k1` = 1.2 and `b` = 0.75:
//!
//! `score = Σ idf(t) · tf(t)·(k1+1) / (tf(t) + k1·(1 − b + b·len/avglen))`
//!
//! over the task's terms (stemmed, stop words dropped), with
//! `idf(t) = ln(1 + (N − df + 0.5)/(df + 0.5))` over the N active playbooks.
//! A term no playbook uses gets the weight of one used once, so a task with
//! many words of its own (names, places) does not look like everything. The
//! relevance is the score divided by the most the task's terms could score,
//! Σ idf(t)·(k1+1): 0 when nothing is shared, near 1 when every term is in a
//! name or a trigger.
//!
//! Nothing is precomputed: stemming is skipped for any playbook word whose
//! first two letters start no task term, and a field's length (its words of
//! two or more letters, stop words included) is counted in the same pass
//! (see `examples/playbook_match_bench.rs` for the cost over a thousand
//! playbooks).

use crate::words::for_each_term_where;
use chief_domain::playbook::Playbook;

/// Term-frequency saturation.
pub const K1: f64 = 1.2;
/// How much a long playbook's length discounts its matches.
pub const B: f64 = 0.75;
/// A word in the name counts this many times.
pub const NAME_WEIGHT: f64 = 3.0;
/// A word in a trigger phrase counts this many times.
pub const TRIGGER_WEIGHT: f64 = 2.0;
/// A word in the description or the category counts once.
pub const DESCRIPTION_WEIGHT: f64 = 1.0;

/// The fields of a playbook, as bits of [`Scored::fields`].
const FIELDS: [&str; 4] = ["name", "triggers", "description", "category"];

/// How a playbook scored.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Scored {
    /// 0 to 1.
    pub relevance: f64,
    /// Which fields shared a term with the task, as bits in [`FIELDS`] order.
    fields: u8,
}

impl Scored {
    /// The fields that shared a term with the task: "name, description".
    pub fn fields(&self) -> String {
        FIELDS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.fields & (1 << i) != 0)
            .map(|(_, f)| *f)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Scores every playbook against the task's distinct `terms`.
pub fn score_all(terms: &[String], playbooks: &[&Playbook]) -> Vec<Scored> {
    let q = terms.len();
    let n = playbooks.len();
    if q == 0 || n == 0 {
        return vec![Scored::default(); n];
    }
    let mut starts = vec![0u64; 1024];
    for t in terms {
        if let [a, b, ..] = t.as_bytes() {
            let k = usize::from(*a) << 8 | usize::from(*b);
            starts[k / 64] |= 1 << (k % 64);
        }
    }
    let may_match = |p: [u8; 2]| {
        let k = usize::from(p[0]) << 8 | usize::from(p[1]);
        starts[k / 64] & (1 << (k % 64)) != 0
    };

    let mut tf = vec![0f64; n * q];
    let mut lengths = Vec::with_capacity(n);
    let mut masks = Vec::with_capacity(n);
    for (p, row) in playbooks.iter().zip(tf.chunks_mut(q)) {
        let mut doc = Doc {
            row,
            terms,
            length: 0.0,
            mask: 0,
        };
        doc.field(&p.name, NAME_WEIGHT, 0, &may_match);
        for t in &p.triggers {
            doc.field(t, TRIGGER_WEIGHT, 1, &may_match);
        }
        doc.field(&p.description, DESCRIPTION_WEIGHT, 2, &may_match);
        if let Some(c) = &p.category {
            doc.field(c, DESCRIPTION_WEIGHT, 3, &may_match);
        }
        lengths.push(doc.length);
        masks.push(doc.mask);
    }

    let total = n as f64;
    let idf: Vec<f64> = (0..q)
        .map(|t| {
            let df = tf.chunks(q).filter(|row| row[t] > 0.0).count().max(1) as f64;
            (1.0 + (total - df + 0.5) / (df + 0.5)).ln()
        })
        .collect();
    let best: f64 = idf.iter().sum::<f64>() * (K1 + 1.0);
    let average = (lengths.iter().sum::<f64>() / total).max(1.0);
    tf.chunks(q)
        .zip(lengths)
        .zip(masks)
        .map(|((row, length), fields)| {
            let norm = K1 * (1.0 - B + B * length / average);
            let score: f64 = row
                .iter()
                .zip(&idf)
                .filter(|(f, _)| **f > 0.0)
                .map(|(f, w)| w * f * (K1 + 1.0) / (f + norm))
                .sum();
            Scored {
                // `max` also turns the -0.0 of an empty sum into 0.
                relevance: if best > 0.0 {
                    (score / best).max(0.0)
                } else {
                    0.0
                },
                fields,
            }
        })
        .collect()
}

/// One playbook being read: its term counts for the task's terms.
struct Doc<'r, 't> {
    row: &'r mut [f64],
    /// The task's distinct terms: a handful, so a scan beats hashing.
    terms: &'t [String],
    length: f64,
    mask: u8,
}

impl Doc<'_, '_> {
    fn field(&mut self, text: &str, weight: f64, bit: u8, may_match: &impl Fn([u8; 2]) -> bool) {
        let words = for_each_term_where(text, may_match, |term| {
            if let Some(i) = self.terms.iter().position(|t| t == term) {
                self.row[i] += weight;
                self.mask |= 1 << bit;
            }
        });
        self.length += weight * words as f64;
    }
}
