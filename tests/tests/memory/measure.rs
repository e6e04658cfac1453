//! How every leak test of this binary measures: warm up, read the live bytes once the processes
//! of the warm-up are wholly gone, run the events, read again the same way, and compare.

use std::collections::HashSet;

use futures_util::StreamExt;
use otp_behaviour_tests::memory::{bytes_per_event, live_bytes};
use otp_core::Pid;

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

/// How many events [`flat_across`] keeps under way at once, unless a test needs them one at a
/// time. Both workers stay busy instead of waking each other for every step of one event, which
/// makes a test several times faster; every event still runs to its end before the reading.
pub const IN_FLIGHT: usize = 16;

/// Runs `event(n)` for 1,000 warm-up events (pools and collections that grow once, to the size
/// `in_flight` events at once need), then for `events` more, `in_flight` at a time in both runs,
/// and asserts that the second run left the live bytes within [`BOUND`], and no process made by
/// the events alive (the runtime's process count back where it was); prints the bytes kept per
/// event (`--nocapture` shows them).
pub async fn flat_across<F: AsyncFn(usize)>(what: &str, events: usize, in_flight: usize, event: F) {
    let tasks = alive_tasks();
    let processes = otp_core::observe::process_count();
    let alive_before: HashSet<u64> = otp_core::observe::processes().iter().map(Pid::id).collect();
    run_events(0..1_000, in_flight, &event).await;
    let before = settled_live_bytes(tasks).await;
    run_events(1_000..1_000 + events, in_flight, &event).await;
    let after = settled_live_bytes(tasks).await;
    // The count may be lower, not higher: it is process-wide, and processes of a test that
    // ended just before (its runtime going away) may still have been counted at the start. So
    // the processes alive now are also checked one by one: none was made by the events.
    let left = otp_core::observe::process_count();
    let made: Vec<Pid> = otp_core::observe::processes()
        .into_iter()
        .filter(|pid| !alive_before.contains(&pid.id()))
        .collect();
    assert!(
        left <= processes && made.is_empty(),
        "{what}: {left} processes alive after the events, {processes} before; made by the \
         events and still alive: {made:?}"
    );
    let per_event = bytes_per_event(before, after, events);
    println!("{what}: {per_event:.2} bytes kept per event ({events} events)");
    assert!(
        after <= before + BOUND,
        "live bytes {before} -> {after} after {events} of {what} ({per_event:.2} bytes each)"
    );
}

/// Runs `event(n)` for each `n` of `range`, at most `in_flight` under way at once.
async fn run_events<F: AsyncFn(usize)>(range: std::ops::Range<usize>, in_flight: usize, event: &F) {
    futures_util::stream::iter(range)
        .for_each_concurrent(in_flight.max(1), |n| event(n))
        .await;
}
