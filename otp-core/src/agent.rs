//! `Agent`: a process around one value, read and changed with closures (Elixir's `Agent`).
//!
//! Each closure runs inside the agent's process, one at a time, so it sees and leaves the
//! state whole. Keep them short: a slow closure blocks every caller, as the Elixir OTP guide warns.
//! A panic in a closure crashes the agent with the panic as its reason, and the caller gets
//! `CallError::Exited(Panic(..))`.

use std::sync::Arc;
use std::time::Duration;

use crate::prelude::*;
use crate::{Call, Child, ChildSpec, DEFAULT_CALL_TIMEOUT, StartOptions};

/// What the agent runs: a closure over its state, which replies through what it captured.
type AgentFn<S> = Box<dyn FnOnce(&mut Option<S>) + Send>;

/// How the agent builds its state: called again at each restart by a supervisor.
type InitFn<S> = Arc<dyn Fn() -> S + Send + Sync>;

/// The process behind an [`AgentRef`]: the server type of its calls (`Call<'_, AgentServer<S>, R>`).
pub struct AgentServer<S: Send + 'static> {
    /// `None` only while a `get_and_update` closure holds the state.
    state: Option<S>,
}

#[genserver]
impl<S: Send + 'static> AgentServer<S> {
    #[init]
    fn init(build: InitFn<S>) -> Self {
        AgentServer {
            state: Some(build()),
        }
    }

    #[handle_cast]
    fn run(&mut self, run: AgentFn<S>) {
        run(&mut self.state);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "agent received an unexpected message");
    }
}

/// Starting agents: `Agent::start_link(|| 0)`.
///
/// ```
/// use otp_core::Agent;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let counter = Agent::start_link(|| 0_u64).await?;
/// counter.update(|n| *n += 1).await?;
/// assert_eq!(counter.get(|n| *n).await?, 1);
/// let before = counter.get_and_update(|n| (n, n + 10)).await?;
/// assert_eq!((before, counter.get(|n| *n).await?), (1, 11));
/// counter.cast(|n| *n = 0);
/// assert_eq!(counter.get(|n| *n).await?, 0);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Agent;

/// Options for starting an agent: a name.
#[derive(Clone, Debug, Default)]
pub struct AgentOptions {
    name: Option<Arc<str>>,
}

impl AgentOptions {
    /// Registers the agent under `name`.
    #[must_use]
    pub fn name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Starts the agent linked to the calling process; `init` runs in the agent before this
    /// returns (`Agent.start_link/2`).
    pub async fn start_link<S, F>(self, init: F) -> Result<AgentRef<S>, StartError>
    where
        S: Send + 'static,
        F: Fn() -> S + Send + Sync + 'static,
    {
        self.starter::<S>()
            .start_link(Arc::new(init))
            .await
            .map(AgentRef::new)
    }

    /// Starts the agent without a link.
    pub async fn start<S, F>(self, init: F) -> Result<AgentRef<S>, StartError>
    where
        S: Send + 'static,
        F: Fn() -> S + Send + Sync + 'static,
    {
        self.starter::<S>()
            .start(Arc::new(init))
            .await
            .map(AgentRef::new)
    }

    fn starter<S: Send + 'static>(&self) -> StartOptions<AgentServer<S>> {
        AgentServer::<S>::options().maybe_named(self.name.as_ref())
    }
}

impl Agent {
    /// Starts an agent linked to the calling process, with the state `init` returns.
    pub async fn start_link<S, F>(init: F) -> Result<AgentRef<S>, StartError>
    where
        S: Send + 'static,
        F: Fn() -> S + Send + Sync + 'static,
    {
        AgentOptions::default().start_link(init).await
    }

    /// Options: `Agent::options().name("counter").start_link(|| 0)`.
    #[must_use]
    pub fn options() -> AgentOptions {
        AgentOptions::default()
    }

    /// The spec of an agent child (permanent, as in Elixir): `init` runs again at each restart.
    pub fn child_spec<S, F>(id: &'static str, init: F) -> ChildSpec
    where
        S: Send + 'static,
        F: Fn() -> S + Send + Sync + 'static,
    {
        let init: InitFn<S> = Arc::new(init);
        <AgentServer<S> as Child>::child_spec(init).with_id(id)
    }

    /// The agent of state type `S` registered under `name`.
    #[must_use]
    pub fn whereis<S: Send + 'static>(name: &str) -> Option<AgentRef<S>> {
        AgentServer::<S>::whereis(name).map(AgentRef::new)
    }
}

/// A running agent holding a `S`.
pub struct AgentRef<S: Send + 'static> {
    server: AgentServerRef<S>,
}

impl<S: Send + 'static> Clone for AgentRef<S> {
    fn clone(&self) -> Self {
        AgentRef {
            server: self.server.clone(),
        }
    }
}

impl<S: Send + 'static> std::fmt::Debug for AgentRef<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AgentRef({})", self.server.pid())
    }
}

impl<S: Send + 'static> AgentRef<S> {
    fn new(server: AgentServerRef<S>) -> Self {
        AgentRef { server }
    }

    /// The agent's pid.
    #[must_use]
    pub fn pid(&self) -> Pid {
        self.server.pid()
    }

    /// The handle of the agent with this pid, if it holds an `S`.
    #[must_use]
    pub fn from_pid(pid: &Pid) -> Option<Self> {
        ServerRef::<AgentServer<S>>::from_pid(pid).map(|server| AgentRef::new(server.into()))
    }

    /// A call that runs `run` in the agent and replies with what it returns.
    fn ask<R: Send + 'static>(
        &self,
        run: impl FnOnce(&mut Option<S>) -> R + Send + 'static,
    ) -> Call<'_, AgentServer<S>, R> {
        let (sender, receiver) = crate::call::reply_channel();
        let message = __AgentServerMessage::run(Box::new(move |state: &mut Option<S>| {
            let _ = sender.send(run(state));
        }));
        self.server.server().__call(message, receiver)
    }

    /// Reads the state through `read` (`Agent.get/3`); 5 s timeout, `.timeout(d)` to change it.
    pub fn get<R: Send + 'static>(
        &self,
        read: impl FnOnce(&S) -> R + Send + 'static,
    ) -> Call<'_, AgentServer<S>, R> {
        self.ask(move |state| read(state.as_ref().expect(STATE_PRESENT)))
    }

    /// Changes the state through `change` and waits until it is done (`Agent.update/3`).
    pub fn update(
        &self,
        change: impl FnOnce(&mut S) + Send + 'static,
    ) -> Call<'_, AgentServer<S>, ()> {
        self.ask(move |state| change(state.as_mut().expect(STATE_PRESENT)))
    }

    /// Replaces the state with the second value `change` returns and replies with the first
    /// (`Agent.get_and_update/3`).
    pub fn get_and_update<R: Send + 'static>(
        &self,
        change: impl FnOnce(S) -> (R, S) + Send + 'static,
    ) -> Call<'_, AgentServer<S>, R> {
        self.ask(move |state| {
            let (reply, next) = change(state.take().expect(STATE_PRESENT));
            *state = Some(next);
            reply
        })
    }

    /// Changes the state through `change` without waiting (`Agent.cast/2`).
    pub fn cast(&self, change: impl FnOnce(&mut S) + Send + 'static) {
        self.server
            .server()
            .__cast(__AgentServerMessage::run(Box::new(
                move |state: &mut Option<S>| change(state.as_mut().expect(STATE_PRESENT)),
            )));
    }

    /// Stops the agent with reason `Normal` (`Agent.stop/3`).
    pub async fn stop(&self) -> Result<(), CallError> {
        self.server.stop(ExitReason::Normal).await
    }

    /// Stops the agent with `reason`.
    pub async fn stop_with(&self, reason: ExitReason) -> Result<(), CallError> {
        self.server.stop(reason).await
    }

    /// A 5 s default, as every call: re-exported for symmetry with OTP's docs.
    #[must_use]
    pub fn default_timeout() -> Duration {
        DEFAULT_CALL_TIMEOUT
    }
}

/// The state is taken out only inside one `get_and_update` closure, which puts it back before
/// returning (or crashes the agent with its panic): no other closure can see it missing.
const STATE_PRESENT: &str = "the agent's state is present between closures";
