//! Live heap bytes, counted exactly. Every binary that links this crate allocates through
//! [`cap`]'s counting allocator, so a leak test reads the bytes still allocated instead of the
//! resident set size, which moves by ±15% between identical rounds.
//!
//! The count is process-wide: a test that reads it must not run beside other tests. Leak tests
//! live in the `memory` binary, and each holds [`exclusive`] while it measures.

use std::alloc::System;

use cap::Cap;
use tokio::sync::{Mutex, MutexGuard};

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

static EXCLUSIVE: Mutex<()> = Mutex::const_new(());

/// The bytes allocated and not yet freed by the whole process, at this instant.
#[must_use]
pub fn live_bytes() -> usize {
    ALLOCATOR.allocated()
}

/// Holds every other measuring test of this binary off until the guard is dropped (each test
/// has a runtime of its own, so the lock is tokio's, which any runtime can wait on).
pub async fn exclusive() -> MutexGuard<'static, ()> {
    EXCLUSIVE.lock().await
}

/// Live bytes per event between two readings, for a leak test's message: `(after - before) /
/// events`, negative when memory was returned.
#[must_use]
pub fn bytes_per_event(before: usize, after: usize, events: usize) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let delta = after as f64 - before as f64;
    #[allow(clippy::cast_precision_loss)]
    let per = delta / events.max(1) as f64;
    per
}
