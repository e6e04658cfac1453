//! `TaskSupervisor`: tasks run under supervision (`Task.Supervisor`).

use std::future::Future;
use std::sync::Arc;

use super::handle::Task;
use super::server::{TaskSupervisorServer, TaskSupervisorServerRef};
use super::set::TaskSet;
use super::stream::AsyncStream;
use crate::observe::{SupervisedChild, SupervisedState};
use crate::prelude::*;
use crate::{Child, ChildSpec, ChildType};

/// A supervisor of tasks (`Task.Supervisor`): fire-and-forget children, tasks tied to their
/// caller or not, and concurrent streams with backpressure.
///
/// ```
/// use otp_core::{TaskSupervisor, TaskSupervisorOptions, TaskError, ExitReason};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
/// let task = tasks.spawn_nolink(async { panic!("bad input") })?;
/// assert_eq!(task.await, Err(TaskError::Exit(ExitReason::Panic("bad input".into()))));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TaskSupervisor;

/// Options of a [`TaskSupervisor`]: a name.
///
/// ```
/// use otp_core::{TaskSupervisor, TaskSupervisorOptions, TaskSupervisorRef};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// TaskSupervisor::start_link(TaskSupervisorOptions::default().name("mailer_tasks")).await?;
/// assert!(TaskSupervisorRef::whereis("mailer_tasks").is_some());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct TaskSupervisorOptions {
    name: Option<Arc<str>>,
}

impl TaskSupervisorOptions {
    /// Registers the supervisor under `name` (`:name`).
    #[must_use]
    pub fn name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.name = Some(name.into());
        self
    }
}

impl TaskSupervisor {
    /// Starts a task supervisor linked to the calling process (`Task.Supervisor.start_link/1`
    /// in Elixir).
    ///
    /// ```
    /// use otp_core::{TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// assert!(tasks.pid().is_alive());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start_link(
        options: TaskSupervisorOptions,
    ) -> Result<TaskSupervisorRef, StartError> {
        Self::start_with(options, true).await
    }

    /// Starts a task supervisor without a link.
    ///
    /// ```
    /// use otp_core::{ExitReason, TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start(TaskSupervisorOptions::default()).await?;
    /// tasks.stop(ExitReason::Shutdown).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start(options: TaskSupervisorOptions) -> Result<TaskSupervisorRef, StartError> {
        Self::start_with(options, false).await
    }

    async fn start_with(
        options: TaskSupervisorOptions,
        link: bool,
    ) -> Result<TaskSupervisorRef, StartError> {
        let tasks = Arc::new(TaskSet::default());
        let attached: Arc<dyn std::any::Any + Send + Sync> = tasks.clone();
        let state = TaskSupervisorServer {
            tasks: tasks.clone(),
        };
        let server = TaskSupervisorServer::options()
            .maybe_named(options.name.as_ref())
            .attach(attached)
            .start_maybe_linked(state, link)
            .await?;
        Ok(TaskSupervisorRef { server, tasks })
    }
}

#[diagnostic::do_not_recommend]
impl Child for TaskSupervisor {
    type Args = TaskSupervisorOptions;
    type Handle = TaskSupervisorRef;

    fn child_spec(options: TaskSupervisorOptions) -> ChildSpec {
        ChildSpec::from_fn("TaskSupervisor", move |name| {
            let mut options = options.clone();
            if let Some(name) = name {
                options.name = Some(name);
            }
            async move {
                TaskSupervisor::start_link(options)
                    .await
                    .map(|sup| sup.pid())
            }
        })
        .with_child_type(ChildType::Supervisor)
    }

    fn handle(pid: &Pid) -> Option<TaskSupervisorRef> {
        TaskSupervisorRef::from_pid(pid)
    }
}

/// A running [`TaskSupervisor`]: start tasks under it, count them, stop it.
///
/// Every way of starting a task fails with [`NoProc`] once the supervisor has stopped (or is
/// stopping: `stop` refuses new tasks first, then stops the running ones).
///
/// ```
/// use otp_core::{ExitReason, NoProc, TaskSupervisor, TaskSupervisorOptions};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
/// assert_eq!(tasks.spawn(async { 1 + 1 })?.await, Ok(2));
/// tasks.stop(ExitReason::Shutdown).await?;
/// assert_eq!(tasks.start_child(async {}), Err(NoProc));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct TaskSupervisorRef {
    server: TaskSupervisorServerRef,
    tasks: Arc<TaskSet>,
}

impl std::fmt::Debug for TaskSupervisorRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TaskSupervisorRef({})", self.server.pid())
    }
}

impl TaskSupervisorRef {
    /// The task supervisor with this pid; `None` if it is not one, or not running.
    ///
    /// ```
    /// use otp_core::{TaskSupervisor, TaskSupervisorOptions, TaskSupervisorRef};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// let again = TaskSupervisorRef::from_pid(&tasks.pid()).ok_or("not found")?;
    /// assert_eq!(again.pid(), tasks.pid());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn from_pid(pid: &Pid) -> Option<Self> {
        let server: TaskSupervisorServerRef =
            ServerRef::<TaskSupervisorServer>::from_pid(pid)?.into();
        let tasks = pid
            .process()
            .cell()
            .attachment()?
            .clone()
            .downcast::<TaskSet>()
            .ok()?;
        Some(TaskSupervisorRef { server, tasks })
    }

    /// The task supervisor registered under `name` (a `whereis/1` lookup, as a GenServer's
    /// `whereis` is).
    ///
    /// ```
    /// use otp_core::{TaskSupervisor, TaskSupervisorOptions, TaskSupervisorRef};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// TaskSupervisor::start_link(TaskSupervisorOptions::default().name("tasks")).await?;
    /// let tasks = TaskSupervisorRef::whereis("tasks").ok_or("not running")?;
    /// assert_eq!(tasks.spawn(async { "found" })?.await, Ok("found"));
    /// assert!(TaskSupervisorRef::whereis("nobody").is_none());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn whereis(name: &str) -> Option<Self> {
        Self::from_pid(&crate::whereis(name)?)
    }

    /// The supervisor's pid.
    ///
    /// ```
    /// use otp_core::{TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// assert!(tasks.pid().is_alive());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn pid(&self) -> Pid {
        self.server.pid()
    }

    /// Its tasks as the supervision tree shows them: temporary workers without an id or a pid.
    pub(crate) fn tree_children(&self) -> Vec<SupervisedChild> {
        let task = SupervisedChild {
            id: None,
            pid: None,
            state: SupervisedState::Running,
            child_type: ChildType::Worker,
            restart: crate::Restart::Temporary,
            restarts: 0,
            last_restart: None,
            subtree: None,
        };
        vec![task; self.running()]
    }

    /// How many of its tasks are running: started and not yet ended (a stopped task counts
    /// until the runtime has dropped it).
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_core::{TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// tasks.start_child(tokio::time::sleep(Duration::from_secs(1)))?;
    /// assert_eq!(tasks.running(), 1);
    /// tokio::time::sleep(Duration::from_secs(2)).await;
    /// assert_eq!(tasks.running(), 0);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn running(&self) -> usize {
        self.tasks.len()
    }

    /// Stops the supervisor and every task it runs, and returns once none of them runs: from
    /// its start, a task started under it fails with [`NoProc`]; each running task stops at
    /// its next `.await` (a task that never yields holds the stop up).
    ///
    /// ```
    /// use std::future::pending;
    /// use otp_core::{ExitReason, TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// tasks.start_child(pending())?;
    /// tasks.stop(ExitReason::Shutdown).await?;
    /// assert_eq!(tasks.running(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn stop(&self, reason: ExitReason) -> Result<(), CallError> {
        self.server.stop(reason).await
    }

    /// Runs `future` as a temporary child, with nothing to await (`start_child/2` in Elixir):
    /// a crash is logged, never restarted, and never reaches the caller.
    ///
    /// ```
    /// use otp_core::{TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// let (sender, receiver) = tokio::sync::oneshot::channel();
    /// tasks.start_child(async move {
    ///     let _ = sender.send("delivered");
    /// })?;
    /// assert_eq!(receiver.await?, "delivered");
    /// # Ok(())
    /// # }
    /// ```
    pub fn start_child<F>(&self, future: F) -> Result<(), NoProc>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.tasks.spawn(future, false).map(drop).ok_or(NoProc)
    }

    /// Runs `future` as a task tied to the caller (`Task.Supervisor.async/3` in Elixir):
    /// stopped when the calling process exits; its result, or its crash as an error, is
    /// awaited once.
    ///
    /// ```
    /// use otp_core::{TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// let task = tasks.spawn(async { 6 * 7 })?;
    /// assert_eq!(task.await, Ok(42));
    /// # Ok(())
    /// # }
    /// ```
    pub fn spawn<T, F>(&self, future: F) -> Result<Task<T>, NoProc>
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        self.tasks
            .spawn(future, true)
            .map(Task::from_handle)
            .ok_or(NoProc)
    }

    /// Runs `future` as a task not tied to the caller (`Task.Supervisor.async_nolink/3` in
    /// Elixir): the caller survives its crash and gets the exit as a value.
    ///
    /// ```
    /// use otp_core::{ExitReason, TaskError, TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// let task = tasks.spawn_nolink(async { panic!("bad input") })?;
    /// assert_eq!(task.await, Err(TaskError::Exit(ExitReason::Panic("bad input".into()))));
    /// # Ok(())
    /// # }
    /// ```
    pub fn spawn_nolink<T, F>(&self, future: F) -> Result<Task<T>, NoProc>
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        self.tasks
            .spawn(future, false)
            .map(Task::from_handle)
            .ok_or(NoProc)
    }

    /// Runs `run` on each item concurrently (`Task.Supervisor.async_stream/4` in Elixir):
    /// configure the stream, then read it with its own `next()` or as a `futures::Stream` of
    /// `Result<T, TaskExit<I>>`. Its tasks are tied to the caller. On a stopped supervisor
    /// each item gives a `Shutdown` exit.
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_core::{OnTimeout, TaskSupervisor, TaskSupervisorOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
    /// let mut lengths = tasks
    ///     .async_stream(["a", "bb", "ccc"], |word| async move { word.len() })
    ///     .max_concurrency(2)
    ///     .ordered(true)
    ///     .timeout(Duration::from_secs(1))
    ///     .on_timeout(OnTimeout::KillTask);
    /// assert_eq!(lengths.next().await, Some(Ok(1)));
    /// assert_eq!(lengths.next().await, Some(Ok(2)));
    /// assert_eq!(lengths.next().await, Some(Ok(3)));
    /// assert_eq!(lengths.next().await, None);
    /// # Ok(())
    /// # }
    /// ```
    pub fn async_stream<I, T, F, Fut, Items>(
        &self,
        items: Items,
        run: F,
    ) -> AsyncStream<I, T, F, Items::IntoIter>
    where
        Items: IntoIterator<Item = I>,
        I: Send + 'static,
        T: Send + 'static,
        F: FnMut(I) -> Fut,
        Fut: Future<Output = T> + Send + 'static,
    {
        AsyncStream::new(self.tasks.clone(), items.into_iter(), run)
    }
}
