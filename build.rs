//! The MySQL variants of the test suite, and of the core's unit tests (this file is the
//! core's `build` too), run when `EPIC_EVENTS_TEST_MYSQL_URL` names a server; without it
//! they are built as ignored tests, so that `cargo test` reports them as ignored rather
//! than passed. Under `CI=true` they are always built to run (and fail when no server is
//! named). Changing either variable rebuilds both crates.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(mysql_tests)");
    println!("cargo::rerun-if-env-changed=EPIC_EVENTS_TEST_MYSQL_URL");
    let named = std::env::var("EPIC_EVENTS_TEST_MYSQL_URL").is_ok_and(|url| !url.trim().is_empty());
    if named {
        println!("cargo::rustc-cfg=mysql_tests");
    }
}
