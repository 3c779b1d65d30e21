//! The accuracy floors issue 4 sets for the labelled sets in `tests/data/`.
//! `bench/brain.sh` prints the same figures in full.

mod labelled;

#[test]
fn intent_classification_is_at_least_90_percent_accurate_on_100_messages() {
    labelled::intents::score().assert_floor("intent", 0.90, 100);
}
