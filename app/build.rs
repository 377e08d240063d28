//! The migrations are embedded by `sqlx::migrate!`, which cannot tell cargo to watch their
//! folder on stable Rust: without this, a new migration file is left out of the next build.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
