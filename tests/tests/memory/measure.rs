//! How every leak test of this binary measures: warm up, read the live bytes once the processes
//! of the warm-up are wholly gone, run the events, read again the same way, and compare.

use otp_behaviour_tests::memory::{bytes_per_event, live_bytes};

/// The live bytes a run of events may leave behind in all. Not zero: while one test measures,
/// the test harness may start the next test's thread and runtime (about 15 KiB), which then
/// waits for the lock. Over the 20,000 events of a test it is 1.6 bytes an event, less than any
/// allocation kept per event could be (a kept pointer alone is 8); the readings themselves differ
/// by under 1 KiB.
pub const BOUND: usize = 32 * 1024;

/// The tasks alive on this runtime now: the baseline [`settled_live_bytes`] waits to return to.
pub fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

/// The live bytes once no more than `tasks` tasks are alive on this runtime: a process's task
/// (its future, its mailbox) is freed a little after `wait_exit` returns, when the task itself
/// completes, so a reading taken at once would count the last few as kept. Waits by yielding,
/// never on the clock.
pub async fn settled_live_bytes(tasks: usize) -> usize {
    while alive_tasks() > tasks {
        tokio::task::yield_now().await;
    }
    live_bytes()
}

/// Runs `event(n)` for 1,000 warm-up events (pools and collections that grow once), then for
/// `events` more, and asserts that the second run left the live bytes within [`BOUND`] and the
/// runtime's count of live processes where it was; prints the bytes kept per event
/// (`--nocapture` shows them).
pub async fn flat_across<F: AsyncFnMut(usize)>(what: &str, events: usize, mut event: F) {
    let tasks = alive_tasks();
    let processes = otp_core::observe::process_count();
    for n in 0..1_000 {
        event(n).await;
    }
    let before = settled_live_bytes(tasks).await;
    for n in 1_000..1_000 + events {
        event(n).await;
    }
    let after = settled_live_bytes(tasks).await;
    // At most as many: the count is process-wide, and processes of a test that ended just
    // before (its runtime going away) may still have been counted at the start.
    let left = otp_core::observe::process_count();
    assert!(
        left <= processes,
        "{what}: {left} processes alive after the events, {processes} before"
    );
    let per_event = bytes_per_event(before, after, events);
    println!("{what}: {per_event:.2} bytes kept per event ({events} events)");
    assert!(
        after <= before + BOUND,
        "live bytes {before} -> {after} after {events} of {what} ({per_event:.2} bytes each)"
    );
}
