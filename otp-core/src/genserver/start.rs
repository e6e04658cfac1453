//! Starting a server: `start`, `start_link`, and their options.

use std::any::{Any, type_name};
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tracing::Instrument;

use super::run_loop;
use super::server_ref::ServerProcess;
use super::start_error::StartError;
use crate::names::RegisterError;
use crate::process::{self, ProcessCell};
use crate::registry::{RegistryError, RegistryRef, Unique};
use crate::{ExitReason, GenServer, Pid, ServerRef};

/// Options for starting a server: a name, a link to the caller.
///
/// `#[genserver]` adds `options()` to the server type, so `Cache::options().name("cache")`
/// reads like `GenServer.start_link(Cache, args, name: :cache)`.
///
/// ```
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
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let idle = Idle::options().name("docs-idle").start(Idle).await?;
/// assert_eq!(otp_core::whereis("docs-idle"), Some(idle.pid()));
/// let again = Idle::options().name("docs-idle").start(Idle).await;
/// assert_eq!(again.err(), Some(StartError::AlreadyStarted(idle.pid())));
/// # Ok(())
/// # }
/// ```
pub struct StartOptions<S: GenServer> {
    name: Option<String>,
    via: Option<ViaRegistration>,
    attachment: Option<Arc<dyn Any + Send + Sync>>,
    /// `None` waits as long as init takes (`:infinity`).
    timeout: Option<Duration>,
    server: PhantomData<fn() -> S>,
}

/// Registers the new process in a registry before its init runs.
#[doc(hidden)]
pub type ViaRegistration = Box<dyn FnOnce(&Pid) -> Result<(), RegistryError> + Send>;

/// A registry a process can be named in (`{:via, Registry, {registry, key}}`): a registry of
/// unique keys.
#[diagnostic::on_unimplemented(
    message = "a via-name needs a registry of unique keys, and `{Self}` is not one",
    label = "not a unique registry",
    note = "start the registry with `Registry::<K>::unique()`: a key of a duplicate registry names no single process"
)]
pub trait ViaRegistry {
    /// The registry's key type.
    type Key;

    /// Registers a new process under `key`, before its init.
    #[doc(hidden)]
    fn registration(&self, key: Self::Key) -> ViaRegistration;
}

impl<K, V> ViaRegistry for RegistryRef<K, V, Unique>
where
    K: Eq + std::hash::Hash + Clone + Send + Sync + 'static,
    V: Clone + Default + Send + Sync + 'static,
{
    type Key = K;

    fn registration(&self, key: K) -> ViaRegistration {
        let registry = self.clone();
        Box::new(move |pid: &Pid| registry.register_pid(pid, key, V::default()))
    }
}

impl<S: GenServer> Default for StartOptions<S> {
    fn default() -> Self {
        StartOptions {
            name: None,
            via: None,
            attachment: None,
            timeout: None,
            server: PhantomData,
        }
    }
}

impl<S: GenServer> StartOptions<S> {
    /// Registers the server under `name` before `init` runs; `AlreadyStarted` if it is taken.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Registers the server in a unique `registry` under `key` before `init` runs (a via-name,
    /// `{:via, Registry, {registry, key}}`); `AlreadyStarted` when a live process holds the key.
    /// Find it again with [`RegistryRef::whereis`](crate::RegistryRef::whereis).
    #[must_use]
    pub fn via<R: ViaRegistry>(mut self, registry: &R, key: R::Key) -> Self {
        self.via = Some(registry.registration(key));
        self
    }

    /// Waits at most `timeout` for `init` (`GenServer.start_link(mod, args, timeout: ms)`);
    /// the default waits as long as it takes (`:infinity`). When it expires the process is
    /// killed (`Killed`; `terminate` does not run; a link to the caller is removed first, so the
    /// caller gets no exit signal), its name is free again, and the start returns
    /// [`StartError::Timeout`]. The time is tokio's, so paused-clock tests are exact.
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_core::prelude::*;
    ///
    /// struct Slow;
    ///
    /// #[genserver]
    /// impl Slow {
    ///     #[init]
    ///     async fn init(delay: Duration) -> Self {
    ///         tokio::time::sleep(delay).await;
    ///         Slow
    ///     }
    ///
    ///     #[handle_info(catch_all)]
    ///     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let options = || Slow::options().name("docs-slow").timeout(Duration::from_secs(1));
    /// let late = options().start(Duration::from_secs(60)).await;
    /// assert_eq!(late.err(), Some(StartError::Timeout));
    /// assert_eq!(otp_core::whereis("docs-slow"), None);
    /// assert!(options().start(Duration::from_millis(10)).await.is_ok());
    /// # }
    /// ```
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Registers under `name` when there is one.
    pub(crate) fn maybe_named(self, name: Option<&Arc<str>>) -> Self {
        match name {
            Some(name) => self.name(&**name),
            None => self,
        }
    }

    /// Attaches data to the process before anyone can see it (a registry's entries): handles
    /// made from its pid reach it without a message.
    pub(crate) fn attach(mut self, data: Arc<dyn Any + Send + Sync>) -> Self {
        self.attachment = Some(data);
        self
    }

    /// Starts the server, linked to the caller or not.
    pub(crate) async fn start_maybe_linked(
        self,
        args: S::Args,
        link: bool,
    ) -> Result<S::Ref, StartError> {
        // A child spec's start timeout reaches the servers its start function starts.
        let timeout = self
            .timeout
            .or_else(crate::supervisor::start_timeout_in_scope);
        spawn::<S>(
            args,
            self.name.as_deref(),
            self.via,
            self.attachment,
            link,
            timeout,
        )
        .await
    }

    /// Starts the server without a link (`GenServer.start/3`) and waits for its `init`.
    pub async fn start(self, args: S::Args) -> Result<S::Ref, StartError> {
        self.start_maybe_linked(args, false).await
    }

    /// Starts the server linked to the calling process (`GenServer.start_link/3`) and waits
    /// for its `init`. Outside a process there is nothing to link to, and it starts unlinked.
    pub async fn start_link(self, args: S::Args) -> Result<S::Ref, StartError> {
        self.start_maybe_linked(args, true).await
    }
}

/// The alignment of tokio's task cell, and so the step in which a task grows.
pub(crate) const TASK_BLOCK: usize = 128;

/// The bytes tokio allocates for a task whose future is `future` bytes: its cell, aligned to
/// [`TASK_BLOCK`], holds a header (32 bytes), the scheduler's handle and the task's id (16),
/// the future behind an 8-byte stage tag, and a trailer (48), as of tokio 1.54. `size_tests.rs`
/// checks a small server's task against the same layout.
pub(crate) fn task_cell_size(future: usize) -> usize {
    const OVERHEAD: usize = 32 + 16 + 8 + 48;
    (future + OVERHEAD).div_ceil(TASK_BLOCK) * TASK_BLOCK
}

/// Spawns `future` and says how large it is. The future is built in the call, as it would be for
/// `tokio::spawn`: holding it in a local first, to measure it, costs every spawn a copy of it.
#[inline]
fn spawn_sized<F>(future: F) -> (tokio::task::JoinHandle<F::Output>, usize)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    (tokio::spawn(future), size_of::<F>())
}

async fn spawn<S: GenServer>(
    args: S::Args,
    name: Option<&str>,
    via: Option<ViaRegistration>,
    attachment: Option<Arc<dyn Any + Send + Sync>>,
    link: bool,
    timeout: Option<Duration>,
) -> Result<S::Ref, StartError> {
    // The mailbox, bounded by `S::MAILBOX_CAPACITY` or not.
    let server = ServerRef::new(Arc::new(ServerProcess::new(ProcessCell::new())));
    let pid = server.pid();
    crate::observe::process_table::insert(&pid);
    if let Some(data) = attachment {
        pid.process().cell().attach(data);
    }
    if let Some(name) = name
        && let Err(error) = crate::names::register(name, &pid)
    {
        process::finish(&pid);
        return Err(match error {
            RegisterError::AlreadyRegistered(holder) => StartError::AlreadyStarted(holder),
            RegisterError::NoProc | RegisterError::AlreadyNamed(_) => {
                StartError::Init(ExitReason::NoProc)
            }
        });
    }
    if let Some(via) = via
        && let Err(error) = via(&pid)
    {
        process::finish(&pid);
        return Err(match error {
            RegistryError::AlreadyRegistered(holder) => StartError::AlreadyStarted(holder),
            other => StartError::Init(ExitReason::error(other)),
        });
    }
    let parent = if link { crate::current_pid() } else { None };
    if let Some(parent) = &parent {
        process::link(parent, &pid);
        pid.process().cell().set_parent(parent.clone());
    }
    // At error level, so the process's fields stay on its events under any filter.
    let span = tracing::error_span!("process", pid = %pid, server = type_name::<S>(), name);
    let (started, init_result) = oneshot::channel();
    // The loop's future is spawned as it is: an `async` block around it would hold its
    // arguments beside it and make the task larger, enough to cost a server a whole 128-byte
    // block of tokio's cache-line-aligned task cell (`size_tests.rs` checks the bound).
    let (task, future_size) =
        spawn_sized(run_loop::run(server.clone(), args, parent, started).instrument(span));
    let cell = pid.process().cell();
    cell.set_task_size(task_cell_size(future_size));
    cell.set_abort_handle(task.abort_handle());
    let outcome = match timeout {
        None => Some(init_result.await),
        Some(limit) => tokio::time::timeout(limit, init_result).await.ok(),
    };
    match outcome {
        Some(Ok(Ok(()))) => Ok(S::Ref::from(server)),
        Some(Ok(Err(error))) => Err(error),
        // Killed while in init.
        Some(Err(_)) => Err(StartError::Init(pid.wait_exit().await)),
        None => {
            // As OTP's `proc_lib:sync_start`: unlink first, so the starter gets the error as a
            // value and no exit signal, then kill.
            if let Some(parent) = crate::current_pid().filter(|_| link) {
                process::unlink(&parent, &pid);
            }
            pid.kill();
            // Once the task has ended, its exit guard has finished the process (even if it was
            // aborted before its first poll): its name is free when `start` returns.
            let _ = task.await;
            Err(StartError::Timeout)
        }
    }
}
