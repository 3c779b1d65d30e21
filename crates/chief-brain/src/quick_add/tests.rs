//! The parser's behaviour on the phrases issue 4 names, and a property
//! test: no input makes it panic, and the title is only ever made of
//! pieces of the text.

use super::*;
use chrono::TimeZone;
use chrono_tz::Europe::Berlin;
use proptest::prelude::*;

/// Tuesday 24 November 2026, 10:00 in Berlin.
fn now() -> DateTime<Tz> {
    Berlin.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
}

fn p(text: &str) -> QuickAdd {
    parse(text, now(), &ParseOptions::default())
}

fn due(text: &str) -> String {
    p(text)
        .due
        .map(|d| {
            serde_json::to_value(d)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .unwrap_or_default()
}

#[test]
fn the_issue_example_reads_every_field() {
    let q = p("Call Patrick tomorrow 3pm about the Liberty renewal !1 +liberty @phone #sales");
    assert_eq!(q.title, "Call Patrick about the Liberty renewal");
    assert_eq!(
        due("Call Patrick tomorrow 3pm about it"),
        "2026-11-25T15:00:00+01:00"
    );
    assert_eq!(q.priority, Some(1));
    assert_eq!(q.project.as_deref(), Some("liberty"));
    assert_eq!(q.contexts, ["phone"]);
    assert_eq!(q.tags, ["sales"]);
    assert_eq!(q.people, ["Patrick"]);
    assert!(q.warnings.is_empty(), "{:?}", q.warnings);
}

#[test]
fn relative_dates_count_from_the_users_today() {
    assert_eq!(due("x today"), "2026-11-24");
    assert_eq!(due("x tmrw"), "2026-11-25");
    assert_eq!(due("x friday"), "2026-11-27");
    assert_eq!(due("x tuesday"), "2026-12-01");
    assert_eq!(due("x this tuesday"), "2026-11-24");
    assert_eq!(due("x next week"), "2026-11-30");
    assert_eq!(due("x this weekend"), "2026-11-28");
    assert_eq!(due("x in 3 days"), "2026-11-27");
    assert_eq!(due("x in 2 weeks"), "2026-12-08");
    assert_eq!(due("x in a month"), "2026-12-24");
    assert_eq!(due("x end of month"), "2026-11-30");
    assert_eq!(due("x eow"), "2026-11-27");
    assert_eq!(due("x in 2 hours"), "2026-11-24T12:00:00+01:00");
    assert_eq!(due("x on the 15th"), "2026-12-15");
}

#[test]
fn calendar_dates_follow_the_locale_and_roll_into_next_year() {
    assert_eq!(due("x 2026-12-03"), "2026-12-03");
    assert_eq!(due("x Dec 3"), "2026-12-03");
    assert_eq!(due("x 3rd of December"), "2026-12-03");
    assert_eq!(due("x Jan 5"), "2027-01-05");
    assert_eq!(due("x 3/12"), "2027-03-12");
    let dmy = ParseOptions {
        date_order: DateOrder::DayMonth,
    };
    let q = parse("x 3/12", now(), &dmy);
    assert_eq!(
        q.due,
        Some(Due::Date(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()))
    );
    assert_eq!(due("x due:2026-12-01"), "2026-12-01");
}

#[test]
fn times_alone_are_today_if_still_ahead_else_tomorrow() {
    assert_eq!(due("x 3pm"), "2026-11-24T15:00:00+01:00");
    assert_eq!(due("x at 9"), "2026-11-25T09:00:00+01:00");
    assert_eq!(due("x noon"), "2026-11-24T12:00:00+01:00");
    assert_eq!(due("x tonight at 8"), "2026-11-24T20:00:00+01:00");
    assert_eq!(due("x tomorrow morning"), "2026-11-25T09:00:00+01:00");
    // Summer time: the offset is the one in force that day.
    assert_eq!(due("x 2027-07-01 15:00"), "2027-07-01T15:00:00+02:00");
}

#[test]
fn two_due_dates_keep_the_last_with_a_warning() {
    let q = p("Send deck friday no wait monday");
    assert_eq!(
        q.due.map(|d| d.date().to_string()).as_deref(),
        Some("2026-11-30")
    );
    assert!(
        q.warnings.iter().any(|w| w.contains("last one wins")),
        "{:?}",
        q.warnings
    );
}

#[test]
fn a_date_that_does_not_exist_stays_in_the_title_with_a_warning() {
    let q = p("Invoice Feb 30");
    assert_eq!(q.title, "Invoice Feb 30");
    assert_eq!(q.due, None);
    assert!(
        q.warnings
            .iter()
            .any(|w| w.contains("Feb 30 is not a date")),
        "{:?}",
        q.warnings
    );
    assert!(
        p("x 31/11/2026")
            .warnings
            .iter()
            .any(|w| w.contains("not a date"))
    );
}

#[test]
fn recurrences_are_due_at_their_first_occurrence() {
    let q = p("Water the plants every Monday");
    assert_eq!(q.title, "Water the plants");
    let rule = q.recurrence.unwrap();
    assert_eq!((rule.frequency, rule.interval), (Every::Weekly, 1));
    assert_eq!(rule.weekdays, [chrono::Weekday::Mon]);
    assert_eq!(due("Standup daily at 9:30"), "2026-11-25T09:30:00+01:00");
    assert_eq!(due("timesheet every weekday"), "2026-11-24");
    assert_eq!(p("Payroll every 2 weeks").recurrence.unwrap().interval, 2);
    assert_eq!(
        p("gym every other day").recurrence.unwrap().frequency,
        Every::Daily
    );
}

#[test]
fn prepositions_leave_with_their_dates_but_not_otherwise() {
    assert_eq!(p("Submit report by friday").title, "Submit report");
    assert_eq!(
        p("Meet Anna at the office at 3pm").title,
        "Meet Anna at the office"
    );
    assert_eq!(p("Pay rent on the 1st").title, "Pay rent");
    assert_eq!(p("Call Patrick - tomorrow").title, "Call Patrick");
    assert_eq!(p("Plan for the future").title, "Plan for the future");
}

#[test]
fn priority_words_and_agent_phrases_are_read() {
    assert_eq!(p("(A) Call mom").priority, Some(1));
    assert_eq!(p("(A) Call mom").title, "Call mom");
    assert_eq!(p("fix the build asap").priority, Some(1));
    assert_eq!(p("fix the build asap").title, "fix the build");
    assert_eq!(p("URGENT: renew passport").title, "renew passport");
    assert_eq!(
        p("send the urgent invoice").title,
        "send the urgent invoice"
    );
    assert_eq!(p("tidy the wiki low priority").priority, Some(4));
    let q = p("Summarise the thread for the agent");
    assert_eq!(
        (q.assignee, q.title.as_str()),
        (Some(Assignee::Agent), "Summarise the thread")
    );
}

#[test]
fn nonsense_empty_and_huge_inputs_are_survived() {
    let q = p("");
    assert_eq!(q.title, "");
    assert!(!q.warnings.is_empty());
    assert_eq!(p("🎉🎉 party 🎉").title, "🎉🎉 party 🎉");
    assert_eq!(p("اتصل بباتريك غدا").title, "اتصل بباتريك غدا");
    let big = "word ".repeat(200_000);
    let started = std::time::Instant::now();
    let q = p(&big);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert!(q.title.len() <= big.len());
    assert!(q.warnings.iter().any(|w| w.contains("only the first")));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_text_parses_and_the_title_only_holds_pieces_of_it(text in "\\PC{0,80}") {
        let q = p(&text);
        for piece in q.title.split_whitespace() {
            prop_assert!(text.contains(piece), "{piece:?} is not in {text:?}");
        }
        prop_assert!(q.title.chars().count() <= text.chars().count());
    }

    #[test]
    fn phrases_built_from_keywords_parse(words in proptest::collection::vec(prop_oneof![
        Just("every"), Just("in"), Just("the"), Just("at"), Just("on"), Just("by"), Just("3"),
        Just("3pm"), Just("feb"), Just("30"), Just("31st"), Just("tomorrow"), Just("and"),
        Just("monday,"), Just("next"), Just("end"), Just("of"), Just("week"), Just("!1"),
        Just("+x"), Just("Anna"), Just("12/31"), Just("2026-02-29"), Just("other"), Just("days"),
        Just("tonight"), Just("a"), Just("couple"), Just("urgent"), Just("for"), Just("agent"),
    ], 0..12)) {
        let text = words.join(" ");
        let q = p(&text);
        for piece in q.title.split_whitespace() {
            prop_assert!(text.contains(piece));
        }
    }
}

#[test]
fn a_repeat_word_after_a_determiner_names_one_thing() {
    let q = p("Write the quarterly report");
    assert_eq!(q.recurrence, None);
    assert_eq!(q.due, None);
    assert!(p("weekly sync with Ana").recurrence.is_some());
}
