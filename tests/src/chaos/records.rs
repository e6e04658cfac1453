//! How a run records its workers and supervisors: each worker's init, each exit the reaper
//! sees, each start that failed on a predecessor's child, each supervisor's exit; and what the
//! load and the checks read back. Everything settled is checked and dropped at once (see
//! [`super::lineage`]), so the records stay bounded however long the run.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use otp_core::prelude::*;
use otp_core::{Restart, SupervisorError};
use tokio::sync::mpsc;

use super::lineage::{Incarnation, Lineage, Settled, is_injected};
use super::lock;
use super::state::{Birth, Chaos, bump};

impl Chaos {
    /// Called by every init: a new incarnation of `id`, which must follow a dead one. A
    /// dynamic child's lineage was opened by [`Chaos::expect_dynamic`] before its start.
    ///
    /// An init is plain code that runs to its end: a worker whose supervisor was killed while
    /// its init ran is doomed (no longer alive) when it gets here, and its successor, started by
    /// the restarted supervisor, may already have recorded its own init. In OTP the kill would
    /// have cut that init short. Such a straggler is recorded where it belongs, after the
    /// incarnations of its own supervisor and before those of later ones, and is compared only
    /// with the incarnation before it.
    pub fn record_init(&self, id: &Arc<str>, pid: &Pid, supervisor: Option<Pid>, dynamic: bool) {
        bump(&self.counters.incarnations);
        let straggler = !pid.is_alive();
        if straggler {
            bump(&self.counters.stragglers);
        }
        {
            let mut lineages = lock(&self.lineages);
            if dynamic && !lineages.contains_key(id) {
                if straggler {
                    // Its id is gone with its supervisor: nothing to check it against.
                    return;
                }
                self.anomaly(format!("{id}: {pid} starts after the id was gone for good"));
            }
            let lineage = lineages.entry(id.clone()).or_default();
            let supervisor_id = supervisor.as_ref().map(Pid::id);
            if straggler && lineage.run.supervisor > supervisor_id {
                // Its supervisor's run is already folded: a later supervisor's incarnations
                // have come and gone meanwhile.
                return;
            }
            let at = if straggler {
                (lineage.recent.iter())
                    .position(|later| later.supervisor_id() > supervisor_id)
                    .unwrap_or(lineage.recent.len())
            } else {
                lineage.recent.len()
            };
            if let Some(previous) = at.checked_sub(1).map(|before| &lineage.recent[before])
                && previous.is_alive()
            {
                bump(&self.counters.overlapping_incarnations);
                self.anomaly(format!(
                    "{id}: {pid} starts while <0.{}> lives",
                    previous.id
                ));
            }
            if lineage.started > 0 && lineage.restart.is_some() {
                bump(&self.counters.dynamic_restarts);
            }
            lineage.started += 1;
            lineage.recent.insert(
                at,
                Incarnation {
                    id: pid.id(),
                    pid: Some(pid.clone()),
                    supervisor: supervisor.clone(),
                    reason: None,
                },
            );
            self.settle(&mut lineages, id);
        }
        if let Some(supervisor) = &supervisor {
            self.watch_supervisor(supervisor);
        }
        if let Some(births) = &*lock(&self.births) {
            let _ = births.send(Birth::Worker(id.clone(), pid.clone()));
        }
    }

    /// Called by the reaper: keeps the reason, drops the pid, settles what it can.
    pub fn record_exit(&self, id: &str, pid: u64, reason: ExitReason) {
        if is_injected(&reason) {
            bump(&self.counters.crashes_landed);
        }
        let mut lineages = lock(&self.lineages);
        let Some(lineage) = lineages.get_mut(id) else {
            return;
        };
        if let Some(incarnation) = lineage.recent.iter_mut().rev().find(|i| i.id == pid) {
            incarnation.reason = Some(reason);
            incarnation.pid = None;
        }
        self.settle(&mut lineages, id);
    }

    /// Settles `id`'s lineage (see [`Lineage::settle`]), forgetting it when it is gone for good.
    fn settle(&self, lineages: &mut HashMap<Arc<str>, Lineage>, id: &str) {
        let Some(lineage) = lineages.get_mut(id) else {
            return;
        };
        let settled = lineage.settle(
            id,
            |pid| lock(&self.terminating).contains(&pid),
            |pid| lock(&self.terminated).remove(&pid),
            |anomaly| self.anomaly(anomaly),
        );
        if let Settled::Gone = settled {
            lineages.remove(id);
        }
    }

    /// Has the reaper watch `supervisor` if it is alive and not yet watched: a supervisor is
    /// checked once, when it exits.
    fn watch_supervisor(&self, supervisor: &Pid) {
        if !supervisor.is_alive() {
            return;
        }
        let births = lock(&self.births);
        let Some(births) = births.as_ref() else {
            return;
        };
        if lock(&self.supervisors).insert(supervisor.id()) {
            let _ = births.send(Birth::Supervisor(supervisor.clone()));
        }
    }

    /// Called by a worker's start that failed because `holder` held its name: the start of
    /// `failing`, a sub-supervisor restarted after its predecessor was killed, while that
    /// predecessor's child had not yet died.
    pub fn record_start_race(&self, id: &str, holder: &Pid, failing: Option<Pid>) {
        let Some(failing) = failing else {
            return;
        };
        let holder_supervisor = lock(&self.lineages).get(id).and_then(|lineage| {
            (lineage.recent.iter().rev())
                .find(|incarnation| incarnation.id == holder.id())
                .map(|incarnation| incarnation.supervisor.clone())
        });
        // An unknown holder is no race: the supervisor's exit is then an anomaly.
        if let Some(holder_supervisor) = holder_supervisor {
            lock(&self.start_races).insert(failing.id(), (holder.clone(), holder_supervisor));
        }
        self.watch_supervisor(&failing);
    }

    /// Called by the reaper when a watched supervisor exits: before the tree is stopped, a
    /// supervisor dies only when killed (intensities are set high: no escalation) or when its
    /// restart fails on a child of its killed predecessor. Its dynamic children are gone for
    /// good.
    pub async fn supervisor_exited(&self, supervisor: &Pid, reason: ExitReason) {
        lock(&self.supervisors).remove(&supervisor.id());
        let race = lock(&self.start_races).remove(&supervisor.id());
        {
            let mut lineages = lock(&self.lineages);
            let orphans: Vec<Arc<str>> = (lineages.iter())
                .filter(|(_, lineage)| {
                    lineage.recent.back().is_some_and(|last| {
                        last.supervisor_id() == Some(supervisor.id()) && last.reason.is_some()
                    })
                })
                .map(|(id, _)| id.clone())
                .collect();
            for id in orphans {
                self.settle(&mut lineages, &id);
            }
        }
        if reason == ExitReason::Killed {
            bump(&self.counters.supervisor_restarts);
            return;
        }
        if self.stopping.load(Ordering::Relaxed) && reason == ExitReason::Shutdown {
            return;
        }
        if let Some((holder, holder_supervisor)) = race
            && failed_on(&reason, &holder)
            && holder.wait_exit().await == ExitReason::Killed
            && let Some(holder_supervisor) = holder_supervisor
            && holder_supervisor.wait_exit().await == ExitReason::Killed
        {
            bump(&self.counters.supervisor_restarts);
            bump(&self.counters.start_races);
            return;
        }
        self.anomaly(format!("supervisor {supervisor} ended with {reason:?}"));
    }

    /// Opens the lineage of a dynamic child about to be started.
    pub fn expect_dynamic(&self, id: &Arc<str>, restart: Restart) {
        lock(&self.lineages).insert(
            id.clone(),
            Lineage {
                restart: Some(restart),
                ..Lineage::default()
            },
        );
    }

    /// Forgets a dynamic child whose start failed.
    pub fn forget(&self, id: &str) {
        lock(&self.lineages).remove(id);
    }

    /// Called before `terminate_child` stops the dynamic child `pid`.
    pub fn terminating(&self, pid: u64) {
        lock(&self.terminating).insert(pid);
    }

    /// Called when `terminate_child` of `id`'s incarnation `pid` has returned: `stopped` when it
    /// stopped it (on purpose: its supervisor will not restart it).
    pub fn terminated(&self, id: &str, pid: u64, stopped: bool) {
        let mut lineages = lock(&self.lineages);
        if stopped {
            lock(&self.terminated).insert(pid);
        }
        lock(&self.terminating).remove(&pid);
        self.settle(&mut lineages, id);
    }

    /// How many incarnations `id` has had.
    pub fn started(&self, id: &str) -> u64 {
        lock(&self.lineages)
            .get(id)
            .map_or(0, |lineage| lineage.started)
    }

    /// `id`'s record, while it is kept.
    pub fn lineage(&self, id: &str) -> Option<Lineage> {
        lock(&self.lineages).get(id).cloned()
    }

    /// `id`'s last incarnation, while it is kept.
    pub fn last(&self, id: &str) -> Option<Incarnation> {
        lock(&self.lineages)
            .get(id)
            .and_then(|lineage| lineage.recent.back())
            .cloned()
    }

    /// The live process of `id`'s last incarnation.
    pub fn live_pid(&self, id: &str) -> Option<Pid> {
        self.last(id)
            .filter(Incarnation::is_alive)
            .and_then(|incarnation| incarnation.pid)
    }

    /// The dynamic children's records: id, restart type, incarnations not yet settled.
    pub fn dynamic_lineages(&self) -> Vec<(Arc<str>, Restart, Vec<Incarnation>)> {
        lock(&self.lineages)
            .iter()
            .filter_map(|(id, lineage)| {
                let restart = lineage.restart?;
                Some((
                    id.clone(),
                    restart,
                    lineage.recent.iter().cloned().collect(),
                ))
            })
            .collect()
    }

    /// Every incarnation still kept.
    pub fn kept_incarnations(&self) -> Vec<Incarnation> {
        lock(&self.lineages)
            .values()
            .flat_map(|lineage| lineage.recent.iter().cloned())
            .collect()
    }
}

/// Whether `reason` is the start failure of a sub-supervisor on a named child that `holder`
/// held: `failed_to_start_child` with `already_started`.
fn failed_on(reason: &ExitReason, holder: &Pid) -> bool {
    let ExitReason::Error(error) = reason else {
        return false;
    };
    let Some(SupervisorError::FailedToStartChild { reason, .. }) =
        error.downcast_ref::<SupervisorError>()
    else {
        return false;
    };
    let ExitReason::Error(error) = reason else {
        return false;
    };
    matches!(
        error.downcast_ref::<StartError>(),
        Some(StartError::AlreadyStarted(held)) if held == holder
    )
}

type Exiting = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Watches every incarnation and every supervisor workers were started under, and records each
/// exit, so that the records hold no dead process: ends when the births channel closes and
/// every watched process has exited.
pub async fn reaper(chaos: Arc<Chaos>, mut births: mpsc::UnboundedReceiver<Birth>) {
    let mut exiting: FuturesUnordered<Exiting> = FuturesUnordered::new();
    let mut open = true;
    while open || !exiting.is_empty() {
        tokio::select! {
            birth = births.recv(), if open => {
                let chaos = chaos.clone();
                match birth {
                    Some(Birth::Worker(id, pid)) => exiting.push(Box::pin(async move {
                        let reason = pid.wait_exit().await;
                        chaos.record_exit(&id, pid.id(), reason);
                    })),
                    Some(Birth::Supervisor(pid)) => exiting.push(Box::pin(async move {
                        let reason = pid.wait_exit().await;
                        chaos.supervisor_exited(&pid, reason).await;
                    })),
                    None => open = false,
                }
            }
            Some(()) = exiting.next(), if !exiting.is_empty() => {}
        }
    }
}
