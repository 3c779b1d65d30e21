//! The todo.txt reader and writer against the format's rules, and
//! round trips (proptest).

use super::*;
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test dates are valid")
}

fn parse(line: &str) -> TodoItem {
    parse_line(line)
        .expect("line parses")
        .expect("line is not blank")
}

fn error(line: &str) -> String {
    parse_line(line).expect_err("line is rejected").to_string()
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

#[test]
fn blank_and_whitespace_only_lines_are_skipped() {
    assert_eq!(parse_line(""), Ok(None));
    assert_eq!(parse_line("   \t  "), Ok(None));
}

#[test]
fn spec_priority_is_an_uppercase_letter_in_parentheses_at_the_start() {
    let item = parse("(A) Call Mom");
    assert_eq!(item.priority, Some('A'));
    assert_eq!(item.text, "Call Mom");
    for line in [
        "Really gotta call Mom (A) @phone @someday",
        "(b) Get back to the boss",
        "(B)->Submit TPS report",
    ] {
        assert_eq!(parse(line).priority, None, "{line}");
    }
    assert_eq!(
        parse("(B)->Submit TPS report").text,
        "(B)->Submit TPS report"
    );
}

#[test]
fn spec_creation_date_follows_the_priority_or_starts_the_line() {
    let item = parse("2011-03-02 Document +TodoTxt task format");
    assert_eq!(item.creation_date, Some(date(2011, 3, 2)));
    assert_eq!(item.text, "Document task format");
    assert_eq!(item.projects, strings(&["TodoTxt"]));

    let item = parse("(A) 2011-03-02 Call Mom");
    assert_eq!(item.priority, Some('A'));
    assert_eq!(item.creation_date, Some(date(2011, 3, 2)));

    let item = parse("(A) Call Mom 2011-03-02");
    assert_eq!(item.creation_date, None);
    assert_eq!(item.text, "Call Mom 2011-03-02");
}

#[test]
fn spec_projects_and_contexts_are_words_starting_with_plus_and_at() {
    let item = parse("(A) Call Mom +Family +PeaceLoveAndHappiness @iphone @phone");
    assert_eq!(item.text, "Call Mom");
    assert_eq!(item.projects, strings(&["Family", "PeaceLoveAndHappiness"]));
    assert_eq!(item.contexts, strings(&["iphone", "phone"]));

    let item = parse("Email SoAndSo at soandso@example.com");
    assert!(item.contexts.is_empty());
    assert_eq!(item.text, "Email SoAndSo at soandso@example.com");

    let item = parse("Learn how to add 2+2");
    assert!(item.projects.is_empty());
    assert_eq!(item.text, "Learn how to add 2+2");
}

#[test]
fn spec_a_done_task_starts_with_a_lowercase_x_and_a_space() {
    let item = parse("x 2011-03-03 Call Mom");
    assert!(item.done);
    assert_eq!(item.completion_date, Some(date(2011, 3, 3)));
    assert_eq!(item.text, "Call Mom");
    for line in [
        "xylophone lesson",
        "X 2012-01-01 Make resolutions",
        "(A) x Find ticket prices",
    ] {
        let item = parse(line);
        assert!(!item.done, "{line}");
        assert_eq!(item.creation_date, None, "{line}");
    }
}

#[test]
fn spec_a_done_task_has_its_completion_date_before_its_creation_date() {
    let item = parse("x 2011-03-02 2011-03-01 Review Tim's pull request +TodoTxtTouch @github");
    assert_eq!(item.completion_date, Some(date(2011, 3, 2)));
    assert_eq!(item.creation_date, Some(date(2011, 3, 1)));
    assert_eq!(item.text, "Review Tim's pull request");
    assert_eq!(item.projects, strings(&["TodoTxtTouch"]));
    assert_eq!(item.contexts, strings(&["github"]));
}

#[test]
fn a_single_date_on_a_done_task_is_its_completion_date() {
    let item = parse("x 2011-03-02 file taxes");
    assert_eq!(item.completion_date, Some(date(2011, 3, 2)));
    assert_eq!(item.creation_date, None);
}

#[test]
fn a_done_task_may_have_no_dates() {
    let item = parse("x file taxes");
    assert!(item.done);
    assert_eq!(item.completion_date, None);
    assert_eq!(item.text, "file taxes");
}

#[test]
fn a_lone_x_is_a_task_named_x() {
    let item = parse("x");
    assert!(!item.done);
    assert_eq!(item.text, "x");
}

#[test]
fn repeated_projects_contexts_and_tags_are_kept_once_in_order() {
    let item = parse("plan +b +a +b @home @home #q2 #q1 #q2");
    assert_eq!(item.projects, strings(&["b", "a"]));
    assert_eq!(item.contexts, strings(&["home"]));
    assert_eq!(item.tags, strings(&["q2", "q1"]));
}

#[test]
fn hash_words_are_tags_but_a_lone_sigil_is_text() {
    let item = parse("ship it #launch # + @ now");
    assert_eq!(item.tags, strings(&["launch"]));
    assert_eq!(item.text, "ship it # + @ now");
}

#[test]
fn due_dates_are_read_from_the_due_key() {
    let item = parse("pay rent due:2026-03-01");
    assert_eq!(item.due, Some(date(2026, 3, 1)));
    assert_eq!(item.text, "pay rent");
    assert!(item.attributes.is_empty());
}

#[test]
fn a_due_date_that_is_not_a_calendar_date_is_rejected_with_its_line() {
    let err = parse_file("a\nb\npay rent due:2026-02-30\n").expect_err("bad due date");
    assert_eq!(err.line(), 3);
    assert_eq!(
        err.to_string(),
        r#"line 3: due date "2026-02-30" is not a valid YYYY-MM-DD date"#
    );
    assert_eq!(
        error("pay rent due:tomorrow"),
        r#"line 1: due date "tomorrow" is not a valid YYYY-MM-DD date"#
    );
}

#[test]
fn two_due_dates_on_one_line_are_rejected() {
    assert_eq!(
        error("pay due:2026-03-01 due:2026-04-01"),
        r#"line 1: more than one due date ("2026-03-01" and "2026-04-01"); keep one"#
    );
}

#[test]
fn a_malformed_date_in_a_date_position_is_rejected() {
    assert_eq!(
        error("x 2026-13-45 task"),
        r#"line 1: completion date "2026-13-45" is not a valid YYYY-MM-DD date"#
    );
    assert_eq!(
        error("x 2026-01-01 2026-02-30 task"),
        r#"line 1: creation date "2026-02-30" is not a valid YYYY-MM-DD date"#
    );
    assert_eq!(
        error("(A) 2026-00-10 task"),
        r#"line 1: creation date "2026-00-10" is not a valid YYYY-MM-DD date"#
    );
}

#[test]
fn a_malformed_date_inside_the_description_is_just_text() {
    assert_eq!(parse("call 2026-13-45").text, "call 2026-13-45");
}

#[test]
fn unknown_key_value_pairs_are_kept_verbatim_and_in_order() {
    let item = parse("review spec:v2 owner:ana time:10:30 url:https://example.com");
    assert_eq!(item.text, "review");
    assert_eq!(
        item.attributes,
        vec![
            ("spec".to_string(), "v2".to_string()),
            ("owner".to_string(), "ana".to_string()),
            ("time".to_string(), "10:30".to_string()),
            ("url".to_string(), "https://example.com".to_string()),
        ]
    );
    assert_eq!(
        format_line(&item),
        "review spec:v2 owner:ana time:10:30 url:https://example.com"
    );
}

#[test]
fn urls_times_and_empty_values_stay_in_the_description() {
    let line = "read http://example.com/x at 10:30 Re: it :x";
    let item = parse(line);
    assert_eq!(item.text, line);
    assert!(item.attributes.is_empty());
}

#[test]
fn a_done_task_takes_its_priority_from_the_pri_key() {
    let item = parse("x 2026-01-02 call Mom pri:B");
    assert_eq!(item.priority, Some('B'));
    assert!(item.attributes.is_empty());
    assert_eq!(format_line(&item), "x 2026-01-02 call Mom pri:B");
}

#[test]
fn the_last_valid_pri_wins_and_the_others_stay_attributes() {
    let item = parse("x call pri:A pri:zz pri:C");
    assert_eq!(item.priority, Some('C'));
    assert_eq!(
        item.attributes,
        vec![
            ("pri".to_string(), "A".to_string()),
            ("pri".to_string(), "zz".to_string())
        ]
    );
}

#[test]
fn an_open_task_keeps_pri_as_an_attribute() {
    let item = parse("(B) call pri:A");
    assert_eq!(item.priority, Some('B'));
    assert_eq!(item.attributes, vec![("pri".to_string(), "A".to_string())]);
}

#[test]
fn format_writes_prefix_text_then_tokens_in_canonical_order() {
    let item = parse("2026-01-05 @desk #q1 due:2026-02-01 draft +chief size:m (A) plan +ops");
    assert_eq!(
        format_line(&item),
        "2026-01-05 draft (A) plan +chief +ops @desk #q1 due:2026-02-01 size:m"
    );
    let item = TodoItem {
        priority: Some('A'),
        creation_date: Some(date(2026, 1, 5)),
        text: "plan".to_string(),
        ..TodoItem::default()
    };
    assert_eq!(format_line(&item), "(A) 2026-01-05 plan");
}

#[test]
fn format_writes_a_done_tasks_priority_as_pri_at_the_end() {
    let item = TodoItem {
        done: true,
        completion_date: Some(date(2026, 1, 6)),
        creation_date: Some(date(2026, 1, 5)),
        priority: Some('A'),
        text: "plan".to_string(),
        projects: strings(&["ops"]),
        attributes: vec![("size".to_string(), "m".to_string())],
        ..TodoItem::default()
    };
    assert_eq!(
        format_line(&item),
        "x 2026-01-06 2026-01-05 plan +ops size:m pri:A"
    );
}

#[test]
fn format_puts_tokens_first_when_the_text_would_read_as_a_prefix() {
    for line in [
        "+work 2026-03-01 offsite",
        "@home x marks the spot",
        "#q1 (A) is not a priority here",
        "x +ops 2026-03-01 offsite",
        "x pri:A 2026-03-01 offsite",
    ] {
        let item = parse(line);
        assert_eq!(format_line(&item), line);
        assert_eq!(parse(&format_line(&item)), item, "{line}");
    }
}

#[test]
fn a_line_with_only_a_prefix_has_no_description() {
    for line in [
        "(A)",
        "2026-01-01",
        "(A) 2026-01-01",
        "x 2026-01-01",
        "x 2026-01-01 2026-01-01",
    ] {
        assert_eq!(error(line), "line 1: the task has no description", "{line}");
    }
    assert!(parse("x 2026-01-01 +ops").done);
}

#[test]
fn lines_longer_than_64_kib_are_rejected() {
    let longest = "a".repeat(MAX_LINE_BYTES);
    assert!(parse_line(&longest).is_ok());
    assert_eq!(
        error(&format!("{longest}b")),
        "line 1: the line is 65537 bytes long, over the limit of 65536 bytes; split the task"
    );
}

#[test]
fn control_characters_other_than_tab_are_rejected() {
    assert_eq!(parse("call\tMom").text, "call Mom");
    assert_eq!(
        error("call\u{7}Mom"),
        "line 1: control character U+0007 at column 5; only tabs are allowed, so remove it"
    );
    assert!(parse_line("a\rb").is_err());
}

#[test]
fn parse_line_accepts_one_trailing_line_ending() {
    assert_eq!(parse("call Mom\r\n").text, "call Mom");
    assert_eq!(parse("call Mom\n").text, "call Mom");
}

#[test]
fn whitespace_runs_collapse_to_single_spaces() {
    assert_eq!(parse("  call   Mom \t today  ").text, "call Mom today");
}

#[test]
fn parse_file_numbers_lines_and_skips_blank_ones() {
    let items = parse_file("\u{feff}(A) first\r\n\r\n  \nx second\n").expect("file parses");
    let numbers: Vec<usize> = items.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, vec![1, 4]);
    assert_eq!(items[0].1.text, "first");
    assert!(items[1].1.done);
}

#[test]
fn parse_file_stops_at_the_first_bad_line() {
    let err = parse_file("ok\n(A)\nx 2026-99-99 bad\n").expect_err("bad file");
    assert_eq!(err, ParseError::MissingDescription { line: 2 });
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (0u64..60_000).prop_map(|days| date(1970, 1, 1) + chrono::Days::new(days))
}

fn unique(names: Vec<String>) -> Vec<String> {
    let mut kept = Vec::new();
    for name in names {
        push_unique(&mut kept, &name);
    }
    kept
}

fn names(pattern: &'static str) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(pattern, 0..=3).prop_map(unique)
}

fn canonical_item() -> impl Strategy<Value = TodoItem> {
    let words = prop::collection::vec("[a-zA-Zéü][a-zA-Z0-9'.,!?éü-]{1,8}", 0..5);
    let attribute = ("[a-z][a-z0-9_-]{0,7}", "[a-zA-Z0-9][a-zA-Z0-9:._-]{0,8}")
        .prop_filter("due and pri are not unknown keys", |(k, _)| {
            k != "due" && k != "pri"
        });
    (
        any::<bool>(),
        prop::option::of(any_date()),
        prop::option::of(any_date()),
        prop::option::of(prop::char::range('A', 'Z')),
        words,
        names("[a-zA-Z0-9_][a-zA-Z0-9_.:/-]{0,8}"),
        names("[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,8}"),
        names("[a-zA-Z0-9_-]{1,8}"),
        prop::option::of(any_date()),
        prop::collection::vec(attribute, 0..=3),
    )
        .prop_map(
            |(
                done,
                completed,
                created,
                priority,
                words,
                projects,
                contexts,
                tags,
                due,
                attributes,
            )| {
                let completion_date = completed.filter(|_| done);
                TodoItem {
                    done,
                    completion_date,
                    priority,
                    creation_date: created.filter(|_| !done || completion_date.is_some()),
                    text: words.join(" "),
                    projects,
                    contexts,
                    tags,
                    due,
                    attributes,
                }
            },
        )
        .prop_filter("the task has a description", |item| {
            !item.text.is_empty()
                || !item.projects.is_empty()
                || !item.contexts.is_empty()
                || !item.tags.is_empty()
                || item.due.is_some()
                || !item.attributes.is_empty()
                || (item.done && item.priority.is_some())
        })
}

fn line_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("x".to_string()),
        Just("X".to_string()),
        "\\([A-Za-z]\\)",
        "20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}x?",
        "[+@#][a-z]{0,4}",
        "due:20[0-9]{2}-0[1-9]-1[0-9]",
        "pri:[A-Za-z]{1,2}",
        "[a-z0-9]{1,4}:[a-z/:]{0,4}",
        "https?://[a-z]{1,5}",
        "[a-zA-Z0-9]{1,6}",
        "\\PC{1,5}",
    ]
}

fn any_line() -> impl Strategy<Value = String> {
    let separator = prop_oneof![Just(" "), Just("\t"), Just("  ")];
    prop_oneof![
        prop::collection::vec((separator, line_fragment()), 0..10)
            .prop_map(|parts| parts.into_iter().map(|(s, f)| format!("{s}{f}")).collect()),
        "\\PC{0,40}",
    ]
}

proptest! {
    #[test]
    fn a_canonical_item_survives_format_then_parse(item in canonical_item()) {
        let line = format_line(&item);
        prop_assert_eq!(parse_line(&line), Ok(Some(item)), "line: {}", line);
    }

    #[test]
    fn formatting_a_parsed_line_is_a_fixed_point(line in any_line()) {
        if let Ok(Some(item)) = parse_line(&line) {
            let formatted = format_line(&item);
            let reparsed = parse_line(&formatted);
            prop_assert_eq!(&reparsed, &Ok(Some(item)), "formatted: {}", formatted);
            if let Ok(Some(again)) = reparsed {
                prop_assert_eq!(format_line(&again), formatted);
            }
        }
    }
}
