//! `async_stream`: a function run on each item concurrently, with backpressure.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::stream::{self, BoxStream, Stream, StreamExt};
use tokio::task::AbortHandle;

use super::join::{Within, exit_of};
use super::set::TaskSet;
use crate::ExitReason;

/// What a stream does when an item's task runs past its timeout (`:on_timeout`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnTimeout {
    /// The stream yields that item's `Timeout` exit and ends, stopping the tasks still running
    /// (OTP exits the caller; here the caller gets the exit as the stream's last item).
    #[default]
    Exit,
    /// That task is stopped, its item yields a `Timeout` exit, and the stream goes on.
    KillTask,
}

/// An item whose task did not give a value: why, and the item itself with
/// [`zip_input_on_exit`](AsyncStream::zip_input_on_exit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskExit<I> {
    /// The task's exit: `Panic`, `Timeout`, `Killed`.
    pub reason: ExitReason,
    /// The input, when the stream zips inputs on exit.
    pub input: Option<I>,
}

/// Stops a task when its stream is dropped or moves on without it.
struct AbortOnDrop(AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A configured `async_stream`, itself a `Stream` of `Result<T, TaskExit<I>>`.
///
/// At most `max_concurrency` items are in flight (default: the runtime's worker threads), and
/// the next input is taken only when one finishes. Results come in input order unless
/// `ordered(false)`. Each task has `timeout` (default 5 s) to finish.
///
/// ```
/// use futures_util::StreamExt;
/// use otp_core::{OnTimeout, TaskSupervisor, TaskSupervisorOptions};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
/// let squares: Vec<u64> = tasks
///     .async_stream(1..=5_u64, |n| async move { n * n })
///     .max_concurrency(2)
///     .filter_map(|result| async move { result.ok() })
///     .collect()
///     .await;
/// assert_eq!(squares, vec![1, 4, 9, 16, 25]);
/// # Ok(())
/// # }
/// ```
#[must_use = "a stream does nothing until it is polled"]
pub struct AsyncStream<I, T, F, It> {
    setup: Option<Setup<I, F, It>>,
    running: Option<BoxStream<'static, Result<T, TaskExit<I>>>>,
}

struct Setup<I, F, It> {
    tasks: Arc<TaskSet>,
    items: It,
    run: F,
    max_concurrency: Option<usize>,
    ordered: bool,
    timeout: Duration,
    on_timeout: OnTimeout,
    zip: Option<fn(&I) -> I>,
}

impl<I, T, F, It> AsyncStream<I, T, F, It> {
    pub(super) fn new(tasks: Arc<TaskSet>, items: It, run: F) -> Self {
        AsyncStream {
            setup: Some(Setup {
                tasks,
                items,
                run,
                max_concurrency: None,
                ordered: true,
                timeout: super::handle::DEFAULT_AWAIT_TIMEOUT,
                on_timeout: OnTimeout::Exit,
                zip: None,
            }),
            running: None,
        }
    }

    fn with(mut self, change: impl FnOnce(&mut Setup<I, F, It>)) -> Self {
        if let Some(setup) = self.setup.as_mut() {
            change(setup);
        }
        self
    }

    /// At most `limit` items in flight at once (at least 1).
    pub fn max_concurrency(self, limit: usize) -> Self {
        self.with(|setup| setup.max_concurrency = Some(limit.max(1)))
    }

    /// Results in input order (`true`, the default) or as they finish.
    pub fn ordered(self, ordered: bool) -> Self {
        self.with(|setup| setup.ordered = ordered)
    }

    /// How long each task may run (default 5 s).
    pub fn timeout(self, timeout: Duration) -> Self {
        self.with(|setup| setup.timeout = timeout)
    }

    /// What a timeout does to the stream (default [`OnTimeout::Exit`]).
    pub fn on_timeout(self, on_timeout: OnTimeout) -> Self {
        self.with(|setup| setup.on_timeout = on_timeout)
    }
}

impl<I: Clone, T, F, It> AsyncStream<I, T, F, It> {
    /// Puts the input of an item whose task exited into its [`TaskExit`].
    pub fn zip_input_on_exit(self) -> Self {
        self.with(|setup| setup.zip = Some(I::clone))
    }
}

impl<I, T, F, Fut, It> AsyncStream<I, T, F, It>
where
    I: Send + 'static,
    T: Send + 'static,
    F: FnMut(I) -> Fut + Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
    It: Iterator<Item = I> + Send + 'static,
{
    fn start(setup: Setup<I, F, It>) -> BoxStream<'static, Result<T, TaskExit<I>>> {
        let Setup {
            tasks,
            items,
            mut run,
            max_concurrency,
            ordered,
            timeout,
            on_timeout,
            zip,
        } = setup;
        let limit = max_concurrency.unwrap_or_else(|| {
            tokio::runtime::Handle::try_current()
                .map_or(1, |runtime| runtime.metrics().num_workers())
                .max(1)
        });
        let pending = stream::iter(items).map(move |item| {
            let input = zip.map(|clone| clone(&item));
            let handle = tasks.spawn(run(item), true);
            async move {
                let Some(mut handle) = handle else {
                    return Err(TaskExit {
                        reason: ExitReason::Shutdown,
                        input,
                    });
                };
                let _stop_if_dropped = AbortOnDrop(handle.abort_handle());
                match Within::new(&mut handle, timeout).await {
                    Some(Ok(value)) => Ok(value),
                    Some(Err(error)) => Err(TaskExit {
                        reason: exit_of(error),
                        input,
                    }),
                    None => Err(TaskExit {
                        reason: ExitReason::Timeout,
                        input,
                    }),
                }
            }
        });
        let results: BoxStream<'static, Result<T, TaskExit<I>>> = if ordered {
            pending.buffered(limit).boxed()
        } else {
            pending.buffer_unordered(limit).boxed()
        };
        if on_timeout == OnTimeout::KillTask {
            return results;
        }
        EndAtTimeout {
            results: Some(results),
        }
        .boxed()
    }
}

/// Yields results until a timeout, then that timeout, then ends at once: the tasks still
/// running are stopped as the inner stream is dropped, and no further input is taken.
struct EndAtTimeout<T, I> {
    results: Option<BoxStream<'static, Result<T, TaskExit<I>>>>,
}

impl<T, I> Stream for EndAtTimeout<T, I> {
    type Item = Result<T, TaskExit<I>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(results) = self.results.as_mut() else {
            return Poll::Ready(None);
        };
        let next = results.as_mut().poll_next(cx);
        if let Poll::Ready(Some(Err(exit))) = &next {
            if exit.reason == ExitReason::Timeout {
                self.results = None;
            }
        }
        next
    }
}

impl<T, I> Unpin for EndAtTimeout<T, I> {}

impl<I, T, F, Fut, It> Stream for AsyncStream<I, T, F, It>
where
    I: Send + 'static,
    T: Send + 'static,
    F: FnMut(I) -> Fut + Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
    It: Iterator<Item = I> + Send + 'static,
{
    type Item = Result<T, TaskExit<I>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Some(setup) = self.setup.take() {
            self.running = Some(Self::start(setup));
        }
        match self.running.as_mut() {
            Some(running) => running.as_mut().poll_next(cx),
            None => Poll::Ready(None),
        }
    }
}

impl<I, T, F, It> Unpin for AsyncStream<I, T, F, It> {}
