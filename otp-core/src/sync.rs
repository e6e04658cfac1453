//! The synchronisation primitives of the runtime's hand-written concurrent code, swapped for
//! loom's when the crate is built with `--cfg otp_loom`, so its model tests explore every
//! interleaving of the real code (`cargo test -p otp-core --lib loom`, see `.ci/run`).
//!
//! Only the primitives whose orderings matter go through here: the mailbox's lock, and a
//! process's exit bookkeeping (its lock and flags). Counters for ids and `OnceLock`s stay
//! `std`'s; so does `Arc`, as loom's cannot hold a `dyn Process`.
//!
//! The mailbox's lock is a spin lock (the `spin` crate's, yielding the thread while another
//! holds it): every call takes a mailbox's lock three times (the caller's push, the server's
//! take, the server's check before it waits), and std's futex mutex releases with an atomic
//! swap where a spin lock releases with a plain store; a contended futex mutex parks the loser,
//! this one yields and retries. Each hold is a `push_back`, a swap of two queues or a flag, never
//! a callback or a message's drop. Under loom it is loom's mutex, so the models still explore
//! every interleaving of the mailbox's code.
//!
//! A spin lock is fragile where its holder is preempted: the others spin (here, yield) until it
//! runs again. So it was measured against std's `Mutex` and `parking_lot`'s where that happens
//! most, 16 OS threads casting into one server (workload K of `BENCHMARKS.md`) or calling it
//! (L) on a runtime of 8 workers on 2 cores, and on the usual 2 workers with A and B. Figures:
//! medians of 9 interleaved runs (the three builds in turn, the order rotated each round) on a
//! shared 2-core machine that other builds kept busy, so only large differences count; beside
//! each, the median of the per-round speeds relative to the spin lock (below 1: slower).
//!
//! | workload | spin | std | `parking_lot` |
//! | --- | ---: | ---: | ---: |
//! | K: casts from 16 threads, 8 workers (M/s) | 5.39 | 5.14 (0.96) | 4.88 (0.82) |
//! | L: calls from 16 threads, 8 workers (k/s) | 178 | 161 (0.91) | 139 (0.79) |
//! | K, 2 workers (M/s) | 6.02 | 6.02 (0.90) | 5.89 (0.92) |
//! | L, 2 workers (k/s) | 129 | 118 (0.92) | 113 (0.96) |
//! | A: call round trip (ns) | 1,120 | 1,060 (1.05) | 1,250 (0.87) |
//! | A beside a 1 ms timer task (ns) | 1,430 | 1,670 (0.89) | 1,430 (0.87) |
//! | B: casts, 1 producer (M/s) | 5.25 | 4.74 (0.90) | 5.12 (0.95) |
//! | B: casts, 2 producers (M/s) | 5.50 | 4.98 (1.08) | 4.92 (1.03) |
//!
//! The spin lock is not worse under preemption, so it stays (likely because its holds are a few
//! instructions long: a holder is rarely descheduled inside one, and a waiter's yield lets it
//! run). On a quiet machine (2 workers, medians of 8, when it replaced std's mutex) it took a
//! call beside the timer task from 278 to 264 ns and casts from 2 producers from 11.7 to
//! 21.9 M/s. The switch this measurement was built with (a private `--cfg otp_mailbox_lock`
//! choosing std's or `parking_lot`'s mutex here) was removed after it; it is in this file's
//! history, for measuring again on another machine.

/// The mailbox's lock; see the module's doc.
#[cfg(not(otp_loom))]
pub(crate) type SpinMutex<T> = spin::mutex::SpinMutex<T, spin::relax::Yield>;

#[cfg(not(otp_loom))]
pub(crate) use spin::mutex::SpinMutexGuard;

/// Loom's mutex with the spin lock's interface (no poisoning).
#[cfg(otp_loom)]
pub(crate) struct SpinMutex<T>(loom::sync::Mutex<T>);

#[cfg(otp_loom)]
pub(crate) type SpinMutexGuard<'a, T> = loom::sync::MutexGuard<'a, T>;

#[cfg(otp_loom)]
impl<T> SpinMutex<T> {
    pub(crate) fn new(value: T) -> Self {
        SpinMutex(loom::sync::Mutex::new(value))
    }

    pub(crate) fn lock(&self) -> SpinMutexGuard<'_, T> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(not(otp_loom))]
pub(crate) use std::sync::{
    Mutex, MutexGuard,
    atomic::{AtomicBool, Ordering},
};

#[cfg(otp_loom)]
pub(crate) use loom::sync::{
    Mutex, MutexGuard,
    atomic::{AtomicBool, Ordering},
};
