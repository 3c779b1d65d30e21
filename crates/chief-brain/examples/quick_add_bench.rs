//! Quick-add throughput on one core: parses the labelled set's phrases over
//! and over, five rounds of about 0.4 s each, and prints the median
//! phrases per second. Run it in release:
//! `cargo run --release -p chief-brain --example quick_add_bench`.

use chief_brain::quick_add::{ParseOptions, parse};
use chrono::TimeZone;
use std::hint::black_box;
use std::time::{Duration, Instant};

const DATA: &str = include_str!("../tests/data/quick_add.jsonl");

fn main() {
    let phrases: Vec<String> = DATA
        .lines()
        .filter(|l| l.starts_with('{'))
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect();
    let now = chrono_tz::Europe::Berlin
        .with_ymd_and_hms(2026, 11, 24, 10, 0, 0)
        .single()
        .expect("a plain Tuesday morning exists");
    let opts = ParseOptions::default();
    let mut rates = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let mut parsed = 0u64;
        while started.elapsed() < Duration::from_millis(400) {
            for p in &phrases {
                black_box(parse(black_box(p), now, &opts));
            }
            parsed += phrases.len() as u64;
        }
        rates.push(parsed as f64 / started.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "quick_add: {} phrases, median of 5 rounds: {:.0} phrases/s (min {:.0}, max {:.0})",
        phrases.len(),
        rates[2],
        rates[0],
        rates[4]
    );
}
