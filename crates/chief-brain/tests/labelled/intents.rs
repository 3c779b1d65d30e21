//! The intent set: `tests/data/intents.tsv`, one `intent<TAB>message` per line.

use super::{Report, data_lines};
use chief_brain::intent::classify;

const DATA: &str = include_str!("../data/intents.tsv");

/// Scores [`classify`] on every message: the `intent` field.
pub fn score() -> Report {
    let mut report = Report::new("intents");
    for (line, row) in data_lines(DATA) {
        let (want, text) = row
            .split_once('\t')
            .unwrap_or_else(|| panic!("intents.tsv:{line}: want `intent<TAB>message`"));
        let got = classify(text);
        let got_name = serde_json::to_value(got.intent).expect("intent serialises");
        report.cases += 1;
        report.check("intent", got_name == want, || {
            format!("line {line} {text:?}: want {want}, got {got_name} {:?}", got.reasons)
        });
    }
    report
}
