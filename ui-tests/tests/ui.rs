//! Runs the compile-fail tests: every `ui/<macro>/fail/*.rs` must fail with the errors in its
//! `.stderr`. (The pass cases, `ui/<macro>/pass/*.rs`, are modules of the `pass` test binary.)
//!
//! trybuild checks the cases' dependencies (otp-core, otp-jobs, sqlx, tokio...) in a project of
//! its own, then every case in one parallel `cargo check` with `--diagnostic-width=140` added to
//! the compiler's flags. Flags that differ are a different build to cargo, so the dependencies
//! were checked twice. The test therefore runs trybuild in a child process whose
//! `CARGO_ENCODED_RUSTFLAGS` (which cargo prefers over any other source of flags) holds
//! trybuild's flags for the cases: its cargo invocations agree and share one build.

use std::process::Command;

/// The compiler flags trybuild gives cargo when it builds the cases, `\x1f`-separated as
/// `CARGO_ENCODED_RUSTFLAGS` wants them. The `.stderr` files were written with them.
const TRYBUILD_FLAGS: &str =
    "--cfg\x1ftrybuild\x1f--verbose\x1f-A\x1fdead_code\x1f--diagnostic-width=140";

#[test]
fn ui() {
    let in_child =
        std::env::var("CARGO_ENCODED_RUSTFLAGS").is_ok_and(|flags| flags == TRYBUILD_FLAGS);
    if in_child {
        trybuild::TestCases::new().compile_fail("ui/*/fail/*.rs");
        return;
    }
    let this_test = std::env::current_exe().expect("the test binary's own path");
    let status = Command::new(this_test)
        .args(["ui", "--exact", "--nocapture"])
        .env("CARGO_ENCODED_RUSTFLAGS", TRYBUILD_FLAGS)
        .status()
        .expect("the ui test runs itself in a child process");
    assert!(
        status.success(),
        "the compile tests failed (their report is above)"
    );
}
