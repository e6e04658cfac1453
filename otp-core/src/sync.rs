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
//! swap where a spin lock releases with a plain store. Measured with 2 workers, medians of 8: a
//! call beside a 1 ms timer task 278 -> 264 ns (the hand-written actor: 260.5), casts from 2
//! producers 11.7 -> 21.9 M/s (a contended futex mutex parks the loser; this one yields and
//! retries). Each hold is a `push_back`, a swap of two queues or a flag, never a callback or a
//! message's drop. Under loom it is loom's mutex, so the models still explore every
//! interleaving of the mailbox's code.

/// The mailbox's lock; see the module's doc.
#[cfg(not(any(otp_loom, otp_mailbox_lock = "std", otp_mailbox_lock = "parking_lot")))]
pub(crate) type SpinMutex<T> = spin::mutex::SpinMutex<T, spin::relax::Yield>;

#[cfg(not(any(otp_loom, otp_mailbox_lock = "std", otp_mailbox_lock = "parking_lot")))]
pub(crate) use spin::mutex::SpinMutexGuard;

/// For the measurement (`--cfg otp_mailbox_lock="std"`): std's futex mutex in its place.
#[cfg(all(not(otp_loom), otp_mailbox_lock = "std"))]
pub(crate) struct SpinMutex<T>(std::sync::Mutex<T>);

#[cfg(all(not(otp_loom), otp_mailbox_lock = "std"))]
pub(crate) type SpinMutexGuard<'a, T> = std::sync::MutexGuard<'a, T>;

#[cfg(all(not(otp_loom), otp_mailbox_lock = "std"))]
impl<T> SpinMutex<T> {
    pub(crate) fn new(value: T) -> Self {
        SpinMutex(std::sync::Mutex::new(value))
    }

    pub(crate) fn lock(&self) -> SpinMutexGuard<'_, T> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// For the measurement (`--cfg otp_mailbox_lock="parking_lot"`): parking_lot's mutex.
#[cfg(all(not(otp_loom), otp_mailbox_lock = "parking_lot"))]
pub(crate) type SpinMutex<T> = parking_lot::Mutex<T>;

#[cfg(all(not(otp_loom), otp_mailbox_lock = "parking_lot"))]
pub(crate) use parking_lot::MutexGuard as SpinMutexGuard;

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
