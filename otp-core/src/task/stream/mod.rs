//! `async_stream`: a function run on each item concurrently, with backpressure.

mod in_flight;
mod outcome;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::stream::Stream;

use super::set::TaskSet;
use in_flight::{InFlight, Setup};
pub use outcome::{OnTimeout, TaskExit};

/// How many items beyond `max_concurrency` an ordered stream may hold by default (see
/// [`AsyncStream::max_buffered`]).
const DEFAULT_MAX_BUFFERED: usize = 1_024;

/// A configured `async_stream`, itself a `Stream` of `Result<T, TaskExit<I>>`.
///
/// At most `max_concurrency` tasks run at once (default: the runtime's worker threads); when
/// one finishes, the next input starts. Results come in input order unless `ordered(false)`:
/// a result that comes in before an earlier one waits for it, its task's slot already free.
/// Each task has `timeout` (default 5 s) to finish. Nothing starts before the stream is first
/// polled, and inputs are taken only as results are consumed.
///
/// Read it with [`next`](Self::next), or with any `futures::StreamExt` adapter.
///
/// ```
/// use otp_core::{TaskSupervisor, TaskSupervisorOptions};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
/// let mut squares = tasks
///     .async_stream(1..=5_u64, |n| async move { n * n })
///     .max_concurrency(2);
/// let mut all = Vec::new();
/// while let Some(square) = squares.next().await {
///     all.push(square?);
/// }
/// assert_eq!(all, vec![1, 4, 9, 16, 25]);
/// # Ok(())
/// # }
/// ```
#[must_use = "a stream does nothing until it is polled"]
pub struct AsyncStream<I, T, F, It> {
    setup: Option<Setup<I, F, It>>,
    running: Option<InFlight<I, T, F, It>>,
}

impl<I, T, F, It> AsyncStream<I, T, F, It> {
    pub(super) fn new(tasks: Arc<TaskSet>, items: It, run: F) -> Self {
        AsyncStream {
            setup: Some(Setup {
                tasks,
                items,
                run,
                max_concurrency: None,
                max_buffered: DEFAULT_MAX_BUFFERED,
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

    /// At most `limit` tasks running at once (at least 1; `:max_concurrency`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_core::{TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// let started = tokio::time::Instant::now();
    /// let mut naps = tasks
    ///     .async_stream(0..4, |_| tokio::time::sleep(Duration::from_secs(1)))
    ///     .max_concurrency(2);
    /// while let Some(nap) = naps.next().await {
    ///     nap?;
    /// }
    /// assert_eq!(started.elapsed(), Duration::from_secs(2), "two rounds of two");
    /// # Ok(())
    /// # }
    /// ```
    pub fn max_concurrency(self, limit: usize) -> Self {
        self.with(|setup| setup.max_concurrency = Some(limit.max(1)))
    }

    /// Results in input order (`true`, the default) or as they finish (`:ordered`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_core::{TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// let mut firsts = tasks
    ///     .async_stream([3, 1, 2], |secs| async move {
    ///         tokio::time::sleep(Duration::from_secs(secs)).await;
    ///         secs
    ///     })
    ///     .max_concurrency(3)
    ///     .ordered(false);
    /// assert_eq!(firsts.next().await, Some(Ok(1)));
    /// # Ok(())
    /// # }
    /// ```
    pub fn ordered(self, ordered: bool) -> Self {
        self.with(|setup| setup.ordered = ordered)
    }

    /// How far an ordered stream may run ahead of an item still running: at most
    /// `max_concurrency + max_buffered` items are held at once, running or finished and
    /// waiting for an earlier one (default 1,024). Elixir buffers without
    /// bound; this keeps memory bounded when one item is slow. With 0, a finished task's
    /// result holds its slot until it is yielded. An unordered stream holds no results.
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_core::{TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// // Item 0 is slow; the others run one after another in the second slot meanwhile.
    /// let mut steps = tasks
    ///     .async_stream(0..4_u64, |i| async move {
    ///         tokio::time::sleep(Duration::from_secs(if i == 0 { 10 } else { 1 })).await;
    ///         i
    ///     })
    ///     .max_concurrency(2)
    ///     .max_buffered(16)
    ///     .timeout(Duration::from_secs(60));
    /// let started = tokio::time::Instant::now();
    /// assert_eq!(steps.next().await, Some(Ok(0)));
    /// assert_eq!(steps.next().await, Some(Ok(1)));
    /// assert_eq!(started.elapsed(), Duration::from_secs(10), "1 to 3 were done by then");
    /// # Ok(())
    /// # }
    /// ```
    pub fn max_buffered(self, max_buffered: usize) -> Self {
        self.with(|setup| setup.max_buffered = max_buffered)
    }

    /// How long each task may run (default 5 s; `Duration::MAX`: as long as it takes).
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_core::{TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// let mut slow = tasks
    ///     .async_stream([60], |secs| tokio::time::sleep(Duration::from_secs(secs)))
    ///     .timeout(Duration::MAX);
    /// assert_eq!(slow.next().await, Some(Ok(())));
    /// # Ok(())
    /// # }
    /// ```
    pub fn timeout(self, timeout: Duration) -> Self {
        self.with(|setup| setup.timeout = timeout)
    }

    /// What a timeout does to the stream (default [`OnTimeout::Exit`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_core::{TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// use otp_core::OnTimeout;
    /// let mut naps = tasks
    ///     .async_stream([9, 1], |secs| tokio::time::sleep(Duration::from_secs(secs)))
    ///     .timeout(Duration::from_secs(2))
    ///     .on_timeout(OnTimeout::Exit);
    /// assert!(naps.next().await.is_some_and(|nap| nap.is_err()));
    /// assert_eq!(naps.next().await, None, "the stream ended at the timeout");
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_timeout(self, on_timeout: OnTimeout) -> Self {
        self.with(|setup| setup.on_timeout = on_timeout)
    }
}

impl<I: Clone, T, F, It> AsyncStream<I, T, F, It> {
    /// Puts the input of an item whose task exited into its [`TaskExit`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_core::{TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// let mut naps = tasks
    ///     .async_stream([9_u64], |secs| tokio::time::sleep(Duration::from_secs(secs)))
    ///     .timeout(Duration::from_secs(2))
    ///     .zip_input_on_exit();
    /// let Some(Err(exit)) = naps.next().await else { panic!("no timeout") };
    /// assert_eq!(exit.input, Some(9));
    /// # Ok(())
    /// # }
    /// ```
    pub fn zip_input_on_exit(self) -> Self {
        self.with(|setup| setup.zip = Some(I::clone))
    }
}

impl<I, T, F, Fut, It> AsyncStream<I, T, F, It>
where
    I: Send + 'static,
    T: Send + 'static,
    F: FnMut(I) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    It: Iterator<Item = I>,
{
    /// The next result, `None` once the stream has ended (`StreamExt::next`, without
    /// importing it).
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_core::{TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// let mut doubled = tasks.async_stream([1, 2], |n| async move { n * 2 });
    /// assert_eq!(doubled.next().await, Some(Ok(2)));
    /// assert_eq!(doubled.next().await, Some(Ok(4)));
    /// assert_eq!(doubled.next().await, None);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn next(&mut self) -> Option<Result<T, TaskExit<I>>> {
        std::future::poll_fn(|cx| self.poll_result(cx)).await
    }

    fn poll_result(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, TaskExit<I>>>> {
        if let Some(setup) = self.setup.take() {
            self.running = Some(InFlight::start(setup));
        }
        match self.running.as_mut() {
            Some(running) => running.poll_next(cx),
            None => Poll::Ready(None),
        }
    }
}

impl<I, T, F, Fut, It> Stream for AsyncStream<I, T, F, It>
where
    I: Send + 'static,
    T: Send + 'static,
    F: FnMut(I) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    It: Iterator<Item = I>,
{
    type Item = Result<T, TaskExit<I>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_result(cx)
    }
}

// Nothing is structurally pinned (see `InFlight`).
impl<I, T, F, It> Unpin for AsyncStream<I, T, F, It> {}
