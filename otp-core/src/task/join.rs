//! Waiting for a tokio task to end, with a timeout or none, and reading how it ended.
//!
//! Every wait in `task` takes a `Duration`, and any `Duration` is accepted: a timeout too long
//! to add to the clock (`Duration::MAX` above all, OTP's `:infinity`) means no deadline at all,
//! not a far one. A zero timeout looks once and arms no timer.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::task::JoinError;
use tokio::time::{Instant, Sleep};

use crate::ExitReason;

/// The exit of a task that gave no value: its panic, or `Killed` when it was stopped.
pub(super) fn exit_of(error: JoinError) -> ExitReason {
    if error.is_panic() {
        ExitReason::from_panic(&*error.into_panic())
    } else {
        ExitReason::Killed
    }
}

/// When a wait of `timeout` that starts now ends; `None` when it never does.
pub(super) fn deadline_after(timeout: Duration) -> Option<Instant> {
    Instant::now().checked_add(timeout)
}

/// `future`, or `None` once its deadline has passed.
pub(super) struct Within<F> {
    future: F,
    deadline: Deadline,
}

enum Deadline {
    /// `timeout` from the first poll.
    After(Duration),
    /// At this instant, or never.
    At(Option<Instant>),
    Armed(Pin<Box<Sleep>>),
}

impl<F> Within<F> {
    /// Waits for `future` at most `timeout` from the first poll.
    pub(super) fn new(future: F, timeout: Duration) -> Self {
        Within {
            future,
            deadline: Deadline::After(timeout),
        }
    }

    /// Waits for `future` until `deadline`; `None` waits as long as it takes.
    pub(super) fn until(future: F, deadline: Option<Instant>) -> Self {
        Within {
            future,
            deadline: Deadline::At(deadline),
        }
    }

    /// The future waited for.
    pub(super) fn get_mut(&mut self) -> &mut F {
        &mut self.future
    }
}

impl<F: Future + Unpin> Future for Within<F> {
    type Output = Option<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Poll::Ready(output) = Pin::new(&mut this.future).poll(cx) {
            return Poll::Ready(Some(output));
        }
        loop {
            match &mut this.deadline {
                Deadline::After(timeout) => this.deadline = Deadline::At(deadline_after(*timeout)),
                Deadline::At(None) => return Poll::Pending,
                Deadline::At(Some(at)) => {
                    if *at <= Instant::now() {
                        return Poll::Ready(None);
                    }
                    this.deadline = Deadline::Armed(Box::pin(tokio::time::sleep_until(*at)));
                }
                Deadline::Armed(sleep) => return sleep.as_mut().poll(cx).map(|()| None),
            }
        }
    }
}
