//! What a run remembers of each worker id: its incarnations, kept only until they can be
//! checked.
//!
//! A long run starts millions of processes. A record kept for each one made the heap grow by
//! about 120 bytes per process (a 5-minute run: 3 MiB resident before, 424 MiB after), all of
//! it this harness's own: with the records dropped, the runtime held nothing. So a lineage keeps
//! its incarnations only until they are settled: an incarnation is settled once the reaper has
//! seen it exit and a later one exists, which is when everything the checks ask of it is known.
//! A static worker's settled incarnations fold into the tally of their supervisor's run, which
//! is all the strategy checks need; a dynamic child's are checked against its restart type at
//! once; a dynamic child gone for good is checked and forgotten. The record then stays bounded
//! however long the run: a few incarnations per id, and the ids alive.

use std::collections::VecDeque;

use otp_core::Restart;
use otp_core::prelude::*;

use super::PANIC_PREFIX;

/// One process a worker id has been.
#[derive(Clone)]
pub struct Incarnation {
    /// The pid's number.
    pub id: u64,
    /// The process, until the reaper has seen it exit (then only its reason is kept).
    pub pid: Option<Pid>,
    /// The supervisor it was started under.
    pub supervisor: Option<Pid>,
    /// Its exit reason, once the reaper has seen it exit.
    pub reason: Option<ExitReason>,
}

impl Incarnation {
    pub fn is_alive(&self) -> bool {
        self.reason.is_none() && self.pid.as_ref().is_some_and(Pid::is_alive)
    }

    /// The number of the supervisor it was started under.
    pub fn supervisor_id(&self) -> Option<u64> {
        self.supervisor.as_ref().map(Pid::id)
    }

    /// Its exit reason, waiting for a process on its way out; `None` while it runs.
    pub async fn fate(&self) -> Option<ExitReason> {
        if let Some(reason) = &self.reason {
            return Some(reason.clone());
        }
        let pid = self.pid.as_ref()?;
        if pid.is_alive() {
            None
        } else {
            Some(pid.wait_exit().await)
        }
    }
}

/// A static worker's incarnations under one supervisor, as far as settled: what the strategy
/// checks need of them.
#[derive(Clone, Debug, Default)]
pub struct Run {
    /// The supervisor's number.
    pub supervisor: Option<u64>,
    /// How many of its incarnations are settled.
    pub settled: u64,
    /// Which of them (0 = the run's first) an injected crash ended.
    pub crashed_at: Vec<usize>,
    /// How many of them the supervisor stopped (`Shutdown`).
    pub shut_down: u64,
}

impl Run {
    /// Folds in the next dead incarnation of the worker `id`, in start order; a later
    /// supervisor starts a new run. The error says which rule it breaks: every worker ends with
    /// an injected fault or its supervisor's `Shutdown`, and once under a supervisor, never
    /// again under an earlier one.
    pub fn fold(
        &mut self,
        id: &str,
        incarnation: &Incarnation,
        reason: &ExitReason,
    ) -> Result<(), String> {
        if !is_expected(reason) {
            return Err(format!(
                "{id}: <0.{}> ended with {reason:?}",
                incarnation.id
            ));
        }
        let supervisor = incarnation.supervisor_id();
        if self.supervisor != supervisor {
            if self.supervisor > supervisor {
                return Err(format!(
                    "{id}: <0.{}> of an old supervisor after the current one's",
                    incarnation.id
                ));
            }
            *self = Run {
                supervisor,
                ..Run::default()
            };
        }
        if is_injected(reason) {
            self.crashed_at
                .push(usize::try_from(self.settled).expect("count"));
        } else {
            self.shut_down += 1;
        }
        self.settled += 1;
        Ok(())
    }
}

/// One worker id's record.
#[derive(Clone, Default)]
pub struct Lineage {
    /// A dynamic child's restart type; `None` for a static worker.
    pub restart: Option<Restart>,
    /// How many incarnations it has had, the settled ones included.
    pub started: u64,
    /// A static worker's settled incarnations, folded.
    pub run: Run,
    /// The incarnations not yet settled, in start order: the last one is always kept.
    pub recent: VecDeque<Incarnation>,
}

/// What settling found of a lineage.
pub enum Settled {
    /// Keep the lineage.
    Keep,
    /// A dynamic child gone for good, its record checked: forget it.
    Gone,
}

impl Lineage {
    /// Settles what can be: every incarnation before the last that the reaper has seen exit,
    /// stopping at one `terminating` (its `terminate_child` has not yet returned, so whether
    /// its end was on purpose is not yet known). `terminated` tells, and forgets, the pid
    /// numbers stopped on purpose. Errors go to `anomaly`.
    pub fn settle(
        &mut self,
        id: &str,
        terminating: impl Fn(u64) -> bool,
        mut terminated: impl FnMut(u64) -> bool,
        mut anomaly: impl FnMut(String),
    ) -> Settled {
        while self.recent.len() > 1 && self.recent[0].reason.is_some() {
            if terminating(self.recent[0].id) {
                return Settled::Keep;
            }
            let dead = self.recent.pop_front().expect("two incarnations");
            let on_purpose = terminated(dead.id);
            let reason = dead.reason.as_ref().expect("reaped");
            let checked = match self.restart {
                None => self.run.fold(id, &dead, reason),
                Some(restart) => check_restarted(
                    id,
                    restart,
                    &dead,
                    Some(reason),
                    &self.recent[0],
                    on_purpose,
                ),
            };
            if let Err(error) = checked {
                anomaly(error);
            }
        }
        let Some(restart) = self.restart else {
            return Settled::Keep;
        };
        let Some(last) = self.recent.back() else {
            return Settled::Keep;
        };
        let Some(reason) = &last.reason else {
            return Settled::Keep;
        };
        if terminating(last.id) {
            return Settled::Keep;
        }
        // Never to be restarted: left down as its type says, or its supervisor is gone.
        let orphan = last.supervisor.as_ref().is_none_or(|sup| !sup.is_alive());
        let on_purpose = terminated(last.id);
        if orphan || on_purpose || is_left_down(restart, reason) {
            Settled::Gone
        } else {
            Settled::Keep
        }
    }
}

/// Whether a dynamic child of type `restart` is left down after dying of `reason` (an
/// injected fault its type does not restart after).
pub fn is_left_down(restart: Restart, reason: &ExitReason) -> bool {
    is_injected(reason) && !restart.restarts_after(reason)
}

/// Checks that `dead`, a dynamic child of type `restart` that ended with `reason`, was rightly
/// restarted as `next`: under the same supervisor, after a fault its type restarts after, not
/// stopped on purpose.
pub fn check_restarted(
    id: &str,
    restart: Restart,
    dead: &Incarnation,
    reason: Option<&ExitReason>,
    next: &Incarnation,
    on_purpose: bool,
) -> Result<(), String> {
    if dead.supervisor_id() != next.supervisor_id() {
        return Err(format!("{id} was restarted under another supervisor"));
    }
    let restartable =
        reason.is_some_and(|reason| restart.restarts_after(reason) && is_injected(reason));
    if !restartable || on_purpose {
        return Err(format!(
            "{id} ({restart:?}) restarted after <0.{}> ended with {reason:?}",
            dead.id
        ));
    }
    Ok(())
}

/// A reason the fault injector gives (a panic, a kill, a stop or exit signal of its own).
pub fn is_injected(reason: &ExitReason) -> bool {
    match reason {
        ExitReason::Panic(message) => message.starts_with(PANIC_PREFIX),
        ExitReason::Killed => true,
        ExitReason::ShutdownWith(why) => why.starts_with("chaos-"),
        _ => false,
    }
}

/// A reason a worker may die of: injected, or `Shutdown` from its supervisor.
pub fn is_expected(reason: &ExitReason) -> bool {
    is_injected(reason) || *reason == ExitReason::Shutdown
}
