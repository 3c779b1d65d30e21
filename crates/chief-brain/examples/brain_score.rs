//! Prints how chief-brain scores on every labelled set, per field, with the
//! misses when `--misses` is given. Run by `bench/brain.sh`.

#[path = "../tests/labelled/mod.rs"]
mod labelled;

fn main() {
    let show_misses = std::env::args().any(|a| a == "--misses");
    println!("{:<12} {:<14} {:>9} {:>8}", "set", "field", "correct", "accuracy");
    for report in labelled::all() {
        for f in &report.fields {
            println!(
                "{:<12} {:<14} {:>4}/{:<4} {:>7.1}%",
                report.set,
                f.name,
                f.correct,
                f.total,
                f.accuracy() * 100.0
            );
        }
        if show_misses {
            for m in &report.misses {
                println!("  miss {}: {m}", report.set);
            }
        }
    }
}
