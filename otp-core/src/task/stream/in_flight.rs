//! A started `async_stream`: the tasks in flight, and in an ordered stream the results that
//! wait for an earlier one.
//!
//! As in Elixir, a task's slot is freed the moment the task finishes: in an ordered stream its
//! result waits in a window of positions (the earliest item not yet yielded, up to the latest
//! started), and the next input starts at once. The window is bounded by `max_concurrency +
//! max_buffered` items, running or finished, so a slow item lets the stream run that far
//! ahead of it and no further: memory stays bounded whatever the input.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures_util::stream::{FuturesUnordered, Stream};
use tokio::task::JoinHandle;

use super::outcome::{OnTimeout, TaskExit};
use crate::ExitReason;
use crate::task::join::{Within, exit_of};
use crate::task::set::TaskSet;

/// How a stream was configured, and what it runs.
pub(in crate::task) struct Setup<I, F, It> {
    pub(in crate::task) tasks: Arc<TaskSet>,
    pub(in crate::task) items: It,
    pub(in crate::task) run: F,
    /// `None`: the runtime's worker count.
    pub(in crate::task) max_concurrency: Option<usize>,
    pub(in crate::task) max_buffered: usize,
    pub(in crate::task) ordered: bool,
    pub(in crate::task) timeout: Duration,
    pub(in crate::task) on_timeout: OnTimeout,
    pub(in crate::task) zip: Option<fn(&I) -> I>,
}

type Outcome<T, I> = Result<T, TaskExit<I>>;

/// The running stream.
pub(in crate::task) struct InFlight<I, T, F, It> {
    tasks: Arc<TaskSet>,
    /// `None` once the input is exhausted, or no more may start (the stream is ending).
    items: Option<It>,
    run: F,
    limit: usize,
    /// The most items, running or waiting, an ordered stream holds.
    window_limit: usize,
    ordered: bool,
    timeout: Duration,
    on_timeout: OnTimeout,
    zip: Option<fn(&I) -> I>,
    running: FuturesUnordered<Item<I, T>>,
    /// Ordered: one entry per position from `first_position` on, the result once it is in.
    window: VecDeque<Option<Outcome<T, I>>>,
    first_position: u64,
    next_position: u64,
    ended: bool,
}

impl<I, T, F, Fut, It> InFlight<I, T, F, It>
where
    I: Send + 'static,
    T: Send + 'static,
    F: FnMut(I) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    It: Iterator<Item = I>,
{
    pub(in crate::task) fn start(setup: Setup<I, F, It>) -> Self {
        let limit = setup.max_concurrency.unwrap_or_else(|| {
            tokio::runtime::Handle::try_current()
                .map_or(1, |runtime| runtime.metrics().num_workers())
                .max(1)
        });
        InFlight {
            tasks: setup.tasks,
            items: Some(setup.items),
            run: setup.run,
            limit,
            window_limit: limit.saturating_add(setup.max_buffered),
            ordered: setup.ordered,
            timeout: setup.timeout,
            on_timeout: setup.on_timeout,
            zip: setup.zip,
            running: FuturesUnordered::new(),
            window: VecDeque::new(),
            first_position: 0,
            next_position: 0,
            ended: false,
        }
    }

    /// The next result: the earliest in input order, or (unordered) the first to come in.
    pub(in crate::task) fn poll_next(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Outcome<T, I>>> {
        loop {
            if self.ended {
                return Poll::Ready(None);
            }
            if let Some(outcome) = self.take_earliest() {
                return Poll::Ready(Some(self.deliver(outcome)));
            }
            self.start_more();
            match ready!(Pin::new(&mut self.running).poll_next(cx)) {
                // Nothing runs and nothing more can start.
                None => self.ended = true,
                Some((position, outcome)) => {
                    if self.on_timeout == OnTimeout::Exit && is_timeout(&outcome) {
                        // The stream ends at this item: no more input starts.
                        self.items = None;
                    }
                    if !self.ordered {
                        return Poll::Ready(Some(self.deliver(outcome)));
                    }
                    // Every running item's position is in the window.
                    let index = usize::try_from(position - self.first_position);
                    if let Some(slot) = index.ok().and_then(|index| self.window.get_mut(index)) {
                        *slot = Some(outcome);
                    }
                }
            }
        }
    }

    /// Starts inputs while a slot is free and the window has room.
    fn start_more(&mut self) {
        while self.running.len() < self.limit
            && (!self.ordered || self.window.len() < self.window_limit)
        {
            let Some(items) = self.items.as_mut() else {
                return;
            };
            let Some(item) = items.next() else {
                self.items = None;
                return;
            };
            let input = self.zip.map(|clone| clone(&item));
            let waiting = (self.tasks.spawn((self.run)(item), true))
                .map(|handle| Within::new(handle, self.timeout));
            self.running.push(Item {
                position: self.next_position,
                waiting,
                input,
            });
            self.next_position += 1;
            if self.ordered {
                self.window.push_back(None);
            }
        }
    }

    /// The earliest result of an ordered stream, once it is in.
    fn take_earliest(&mut self) -> Option<Outcome<T, I>> {
        if !matches!(self.window.front(), Some(Some(_))) {
            return None;
        }
        self.first_position += 1;
        self.window.pop_front().flatten()
    }

    /// Hands `outcome` out; a timeout with `OnTimeout::Exit` ends the stream and stops every
    /// task still running.
    fn deliver(&mut self, outcome: Outcome<T, I>) -> Outcome<T, I> {
        if self.on_timeout == OnTimeout::Exit && is_timeout(&outcome) {
            self.ended = true;
            self.items = None;
            self.running.clear();
            self.window.clear();
        }
        outcome
    }
}

fn is_timeout<T, I>(outcome: &Outcome<T, I>) -> bool {
    matches!(outcome, Err(exit) if exit.reason == ExitReason::Timeout)
}

// Nothing is structurally pinned: `run` is called and `items` advanced through `&mut`, and
// the items in flight are `Unpin`.
impl<I, T, F, It> Unpin for InFlight<I, T, F, It> {}

/// One item in flight: its task, stopped if the item is dropped before it finishes (the
/// stream dropped, or ended at a timeout), and its input for the exit.
struct Item<I, T> {
    position: u64,
    /// `None`: the supervisor had stopped, and the task never started.
    waiting: Option<Within<JoinHandle<T>>>,
    input: Option<I>,
}

impl<I, T> Future for Item<I, T> {
    type Output = (u64, Outcome<T, I>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let reason = match this.waiting.as_mut() {
            None => ExitReason::Shutdown,
            Some(waiting) => match ready!(Pin::new(waiting).poll(cx)) {
                Some(Ok(value)) => return Poll::Ready((this.position, Ok(value))),
                Some(Err(error)) => exit_of(error),
                None => ExitReason::Timeout,
            },
        };
        let exit = TaskExit {
            reason,
            input: this.input.take(),
        };
        Poll::Ready((this.position, Err(exit)))
    }
}

impl<I, T> Drop for Item<I, T> {
    fn drop(&mut self) {
        // Stops a task still running (a timeout, or the stream gone); a no-op once it ended.
        if let Some(waiting) = self.waiting.as_mut() {
            waiting.get_mut().abort();
        }
    }
}

// The input is only moved out, never pinned.
impl<I, T> Unpin for Item<I, T> {}
