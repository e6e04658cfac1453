//! Every pass case, `ui/<macro>/pass/*.rs`, compiles and runs to the end of its `main`.
//!
//! The cases are modules of this one binary (`build.rs` lists them), built with the workspace's
//! tests rather than by trybuild: trybuild builds each pass case as a crate of its own, one cargo
//! run after another, on a second build of every dependency (its fail cases only need `cargo
//! check`). A module declared `pub` at the root of a binary is what a case was alone: its `pub`
//! items are reachable, so `missing_docs` and `unreachable_pub` judge them the same way. The
//! binary has no test harness, so it is compiled as a plain binary, as the cases were; it runs
//! every case, reports each, and fails when one panicked or returned an error.

use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

include!(concat!(env!("OUT_DIR"), "/pass_cases.rs"));

/// A pass case: its name, and its `main` run to the end (the failure, if any).
type Case = (&'static str, fn() -> Option<String>);

/// Runs a case's `main`: the failure it returned, if any.
fn run<T: Outcome>(main: fn() -> T) -> Option<String> {
    main().failure()
}

/// What a case's `main` returned: nothing, or a `Result`.
trait Outcome {
    /// The error, when the case failed.
    fn failure(self) -> Option<String>;
}

impl Outcome for () {
    fn failure(self) -> Option<String> {
        None
    }
}

impl<E: std::fmt::Debug> Outcome for Result<(), E> {
    fn failure(self) -> Option<String> {
        self.err()
            .map(|error| format!("returned an error: {error:?}"))
    }
}

fn main() -> ExitCode {
    assert!(!CASES.is_empty(), "no pass cases found under ui/*/pass");
    println!("\nrunning {} pass cases", CASES.len());
    let mut failed = Vec::new();
    for (name, run) in CASES {
        let failure = match panic::catch_unwind(AssertUnwindSafe(run)) {
            Ok(failure) => failure,
            Err(_) => Some("panicked (its message is above)".to_owned()),
        };
        match failure {
            None => println!("pass case {name} ... ok"),
            Some(why) => {
                println!("pass case {name} ... FAILED: {why}");
                failed.push(*name);
            }
        }
    }
    if failed.is_empty() {
        println!("\nall {} pass cases ran to the end", CASES.len());
        ExitCode::SUCCESS
    } else {
        println!("\n{} pass cases failed: {failed:?}", failed.len());
        ExitCode::FAILURE
    }
}
