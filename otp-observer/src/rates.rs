//! Messages per second, from two successive snapshots of each process's handled count.

use std::collections::HashMap;
use std::time::Instant;

use otp_core::observe::ProcessInfo;

/// The handled counts of the last snapshot, to turn the next into rates.
#[derive(Debug, Default)]
pub(crate) struct RateMeter {
    last: Option<(Instant, HashMap<u64, u64>)>,
}

impl RateMeter {
    /// Each process's messages per second since the last call, by pid id; 0 for a process new
    /// since then, and for every process at the first call.
    pub(crate) fn rates(&mut self, now: Instant, snapshot: &[ProcessInfo]) -> HashMap<u64, f64> {
        let counts: HashMap<u64, u64> = snapshot
            .iter()
            .map(|info| (info.pid.id(), info.messages_handled))
            .collect();
        let rates = match &self.last {
            Some((then, last)) => {
                let seconds = now.saturating_duration_since(*then).as_secs_f64();
                counts
                    .iter()
                    .map(|(&id, &count)| {
                        let before = last.get(&id).copied().unwrap_or(count);
                        // Counts are published in runs, so a rate is an average since the
                        // last snapshot; u64 counts fit f64 well past any real count.
                        #[allow(clippy::cast_precision_loss)]
                        let rate = if seconds > 0.0 {
                            count.saturating_sub(before) as f64 / seconds
                        } else {
                            0.0
                        };
                        (id, rate)
                    })
                    .collect()
            }
            None => counts.keys().map(|&id| (id, 0.0)).collect(),
        };
        self.last = Some((now, counts));
        rates
    }
}
