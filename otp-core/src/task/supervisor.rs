//! `TaskSupervisor`: tasks run under supervision (`Task.Supervisor`).

use std::future::Future;
use std::sync::Arc;

use super::handle::Task;
use super::set::TaskSet;
use super::stream::AsyncStream;
use crate::prelude::*;
use crate::{Child, ChildSpec, ChildType};

pub(crate) struct TaskSupervisorServer {
    tasks: Arc<TaskSet>,
}

#[genserver]
impl TaskSupervisorServer {
    /// Stops every task (tasks run no `terminate`: `shutdown` as `brutal_kill`) and waits
    /// until each has been dropped.
    #[terminate]
    async fn terminate(&mut self, _reason: &ExitReason) {
        self.tasks.stop_all().await;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "task supervisor received an unexpected message");
    }
}

/// Killed (no `terminate`): the tasks are stopped without waiting, as a killed OTP supervisor's
/// children are killed by their links.
impl Drop for TaskSupervisorServer {
    fn drop(&mut self) {
        self.tasks.close();
    }
}

/// A supervisor of tasks (`Task.Supervisor`): fire-and-forget children, tasks tied to their
/// caller or not, and concurrent streams with backpressure.
///
/// ```
/// use otp_core::{TaskSupervisor, TaskSupervisorOptions, TaskError, ExitReason};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
/// let task = tasks.async_nolink(async { panic!("bad input") })?;
/// assert_eq!(task.await_().await, Err(TaskError::Exit(ExitReason::Panic("bad input".into()))));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TaskSupervisor;

/// Options of a [`TaskSupervisor`]: a name.
#[derive(Clone, Debug, Default)]
pub struct TaskSupervisorOptions {
    name: Option<Arc<str>>,
}

impl TaskSupervisorOptions {
    /// Registers the supervisor under `name`.
    #[must_use]
    pub fn name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.name = Some(name.into());
        self
    }
}

impl TaskSupervisor {
    /// Starts a task supervisor linked to the calling process.
    pub async fn start_link(
        options: TaskSupervisorOptions,
    ) -> Result<TaskSupervisorRef, StartError> {
        Self::start_with(options, true).await
    }

    /// Starts a task supervisor without a link.
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
        .child_type_as(ChildType::Supervisor)
    }

    fn handle(pid: &Pid) -> Option<TaskSupervisorRef> {
        TaskSupervisorRef::from_pid(pid)
    }
}

/// The task supervisor was not running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the task supervisor is not running")]
pub struct TaskSupervisorDown;

/// A running [`TaskSupervisor`].
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
    /// The task supervisor with this pid.
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

    /// The task supervisor registered under `name`.
    #[must_use]
    pub fn named(name: &str) -> Option<Self> {
        Self::from_pid(&crate::whereis(name)?)
    }

    /// The supervisor's pid.
    #[must_use]
    pub fn pid(&self) -> Pid {
        self.server.pid()
    }

    /// How many of its tasks are running.
    #[must_use]
    pub fn running(&self) -> usize {
        self.tasks.len()
    }

    /// Stops the supervisor and every task it runs.
    pub async fn stop(&self, reason: ExitReason) -> Result<(), CallError> {
        self.server.stop(reason).await
    }

    /// Runs `future` as a temporary child, with nothing to await (`start_child/2`): a crash is
    /// logged, never restarted, and never reaches the caller.
    pub fn start_child<F>(&self, future: F) -> Result<(), TaskSupervisorDown>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.tasks
            .spawn(future, false)
            .map(drop)
            .ok_or(TaskSupervisorDown)
    }

    /// Runs `future` as a task tied to the caller (`async/3`): stopped when the calling process
    /// exits; its result, or its crash as an error, is awaited once.
    pub fn async_<T, F>(&self, future: F) -> Result<Task<T>, TaskSupervisorDown>
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        self.tasks
            .spawn(future, true)
            .map(Task::from_handle)
            .ok_or(TaskSupervisorDown)
    }

    /// Runs `future` as a task not tied to the caller (`async_nolink/3`): the caller survives
    /// its crash and gets the exit as a value.
    pub fn async_nolink<T, F>(&self, future: F) -> Result<Task<T>, TaskSupervisorDown>
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        self.tasks
            .spawn(future, false)
            .map(Task::from_handle)
            .ok_or(TaskSupervisorDown)
    }

    /// Runs `run` on each item concurrently (`async_stream/4`): configure the stream, then
    /// consume it as a `futures::Stream` of `Result<T, TaskExit<I>>`.
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
