//! The workloads, each on a fresh database and a fresh runtime of 2 workers, and the table.

use super::{BoxError, Database, Engine, JobQueue, Performed};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one measurement measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Jobs per second, inserted one at a time.
    InsertOne,
    /// Jobs per second, inserted in batches of [`BATCH`].
    InsertBatch,
    /// No-op jobs per second from the workers' start until all are completed.
    EndToEnd(u32),
    /// Milliseconds of process CPU per second, workers idle, jobs scheduled an hour ahead.
    IdleCpu,
}

/// Every metric, in the table's order.
pub const METRICS: [Metric; 5] = [
    Metric::InsertOne,
    Metric::InsertBatch,
    Metric::EndToEnd(10),
    Metric::EndToEnd(100),
    Metric::IdleCpu,
];

/// The size of a batch insert.
pub const BATCH: usize = 100;

impl Metric {
    /// The metric of a command-line name: `insert_one`, `insert_all`, `concurrency_10`,
    /// `concurrency_100` or `idle`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Metric> {
        match name {
            "insert_one" => Some(Metric::InsertOne),
            "insert_all" => Some(Metric::InsertBatch),
            "concurrency_10" => Some(Metric::EndToEnd(10)),
            "concurrency_100" => Some(Metric::EndToEnd(100)),
            "idle" => Some(Metric::IdleCpu),
            _ => None,
        }
    }

    /// Its row title (the sizes are in `BENCHMARKS.md`'s method, or the progress lines).
    #[must_use]
    pub fn title(self) -> String {
        match self {
            Metric::InsertOne => "insert, one at a time (jobs/s)".to_owned(),
            Metric::InsertBatch => format!("`insert_all` of {BATCH} (jobs/s)"),
            Metric::EndToEnd(concurrency) => {
                format!("no-op jobs, concurrency {concurrency} (jobs/s)")
            }
            Metric::IdleCpu => "idle, jobs due in 1 h (CPU ms/s)".to_owned(),
        }
    }
}

/// The sizes of the workloads.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Single inserts.
    pub singles: usize,
    /// Batches of [`BATCH`].
    pub batches: usize,
    /// Jobs run end to end.
    pub jobs: usize,
    /// Jobs scheduled while idle.
    pub scheduled: usize,
    /// The idle measurement's length.
    pub idle_seconds: u64,
}

impl Sizes {
    /// The sizes of `BENCHMARKS.md`.
    pub const FULL: Sizes = Sizes {
        singles: 2_000,
        batches: 100,
        jobs: 10_000,
        scheduled: 10_000,
        idle_seconds: 5,
    };
    /// A smoke run.
    pub const QUICK: Sizes = Sizes {
        singles: 200,
        batches: 10,
        jobs: 1_000,
        scheduled: 1_000,
        idle_seconds: 1,
    };
}

/// How long an end-to-end run may take before it counts as failed.
const GIVE_UP: Duration = Duration::from_mins(5);

/// Measures `metric` for `Q` on a fresh database of `engine`, on a fresh runtime of 2 workers.
///
/// # Errors
///
/// What the implementation or the database reported, or a run that did not finish.
pub fn measure<Q: JobQueue>(engine: Engine, metric: Metric, sizes: Sizes) -> Result<f64, String> {
    let result = crate::runtime::run_on_worker(async move {
        let database = Database::create(engine).await?;
        let result = match Q::open(&database).await {
            Ok(mut queue) => {
                let result = match metric {
                    Metric::InsertOne | Metric::InsertBatch => inserts(&queue, metric, sizes).await,
                    Metric::EndToEnd(concurrency) => {
                        end_to_end(&mut queue, concurrency, sizes.jobs).await
                    }
                    Metric::IdleCpu => idle_cpu(&mut queue, sizes).await,
                };
                queue.stop().await;
                result
            }
            Err(error) => Err(error),
        };
        database.drop_database().await;
        result
    });
    result.map_err(|error| error.to_string())
}

/// Times the inserts, no worker running.
async fn inserts<Q: JobQueue>(queue: &Q, metric: Metric, sizes: Sizes) -> Result<f64, BoxError> {
    let start = Instant::now();
    let count = if metric == Metric::InsertOne {
        for _ in 0..sizes.singles {
            queue.insert_one().await?;
        }
        sizes.singles
    } else {
        for _ in 0..sizes.batches {
            queue.insert_batch(BATCH).await?;
        }
        sizes.batches * BATCH
    };
    Ok(per_second(count, start.elapsed()))
}

/// Inserts `jobs` (untimed), starts the workers, and times until the database holds them all
/// completed.
async fn end_to_end<Q: JobQueue>(
    queue: &mut Q,
    concurrency: u32,
    jobs: usize,
) -> Result<f64, BoxError> {
    for start in (0..jobs).step_by(BATCH) {
        queue.insert_batch(BATCH.min(jobs - start)).await?;
    }
    let performed = Arc::new(Performed::default());
    let start = Instant::now();
    queue.run(concurrency, Arc::clone(&performed)).await?;
    let target = jobs as u64;
    while performed.get() < target {
        if start.elapsed() > GIVE_UP {
            return Err(format!(
                "{} of {jobs} jobs performed after {GIVE_UP:?}",
                performed.get()
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    loop {
        let completed = queue.completed().await?;
        if completed >= target {
            break;
        }
        if start.elapsed() > GIVE_UP {
            return Err(format!("{completed} of {jobs} jobs completed after {GIVE_UP:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(per_second(jobs, start.elapsed()))
}

/// Starts the workers, schedules jobs an hour ahead, lets the node settle for 2 s, then
/// measures the process's CPU time over the idle period.
async fn idle_cpu<Q: JobQueue>(queue: &mut Q, sizes: Sizes) -> Result<f64, BoxError> {
    let performed = Arc::new(Performed::default());
    queue.run(10, Arc::clone(&performed)).await?;
    for start in (0..sizes.scheduled).step_by(BATCH) {
        queue
            .insert_scheduled(BATCH.min(sizes.scheduled - start), Duration::from_hours(1))
            .await?;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = process_cpu()?;
    tokio::time::sleep(Duration::from_secs(sizes.idle_seconds)).await;
    let spent = process_cpu()?.saturating_sub(before);
    if performed.get() > 0 {
        return Err(format!("{} jobs ran before they were due", performed.get()).into());
    }
    Ok(spent.as_secs_f64() * 1000.0 / Duration::from_secs(sizes.idle_seconds).as_secs_f64())
}

/// `count` over `elapsed`, per second.
fn per_second(count: usize, elapsed: Duration) -> f64 {
    f64::from(u32::try_from(count).unwrap_or(u32::MAX)) / elapsed.as_secs_f64()
}

/// The process's user and system CPU time so far, all threads (those that have exited too),
/// from the process's CPU clock: nanoseconds, where `/proc/self/stat` counts 10 ms ticks (a
/// 5 s idle period would read 0 or 2 ms/s and nothing between).
///
/// # Errors
///
/// Never on Linux; the `Result` is kept for callers that run elsewhere.
pub fn process_cpu() -> Result<Duration, BoxError> {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    let seconds = u64::try_from(now.tv_sec)?;
    let nanos = u32::try_from(now.tv_nsec)?;
    Ok(Duration::new(seconds, nanos))
}

/// The 1-minute load average, as `/proc/loadavg` gives it.
#[must_use]
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|load| load.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// One cell: the runs' figures (or an error), or `None` when the implementation lacks the
/// engine.
pub type Cell = Option<Result<Vec<f64>, String>>;

/// One row of the table.
#[derive(Debug)]
pub struct Row {
    /// The metric.
    pub metric: Metric,
    /// The engine.
    pub engine: Engine,
    /// One cell per implementation, in the columns' order.
    pub cells: Vec<Cell>,
    /// The load averages read after each run of the row.
    pub loads: Vec<String>,
}

/// The markdown table: a row per metric and engine, a column per implementation, the median of
/// the runs (min – max when there are several), the best figure in bold.
#[must_use]
pub fn table(names: &[&str], rows: &[Row]) -> String {
    let mut out = String::from("| workload | engine |");
    for name in names {
        let _ = write!(out, " {name} |");
    }
    out.push_str(" load average |\n| --- | --- |");
    for _ in names {
        out.push_str(" ---: |");
    }
    out.push_str(" ---: |\n");
    for row in rows {
        let medians: Vec<Option<f64>> = row
            .cells
            .iter()
            .map(|cell| match cell {
                Some(Ok(values)) => Some(median(values)),
                _ => None,
            })
            .collect();
        let lower_is_better = row.metric == Metric::IdleCpu;
        let best = medians
            .iter()
            .flatten()
            .copied()
            .reduce(|a, b| if lower_is_better { a.min(b) } else { a.max(b) });
        let _ = write!(out, "| {} | {} |", row.metric.title(), row.engine.label());
        for (cell, median) in row.cells.iter().zip(&medians) {
            match (cell, median) {
                (None, _) => out.push_str(" — |"),
                (Some(Err(_)), _) => out.push_str(" failed |"),
                (Some(Ok(values)), Some(median)) => {
                    let text = figure(*median);
                    let text = if Some(*median) == best && medians.iter().flatten().count() > 1 {
                        format!("**{text}**")
                    } else {
                        text
                    };
                    if values.len() > 1 {
                        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
                        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                        let _ = write!(out, " {text} ({} – {}) |", figure(min), figure(max));
                    } else {
                        let _ = write!(out, " {text} |");
                    }
                }
                (Some(Ok(_)), None) => out.push_str(" ? |"),
            }
        }
        let _ = writeln!(out, " {} |", row.loads.join(", "));
    }
    out
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// Three significant figures, no fraction above 100.
fn figure(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}
