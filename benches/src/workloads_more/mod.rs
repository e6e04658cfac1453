//! Workloads E to J: the parts of otp-core around the GenServer (supervisor,
//! registry, table, PubSub, `async_stream`), each against what a tokio user would write by hand
//! for the same job. They are not counter workloads, so each is a pair of functions (ours and
//! the hand-written one) rather than one generic over [`Counter`](crate::Counter); only
//! [`Impl::Ours`] and [`Impl::HandWritten`] have figures for them.
//!
//! | metric | workload | ours | by hand |
//! | --- | --- | --- | --- |
//! | `restart_us` | E: crash until a call to the registered name succeeds again | `Supervisor`, one_for_one | a task respawning the actor, its sender in a `watch` |
//! | `registry_mps` | F: lookups of random keys from 2 tasks | `Registry` (unique) | `RwLock<HashMap<u64, UnboundedSender>>` |
//! | `table_mps` | G: reads of random keys from 2 tasks | `Table` (set, protected) | `RwLock<HashMap<u64, u64>>` |
//! | `pubsub_us` | H: one broadcast until every subscriber handled it | `PubSub`, a server per subscriber | `tokio::sync::broadcast`, a task per receiver |
//! | `stream_ips` | I: trivial async items, ≤ 10 in flight | `TaskSupervisorRef::async_stream` | a `JoinSet` loop |
//! | `children_us` | J: start N children one by one, then stop them all | `DynamicSupervisor` | N actor tasks in a `Vec` |

mod broadcast;
mod children;
mod lookups;
mod restart;
mod stream;

use std::time::Duration;

use crate::impls::Impl;
use crate::report::median;
use crate::runtime::run_on_worker;

/// The sizes of workloads E to J; [`MoreSizes::QUICK`] repeats each a tenth as often (or less)
/// on the same populations, for smoke runs.
///
/// ```
/// use otp_benches::workloads_more::MoreSizes;
///
/// assert_eq!(MoreSizes::FULL.keys, MoreSizes::QUICK.keys);
/// assert!(MoreSizes::QUICK.restarts < MoreSizes::FULL.restarts);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct MoreSizes {
    /// E: restarts measured, after a tenth as many to warm up.
    pub restarts: usize,
    /// F and G: keys in the registry and in the table.
    pub keys: u64,
    /// F: lookups made by each of the 2 tasks.
    pub registry_lookups: u64,
    /// G: reads made by each of the 2 tasks.
    pub table_reads: u64,
    /// H: subscribers.
    pub subscribers: usize,
    /// H: broadcasts measured, after one to warm up.
    pub broadcasts: usize,
    /// I: items of one pass.
    pub items: u64,
    /// I: passes measured, after one to warm up.
    pub passes: usize,
    /// J: children started and stopped.
    pub children: usize,
}

impl MoreSizes {
    /// The sizes the table labels name: 1,000 restarts; 10,000 keys, 2 × 2,000,000 registry
    /// lookups and 2 × 10,000,000 table reads; 10,000 subscribers, 21 broadcasts; 10,000 items,
    /// 21 passes; 16,000 children. Each workload of each implementation takes under 1 s on the 2-core machine.
    pub const FULL: MoreSizes = MoreSizes {
        restarts: 1_000,
        keys: 10_000,
        registry_lookups: 2_000_000,
        table_reads: 10_000_000,
        subscribers: 10_000,
        broadcasts: 21,
        items: 10_000,
        passes: 21,
        children: 16_000,
    };

    /// The same populations, measured about a tenth as often.
    pub const QUICK: MoreSizes = MoreSizes {
        restarts: 100,
        keys: 10_000,
        registry_lookups: 200_000,
        table_reads: 1_000_000,
        subscribers: 10_000,
        broadcasts: 3,
        items: 10_000,
        passes: 3,
        children: 16_000,
    };
}

/// The metric keys of workloads E to J, in the order the suite runs them.
pub const KEYS: &[&str] = &[
    "restart_us",
    "registry_mps",
    "table_mps",
    "pubsub_us",
    "stream_ips",
    "children_us",
];

/// The implementations these workloads have: the hand-written reference, then ours.
pub const IMPLEMENTATIONS: &[Impl] = &[Impl::HandWritten, Impl::Ours];

/// Runs workload `metric` (one of [`KEYS`]) of `implementation` on a fresh
/// [`runtime`](crate::runtime::runtime) and returns its figure; `None` when `metric` is not one
/// of these workloads or `implementation` is not in [`IMPLEMENTATIONS`].
///
/// ```
/// use otp_benches::impls::Impl;
/// use otp_benches::workloads_more::{self, MoreSizes};
///
/// let tiny = MoreSizes {
///     restarts: 3,
///     keys: 100,
///     registry_lookups: 1_000,
///     table_reads: 1_000,
///     subscribers: 50,
///     broadcasts: 1,
///     items: 100,
///     passes: 1,
///     children: 20,
/// };
/// for metric in workloads_more::KEYS {
///     for &implementation in workloads_more::IMPLEMENTATIONS {
///         let figure = workloads_more::measure(metric, implementation, &tiny);
///         assert!(figure.is_some_and(|value| value > 0.0), "{metric} {implementation:?}");
///     }
/// }
/// assert_eq!(workloads_more::measure("call_ns", Impl::Ours, &tiny), None);
/// assert_eq!(workloads_more::measure("table_mps", Impl::OursNoTimer, &tiny), None);
/// ```
#[must_use]
pub fn measure(metric: &str, implementation: Impl, sizes: &MoreSizes) -> Option<f64> {
    let ours = match implementation {
        Impl::Ours => true,
        Impl::HandWritten => false,
        _ => return None,
    };
    let value = match (metric, ours) {
        ("restart_us", true) => run_on_worker(restart::ours(sizes.restarts)),
        ("restart_us", false) => run_on_worker(restart::hand_written(sizes.restarts)),
        ("registry_mps", true) => {
            run_on_worker(lookups::registry_ours(sizes.keys, sizes.registry_lookups))
        }
        ("registry_mps", false) => run_on_worker(lookups::registry_hand_written(
            sizes.keys,
            sizes.registry_lookups,
        )),
        ("table_mps", true) => run_on_worker(lookups::table_ours(sizes.keys, sizes.table_reads)),
        ("table_mps", false) => {
            run_on_worker(lookups::table_hand_written(sizes.keys, sizes.table_reads))
        }
        ("pubsub_us", true) => run_on_worker(broadcast::ours(sizes.subscribers, sizes.broadcasts)),
        ("pubsub_us", false) => {
            run_on_worker(broadcast::hand_written(sizes.subscribers, sizes.broadcasts))
        }
        ("stream_ips", true) => run_on_worker(stream::ours(sizes.items, sizes.passes)),
        ("stream_ips", false) => run_on_worker(stream::hand_written(sizes.items, sizes.passes)),
        ("children_us", true) => run_on_worker(children::ours(sizes.children)),
        ("children_us", false) => run_on_worker(children::hand_written(sizes.children)),
        _ => return None,
    };
    Some(value)
}

/// The median of `times`, in µs.
fn median_micros(times: &[Duration]) -> f64 {
    let micros: Vec<f64> = times.iter().map(|time| time.as_secs_f64() * 1e6).collect();
    median(&micros)
}

#[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
fn per_second(operations: u64, elapsed: Duration) -> f64 {
    operations as f64 / elapsed.as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::METRICS;

    #[test]
    fn every_workload_has_a_metric_in_the_report() {
        for key in KEYS {
            assert!(
                METRICS.iter().any(|metric| metric.key == *key),
                "{key} is missing from report::METRICS"
            );
        }
    }

    /// `n` as the labels write it: 10,000.
    fn with_commas(n: u64) -> String {
        let digits = n.to_string();
        let mut groups = Vec::new();
        let mut end = digits.len();
        while end > 3 {
            groups.push(&digits[end - 3..end]);
            end -= 3;
        }
        groups.push(&digits[..end]);
        groups.reverse();
        groups.join(",")
    }

    #[test]
    fn the_labels_state_the_full_sizes() {
        let full = MoreSizes::FULL;
        let expected = [
            ("restart_us", vec![full.restarts as u64]),
            ("registry_mps", vec![full.keys, full.registry_lookups]),
            ("table_mps", vec![full.keys, full.table_reads]),
            (
                "pubsub_us",
                vec![full.subscribers as u64, full.broadcasts as u64],
            ),
            ("stream_ips", vec![full.items, full.passes as u64]),
            ("children_us", vec![full.children as u64]),
        ];
        for (key, sizes) in expected {
            let label = METRICS.iter().find(|m| m.key == key).expect(key).label;
            for size in sizes {
                assert!(label.contains(&with_commas(size)), "{label} lacks {size}");
            }
        }
    }

    #[test]
    fn other_implementations_and_metrics_have_no_figure() {
        let sizes = MoreSizes::QUICK;
        assert_eq!(measure("restart_us", Impl::HandWrittenSpan, &sizes), None);
        assert_eq!(measure("fanout_mps", Impl::HandWritten, &sizes), None);
    }
}
