//! `sqlx::migrate!` embeds the migration folders at compile time, but on
//! stable Rust it cannot tell Cargo to watch them: without this, a new
//! migration file would not be built into a binary until some source file
//! of this crate changed too.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
