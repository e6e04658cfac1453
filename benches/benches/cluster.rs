//! The cross-node benchmark of `BENCHMARKS.md`: otp-cluster's PubSub across nodes (latency and
//! throughput) and its singleton failover, on PostgreSQL, beside references measured in the same
//! run: otp-core's local `PubSub` and a bare `LISTEN/NOTIFY` round trip through sqlx.
//!
//! ```text
//! cluster [--quick] [--runs N] [--only latency|throughput|failover]
//! cluster node URL SCHEMA NAME LEASE_MS SINGLETON     (a node process the benchmark starts)
//! ```
//!
//! Prints the markdown table on stdout (progress and errors on stderr). PostgreSQL is the server
//! of `DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`); every measurement
//! runs in a cluster schema of its own, dropped before and after. Latency and throughput run
//! `--runs` times (default 3), every other run in reverse order. Nodes run either in this OS
//! process (each its own `Cluster` with its own connections) or as separate OS processes: this
//! binary started again with `node`, printing `READY`, `HOLD_START <node> <ns>` and
//! `LAT <ns>...` on stdout, taking `report <count>` and `stop` on stdin. `cargo bench` appends
//! `--bench`, which is ignored.

#[path = "cluster/common.rs"]
mod common;
#[path = "cluster/in_process.rs"]
mod in_process;
#[path = "cluster/processes.rs"]
mod processes;

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use otp_benches::jobs::workloads::load_average;
use otp_benches::runtime::run_on_worker;
use otp_cluster::DEFAULT_LEASE;

use crate::in_process::{latency_bare_notify, latency_in_process, latency_local, throughput};
use crate::processes::{failover, latency_processes, node_main};

/// The short lease of the failover measurement (the default one is [`DEFAULT_LEASE`]).
const SHORT_LEASE: Duration = Duration::from_secs(1);

/// How much each measurement does.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sizes {
    /// Broadcasts per latency measurement, after the warm-up.
    pub(crate) latency: u64,
    /// Small broadcasts per throughput measurement, all publishers together.
    pub(crate) small: u64,
    /// Broadcasts over `NOTIFY`'s limit per throughput measurement.
    pub(crate) large: u64,
    /// Singleton failovers with the default lease, and with the short one.
    pub(crate) failovers: (usize, usize),
}

const FULL: Sizes = Sizes {
    latency: 1_000,
    small: 30_000,
    large: 1_000,
    failovers: (3, 8),
};

const QUICK: Sizes = Sizes {
    latency: 100,
    small: 3_000,
    large: 100,
    failovers: (1, 2),
};

/// The size of a large broadcast's padding: over `NOTIFY`'s 8,000 bytes, so through the table.
const LARGE_BYTES: usize = 10_000;

/// One row: what was measured, its figure (or why there is none), samples, load average.
struct Row {
    title: String,
    figure: Result<String, String>,
    samples: usize,
    load: String,
}

/// The `p`-th percentile (nearest rank) of sorted values.
fn percentile(sorted: &[u64], p: f64) -> u64 {
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[allow(clippy::cast_precision_loss)] // nanoseconds far below 2^52
fn micros(ns: u64) -> String {
    let us = ns as f64 / 1_000.0;
    if us >= 100.0 {
        format!("{us:.0}")
    } else {
        format!("{us:.1}")
    }
}

#[allow(clippy::cast_precision_loss)] // nanoseconds far below 2^52
fn seconds(ns: u64) -> f64 {
    ns as f64 / 1e9
}

fn latency_row(title: &str, values: Result<Vec<u64>, String>) -> Row {
    let (figure, samples) = match values {
        Ok(mut values) if !values.is_empty() => {
            values.sort_unstable();
            let figure = format!(
                "p50 {} µs, p99 {} µs",
                micros(percentile(&values, 50.0)),
                micros(percentile(&values, 99.0))
            );
            (Ok(figure), values.len())
        }
        Ok(_) => (Err("no samples".to_owned()), 0),
        Err(error) => (Err(error), 0),
    };
    row(title, figure, samples)
}

fn row(title: &str, figure: Result<String, String>, samples: usize) -> Row {
    match &figure {
        Ok(figure) => eprintln!("   {figure}"),
        Err(error) => eprintln!("   failed: {error}"),
    }
    Row {
        title: title.to_owned(),
        figure,
        samples,
        load: load_average(),
    }
}

fn table(rows: &[Row]) -> String {
    let mut out =
        String::from("| measurement | figure | samples | load |\n| --- | ---: | ---: | ---: |\n");
    for row in rows {
        let figure = match &row.figure {
            Ok(figure) => figure.clone(),
            Err(error) => format!("failed: {error}"),
        };
        let _ = writeln!(
            out,
            "| {} | {figure} | {} | {} |",
            row.title, row.samples, row.load
        );
    }
    out
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| arg != "--bench")
        .collect();
    if args.first().map(String::as_str) == Some("node") {
        return node_main(&args[1..]);
    }
    let mut sizes = FULL;
    let mut only: Option<String> = None;
    let mut runs = 3;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => {
                sizes = QUICK;
                runs = 1;
            }
            "--runs" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => runs = n,
                _ => return usage("--runs takes a number above 0"),
            },
            "--only" => match args.next() {
                Some(group) if ["latency", "throughput", "failover"].contains(&group.as_str()) => {
                    only = Some(group);
                }
                _ => return usage("--only takes latency, throughput or failover"),
            },
            other => return usage(&format!("unknown argument `{other}`")),
        }
    }
    let wanted = |group: &str| only.as_deref().is_none_or(|only| only == group);
    eprintln!("== sizes: {sizes:?}, {runs} run(s) of latency and throughput");
    let mut rows = Vec::new();
    if wanted("latency") {
        rows.extend(latency_rows(sizes, runs));
    }
    if wanted("throughput") {
        rows.extend(throughput_rows(sizes, runs));
    }
    if wanted("failover") {
        rows.extend(failover_rows(sizes));
    }
    print!("{}", table(&rows));
    if rows.iter().any(|row| row.figure.is_err()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Every latency measurement `runs` times, every other run in reverse order so that none is
/// always first; a row's percentiles are of the samples of all its runs.
fn latency_rows(sizes: Sizes, runs: usize) -> Vec<Row> {
    type Measure = fn(Sizes) -> Result<Vec<u64>, String>;
    let measurements: [(&str, Measure); 4] = [
        ("broadcast to handler, local `PubSub` (reference)", |s| {
            run_on_worker(latency_local(s)).map_err(|e| e.to_string())
        }),
        (
            "bare `pg_notify` to 2 `PgListener`s, sqlx (reference)",
            |s| run_on_worker(latency_bare_notify(s)).map_err(|e| e.to_string()),
        ),
        (
            "broadcast to handler on another node, nodes in one OS process",
            |s| run_on_worker(latency_in_process(s)).map_err(|e| e.to_string()),
        ),
        (
            "broadcast to handler on another node, nodes as OS processes",
            |s| run_on_worker(latency_processes(s)).map_err(|e| e.to_string()),
        ),
    ];
    let mut samples: Vec<Result<Vec<u64>, String>> = vec![Ok(Vec::new()); measurements.len()];
    for run in 0..runs {
        let mut order: Vec<usize> = (0..measurements.len()).collect();
        if run % 2 == 1 {
            order.reverse();
        }
        for index in order {
            let (title, measure) = measurements[index];
            let Ok(kept) = &mut samples[index] else {
                continue;
            };
            eprintln!("== latency (run {}): {title}", run + 1);
            match measure(sizes) {
                Ok(mut values) => {
                    kept.extend(&values);
                    values.sort_unstable();
                    if !values.is_empty() {
                        eprintln!("   p50 {} µs", micros(percentile(&values, 50.0)));
                    }
                }
                Err(error) => samples[index] = Err(error),
            }
        }
    }
    measurements
        .iter()
        .zip(samples)
        .map(|((title, _), values)| latency_row(title, values))
        .collect()
}

/// Each throughput `runs` times: the median of the runs (min – max).
fn throughput_rows(sizes: Sizes, runs: usize) -> Vec<Row> {
    let cases = [
        (
            "deliveries/s to 2 other nodes, 1 of 3 nodes publishing, small",
            1,
            sizes.small,
            0,
        ),
        (
            "deliveries/s to 2 other nodes, 3 of 3 nodes publishing, small",
            3,
            sizes.small,
            0,
        ),
        (
            "deliveries/s to 2 other nodes, 1 publishing, 10 KB (table path)",
            1,
            sizes.large,
            LARGE_BYTES,
        ),
    ];
    cases
        .into_iter()
        .map(|(title, publishers, total, pad)| {
            let mut rates = Vec::new();
            let mut delivered = 0;
            for run in 0..runs {
                eprintln!("== throughput (run {}): {title}", run + 1);
                match run_on_worker(async move {
                    throughput(publishers, total, pad)
                        .await
                        .map_err(|e| e.to_string())
                }) {
                    Ok((rate, count)) => {
                        eprintln!("   {rate:.0} /s");
                        rates.push(rate);
                        delivered += count;
                    }
                    Err(error) => return row(title, Err(error), 0),
                }
            }
            rates.sort_by(f64::total_cmp);
            let figure = if rates.len() > 1 {
                format!(
                    "{:.0} /s ({:.0} – {:.0})",
                    rates[rates.len() / 2],
                    rates[0],
                    rates[rates.len() - 1]
                )
            } else {
                format!("{:.0} /s", rates.first().copied().unwrap_or(0.0))
            };
            row(
                title,
                Ok(figure),
                usize::try_from(delivered).unwrap_or(usize::MAX),
            )
        })
        .collect()
}

fn failover_rows(sizes: Sizes) -> Vec<Row> {
    let cases = [
        (
            "singleton failover after SIGKILL, default 5 s lease",
            DEFAULT_LEASE,
            sizes.failovers.0,
        ),
        (
            "singleton failover after SIGKILL, 1 s lease",
            SHORT_LEASE,
            sizes.failovers.1,
        ),
    ];
    cases
        .into_iter()
        .map(|(title, lease, samples)| {
            eprintln!("== failover: {title}");
            let values =
                run_on_worker(
                    async move { failover(lease, samples).await.map_err(|e| e.to_string()) },
                );
            match values {
                Ok(mut values) if !values.is_empty() => {
                    values.sort_unstable();
                    let figure = format!(
                        "median {:.2} s ({:.2} – {:.2})",
                        seconds(percentile(&values, 50.0)),
                        seconds(values[0]),
                        seconds(values[values.len() - 1])
                    );
                    row(title, Ok(figure), values.len())
                }
                Ok(_) => row(title, Err("no samples".to_owned()), 0),
                Err(error) => row(title, Err(error), 0),
            }
        })
        .collect()
}

fn usage(problem: &str) -> ExitCode {
    eprintln!(
        "{problem}\nusage: cluster [--quick] [--runs N] [--only latency|throughput|failover]"
    );
    ExitCode::from(2)
}
