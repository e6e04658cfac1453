//! The checks of a chaos run: every level at full strength, and every restart by OTP's rules.

use std::collections::HashSet;
use std::sync::Arc;

use otp_core::prelude::*;
use otp_core::{DynamicSupervisorRef, Strategy, SupervisorRef};

use super::lineage::{Run, check_restarted, is_left_down};
use super::lock;
use super::state::{Chaos, read};
use super::tree::{Group, Layout};
use super::worker::Worker;

/// Restarts counted from the records, and the crashes behind them.
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

/// The dynamic children that should be running under `current`, checking each id's record
/// (what is not yet settled; the rest was checked as it settled): every restart follows a
/// death its restart type restarts after; the last incarnation is alive unless its death is
/// one its type does not restart after, or it was terminated on purpose.
async fn expected_dynamic_children(chaos: &Chaos, current: &Pid) -> Result<HashSet<u64>, String> {
    let terminated = lock(&chaos.terminated).clone();
    let mut expected = HashSet::new();
    for (id, restart, history) in chaos.dynamic_lineages() {
        let Some((last, earlier)) = history.split_last() else {
            continue;
        };
        for (dead, next) in earlier.iter().zip(&history[1..]) {
            let reason = dead.fate().await;
            let on_purpose = terminated.contains(&dead.id);
            check_restarted(&id, restart, dead, reason.as_ref(), next, on_purpose)?;
        }
        if last.supervisor_id() != Some(current.id()) {
            continue;
        }
        let Some(reason) = last.fate().await else {
            expected.insert(last.id);
            continue;
        };
        if !terminated.contains(&last.id) && !is_left_down(restart, &reason) {
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

/// Checks every worker's record against its supervisor's strategy; returns the restarts. The
/// supervisors were checked as they died (see `Chaos::supervisor_exited`).
pub async fn check_restarts(chaos: &Chaos, layout: &Layout) -> Restarts {
    let mut restarts = Restarts::default();
    for group in &layout.groups {
        let current = otp_core::whereis(&layout.supervisor_name(group))
            .expect("sub-supervisor")
            .id();
        let mut workers = Vec::new();
        for id in &group.workers {
            let lineage = chaos
                .lineage(id)
                .unwrap_or_else(|| panic!("{id} never started"));
            restarts.workers += lineage.started - 1;
            let history: Vec<_> = lineage.recent.into_iter().collect();
            let (last, dead) = history.split_last().expect("the last is kept");
            // The settled incarnations are folded into `run`; fold the others the same way.
            let mut run = lineage.run;
            for incarnation in dead {
                let reason = incarnation.fate().await.expect("dead");
                run.fold(id, incarnation, &reason)
                    .unwrap_or_else(|error| panic!("{error}"));
            }
            assert!(last.is_alive(), "{id}: the last incarnation is dead");
            assert_eq!(
                last.supervisor_id(),
                Some(current),
                "{id}: the last incarnation is not under the current supervisor"
            );
            assert!(
                run.supervisor <= Some(current),
                "{id}: an incarnation of a later supervisor than the current one"
            );
            if run.supervisor != Some(current) {
                // Every earlier incarnation was under supervisors killed before.
                run = Run::default();
            }
            restarts.crashes += run.crashed_at.len() as u64;
            workers.push(UnderCurrent {
                id: id.clone(),
                count: run.settled + 1,
                crashed_at: run.crashed_at,
                shut_down: run.shut_down,
            });
        }
        check_strategy(group, &workers);
    }
    restarts.dynamic = read(&chaos.counters.dynamic_restarts);
    restarts.supervisors = read(&chaos.counters.supervisor_restarts);
    restarts.start_races = read(&chaos.counters.start_races);
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
