//! Raw figures and the markdown table made from several runs.
//!
//! The `suite` binary prints one line per figure, `metric<TAB>implementation<TAB>value`; a file
//! holds one run. [`table`] reads the runs and writes one row per metric: each implementation's
//! median of the runs (with their spread for the hand-written actor and otp-core), and
//! otp-core's median of the per-run ratios to the hand-written actor (a ratio taken inside one
//! run cancels most of the machine's noise); then the goals of `BENCHMARKS.md`, met or not.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What a metric measures and how to show it.
#[derive(Clone, Copy, Debug)]
pub struct Metric {
    /// The key in the raw figures.
    pub key: &'static str,
    /// The workload, as the table names it.
    pub label: &'static str,
    /// The unit of the shown value.
    pub unit: &'static str,
    /// The raw value is divided by this to show it.
    pub scale: f64,
    /// Whether a larger value is better (throughput) or worse (time, bytes).
    pub higher_is_better: bool,
}

/// The metrics, in table order.
pub const METRICS: &[Metric] = &[
    Metric {
        key: "call_ns",
        label: "A: call round trip",
        unit: "ns/call",
        scale: 1.0,
        higher_is_better: false,
    },
    Metric {
        key: "call_timer_ns",
        label: "A: call round trip beside a task sleeping 1 ms in a loop",
        unit: "ns/call",
        scale: 1.0,
        higher_is_better: false,
    },
    Metric {
        key: "hops_pct",
        label: "A: calls whose handler ran on the other worker",
        unit: "%",
        scale: 1.0,
        higher_is_better: false,
    },
    Metric {
        key: "cast1_mps",
        label: "B: casts, 1 producer",
        unit: "M msg/s",
        scale: 1e6,
        higher_is_better: true,
    },
    Metric {
        key: "cast2_mps",
        label: "B: casts, 2 producers",
        unit: "M msg/s",
        scale: 1e6,
        higher_is_better: true,
    },
    Metric {
        key: "spawn_us",
        label: "C: spawn until init has run",
        unit: "µs/server",
        scale: 1.0,
        higher_is_better: false,
    },
    Metric {
        key: "rss_bytes",
        label: "C: memory per idle server, RSS",
        unit: "bytes",
        scale: 1.0,
        higher_is_better: false,
    },
    Metric {
        key: "rss_burst_bytes",
        label: "C: memory of an idle server after a drained 100,000-message burst, RSS",
        unit: "bytes",
        scale: 1.0,
        higher_is_better: false,
    },
    Metric {
        key: "stop_us",
        label: "C: stop and wait for exit",
        unit: "µs/server",
        scale: 1.0,
        higher_is_better: false,
    },
    Metric {
        key: "fanout_mps",
        label: "D: fan-out, 1,000 servers × 1,000 casts",
        unit: "M msg/s",
        scale: 1e6,
        higher_is_better: true,
    },
    Metric {
        key: "restart_us",
        label: "E: supervisor restart, crash until a call to the name succeeds (median of 1,000)",
        unit: "µs/restart",
        scale: 1.0,
        higher_is_better: false,
    },
    Metric {
        key: "registry_mps",
        label: "F: registry lookups, 10,000 keys, 2 tasks × 2,000,000",
        unit: "M lookups/s",
        scale: 1e6,
        higher_is_better: true,
    },
    Metric {
        key: "table_mps",
        label: "G: table reads, 10,000 keys, 2 tasks × 10,000,000",
        unit: "M reads/s",
        scale: 1e6,
        higher_is_better: true,
    },
    Metric {
        key: "pubsub_us",
        label: "H: broadcast until 10,000 subscribers handled it (median of 21)",
        unit: "µs/broadcast",
        scale: 1.0,
        higher_is_better: false,
    },
    Metric {
        key: "stream_ips",
        label: "I: 10,000 trivial async items, ≤ 10 in flight (median of 21 passes)",
        unit: "k items/s",
        scale: 1e3,
        higher_is_better: true,
    },
    Metric {
        key: "children_us",
        label: "J: 16,000 children started one by one, then all stopped",
        unit: "µs/child",
        scale: 1.0,
        higher_is_better: false,
    },
    Metric {
        key: "cast16_w8_mps",
        label: "K: casts from 16 threads into one server, runtime of 8 workers",
        unit: "M msg/s",
        scale: 1e6,
        higher_is_better: true,
    },
    Metric {
        key: "cast16_w2_mps",
        label: "K: casts from 16 threads into one server, runtime of 2 workers",
        unit: "M msg/s",
        scale: 1e6,
        higher_is_better: true,
    },
    Metric {
        key: "call16_w8_kps",
        label: "L: calls from 16 threads to one server, runtime of 8 workers",
        unit: "k calls/s",
        scale: 1e3,
        higher_is_better: true,
    },
    Metric {
        key: "call16_w2_kps",
        label: "L: calls from 16 threads to one server, runtime of 2 workers",
        unit: "k calls/s",
        scale: 1e3,
        higher_is_better: true,
    },
];

/// The reference implementation every ratio divides by.
const REFERENCE: &str = "hand-written";

/// One run's figures: metric → implementation → value.
pub type Run = BTreeMap<String, BTreeMap<String, f64>>;

/// Parses the raw lines of one run; lines that are not figures are skipped.
#[must_use]
pub fn parse_run(text: &str) -> Run {
    let mut run = Run::new();
    for line in text.lines() {
        let mut fields = line.split('\t');
        let (Some(metric), Some(implementation), Some(value), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Ok(value) = value.parse::<f64>() else {
            continue;
        };
        run.entry(metric.to_owned())
            .or_default()
            .insert(implementation.to_owned(), value);
    }
    run
}

/// The median of `values` (the mean of the middle two for an even count); NaN when empty.
#[must_use]
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => f64::midpoint(sorted[n / 2 - 1], sorted[n / 2]),
    }
}

/// The figures of one metric and implementation over all runs.
struct Summary {
    median: f64,
    min: f64,
    max: f64,
    /// Median over runs of value ÷ the reference's value in the same run.
    ratio: Option<f64>,
}

fn summarize(runs: &[Run], metric: &str, implementation: &str) -> Option<Summary> {
    let values: Vec<f64> = runs
        .iter()
        .filter_map(|run| run.get(metric)?.get(implementation).copied())
        .collect();
    if values.is_empty() {
        return None;
    }
    let ratios: Vec<f64> = runs
        .iter()
        .filter_map(|run| {
            let figures = run.get(metric)?;
            let reference = *figures.get(REFERENCE)?;
            let value = *figures.get(implementation)?;
            (reference > 0.0).then(|| value / reference)
        })
        .collect();
    Some(Summary {
        median: median(&values),
        min: values.iter().copied().fold(f64::INFINITY, f64::min),
        max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        ratio: (!ratios.is_empty()).then(|| median(&ratios)),
    })
}

fn shown(value: f64, metric: &Metric) -> String {
    let value = value / metric.scale;
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// The implementations shown as columns: the reference, ours, then the peers (when a run has
/// their figures).
const COLUMNS: [&str; 5] = [REFERENCE, "otp-core", "ractor", "kameo", "actix"];

/// Variants of the reference and of ours, each shown on a row of its own under its metric, in
/// the column of the implementation it varies.
const VARIANTS: [(&str, &str, &str); 3] = [
    (
        "hand-written+timeout",
        REFERENCE,
        "the hand-written actor, each call in `tokio::time::timeout(5 s)`",
    ),
    (
        "hand-written+span",
        REFERENCE,
        "the hand-written actor, its task in a tracing span, no subscriber",
    ),
    (
        "otp-core-no-timer",
        "otp-core",
        "otp-core, `.timeout(Duration::MAX)`: no timer armed",
    ),
];

/// The markdown table of `runs` (one row per metric: the median of the runs, with their
/// min – max for the reference and ours, and ours ÷ the reference as the median of the per-run
/// ratios), then the goals.
#[must_use]
pub fn table(runs: &[Run]) -> String {
    let shown_columns: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|column| {
            [REFERENCE, "otp-core"].contains(column)
                || runs
                    .iter()
                    .flat_map(|run| run.values())
                    .any(|figures| figures.contains_key(*column))
        })
        .collect();
    let mut out = String::new();
    let mut header = format!(
        "| workload (median of {} runs) | hand-written | otp-core | ÷ hand-written |",
        runs.len()
    );
    let mut rule = "| --- | ---: | ---: | ---: |".to_owned();
    for peer in &shown_columns[2..] {
        let _ = write!(header, " {peer} |");
        rule.push_str(" ---: |");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for metric in METRICS {
        if !runs.iter().any(|run| run.contains_key(metric.key)) {
            continue;
        }
        let cell = |implementation: &str| {
            summarize(runs, metric.key, implementation).map_or_else(
                || "—".to_owned(),
                |summary| {
                    let median = shown(summary.median, metric);
                    let median = if implementation == "otp-core" {
                        format!("**{median}**")
                    } else {
                        median
                    };
                    // A peer's column shows its median only; the others their spread too.
                    if COLUMNS[2..].contains(&implementation) {
                        median
                    } else {
                        format!(
                            "{median} ({} – {})",
                            shown(summary.min, metric),
                            shown(summary.max, metric)
                        )
                    }
                },
            )
        };
        let ratio = |implementation: &str| {
            summarize(runs, metric.key, implementation)
                .and_then(|summary| summary.ratio)
                .map_or_else(|| "—".to_owned(), |ratio| format!("{ratio:.2}×"))
        };
        let mut row = format!(
            "| {} ({}) | {} | {} | {} |",
            metric.label,
            metric.unit,
            cell(REFERENCE),
            cell("otp-core"),
            ratio("otp-core")
        );
        for peer in &shown_columns[2..] {
            let _ = write!(row, " {} |", cell(peer));
        }
        let _ = writeln!(out, "{row}");
        for (variant, column, label) in VARIANTS {
            if summarize(runs, metric.key, variant).is_none() {
                continue;
            }
            let (reference, ours) = if column == REFERENCE {
                (cell(variant), String::new())
            } else {
                (String::new(), cell(variant).replace("**", ""))
            };
            let mut row = format!("| ↳ {label} | {reference} | {ours} | {} |", ratio(variant));
            for _ in &shown_columns[2..] {
                row.push_str(" |");
            }
            let _ = writeln!(out, "{row}");
        }
    }
    out.push('\n');
    out.push_str(&goals(runs));
    out
}

/// A goal on a ratio: `value` must be at most (or at least) `bound`.
struct Goal {
    what: &'static str,
    metric: &'static str,
    implementation: &'static str,
    bound: f64,
    at_most: bool,
}

const GOALS: &[Goal] = &[
    Goal {
        what: "call round trip, default 5 s timeout in force",
        metric: "call_ns",
        implementation: "otp-core",
        bound: 1.15,
        at_most: true,
    },
    Goal {
        what: "the same, every implementation beside a 1 ms timer task (the fair comparison)",
        metric: "call_timer_ns",
        implementation: "otp-core",
        bound: 1.15,
        at_most: true,
    },
    Goal {
        what: "cast throughput, 1 producer",
        metric: "cast1_mps",
        implementation: "otp-core",
        bound: 0.8,
        at_most: false,
    },
    Goal {
        what: "cast throughput, 2 producers",
        metric: "cast2_mps",
        implementation: "otp-core",
        bound: 0.8,
        at_most: false,
    },
    Goal {
        what: "spawn time",
        metric: "spawn_us",
        implementation: "otp-core",
        bound: 1.3,
        at_most: true,
    },
    Goal {
        what: "fan-out throughput",
        metric: "fanout_mps",
        implementation: "otp-core",
        bound: 0.8,
        at_most: false,
    },
    Goal {
        what: "memory per idle GenServer",
        metric: "rss_bytes",
        implementation: "otp-core",
        bound: 1.0,
        at_most: true,
    },
    Goal {
        what: "tracing span per process, no subscriber (priced on the hand-written actor; noisy)",
        metric: "call_ns",
        implementation: "hand-written+span",
        bound: 1.05,
        at_most: true,
    },
];

fn goals(runs: &[Run]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| goal (ratio to the hand-written actor) | bound | measured | verdict |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | --- |");
    for goal in GOALS {
        let Some(ratio) = summarize(runs, goal.metric, goal.implementation).and_then(|s| s.ratio)
        else {
            continue;
        };
        let met = if goal.at_most {
            ratio <= goal.bound
        } else {
            ratio >= goal.bound
        };
        let verdict = if met {
            "met".to_owned()
        } else if goal.at_most {
            format!("not met: {:.0}% over", (ratio / goal.bound - 1.0) * 100.0)
        } else {
            format!("not met: {:.0}% under", (1.0 - ratio / goal.bound) * 100.0)
        };
        let sign = if goal.at_most { "≤" } else { "≥" };
        let _ = writeln!(
            out,
            "| {} | {sign} {:.2}× | {ratio:.2}× | {verdict} |",
            goal.what, goal.bound
        );
    }
    if let Some(bytes) = summarize(runs, "rss_bytes", "otp-core").map(|s| s.median) {
        let verdict = if bytes < 1024.0 {
            "met".to_owned()
        } else {
            format!("not met: {:.0}% over", (bytes / 1024.0 - 1.0) * 100.0)
        };
        let _ = writeln!(
            out,
            "| stretch: memory per idle GenServer under 1 KB | < 1024 B | {bytes:.0} B | {verdict} |"
        );
    }
    let hops = |implementation| summarize(runs, "hops_pct", implementation).map(|s| s.median);
    if let (Some(ours), Some(reference)) = (hops("otp-core"), hops(REFERENCE)) {
        // "No extra thread hop": no more calls leave the caller's worker than with the
        // hand-written actor, within one call in a thousand.
        let verdict = if ours <= reference + 0.1 {
            "met".to_owned()
        } else {
            format!("not met: {:.1} points more", ours - reference)
        };
        let _ = writeln!(
            out,
            "| no extra thread hop (% of calls handled on the other worker) | ≤ {reference:.1}% + 0.1 | {ours:.1}% | {verdict} |"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert!((median(&[3.0, 1.0, 2.0]) - 2.0).abs() < f64::EPSILON);
        assert!((median(&[4.0, 1.0, 3.0, 2.0]) - 2.5).abs() < f64::EPSILON);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn ratio_is_the_median_of_per_run_ratios() {
        let runs = [
            parse_run("call_ns\thand-written\t100\ncall_ns\totp-core\t120\n"),
            parse_run("call_ns\thand-written\t200\ncall_ns\totp-core\t220\n"),
            parse_run("call_ns\thand-written\t100\ncall_ns\totp-core\t150\n"),
        ];
        let summary = summarize(&runs, "call_ns", "otp-core").expect("figures");
        assert!((summary.ratio.expect("a ratio") - 1.2).abs() < 1e-9);
        assert!((summary.median - 150.0).abs() < 1e-9);
        let table = table(&runs);
        assert!(table.contains("| call round trip, default 5 s timeout in force | ≤ 1.15× | 1.20× | not met: 4% over |"), "{table}");
    }

    #[test]
    fn one_row_per_workload_with_variants_beneath_and_peers_only_when_measured() {
        let runs = [
            parse_run(
                "table_mps\thand-written\t20000000\ntable_mps\totp-core\t50000000\n\
                 call_ns\thand-written\t300\ncall_ns\totp-core-no-timer\t330\n",
            ),
            parse_run(
                "table_mps\thand-written\t10000000\ntable_mps\totp-core\t30000000\n\
                 call_ns\thand-written\t300\ncall_ns\totp-core-no-timer\t360\n",
            ),
        ];
        let table = table(&runs);
        assert!(
            table.contains("| G: table reads, 10,000 keys, 2 tasks × 10,000,000 (M reads/s) | 15.0 (10.0 – 20.0) | **40.0** (30.0 – 50.0) | 2.75× |\n"),
            "{table}"
        );
        assert!(
            table.contains("| A: call round trip (ns/call) | 300 (300 – 300) | — | — |\n"),
            "{table}"
        );
        assert!(
            table.contains("| ↳ otp-core, `.timeout(Duration::MAX)`: no timer armed |  | 345 (330 – 360) | 1.15× |\n"),
            "{table}"
        );
        assert!(!table.contains("ractor"), "no peer column: {table}");
        assert!(!table.contains("| table"), "no goal row: {table}");
    }
}
