//! The synchronisation primitives of the runtime's hand-written concurrent code, swapped for
//! loom's when the crate is built with `--cfg otp_loom`, so its model tests explore every
//! interleaving of the real code (`cargo test -p otp-core --lib loom`, see `.ci/run`).
//!
//! Only the primitives whose orderings matter go through here: the mailbox's lock, and a
//! process's exit bookkeeping (its lock and flags). Counters for ids and `OnceLock`s stay
//! `std`'s; so does `Arc`, as loom's cannot hold a `dyn Process`.

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
