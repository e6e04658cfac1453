//! The durable-jobs benchmark of `BENCHMARKS.md`: otp-jobs on SQLite and PostgreSQL and, with
//! the `peers` feature, riverqueue, awa and apalis, measured with the same workloads in one run.
//!
//! ```text
//! jobs [--quick] [--runs N] [--engine sqlite|postgres] [--only NAME] [--metric NAME]... [--reverse]
//!      [--waiting N]
//! ```
//!
//! `--waiting N` schedules N jobs an hour ahead for the idle row instead of 10,000 (0 for none):
//! what a waiting job costs is the difference.
//!
//! `--metric` keeps only the rows it names (repeat it for several): `insert_one`, `insert_all`,
//! `concurrency_10`, `concurrency_100`, `idle`.
//!
//! Prints the markdown table on stdout (progress and errors on stderr). PostgreSQL is the
//! server of `DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`): every
//! measurement creates a database of its own and drops it after. `cargo bench` appends
//! `--bench`, which is ignored.

use std::process::ExitCode;

use otp_benches::jobs::workloads::{self, METRICS, Metric, Row, Sizes};
use otp_benches::jobs::{Engine, JobQueue, ours::Ours};

/// One implementation: its name, whether it runs on an engine, and its measurement.
struct Implementation {
    name: &'static str,
    supports: fn(Engine) -> bool,
    measure: fn(Engine, Metric, Sizes) -> Result<f64, String>,
}

fn implementation<Q: JobQueue>() -> Implementation {
    Implementation {
        name: Q::NAME,
        supports: Q::supports,
        measure: workloads::measure::<Q>,
    }
}

fn implementations() -> Vec<Implementation> {
    #[allow(unused_mut)]
    let mut all = vec![implementation::<Ours>()];
    #[cfg(feature = "peers")]
    {
        use otp_benches::jobs::peers;
        all.push(implementation::<peers::river::River>());
        all.push(implementation::<peers::awa::Awa>());
        all.push(implementation::<peers::apalis::Apalis>());
    }
    all
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let mut sizes = Sizes::FULL;
    let mut runs = 1;
    let mut engines = vec![Engine::Sqlite, Engine::Postgres];
    let mut only: Option<String> = None;
    let mut metrics: Vec<Metric> = Vec::new();
    let mut reverse = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => sizes = Sizes::QUICK,
            "--reverse" => reverse = true,
            "--waiting" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => sizes.scheduled = n,
                None => return usage("--waiting takes a number of jobs"),
            },
            "--runs" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => runs = n,
                _ => return usage("--runs takes a number above 0"),
            },
            "--engine" => match args.next().as_deref() {
                Some("sqlite") => engines = vec![Engine::Sqlite],
                Some("postgres") => engines = vec![Engine::Postgres],
                _ => return usage("--engine takes sqlite or postgres"),
            },
            "--only" => only = args.next(),
            "--metric" => match args.next().as_deref().and_then(Metric::from_name) {
                Some(metric) => metrics.push(metric),
                None => {
                    return usage(
                        "--metric takes one of: insert_one, insert_all, concurrency_10, concurrency_100, idle",
                    );
                }
            },
            other => return usage(&format!("unknown argument `{other}`")),
        }
    }
    let all = implementations();
    let chosen: Vec<&Implementation> = all
        .iter()
        .filter(|i| only.as_deref().is_none_or(|name| name == i.name))
        .collect();
    if chosen.is_empty() {
        return usage("--only names no implementation of this build");
    }
    eprintln!("== sizes: {sizes:?}, {runs} run(s)");
    if metrics.is_empty() {
        metrics = METRICS.to_vec();
    }
    let mut rows = Vec::new();
    for &engine in &engines {
        for &metric in &metrics {
            let mut row = Row {
                metric,
                engine,
                cells: chosen
                    .iter()
                    .map(|i| (i.supports)(engine).then(|| Ok(Vec::new())))
                    .collect(),
                loads: Vec::new(),
            };
            for run in 0..runs {
                let mut order: Vec<usize> = (0..chosen.len()).collect();
                // Every other run (and `--reverse`) takes them in reverse, so none is always first.
                if reverse ^ (run % 2 == 1) {
                    order.reverse();
                }
                for index in order {
                    let Some(Ok(values)) = &mut row.cells[index] else {
                        continue;
                    };
                    let name = chosen[index].name;
                    eprintln!(
                        "== {} / {} / {name} (run {})",
                        engine.label(),
                        metric.title(),
                        run + 1
                    );
                    match (chosen[index].measure)(engine, metric, sizes) {
                        Ok(value) => {
                            eprintln!("   {value:.2}");
                            values.push(value);
                        }
                        Err(error) => {
                            eprintln!("   failed: {error}");
                            row.cells[index] = Some(Err(error));
                        }
                    }
                }
                row.loads.push(workloads::load_average());
            }
            rows.push(row);
        }
    }
    let names: Vec<&str> = chosen.iter().map(|i| i.name).collect();
    print!("{}", workloads::table(&names, &rows));
    ExitCode::SUCCESS
}

fn usage(problem: &str) -> ExitCode {
    eprintln!(
        "{problem}\nusage: jobs [--quick] [--runs N] [--engine sqlite|postgres] [--only NAME] \
         [--metric NAME]... [--reverse] [--waiting N]"
    );
    ExitCode::from(2)
}
