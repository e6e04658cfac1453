//! The supervisor process: starts its children in order, restarts them by its strategy, and
//! stops them in reverse order.
//!
//! It is a GenServer like any other, written with `#[genserver]`. It traps exits; each child
//! is started linked to it, so a child's exit reaches it as an [`Exit`] message. Exits from
//! pids that are no longer current (a child it stopped itself) are ignored.
//!
//! A restart that fails is tried again through the mailbox, as OTP's `try_again_restart`: the
//! child is `Restarting` meanwhile, and the requests that arrive between two tries are answered
//! in turn (see [`ChildState`]). Where Rust differs: OTP's scheduler preempts a process, and a
//! caller's request reaches the mailbox while a restart loop runs; a tokio task runs until it
//! waits, and a start that fails at once never waits. So each retry first yields to the
//! scheduler, letting callers send what they have to send before the next try.

use std::time::SystemTime;

use tracing::{error, warn};

use super::intensity::Intensity;
use super::shutdown::shut_down;
use super::{
    AutoShutdown, ChildCounts, ChildInfo, ChildState, Strategy, SupervisorError, SupervisorSpec,
};
use crate::observe::{SupervisedChild, SupervisedState};
use crate::prelude::*;
use crate::{ChildSpec, ChildType, Restart};

pub(crate) struct SupervisorServer {
    strategy: Strategy,
    intensity: Intensity,
    auto_shutdown: AutoShutdown,
    /// In start order.
    children: Vec<ChildRecord>,
}

struct ChildRecord {
    spec: ChildSpec,
    state: ChildState,
    /// How many times it was started again after its first start, and when last.
    restarts: u32,
    last_restart: Option<SystemTime>,
}

impl ChildRecord {
    fn new(spec: ChildSpec, state: ChildState) -> Self {
        ChildRecord {
            spec,
            state,
            restarts: 0,
            last_restart: None,
        }
    }

    /// Started again, as `pid`.
    fn restarted(&mut self, pid: Pid) {
        self.state = ChildState::Running(pid);
        self.restarts = self.restarts.saturating_add(1);
        self.last_restart = Some(SystemTime::now());
    }

    /// The child as the supervision tree shows it.
    fn report(&self) -> SupervisedChild {
        let (pid, state) = match &self.state {
            ChildState::Running(pid) => (Some(pid.clone()), SupervisedState::Running),
            ChildState::Restarting => (None, SupervisedState::Restarting),
            ChildState::NotRunning => (None, SupervisedState::NotRunning),
        };
        SupervisedChild {
            id: Some(self.spec.id().to_owned()),
            pid,
            state,
            child_type: self.spec.kind,
            restart: self.spec.restart,
            restarts: self.restarts,
            last_restart: self.last_restart,
            subtree: None,
        }
    }

    /// Leaves the child not running (a restarting child is restarted no more); its pid if it
    /// was running, to stop it.
    fn take_pid(&mut self) -> Option<Pid> {
        match std::mem::replace(&mut self.state, ChildState::NotRunning) {
            ChildState::Running(pid) => Some(pid),
            ChildState::Restarting | ChildState::NotRunning => None,
        }
    }
}

/// A child whose restart failed, to try again (each try counts toward the intensity).
struct RetryRestart(String);

/// Checks a list of specs: unique ids; significant children only with an `auto_shutdown`, and
/// never permanent.
pub(super) fn check_specs<'a>(
    specs: impl IntoIterator<Item = &'a ChildSpec>,
    auto_shutdown: AutoShutdown,
) -> Result<(), SupervisorError> {
    let mut seen = std::collections::HashSet::new();
    for spec in specs {
        if !seen.insert(spec.id()) {
            return Err(SupervisorError::DuplicateChildId(spec.id().to_owned()));
        }
        if spec.significant && spec.restart == Restart::Permanent {
            return Err(SupervisorError::SignificantPermanent(spec.id().to_owned()));
        }
        if spec.significant && auto_shutdown == AutoShutdown::Never {
            return Err(SupervisorError::SignificantWithoutAutoShutdown(
                spec.id().to_owned(),
            ));
        }
    }
    Ok(())
}

#[genserver]
impl SupervisorServer {
    /// Starts the children in order; the specs were checked before the process was made.
    #[init]
    async fn init(spec: SupervisorSpec, ctx: &mut Context<Self>) -> Result<Self, InitError> {
        ctx.trap_exit(true);
        let mut server = SupervisorServer {
            strategy: spec.strategy,
            intensity: Intensity::new(spec.max_restarts, spec.max_seconds),
            auto_shutdown: spec.auto_shutdown,
            children: Vec::with_capacity(spec.children.len()),
        };
        for child in spec.children {
            match child.start_child().await {
                Ok(pid) => server
                    .children
                    .push(ChildRecord::new(child, ChildState::Running(pid))),
                Err(StartError::Ignored) => {
                    if child.restart != Restart::Temporary {
                        server
                            .children
                            .push(ChildRecord::new(child, ChildState::NotRunning));
                    }
                }
                Err(failure) => {
                    // Stop what was started, in reverse order, and fail with the child's id.
                    server.shut_down_all().await;
                    let reason = match failure {
                        StartError::Init(reason) => reason,
                        StartError::Timeout => ExitReason::Timeout,
                        other => ExitReason::error(other),
                    };
                    return Err(InitError::Stop(ExitReason::error(
                        SupervisorError::FailedToStartChild {
                            id: child.id().to_owned(),
                            reason,
                        },
                    )));
                }
            }
        }
        Ok(server)
    }

    /// A child exited: restart it (and its siblings) as the strategy says.
    #[handle_info]
    async fn child_exited(&mut self, exit: Exit, ctx: &mut Context<Self>) {
        let Some(index) = self.index_of_pid(&exit.from) else {
            return;
        };
        self.children[index].state = ChildState::NotRunning;
        let spec = &self.children[index].spec;
        if !spec.restart.restarts_after(&exit.reason) {
            let significant = spec.significant;
            if spec.restart == Restart::Temporary {
                self.children.remove(index);
            }
            if significant && self.auto_shutdown_due() {
                ctx.stop(ExitReason::Shutdown);
            }
            return;
        }
        if !self.intensity.allow_restart() {
            error!(
                supervisor = %ctx.pid(),
                child = %spec.id(),
                reason = %exit.reason,
                "restart intensity reached; stopping all children"
            );
            ctx.stop(ExitReason::Shutdown);
            return;
        }
        self.restart_from(index, ctx).await;
    }

    /// A child whose restart failed (OTP's `try_again_restart`): unless it was terminated
    /// since, try again, counting toward the intensity.
    #[handle_info]
    async fn retry(&mut self, retry: RetryRestart, ctx: &mut Context<Self>) {
        // Let callers queue their requests first: they are answered before the next try.
        tokio::task::yield_now().await;
        let Some(index) = self
            .children
            .iter()
            .position(|child| child.spec.id() == retry.0 && child.state == ChildState::Restarting)
        else {
            return;
        };
        if !self.intensity.allow_restart() {
            error!(supervisor = %ctx.pid(), child = %retry.0, "restart intensity reached; stopping all children");
            ctx.stop(ExitReason::Shutdown);
            return;
        }
        // As OTP's `try_again`: the strategy runs again from the child that failed to start.
        self.restart_from(index, ctx).await;
    }

    #[handle_call]
    async fn start_child(&mut self, spec: ChildSpec) -> Result<Option<Pid>, SupervisorError> {
        if let Some(existing) = self.find(spec.id()) {
            return Err(match &existing.state {
                ChildState::Running(pid) => {
                    SupervisorError::AlreadyStarted(spec.id().to_owned(), pid.clone())
                }
                ChildState::Restarting | ChildState::NotRunning => {
                    SupervisorError::AlreadyPresent(spec.id().to_owned())
                }
            });
        }
        check_specs([&spec], self.auto_shutdown)?;
        match spec.start_child().await {
            Ok(pid) => {
                self.children
                    .push(ChildRecord::new(spec, ChildState::Running(pid.clone())));
                Ok(Some(pid))
            }
            Err(StartError::Ignored) => {
                if spec.restart != Restart::Temporary {
                    self.children
                        .push(ChildRecord::new(spec, ChildState::NotRunning));
                }
                Ok(None)
            }
            Err(failure) => Err(SupervisorError::from_start(spec.id(), failure)),
        }
    }

    /// Stops a running child, or ends the retries of a restarting one; keeps the spec (but a
    /// temporary child's).
    #[handle_call]
    async fn terminate_child(&mut self, id: String) -> Result<(), SupervisorError> {
        let Some(index) = self.index_of_id(&id) else {
            return Err(SupervisorError::NotFound(id));
        };
        if let Some(pid) = self.children[index].take_pid() {
            shut_down(&pid, self.children[index].spec.shutdown).await;
        }
        if self.children[index].spec.restart == Restart::Temporary {
            self.children.remove(index);
        }
        Ok(())
    }

    #[handle_call]
    async fn restart_child(&mut self, id: String) -> Result<Option<Pid>, SupervisorError> {
        let Some(child) = self.find(&id) else {
            return Err(SupervisorError::NotFound(id));
        };
        match child.state {
            ChildState::Running(_) => return Err(SupervisorError::Running(id)),
            ChildState::Restarting => return Err(SupervisorError::Restarting(id)),
            ChildState::NotRunning => {}
        }
        let spec = child.spec.clone();
        match spec.start_child().await {
            Ok(pid) => {
                if let Some(index) = self.index_of_id(&id) {
                    self.children[index].restarted(pid.clone());
                }
                Ok(Some(pid))
            }
            Err(StartError::Ignored) => Ok(None),
            Err(failure) => Err(SupervisorError::from_start(&id, failure)),
        }
    }

    #[handle_call]
    fn delete_child(&mut self, id: String) -> Result<(), SupervisorError> {
        let Some(index) = self.index_of_id(&id) else {
            return Err(SupervisorError::NotFound(id));
        };
        match self.children[index].state {
            ChildState::Running(_) => Err(SupervisorError::Running(id)),
            ChildState::Restarting => Err(SupervisorError::Restarting(id)),
            ChildState::NotRunning => {
                self.children.remove(index);
                Ok(())
            }
        }
    }

    #[handle_call]
    fn which_children(&mut self) -> Vec<ChildInfo> {
        self.children
            .iter()
            .map(|child| ChildInfo {
                id: Some(child.spec.id().to_owned()),
                state: child.state.clone(),
                child_type: child.spec.kind,
            })
            .collect()
    }

    /// The children as the supervision tree shows them, in start order.
    #[handle_call]
    fn tree_children(&mut self) -> Vec<SupervisedChild> {
        self.children.iter().map(ChildRecord::report).collect()
    }

    /// Every child in `specs`, those with a process in `active` (not a restarting one).
    #[handle_call]
    fn count_children(&mut self) -> ChildCounts {
        let mut counts = ChildCounts::default();
        for child in &self.children {
            counts.specs += 1;
            if let ChildState::Running(_) = child.state {
                counts.active += 1;
            }
            match child.spec.kind {
                ChildType::Supervisor => counts.supervisors += 1,
                ChildType::Worker => counts.workers += 1,
            }
        }
        counts
    }

    /// Stops every child in reverse start order, each within its shutdown.
    #[terminate]
    async fn terminate(&mut self, _reason: &ExitReason) {
        self.shut_down_all().await;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        warn!(?msg, "supervisor received an unexpected message");
    }
}

impl SupervisorServer {
    fn find(&self, id: &str) -> Option<&ChildRecord> {
        self.children.iter().find(|child| child.spec.id() == id)
    }

    fn index_of_id(&self, id: &str) -> Option<usize> {
        self.children.iter().position(|child| child.spec.id() == id)
    }

    fn index_of_pid(&self, pid: &Pid) -> Option<usize> {
        self.children.iter().position(
            |child| matches!(&child.state, ChildState::Running(running) if running == pid),
        )
    }

    /// Whether significant children exiting by themselves should stop the supervisor now: a
    /// significant child that runs, or is being restarted, has not exited for good.
    fn auto_shutdown_due(&self) -> bool {
        match self.auto_shutdown {
            AutoShutdown::Never => false,
            AutoShutdown::AnySignificant => true,
            AutoShutdown::AllSignificant => !self
                .children
                .iter()
                .any(|child| child.spec.significant && child.state != ChildState::NotRunning),
        }
    }

    /// Stops the running children in reverse start order, each within its shutdown; those
    /// being restarted are restarted no more.
    async fn shut_down_all(&mut self) {
        for child in self.children.iter_mut().rev() {
            if let Some(pid) = child.take_pid() {
                shut_down(&pid, child.spec.shutdown).await;
            }
        }
    }

    /// Restarts the child at `index`, which has exited or is restarting, with the siblings the
    /// strategy names: those still running are stopped first, in reverse start order; temporary
    /// siblings are stopped and dropped; then all are started again in start order. At the
    /// first start that fails, that child is `Restarting` and a retry is queued behind the
    /// requests already in the mailbox; those after it wait for it.
    async fn restart_from(&mut self, index: usize, ctx: &mut Context<Self>) {
        let affected = match self.strategy {
            Strategy::OneForOne => index..index + 1,
            Strategy::OneForAll => 0..self.children.len(),
            Strategy::RestForOne => index..self.children.len(),
        };
        for child in self.children[affected.clone()].iter_mut().rev() {
            if let Some(pid) = child.take_pid() {
                shut_down(&pid, child.spec.shutdown).await;
            }
        }
        let failed_id = self.children[index].spec.id().to_owned();
        let affected_ids: Vec<String> = self.children[affected]
            .iter()
            .map(|child| child.spec.id().to_owned())
            .collect();
        // Temporary siblings are stopped and not restarted.
        self.children.retain(|child| {
            child.spec.restart != Restart::Temporary
                || child.spec.id() == failed_id
                || !affected_ids.iter().any(|id| id == child.spec.id())
        });
        let to_start: Vec<String> = affected_ids
            .into_iter()
            .filter(|id| self.index_of_id(id).is_some())
            .collect();
        for id in to_start {
            if !self.start_existing(&id, ctx).await {
                // Stop at the first failure: those after it start only once it runs again.
                ctx.pid().send(RetryRestart(id));
                return;
            }
        }
    }

    /// Starts the kept child `id` again; false when its start failed (it is then
    /// `Restarting`).
    async fn start_existing(&mut self, id: &str, ctx: &mut Context<Self>) -> bool {
        let Some(index) = self.index_of_id(id) else {
            return true;
        };
        match self.children[index].spec.start_child().await {
            Ok(pid) => self.children[index].restarted(pid),
            Err(StartError::Ignored) => {
                if self.children[index].spec.restart == Restart::Temporary {
                    self.children.remove(index);
                }
            }
            Err(failure) => {
                error!(supervisor = %ctx.pid(), child = %id, error = %failure, "child failed to restart; trying again");
                self.children[index].state = ChildState::Restarting;
                return false;
            }
        }
        true
    }
}
