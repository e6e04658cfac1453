//! The call timeout, without a timer registration per call, and on a busy thread without a
//! clock read per call.
//!
//! `tokio::time::timeout` registers a timer in the runtime's wheel when first polled and
//! removes it when dropped: two trips through the driver's lock, which make a call far
//! slower (workload A of `BENCHMARKS.md`: "the same, each call in `tokio::time::timeout(5 s)`"
//! against the hand-written actor's row). Nearly every call is answered long before its
//! deadline, so the timer almost never fires.
//!
//! Here each worker thread keeps a small pool of `Sleep`s. A waiting call takes one and puts it
//! back when the reply arrives, still registered in the wheel. A pooled timer is usually due a
//! little before the call's own deadline (it was armed by an earlier call with the same
//! timeout): the call leaves it as it is, and only if it fires while the call still waits does
//! the call re-arm it for its own deadline, about once per timeout period per pooled timer. So
//! the common path touches no lock and no wheel: it registers its waker on an armed timer. A
//! pooled timer due after the call's deadline is moved earlier at once.
//!
//! The clock read that gives a call its deadline (`Instant::now`, the vDSO `clock_gettime`: the
//! largest single cost a call had beyond a hand-written actor's, see "Where the time goes" in
//! `BENCHMARKS.md`) is skipped on a thread that makes calls densely (once
//! [`DENSE_CALLS`] clock reads in a row each came within a [`TICK`] of the one before, or a tick
//! timer served that many calls). There the thread's timer is armed as a *tick timer*: due at
//! the instant the clock was last read, so it fires at the wheel's next tick, at most 1 ms
//! later. A call that starts while the tick timer has not fired began before that tick, and
//! takes no reading: it waits on the tick timer. Almost always its reply comes first. If the tick timer fires first, the call reads the clock
//! then and re-arms the timer for that reading plus its timeout. So a call never times out
//! early; on a busy thread it may time out one tick (1 ms) later than with a reading at its
//! start, 1 ms being also tokio's own timer resolution, in paused-time tests as in real time.
//! When calls thin out (a tick timer served fewer than [`DENSE_CALLS`] calls), the thread goes
//! back to reading the clock, so an idle thread's timers do not fire every millisecond.
//!
//! Two shortcuts keep the common path short. A task that calls again finds the timer it used
//! last in a one-timer slot that remembers the task (tokio's task ids are unique in the process,
//! and a task never changes runtime), instead of looking up its runtime. And when the timer
//! already holds a waker that wakes this same poller (`Waker::will_wake`) and is armed no later
//! than the call's deadline, the call does not poll it again: if it fires, it wakes this poller,
//! which then re-arms it for its own deadline.
//!
//! The pool is `thread_local!` and only its own thread touches it (the wheel behind each
//! `Sleep` is tokio's, with its own locking), so there is no interleaving for a loom model to
//! explore (see `loom_tests.rs`).

use std::cell::{Cell, RefCell};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::runtime::{self, Handle};
use tokio::task;
use tokio::time::{Instant, Sleep};

/// How many idle timers a thread keeps besides the one in its slot.
const POOL_CAPACITY: usize = 32;

/// The timer wheel's resolution: a tick timer fires at most this long after it is armed.
const TICK: Duration = Duration::from_millis(1);

/// How many calls a tick timer must serve, or how many clock reads in a row must each come
/// within a [`TICK`] of the one before, for a thread to count as calling densely.
const DENSE_CALLS: u32 = 8;

struct PooledSleep {
    runtime: runtime::Id,
    /// The task that used it last: the same task takes it back without looking its runtime up.
    task: Option<task::Id>,
    sleep: Pin<Box<Sleep>>,
    /// The waker the timer holds since its last poll that returned `Pending`.
    registered: Option<Waker>,
    /// `Some(calls)` while it is a tick timer, due at the clock reading it was armed with:
    /// how many calls have waited on it without reading the clock.
    tick: Option<u32>,
}

thread_local! {
    /// The timer the last call on this thread gave back: the next call takes it first.
    static SLOT: Cell<Option<PooledSleep>> = const { Cell::new(None) };
    static POOL: RefCell<Vec<PooledSleep>> = const { RefCell::new(Vec::new()) };
    /// The last clock reading a call took on this thread, and how many calls in a row took one
    /// within a [`TICK`] of the previous.
    static STREAK: Cell<(Option<Instant>, u32)> = const { Cell::new((None, 0)) };
}

/// A call's deadline: `timeout` after the call began. The call polls it beside its reply.
pub(crate) struct Deadline {
    timeout: Duration,
    /// When the call times out, once a clock reading gave it; `None` while the call waits on
    /// a tick timer without a reading.
    at: Option<Instant>,
    timer: Option<PooledSleep>,
    /// The deadline cannot be represented (the timeout is too long): it never fires.
    never: bool,
}

impl Deadline {
    /// A deadline `timeout` from now. A timeout too long to represent never fires.
    pub(crate) fn new(timeout: Duration) -> Self {
        Deadline {
            timeout,
            at: None,
            timer: None,
            never: false,
        }
    }

    /// When the call began, as far as the deadline knows without reading the clock: the reading
    /// it was armed from, or on a busy thread its tick timer's (at most a tick earlier). `None`
    /// before the first poll and when the deadline never fires.
    pub(crate) fn began(&self) -> Option<Instant> {
        match self.at {
            Some(at) => at.checked_sub(self.timeout),
            None => (self.timer.as_ref()).map(|timer| timer.sleep.deadline()),
        }
    }

    /// Ready once the deadline has passed. Outside a tokio runtime there is no timer to arm,
    /// and the deadline never fires.
    pub(crate) fn poll(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.never {
            return Poll::Pending;
        }
        let timer = match &mut self.timer {
            Some(timer) => timer,
            None => match self.start() {
                Some(timer) => self.timer.insert(timer),
                None => return Poll::Pending,
            },
        };
        // Armed no later than our deadline, not fired, and holding a waker for this poller:
        // nothing to do. If it fires first, it wakes this poller, which then re-arms it.
        let armed_for_us = timer
            .registered
            .as_ref()
            .is_some_and(|waker| waker.will_wake(cx.waker()));
        if armed_for_us
            && self.at.is_none_or(|at| timer.sleep.deadline() <= at)
            && !timer.sleep.is_elapsed()
        {
            return Poll::Pending;
        }
        loop {
            if timer.sleep.as_mut().poll(cx).is_pending() {
                match &mut timer.registered {
                    Some(waker) => waker.clone_from(cx.waker()),
                    None => timer.registered = Some(cx.waker().clone()),
                }
                return Poll::Pending;
            }
            let at = match self.at {
                Some(at) if timer.sleep.deadline() >= at => return Poll::Ready(()),
                // An earlier deadline of this pooled timer passed: re-arm for ours.
                Some(at) => at,
                // The tick timer fired while the call waits: the call began before now.
                None => {
                    let Some(at) = Instant::now().checked_add(self.timeout) else {
                        self.never = true;
                        return Poll::Pending;
                    };
                    *self.at.insert(at)
                }
            };
            timer.sleep.as_mut().reset(at);
            timer.tick = None;
        }
    }

    /// Takes this thread's timer for the call: a tick timer that has not fired as it is, with
    /// no clock reading; otherwise a timer armed from a reading. `None` outside a runtime, or
    /// when the deadline cannot be represented.
    fn start(&mut self) -> Option<PooledSleep> {
        let timer = match take_timer() {
            Some(mut timer) if timer.tick.is_some() && !timer.sleep.is_elapsed() => {
                timer.tick = timer.tick.map(|calls| calls.saturating_add(1));
                return Some(timer);
            }
            other => other,
        };
        let now = Instant::now();
        let Some(at) = now.checked_add(self.timeout) else {
            self.never = true;
            give_back(timer);
            return None;
        };
        self.at = Some(at);
        let dense = calls_densely(now, timer.as_ref().and_then(|timer| timer.tick));
        let armed_for = if dense { now } else { at };
        let Some(mut timer) = timer else {
            return Some(PooledSleep {
                runtime: Handle::try_current().ok()?.id(),
                task: task::try_id(),
                sleep: Box::pin(tokio::time::sleep_until(armed_for)),
                registered: None,
                tick: dense.then_some(0),
            });
        };
        // A timer due before `at` stays as it is: when it fires early, `poll` re-arms it. One
        // due after `at`, one that has fired, or one to turn into a tick timer is re-armed.
        if dense || timer.sleep.deadline() > at || timer.sleep.is_elapsed() {
            timer.sleep.as_mut().reset(armed_for);
            // A re-armed timer holds no waker until it is polled again.
            timer.registered = None;
        }
        timer.tick = dense.then_some(0);
        Some(timer)
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        give_back(self.timer.take());
    }
}

/// Whether this thread calls densely, told at a clock reading `now`: the tick timer just
/// used (`tick`, how many calls it served) served enough calls, or enough calls in a row took
/// their readings within a [`TICK`] of each other.
fn calls_densely(now: Instant, tick: Option<u32>) -> bool {
    let Ok((last, streak)) = STREAK.try_with(Cell::get) else {
        return false;
    };
    let streak = if tick.is_some_and(|calls| calls >= DENSE_CALLS) {
        DENSE_CALLS
    } else if last.is_some_and(|last| now.saturating_duration_since(last) < TICK) {
        streak.saturating_add(1)
    } else {
        0
    };
    let _ = STREAK.try_with(|cell| cell.set((Some(now), streak)));
    streak >= DENSE_CALLS
}

/// Puts a call's timer back in the slot, the slot's previous one in the pool. A timer that has
/// fired goes back too: the next call re-arms it. At thread exit the slot and the pool may be
/// gone: the timer is then simply dropped.
fn give_back(timer: Option<PooledSleep>) {
    let Some(timer) = timer else {
        return;
    };
    let Ok(Some(timer)) = SLOT.try_with(|slot| slot.replace(Some(timer))) else {
        return;
    };
    let _ = POOL.try_with(|pool| {
        if let Ok(mut pool) = pool.try_borrow_mut()
            && pool.len() < POOL_CAPACITY
        {
            pool.push(timer);
        }
    });
}

/// This thread's timer for the calling task: the slot's if the task used it last, else one of
/// the task's runtime from the slot or the pool; `None` when there is none to reuse (or no
/// runtime).
fn take_timer() -> Option<PooledSleep> {
    let task = task::try_id();
    let slot = SLOT.try_with(Cell::take).ok().flatten();
    if let Some(timer) = slot.as_ref()
        && task.is_some()
        && timer.task == task
    {
        return slot;
    }
    let runtime = Handle::try_current().ok()?.id();
    let mut timer = pooled(runtime, slot)?;
    timer.task = task;
    Some(timer)
}

/// A pooled timer of `runtime`: `slot`'s if it is one, else one from the pool, where `slot`
/// then goes (another runtime's timer, kept for that runtime's next call).
fn pooled(runtime: runtime::Id, slot: Option<PooledSleep>) -> Option<PooledSleep> {
    match slot {
        Some(timer) if timer.runtime == runtime => Some(timer),
        other => POOL
            .try_with(|pool| {
                let mut pool = pool.try_borrow_mut().ok()?;
                if let Some(other) = other
                    && pool.len() < POOL_CAPACITY
                {
                    pool.push(other);
                }
                let index = pool.iter().rposition(|timer| timer.runtime == runtime)?;
                Some(pool.swap_remove(index))
            })
            .ok()
            .flatten(),
    }
}

#[cfg(all(test, not(otp_loom)))]
mod tests {
    use super::*;

    /// Polls `deadline` once, as a call does after its reply was not there.
    async fn poll_once(deadline: &mut Deadline) -> Poll<()> {
        std::future::poll_fn(|cx| Poll::Ready(deadline.poll(cx))).await
    }

    #[test]
    fn a_streak_of_close_readings_makes_a_thread_dense() {
        let start = Instant::now();
        let dense: Vec<bool> = (0..10)
            .map(|i| calls_densely(start + Duration::from_micros(i * 10), None))
            .collect();
        assert_eq!(dense.iter().filter(|dense| **dense).count(), 2);
        assert!(dense[8] && dense[9] && !dense[7]);
        // A reading more than a tick after the last one ends the streak.
        assert!(!calls_densely(start + Duration::from_millis(5), None));
        // A tick timer that served enough calls keeps the thread dense.
        assert!(calls_densely(
            start + Duration::from_secs(1),
            Some(DENSE_CALLS)
        ));
        assert!(!calls_densely(
            start + Duration::from_secs(2),
            Some(DENSE_CALLS - 1)
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn on_a_dense_thread_a_call_starts_without_a_reading_and_never_times_out_early() {
        // Mid-tick, so the tick timer is due at the next tick rather than at once.
        tokio::time::advance(Duration::from_micros(500)).await;
        // The first reading starts the streak; the one that completes it arms the tick timer.
        for _ in 0..=DENSE_CALLS {
            let mut deadline = Deadline::new(Duration::from_secs(5));
            assert!(poll_once(&mut deadline).await.is_pending());
            assert!(deadline.at.is_some(), "a sparse thread reads the clock");
        }
        let began = Instant::now();
        let mut deadline = Deadline::new(Duration::from_secs(5));
        assert!(poll_once(&mut deadline).await.is_pending());
        assert!(
            deadline.at.is_none(),
            "the tick timer stands in for a reading"
        );
        // A timer armed with a reading at the call's start, for comparison.
        let with_reading = tokio::spawn(async move {
            tokio::time::sleep_until(began + Duration::from_secs(5)).await;
            began.elapsed()
        });
        std::future::poll_fn(|cx| deadline.poll(cx)).await;
        let ours = began.elapsed();
        let with_reading = with_reading.await.unwrap();
        assert!(ours >= Duration::from_secs(5), "never early: {ours:?}");
        assert!(
            ours <= with_reading + TICK,
            "at most a tick later than with a reading: {ours:?} against {with_reading:?}"
        );
        let at = deadline.at.unwrap();
        assert!(at >= began + Duration::from_secs(5) && at <= Instant::now());
    }

    #[tokio::test(start_paused = true)]
    async fn a_timeout_too_long_to_represent_never_fires() {
        let mut deadline = Deadline::new(Duration::MAX);
        assert!(poll_once(&mut deadline).await.is_pending());
        assert!(deadline.never);
        tokio::time::advance(Duration::from_secs(86_400)).await;
        assert!(poll_once(&mut deadline).await.is_pending());
    }
}
