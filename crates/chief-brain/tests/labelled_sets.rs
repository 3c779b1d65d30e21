//! The accuracy floors issue 4 sets for the labelled sets in `tests/data/`.
//! `bench/brain.sh` prints the same figures in full.

mod labelled;

#[test]
fn intent_classification_is_at_least_90_percent_accurate_on_100_messages() {
    labelled::intents::score().assert_floor("intent", 0.90, 100);
}

#[test]
fn quick_add_reads_every_field_at_least_95_percent_right_on_150_phrases() {
    let report = labelled::quick_add::score();
    for field in [
        "title",
        "due",
        "priority",
        "project",
        "contexts",
        "tags",
        "people",
        "recurrence",
    ] {
        report.assert_floor(field, 0.95, 150);
    }
}

#[test]
fn knowledge_routing_finds_category_and_entity_at_least_90_percent_of_the_time_on_65_statements() {
    let report = labelled::knowledge::score();
    report.assert_floor("category", 0.90, 65);
    report.assert_floor("entity", 0.90, 65);
}

#[test]
fn the_right_playbook_comes_first_at_least_90_percent_of_the_time_on_45_tasks() {
    labelled::playbooks::score().assert_floor("top1", 0.90, 45);
}
