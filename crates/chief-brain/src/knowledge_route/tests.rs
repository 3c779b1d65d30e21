use super::*;
use KnowledgeCategory as C;

#[test]
fn one_decision_holds_the_trigger_category_destination_field_and_name() {
    let d = decide(
        "Going forward, Patrick prefers brief emails",
        None,
        None,
        None,
        &known(),
    );
    assert_eq!(d.trigger_phrase.as_deref(), Some("going forward"));
    assert_eq!(d.category, C::Person);
    match d.destination {
        Some(Destination::Entity(found)) => {
            assert_eq!(known()[found.index].name, "Patrick Fields")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(d.person_field, PersonField::CommunicationNotes);
    assert_eq!(d.playbook_name, "Patrick prefers brief emails");
    // A given phrase wins when it is not blank.
    let d = decide("Note that X", Some("  FYI  "), None, None, &known());
    assert_eq!(d.trigger_phrase.as_deref(), Some("FYI"));
    let d = decide("Note that X", Some("  "), None, None, &known());
    assert_eq!(d.trigger_phrase.as_deref(), Some("note that"));
}

#[test]
fn a_named_target_is_not_routed_and_lends_its_category() {
    let d = decide(
        "Patrick reports to the GM",
        None,
        None,
        Some(C::Client),
        &known(),
    );
    assert_eq!((d.category, d.destination), (C::Client, None));
    let d = decide("x", None, Some(C::Rule), Some(C::Client), &known());
    assert_eq!(d.category, C::Rule);
}

fn known() -> Vec<Entity> {
    use EntityKind::*;
    [
        (Person, "Patrick Fields"),
        (Person, "Sarah Lee"),
        (Person, "Sarah Connor"),
        (Client, "Liberty Hotel"),
        (Client, "Acme"),
        (Project, "CNW"),
        (Project, "Website Redesign"),
    ]
    .into_iter()
    .map(|(kind, name)| Entity::new(kind, name))
    .collect()
}

fn entity(r: &Route) -> Option<usize> {
    match &r.destination {
        Destination::Entity(c) => Some(c.index),
        _ => None,
    }
}

fn review(r: &Route) -> Option<(&str, usize)> {
    match &r.destination {
        Destination::Review { why, candidates } => Some((why.as_str(), candidates.len())),
        _ => None,
    }
}

#[test]
fn trigger_phrases_are_found_as_whole_words_ignoring_case() {
    assert_eq!(
        detect_trigger("REMEMBER THAT Patrick hates calls"),
        Some("remember that")
    );
    assert_eq!(
        detect_trigger("Here’s how we do this: book the room first"),
        Some("here's how we do this")
    );
    assert_eq!(
        detect_trigger("fyi for next time, use the blue form"),
        Some("FYI for next time")
    );
    assert_eq!(detect_trigger("We never ship on Fridays"), Some("never"));
    assert_eq!(
        detect_trigger("From now on, cc Sarah; never skip it"),
        Some("from now on")
    );
    assert_eq!(
        detect_trigger("Don't ever book before 9"),
        Some("don't ever")
    );
    assert_eq!(detect_trigger("The nevermore tavern"), None);
    assert_eq!(detect_trigger("Patrick prefers brief emails"), None);
}

#[test]
fn the_category_is_inferred_from_what_the_learning_says() {
    let k = known();
    for (content, category) in [
        ("We call it 'AD' not 'Automation Designer'", Some(C::Rule)),
        ("Patrick prefers brief, direct emails", Some(C::Person)),
        ("Liberty uses Outlook, not Gmail", Some(C::Client)),
        ("CNW budget approved for Phase 2", Some(C::Project)),
        ("David prefers UTC timestamps", Some(C::Setting)),
        (
            "The Slack workspace URL is https://team.slack.com",
            Some(C::Setting),
        ),
        ("When scheduling, check all 3 calendars", Some(C::Playbook)),
        (
            "Going forward, when booking travel use the portal",
            Some(C::Playbook),
        ),
        ("Here's how to file an expense report", Some(C::Playbook)),
        ("Never send invoices on a Friday", Some(C::Rule)),
        ("The coffee machine is broken", None),
    ] {
        assert_eq!(infer_category(content, &k), category, "{content}");
    }
}

#[test]
fn routing_goes_to_the_named_entity_or_waits_for_review() {
    let k = known();
    let r = route("Patrick prefers brief emails", None, &k);
    assert_eq!((r.category, entity(&r)), (C::Person, Some(0)));
    let r = route("Liberty Hotel pays late", Some(C::Client), &k);
    assert_eq!(entity(&r), Some(3));
    let r = route("The Website Redesign launches in May", Some(C::Project), &k);
    assert_eq!(entity(&r), Some(6));
    assert_eq!(
        route("x", Some(C::Playbook), &k).destination,
        Destination::ProposePlaybook
    );
    assert_eq!(
        route("x", Some(C::Rule), &k).destination,
        Destination::Rules
    );
    assert_eq!(
        route("x", Some(C::Setting), &k).destination,
        Destination::Setting
    );

    let r = route("Bob prefers calls", Some(C::Person), &k);
    assert!(review(&r).is_some_and(|(why, n)| why.contains("no person") && n == 0));
    let r = route("Ask Sarah about it", None, &k);
    assert_eq!(r.category, C::Person);
    assert!(
        review(&r).is_some_and(|(why, n)| why.contains("Sarah Lee, Sarah Connor") && n == 2),
        "{r:?}"
    );
    // A given category looks only among entities of its kind.
    let r = route("Patrick says Acme pays late", Some(C::Client), &k);
    assert_eq!(entity(&r), Some(4));
    let r = route("The coffee machine is broken", None, &k);
    assert_eq!(r.category, C::Rule);
    assert!(review(&r).is_some());
}

#[test]
fn communication_learnings_go_to_communication_notes() {
    assert_eq!(
        person_field("Prefers brief, direct emails"),
        PersonField::CommunicationNotes
    );
    assert_eq!(
        person_field("Reports to the GM; close to the decision-maker"),
        PersonField::ContextNotes
    );
}

#[test]
fn a_proposed_playbook_is_named_after_its_first_sentence() {
    assert_eq!(
        playbook_name("Here's how we do this: when scheduling, check all 3 calendars. Then book."),
        "When scheduling, check all 3 calendars"
    );
    assert_eq!(
        playbook_name("remember that invoices go out monthly"),
        "Invoices go out monthly"
    );
    assert_eq!(playbook_name("..."), "Learned procedure");
    let long = "word ".repeat(40);
    let name = playbook_name(&long);
    assert!(name.chars().count() <= NAME_LIMIT && name.starts_with("Word word"));
}

#[test]
fn notes_are_appended_as_dated_paragraphs() {
    let on = NaiveDate::from_ymd_opt(2026, 1, 21).unwrap();
    assert_eq!(
        dated_note(None, on, " Prefers calls "),
        "[2026-01-21] Prefers calls"
    );
    assert_eq!(dated_note(Some("  \n"), on, "x"), "[2026-01-21] x");
    assert_eq!(
        dated_note(Some("Met at the expo.\n"), on, "Prefers calls"),
        "Met at the expo.\n\n[2026-01-21] Prefers calls"
    );
}

proptest::proptest! {
    /// Any text gives a usable playbook name and a decision.
    #[test]
    fn any_text_gives_a_name_and_a_route(content in "\\PC{0,200}") {
        let name = playbook_name(&content);
        proptest::prop_assert!(!name.trim().is_empty());
        proptest::prop_assert!(name.chars().count() <= NAME_LIMIT);
        let _ = route(&content, None, &known());
        let _ = detect_trigger(&content);
    }
}
