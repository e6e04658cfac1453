//! The call timeout, without a timer registration per call.
//!
//! `tokio::time::timeout` registers a timer in the runtime's wheel when first polled and
//! removes it when dropped: two trips through the driver's lock, which triple the cost of a call
//! (about 255 ns for a bare call against 740 ns with the timeout, measured on the project's
//! 2-core machines). Nearly every call is answered long before its deadline, so the timer
//! almost never fires.
//!
//! Here each worker thread keeps a small pool of `Sleep`s. A waiting call takes one and puts it
//! back when the reply arrives, still registered in the wheel. A pooled timer is usually due a
//! little before the call's own deadline (it was armed by an earlier call with the same
//! timeout): the call leaves it as it is, and only if it fires while the call still waits does
//! the call re-arm it for its own deadline, about once per timeout period per pooled timer. So
//! the common path touches no lock and no wheel: it registers its waker on an armed timer. A
//! pooled timer due after the call's deadline is moved earlier at once. Timers keep tokio's
//! clock, so paused-time tests stay exact.
//!
//! Two shortcuts keep the common path short. A task that calls again finds the timer it used
//! last in a one-timer slot, and the runtime it runs on in a cache keyed by its task id (tokio's
//! task ids are unique in the process, and a task never changes runtime), instead of cloning the
//! runtime's handle. And when the timer already holds a waker that wakes this same poller
//! (`Waker::will_wake`) and is armed no later than the call's deadline, the call does not poll
//! it again: if it fires, it wakes this poller, which then re-arms it for its own deadline.
//!
//! The pool is `thread_local!` and only its own thread touches it (the wheel behind each
//! `Sleep` is tokio's, with its own locking), so there is no interleaving for a loom model to
//! explore (see `loom_tests.rs`).

use std::cell::{Cell, RefCell};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use tokio::runtime::{self, Handle};
use tokio::time::{Instant, Sleep};

/// How many idle timers a thread keeps besides the one in its slot.
const POOL_CAPACITY: usize = 32;

struct PooledSleep {
    runtime: runtime::Id,
    sleep: Pin<Box<Sleep>>,
    /// The waker the timer holds since its last poll that returned `Pending`.
    registered: Option<Waker>,
}

thread_local! {
    /// The timer the last call on this thread gave back: the next call takes it first.
    static SLOT: Cell<Option<PooledSleep>> = const { Cell::new(None) };
    static POOL: RefCell<Vec<PooledSleep>> = const { RefCell::new(Vec::new()) };
    /// The runtime of the task that last looked it up on this thread.
    static LAST_RUNTIME: Cell<Option<(tokio::task::Id, runtime::Id)>> = const { Cell::new(None) };
}

/// A deadline that a call polls beside its reply.
pub(crate) struct Deadline {
    at: Instant,
    timer: Option<PooledSleep>,
}

impl Deadline {
    pub(crate) fn new(at: Instant) -> Self {
        Deadline { at, timer: None }
    }

    /// Ready once the deadline has passed. Outside a tokio runtime there is no timer to arm,
    /// and the deadline never fires.
    pub(crate) fn poll(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.timer.is_none() {
            let Some(runtime) = current_runtime() else {
                return Poll::Pending;
            };
            self.timer = Some(take_timer(runtime, self.at));
        }
        let Some(timer) = self.timer.as_mut() else {
            return Poll::Pending;
        };
        let armed_for_us = timer
            .registered
            .as_ref()
            .is_some_and(|waker| waker.will_wake(cx.waker()));
        if armed_for_us && timer.sleep.deadline() <= self.at && !timer.sleep.is_elapsed() {
            return Poll::Pending;
        }
        loop {
            match timer.sleep.as_mut().poll(cx) {
                Poll::Pending => {
                    match &mut timer.registered {
                        Some(waker) => waker.clone_from(cx.waker()),
                        None => timer.registered = Some(cx.waker().clone()),
                    }
                    return Poll::Pending;
                }
                Poll::Ready(()) if timer.sleep.deadline() >= self.at => return Poll::Ready(()),
                // An earlier deadline of this pooled timer passed: re-arm for ours.
                Poll::Ready(()) => timer.sleep.as_mut().reset(self.at),
            }
        }
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        let Some(timer) = self.timer.take() else {
            return;
        };
        if timer.sleep.is_elapsed() {
            return;
        }
        // At thread exit the slot and the pool may be gone: the timer is then simply dropped.
        let Ok(Some(timer)) = SLOT.try_with(|slot| slot.replace(Some(timer))) else {
            return;
        };
        let _ = POOL.try_with(|pool| {
            if let Ok(mut pool) = pool.try_borrow_mut() {
                if pool.len() < POOL_CAPACITY {
                    pool.push(timer);
                }
            }
        });
    }
}

/// The id of the runtime the calling task runs on; `None` outside a runtime.
fn current_runtime() -> Option<runtime::Id> {
    let task = tokio::task::try_id();
    if let Some(task) = task {
        if let Ok(Some((last, runtime))) = LAST_RUNTIME.try_with(Cell::get) {
            if last == task {
                return Some(runtime);
            }
        }
    }
    let runtime = Handle::try_current().ok()?.id();
    if let Some(task) = task {
        let _ = LAST_RUNTIME.try_with(|last| last.set(Some((task, runtime))));
    }
    Some(runtime)
}

/// A timer armed for `at` at the latest: the slot's or a pooled one of this runtime if there
/// is one, else a new one.
fn take_timer(runtime: runtime::Id, at: Instant) -> PooledSleep {
    let slot = SLOT.try_with(Cell::take).ok().flatten();
    let pooled = match slot {
        Some(timer) if timer.runtime == runtime => Some(timer),
        other => POOL
            .try_with(|pool| {
                let mut pool = pool.try_borrow_mut().ok()?;
                if let Some(other) = other {
                    // Another runtime's timer: keep it for that runtime's next call.
                    if pool.len() < POOL_CAPACITY {
                        pool.push(other);
                    }
                }
                let index = pool.iter().rposition(|timer| timer.runtime == runtime)?;
                Some(pool.swap_remove(index))
            })
            .ok()
            .flatten(),
    };
    match pooled {
        Some(mut timer) => {
            // A timer due before `at` stays as it is: when it fires early, `poll` re-arms it.
            // Only one due after `at`, or one that has fired, must be re-armed now.
            if timer.sleep.deadline() > at || timer.sleep.is_elapsed() {
                timer.sleep.as_mut().reset(at);
                // A re-armed timer holds no waker until it is polled again.
                timer.registered = None;
            }
            timer
        }
        None => PooledSleep {
            runtime,
            sleep: Box::pin(tokio::time::sleep_until(at)),
            registered: None,
        },
    }
}
