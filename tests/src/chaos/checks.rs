//! The checks of a chaos run: every level at full strength, and every restart by OTP's rules.

use std::collections::HashSet;
use std::sync::Arc;

use otp_core::prelude::*;
use otp_core::{DynamicSupervisorRef, Strategy, SupervisorError, SupervisorRef};

use super::lock;
use super::state::{Chaos, is_expected, is_injected};
use super::tree::{Group, Layout};
use super::worker::Worker;

/// Restarts counted from the incarnations, and the crashes behind them.
#[derive(Default, Debug)]
pub struct Restarts {
    pub workers: u64,
    pub dynamic: u64,
    pub supervisors: u64,
    /// Deaths of workers with an injected reason under the final supervisors.
    pub crashes: u64,
    /// Restarted sub-supervisors whose start failed on a child of their killed predecessor.
    pub start_races: u64,
}

/// Whether `reason` is the start failure of a sub-supervisor restarted after a kill, on a
/// named child whose previous incarnation, under the killed supervisor, still held its name:
/// `failed_to_start_child` with `already_started` of a process that then died of the kill.
async fn start_race(chaos: &Chaos, reason: &ExitReason) -> bool {
    let ExitReason::Error(error) = reason else {
        return false;
    };
    let Some(SupervisorError::FailedToStartChild { id, reason }) =
        error.downcast_ref::<SupervisorError>()
    else {
        return false;
    };
    let ExitReason::Error(error) = reason else {
        return false;
    };
    let Some(StartError::AlreadyStarted(holder)) = error.downcast_ref::<StartError>() else {
        return false;
    };
    let history = chaos.incarnations_of(id);
    let Some(held) = history.iter().find(|i| i.id == holder.id()) else {
        return false;
    };
    let Some(supervisor) = held.supervisor.and_then(|sup| chaos.supervisor(sup)) else {
        return false;
    };
    held.fate().await == Some(ExitReason::Killed)
        && supervisor.wait_exit().await == ExitReason::Killed
}

/// Whether every level is at full strength: the root's four children, each sub-supervisor's
/// workers, the dynamic children that should run.
pub async fn full_strength(
    chaos: &Chaos,
    layout: &Layout,
    root: &SupervisorRef,
) -> Result<(), String> {
    let counts = root
        .count_children()
        .await
        .map_err(|e| format!("root: {e}"))?;
    if (counts.specs, counts.active) != (4, 4) {
        return Err(format!("root: {counts:?}"));
    }
    for group in &layout.groups {
        let name = layout.supervisor_name(group);
        let sup = SupervisorRef::whereis(&name).ok_or(format!("{name} not registered"))?;
        let counts = sup
            .count_children()
            .await
            .map_err(|e| format!("{name}: {e}"))?;
        if counts.specs != group.workers.len() || counts.active != counts.specs {
            return Err(format!("{name}: {counts:?}"));
        }
        for id in &group.workers {
            if Worker::whereis(id).is_none() {
                return Err(format!("{id} not registered"));
            }
        }
    }
    let dynamic = DynamicSupervisorRef::whereis(&layout.dynamic_name()).ok_or("dyn missing")?;
    let counts = dynamic
        .count_children()
        .await
        .map_err(|e| format!("dyn: {e}"))?;
    if counts.active != counts.specs {
        return Err(format!("dyn: {counts:?}"));
    }
    let running: HashSet<u64> = dynamic
        .which_children()
        .await
        .map_err(|e| format!("dyn: {e}"))?
        .into_iter()
        .filter_map(|child| child.pid().map(Pid::id))
        .collect();
    let expected = expected_dynamic_children(chaos, &dynamic.pid()).await?;
    if running != expected {
        return Err(format!(
            "dyn runs {} children, {} expected",
            running.len(),
            expected.len()
        ));
    }
    Ok(())
}

/// The dynamic children that should be running under `current`, checking each id's history:
/// every restart follows a death its restart type restarts after; the last incarnation is alive
/// unless its death is one its type does not restart after, or it was terminated on purpose.
async fn expected_dynamic_children(chaos: &Chaos, current: &Pid) -> Result<HashSet<u64>, String> {
    let restart_types = lock(&chaos.dynamic_restart).clone();
    let terminated = lock(&chaos.terminated).clone();
    let mut expected = HashSet::new();
    for (id, restart) in restart_types {
        let history = chaos.incarnations_of(&id);
        let Some((last, earlier)) = history.split_last() else {
            continue;
        };
        if history.iter().any(|i| i.supervisor != last.supervisor) {
            return Err(format!("{id} was restarted under another supervisor"));
        }
        for dead in earlier {
            let reason = dead.fate().await;
            let restartable = reason
                .as_ref()
                .is_some_and(|reason| restart.restarts_after(reason) && is_injected(reason));
            if !restartable || terminated.contains(&dead.id) {
                return Err(format!(
                    "{id} ({restart:?}) restarted after <0.{}> ended with {reason:?}",
                    dead.id
                ));
            }
        }
        if last.supervisor != Some(current.id()) {
            continue;
        }
        let Some(reason) = last.fate().await else {
            expected.insert(last.id);
            continue;
        };
        let left_down = terminated.contains(&last.id)
            || (is_injected(&reason) && !restart.restarts_after(&reason));
        if !left_down {
            return Err(format!("{id} ({restart:?}) not restarted after {reason}"));
        }
    }
    Ok(expected)
}

/// One worker's incarnations under the current supervisor of its group: how many, at which
/// of them (0 = the first) an injected crash ended one, how many its supervisor stopped.
struct UnderCurrent {
    pub id: Arc<str>,
    pub count: u64,
    pub crashed_at: Vec<usize>,
    pub shut_down: u64,
}

/// Checks every worker's history against its supervisor's strategy; returns the restarts.
pub async fn check_restarts(chaos: &Chaos, layout: &Layout) -> Restarts {
    let mut restarts = Restarts::default();
    for group in &layout.groups {
        let current = otp_core::whereis(&layout.supervisor_name(group))
            .expect("sub-supervisor")
            .id();
        let mut workers = Vec::new();
        for id in &group.workers {
            let history = chaos.incarnations_of(id);
            assert!(!history.is_empty(), "{id} never started");
            restarts.workers += history.len() as u64 - 1;
            let first_current = history
                .iter()
                .position(|i| i.supervisor == Some(current))
                .unwrap_or_else(|| panic!("{id} never ran under the current supervisor"));
            let (old, new) = history.split_at(first_current);
            // Under the supervisors killed before: each ended with an expected reason.
            for incarnation in old {
                let reason = incarnation.fate().await;
                assert!(
                    reason.as_ref().is_some_and(is_expected),
                    "{id}: <0.{}> under a killed supervisor ended with {reason:?}",
                    incarnation.id
                );
            }
            let (last, dead) = new.split_last().expect("at least one");
            assert!(
                new.iter().all(|i| i.supervisor == Some(current)),
                "{id}: an incarnation of an old supervisor after the current one's"
            );
            assert!(last.is_alive(), "{id}: the last incarnation is dead");
            let mut under = UnderCurrent {
                id: id.clone(),
                count: new.len() as u64,
                crashed_at: Vec::new(),
                shut_down: 0,
            };
            for (generation, incarnation) in dead.iter().enumerate() {
                let reason = incarnation.fate().await.expect("dead");
                if is_injected(&reason) {
                    under.crashed_at.push(generation);
                    restarts.crashes += 1;
                } else if reason == ExitReason::Shutdown {
                    under.shut_down += 1;
                } else {
                    panic!("{id}: <0.{}> ended with {reason}", incarnation.id);
                }
            }
            workers.push(under);
        }
        check_strategy(group, &workers);
    }
    for id in lock(&chaos.dynamic_restart).keys() {
        restarts.dynamic += (chaos.incarnations_of(id).len() as u64).saturating_sub(1);
    }
    // The supervisors seen by workers, but the current ones, died only when killed (no
    // escalation), or failed their start on a child of the one killed before them.
    let current: Vec<u64> = layout
        .groups
        .iter()
        .map(|group| layout.supervisor_name(group))
        .chain([layout.dynamic_name()])
        .map(|name| otp_core::whereis(&name).expect("registered").id())
        .collect();
    let supervisors: Vec<Pid> = lock(&chaos.supervisors).values().cloned().collect();
    for pid in supervisors {
        if current.contains(&pid.id()) {
            continue;
        }
        restarts.supervisors += 1;
        let reason = pid.wait_exit().await;
        if reason != ExitReason::Killed {
            assert!(
                start_race(chaos, &reason).await,
                "supervisor {pid} ended with {reason:?}"
            );
            restarts.start_races += 1;
        }
    }
    restarts
}

/// OTP's restart rules, per strategy, on the incarnations under the current supervisor.
fn check_strategy(group: &Group, workers: &[UnderCurrent]) {
    match group.strategy {
        Strategy::OneForOne => {
            // One restart per crash, and no sibling is ever stopped.
            for worker in workers {
                assert_eq!(worker.shut_down, 0, "{}: stopped by one_for_one", worker.id);
                assert_eq!(
                    worker.count - 1,
                    worker.crashed_at.len() as u64,
                    "{}",
                    worker.id
                );
            }
        }
        Strategy::OneForAll => {
            // Every restart restarts all together, and each follows a crash.
            let generations = workers[0].count;
            for worker in workers {
                assert_eq!(worker.count, generations, "{}: restarted alone", worker.id);
            }
            let crashed: HashSet<usize> = workers
                .iter()
                .flat_map(|worker| worker.crashed_at.iter().copied())
                .collect();
            for generation in 0..usize::try_from(generations).expect("count") - 1 {
                assert!(
                    crashed.contains(&generation),
                    "one_for_all restart {generation} followed no crash"
                );
            }
        }
        Strategy::RestForOne => {
            // A restart at worker k restarts k and those after it: never fewer restarts than
            // the workers before; more only after crashes of its own.
            let mut before = 1;
            for (index, worker) in workers.iter().enumerate() {
                let own = worker.crashed_at.len() as u64;
                assert!(
                    worker.count >= before,
                    "{}: fewer restarts than before it",
                    worker.id
                );
                assert!(
                    own >= worker.count - before,
                    "{}: restarted alone",
                    worker.id
                );
                assert!(
                    worker.shut_down < before,
                    "{}: stopped too often",
                    worker.id
                );
                if index == 0 {
                    assert_eq!(own, worker.count - 1, "{}", worker.id);
                }
                before = worker.count;
            }
        }
    }
}
