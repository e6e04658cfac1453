//! One overview: the process table with rates, the supervision trees, the deadlock cycles and
//! the jobs, taken together.

use std::collections::HashSet;
use std::time::{Instant, SystemTime};

use otp_core::observe;

use crate::model::{Overview, ProcessRow, epoch_millis};
use crate::rates::RateMeter;
use crate::router::Shared;

/// Takes an overview now; `meter` holds the counts of the last one, for the rates.
pub(crate) async fn take(shared: &Shared, meter: &mut RateMeter) -> Overview {
    let snapshot = observe::snapshot();
    let cycles = observe::deadlocks();
    let deadlocked: HashSet<u64> = cycles.iter().flatten().map(otp_core::Pid::id).collect();
    let rates = meter.rates(Instant::now(), &snapshot);
    let mut processes: Vec<ProcessRow> = snapshot
        .iter()
        .map(|info| {
            let rate = rates.get(&info.pid.id()).copied().unwrap_or_default();
            ProcessRow::new(info, rate, &deadlocked)
        })
        .collect();
    processes.sort_by_key(|row| row.id);
    let trees = crate::system::supervision_trees(&snapshot, &deadlocked).await;
    Overview {
        at: epoch_millis(SystemTime::now()),
        process_count: processes.len(),
        read_only: shared.config.is_read_only(),
        show_state: shared.config.shows_state(),
        processes,
        trees,
        deadlocks: cycles
            .iter()
            .map(|cycle| cycle.iter().map(ToString::to_string).collect())
            .collect(),
        jobs: crate::jobs::view(shared).await,
    }
}
