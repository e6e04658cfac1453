//! The dynamic supervisor's process: children started on demand, each restarted alone.
//!
//! A GenServer written with `#[genserver]`, trapping exits; its children are kept by pid. A
//! restart that fails is tried again through the mailbox, the child kept meanwhile under the
//! pid it had, as OTP's `{restarting, OldPid}` (see the supervisor module's docs).

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use tracing::{error, warn};

use super::dynamic::{DynamicSupervisorOptions, StartChildError};
use super::intensity::Intensity;
use super::shutdown::{shut_down, shut_down_all};
use super::{ChildCounts, ChildInfo, ChildState};
use crate::observe::{SupervisedChild, SupervisedState};
use crate::prelude::*;
use crate::{ChildSpec, ChildType};

/// Builds the spec of a child to start, from the supervisor's extra arguments.
pub(super) type SpecBuilder =
    Box<dyn FnOnce(Option<&Arc<dyn Any + Send + Sync>>) -> Option<ChildSpec> + Send>;

pub(crate) struct DynamicServer {
    intensity: Intensity,
    max_children: Option<usize>,
    extra_arguments: Option<Arc<dyn Any + Send + Sync>>,
    /// Each child under its pid; a restarting child under the pid it had (OTP keeps it as
    /// `{restarting, OldPid}`), so `terminate_child` with that pid finds it.
    children: HashMap<Pid, DynamicChild>,
}

struct DynamicChild {
    spec: ChildSpec,
    /// Its restart failed and is tried again: the pid it is kept under has exited.
    restarting: bool,
    /// How many times it was started again after its first start, and when last.
    restarts: u32,
    last_restart: Option<SystemTime>,
}

#[genserver]
impl DynamicServer {
    #[init]
    fn init(options: DynamicSupervisorOptions, ctx: &mut Context<Self>) -> Self {
        ctx.trap_exit(true);
        DynamicServer {
            intensity: Intensity::new(options.max_restarts, options.max_seconds),
            max_children: options.max_children,
            extra_arguments: options.extra_arguments,
            children: HashMap::new(),
        }
    }

    /// Starts a child, unless there are `max_children` already, restarting ones included.
    #[handle_call]
    async fn start_child(&mut self, build: SpecBuilder) -> Result<Pid, StartChildError> {
        if self
            .max_children
            .is_some_and(|max| self.children.len() >= max)
        {
            return Err(StartChildError::MaxChildren);
        }
        let spec = build(self.extra_arguments.as_ref()).ok_or(StartChildError::ExtraArguments)?;
        match spec.start_child().await {
            Ok(pid) => {
                self.children.insert(
                    pid.clone(),
                    DynamicChild {
                        spec,
                        restarting: false,
                        restarts: 0,
                        last_restart: None,
                    },
                );
                Ok(pid)
            }
            Err(StartError::Ignored) => Err(StartChildError::Ignored),
            Err(StartError::Init(reason)) => Err(StartChildError::Init(reason)),
            Err(StartError::AlreadyStarted(pid)) => Err(StartChildError::AlreadyStarted(pid)),
            Err(StartError::Timeout) => Err(StartChildError::Timeout),
        }
    }

    /// Stops the child `pid` and forgets it; a restarting child (`pid` being the one it had)
    /// is forgotten, which ends its retries.
    #[handle_call]
    async fn terminate_child(&mut self, pid: Pid) -> bool {
        let Some(child) = self.children.remove(&pid) else {
            return false;
        };
        if !child.restarting {
            shut_down(&pid, child.spec.shutdown).await;
        }
        true
    }

    #[handle_call]
    fn which_children(&mut self) -> Vec<ChildInfo> {
        self.children
            .iter()
            .map(|(pid, child)| ChildInfo {
                id: None,
                state: if child.restarting {
                    ChildState::Restarting
                } else {
                    ChildState::Running(pid.clone())
                },
                child_type: child.spec.kind,
            })
            .collect()
    }

    /// The children as the supervision tree shows them, in no particular order.
    #[handle_call]
    fn tree_children(&mut self) -> Vec<SupervisedChild> {
        self.children
            .iter()
            .map(|(pid, child)| SupervisedChild {
                id: None,
                pid: (!child.restarting).then(|| pid.clone()),
                state: if child.restarting {
                    SupervisedState::Restarting
                } else {
                    SupervisedState::Running
                },
                child_type: child.spec.kind,
                restart: child.spec.restart,
                restarts: child.restarts,
                last_restart: child.last_restart,
                subtree: None,
            })
            .collect()
    }

    /// Every child in `specs`, those with a process in `active` (not a restarting one).
    #[handle_call]
    fn count_children(&mut self) -> ChildCounts {
        let mut counts = ChildCounts {
            specs: self.children.len(),
            ..ChildCounts::default()
        };
        for child in self.children.values() {
            if !child.restarting {
                counts.active += 1;
            }
            match child.spec.kind {
                ChildType::Supervisor => counts.supervisors += 1,
                ChildType::Worker => counts.workers += 1,
            }
        }
        counts
    }

    /// A child exited: restart it as its restart type says.
    #[handle_info]
    async fn child_exited(&mut self, exit: Exit, ctx: &mut Context<Self>) {
        // Not a child (one it stopped itself), or one whose exit was handled already.
        let Some(child) = self
            .children
            .get(&exit.from)
            .filter(|child| !child.restarting)
        else {
            return;
        };
        let restarts = child.spec.restart.restarts_after(&exit.reason);
        if !restarts {
            self.children.remove(&exit.from);
            return;
        }
        if !self.intensity.allow_restart() {
            error!(supervisor = %ctx.pid(), reason = %exit.reason, "restart intensity reached; stopping all children");
            self.children.remove(&exit.from);
            ctx.stop(ExitReason::Shutdown);
            return;
        }
        self.restart(exit.from, ctx).await;
    }

    /// A child whose restart failed (OTP's `try_again_restart`): unless it was terminated
    /// since, try again, counting toward the intensity.
    #[handle_info]
    async fn retry(&mut self, retry: RetryRestart, ctx: &mut Context<Self>) {
        // Let callers queue their requests first: they are answered before the next try (a
        // start that fails at once never waits, and a tokio task is not preempted).
        tokio::task::yield_now().await;
        if !self
            .children
            .get(&retry.0)
            .is_some_and(|child| child.restarting)
        {
            return;
        }
        if !self.intensity.allow_restart() {
            error!(supervisor = %ctx.pid(), "restart intensity reached; stopping all children");
            ctx.stop(ExitReason::Shutdown);
            return;
        }
        self.restart(retry.0, ctx).await;
    }

    /// Stops every running child at once, each within its shutdown, and waits for all.
    #[terminate]
    async fn terminate(&mut self, _reason: &ExitReason) {
        let children = std::mem::take(&mut self.children);
        shut_down_all(
            children
                .iter()
                .filter(|(_, child)| !child.restarting)
                .map(|(pid, child)| (pid, child.spec.shutdown)),
        )
        .await;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        warn!(?msg, "dynamic supervisor received an unexpected message");
    }
}

/// A child whose restart failed, by the pid it is kept under, to try again through the
/// mailbox, as OTP does.
struct RetryRestart(Pid);

impl DynamicServer {
    /// Starts again the child kept under `old`, which has exited: under its new pid if it
    /// starts; forgotten if its init returns ignore; else kept under `old` as restarting, with
    /// a retry queued behind the requests already in the mailbox.
    async fn restart(&mut self, old: Pid, ctx: &mut Context<Self>) {
        let Some(child) = self.children.get(&old) else {
            return;
        };
        match child.spec.start_child().await {
            Ok(pid) => {
                if let Some(mut child) = self.children.remove(&old) {
                    child.restarting = false;
                    child.restarts = child.restarts.saturating_add(1);
                    child.last_restart = Some(SystemTime::now());
                    self.children.insert(pid, child);
                }
            }
            Err(StartError::Ignored) => {
                self.children.remove(&old);
            }
            Err(failure) => {
                error!(supervisor = %ctx.pid(), error = %failure, "child failed to restart; trying again");
                if let Some(child) = self.children.get_mut(&old) {
                    child.restarting = true;
                }
                ctx.pid().send(RetryRestart(old));
            }
        }
    }
}
