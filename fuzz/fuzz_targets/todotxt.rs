//! The todo.txt reader on any text: no panic, and a line it accepts is a
//! fixed point of format-then-parse (the item comes back equal, and
//! formatting it again gives the same line). A whole file is read too.

#![no_main]

use chief_interchange::todotxt::{format_line, parse_file, parse_line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_file(text);
    for line in text.lines() {
        if let Ok(Some(item)) = parse_line(line) {
            let formatted = format_line(&item);
            let again = parse_line(&formatted);
            assert_eq!(
                again,
                Ok(Some(item)),
                "line {line:?} formatted as {formatted:?}"
            );
            if let Ok(Some(again)) = again {
                assert_eq!(format_line(&again), formatted, "formatting is not stable");
            }
        }
    }
});
