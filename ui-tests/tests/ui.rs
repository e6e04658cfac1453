//! Runs the compile tests: every `ui/<macro>/pass/*.rs` must compile, every
//! `ui/<macro>/fail/*.rs` must fail with the errors in its `.stderr`.
//!
//! trybuild builds the cases' dependencies (otp-core, otp-jobs, sqlx, tokio...) in a project of
//! its own, and runs cargo three ways: to build those dependencies, to build every case (with
//! `--diagnostic-width=140` added to the compiler's flags), and to run each pass case (without
//! it). Flags that differ are a different build to cargo, so the dependencies were compiled
//! twice and every pass case once more before it ran. The test therefore runs trybuild in a child
//! process whose `CARGO_ENCODED_RUSTFLAGS` (which cargo prefers over any other source of flags)
//! holds trybuild's flags for the case build: all three invocations agree and share one build.

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
        // Fail cases first, on their own: a run without pass cases checks them all in one
        // parallel `cargo check`; a run that has pass cases builds each case by itself, one
        // cargo invocation after another.
        trybuild::TestCases::new().compile_fail("ui/*/fail/*.rs");
        trybuild::TestCases::new().pass("ui/*/pass/*.rs");
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
