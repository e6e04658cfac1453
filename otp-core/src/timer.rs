//! Timers: `Process.send_after/3`, `Process.cancel_timer/1`, `Process.read_timer/1`.
//!
//! Each timer is a small tokio task that sleeps, then puts the message in the target's mailbox;
//! even a zero delay goes through the mailbox. The target remembers its timers and aborts them
//! when it exits, so a timer dies with its target.
//!
//! Any `Duration` is accepted. A delay too long to add to the clock (`Duration::MAX`, OTP's
//! `:infinity`) never ends: no task is spawned and the message is dropped at once, since it could
//! never be delivered. Such a timer still reads as pending, with [`Duration::MAX`] left, until
//! it is cancelled or its target exits. The target keeps a record of it only while a
//! [`TimerRef`] to it remains.

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
///
/// A delay too long to represent never fires; its timer reads `Duration::MAX` left:
///
/// ```
/// # use std::time::Duration;
/// # use otp_core::prelude::*;
/// # struct Idle;
/// # #[genserver]
/// # impl Idle {
/// #     #[handle_info(catch_all)]
/// #     fn unexpected(&mut self, _msg: AnyMessage) {}
/// # }
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let idle = Idle::start(Idle).await?;
/// let never = idle.pid().send_after(Duration::MAX, "tick");
/// assert_eq!(never.read(), Some(Duration::MAX));
/// assert_eq!(never.cancel(), Some(Duration::MAX));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct TimerRef {
    /// `None` when the delay was too long to represent: the timer never fires.
    deadline: Option<Instant>,
    state: Arc<AtomicU8>,
    /// `None` for a timer that never fires: there is no task.
    task: Option<tokio::task::AbortHandle>,
}

impl TimerRef {
    /// Cancels the timer (`Process.cancel_timer/1`): the time it had left, or `None` when it
    /// had already fired or been cancelled. A timer that never fires had `Duration::MAX` left.
    #[must_use = "the time left tells whether the timer was still running"]
    pub fn cancel(&self) -> Option<Duration> {
        let cancelled = self
            .state
            .compare_exchange(PENDING, CANCELLED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if let Some(task) = &self.task {
            task.abort();
        }
        cancelled.then(|| self.left())
    }

    /// The time left before the timer fires (`Process.read_timer/1`), or `None` when it has
    /// fired or been cancelled. `Duration::MAX` for a timer that never fires.
    #[must_use]
    pub fn read(&self) -> Option<Duration> {
        (self.state.load(Ordering::Acquire) == PENDING).then(|| self.left())
    }

    fn left(&self) -> Duration {
        self.deadline.map_or(Duration::MAX, |deadline| {
            deadline.saturating_duration_since(Instant::now())
        })
    }
}

/// A timer as its target keeps it, to cancel it when the target exits.
pub(crate) struct TimerEntry {
    state: Arc<AtomicU8>,
    /// `None` for a timer that never fires.
    task: Option<tokio::task::AbortHandle>,
}

impl TimerEntry {
    /// Whether the target may forget this timer: it has fired or been cancelled, or it never
    /// fires and no [`TimerRef`] is left to read it.
    pub(crate) fn is_finished(&self) -> bool {
        match &self.task {
            Some(task) => task.is_finished(),
            None => {
                self.state.load(Ordering::Acquire) != PENDING || Arc::strong_count(&self.state) == 1
            }
        }
    }

    /// Cancels the timer because its target exited: it reads as cancelled from now on.
    pub(crate) fn cancel(&self) {
        let _ =
            self.state
                .compare_exchange(PENDING, CANCELLED, Ordering::AcqRel, Ordering::Acquire);
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// Starts a timer that sends `message` to `target` as an info message after `delay`; one that
/// never fires when `delay` is too long to add to the clock.
pub(crate) fn send_after<M: Send + 'static>(target: &Pid, delay: Duration, message: M) -> TimerRef {
    let deadline = Instant::now().checked_add(delay);
    let state = Arc::new(AtomicU8::new(PENDING));
    let task = deadline.map(|deadline| spawn_timer(target, deadline, &state, message));
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

/// The task of a timer that fires at `deadline`.
fn spawn_timer<M: Send + 'static>(
    target: &Pid,
    deadline: Instant,
    state: &Arc<AtomicU8>,
    message: M,
) -> tokio::task::AbortHandle {
    let target_for_task = target.clone();
    let state_for_task = state.clone();
    tokio::spawn(async move {
        tokio::time::sleep_until(deadline).await;
        if state_for_task
            .compare_exchange(PENDING, FIRED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            target_for_task.send(message);
        }
    })
    .abort_handle()
}
