//! Timers: `Process.send_after/3`, `Process.cancel_timer/1`, `Process.read_timer/1`.
//!
//! Each timer is a small tokio task that sleeps, then puts the message in the target's mailbox;
//! even a zero delay goes through the mailbox. The target remembers its timers and aborts them
//! when it exits, so a timer dies with its target.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use crate::Pid;

const PENDING: u8 = 0;
const FIRED: u8 = 1;
const CANCELLED: u8 = 2;

/// A running timer, as [`send_after`](crate::Context::send_after) returns it.
///
/// ```
/// use std::time::Duration;
/// use otp_core::prelude::*;
///
/// struct Idle;
///
/// #[genserver]
/// impl Idle {
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let idle = Idle::start(Idle).await?;
/// let timer = idle.pid().send_after(Duration::from_secs(10), "tick");
/// tokio::time::sleep(Duration::from_secs(4)).await;
/// assert_eq!(timer.read(), Some(Duration::from_secs(6)));
/// assert_eq!(timer.cancel(), Some(Duration::from_secs(6)));
/// assert_eq!(timer.cancel(), None);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct TimerRef {
    deadline: Instant,
    state: Arc<AtomicU8>,
    task: tokio::task::AbortHandle,
}

impl TimerRef {
    /// Cancels the timer (`Process.cancel_timer/1`): the time it had left, or `None` when it
    /// had already fired or been cancelled.
    #[must_use = "the time left tells whether the timer was still running"]
    pub fn cancel(&self) -> Option<Duration> {
        let cancelled = self
            .state
            .compare_exchange(PENDING, CANCELLED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        self.task.abort();
        cancelled.then(|| self.deadline.saturating_duration_since(Instant::now()))
    }

    /// The time left before the timer fires (`Process.read_timer/1`), or `None` when it has
    /// fired or been cancelled.
    #[must_use]
    pub fn read(&self) -> Option<Duration> {
        (self.state.load(Ordering::Acquire) == PENDING)
            .then(|| self.deadline.saturating_duration_since(Instant::now()))
    }
}

/// A timer as its target keeps it, to cancel it when the target exits.
pub(crate) struct TimerEntry {
    state: Arc<AtomicU8>,
    task: tokio::task::AbortHandle,
}

impl TimerEntry {
    pub(crate) fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Cancels the timer because its target exited: it reads as cancelled from now on.
    pub(crate) fn cancel(&self) {
        let _ =
            self.state
                .compare_exchange(PENDING, CANCELLED, Ordering::AcqRel, Ordering::Acquire);
        self.task.abort();
    }
}

/// Starts a timer that sends `message` to `target` as an info message after `delay`.
pub(crate) fn send_after<M: Send + 'static>(target: &Pid, delay: Duration, message: M) -> TimerRef {
    let deadline = Instant::now() + delay;
    let state = Arc::new(AtomicU8::new(PENDING));
    let target_for_task = target.clone();
    let state_for_task = state.clone();
    let task = tokio::spawn(async move {
        tokio::time::sleep_until(deadline).await;
        if state_for_task
            .compare_exchange(PENDING, FIRED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            target_for_task.send(message);
        }
    })
    .abort_handle();
    let entry = TimerEntry {
        state: state.clone(),
        task: task.clone(),
    };
    if let Err(entry) = target.process().cell().add_timer(entry) {
        // The target is dead: the timer dies with it.
        entry.cancel();
    }
    TimerRef {
        deadline,
        state,
        task,
    }
}
