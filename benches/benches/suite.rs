//! Every workload of `BENCHMARKS.md`, each implementation side by side in the same run.
//!
//! ```text
//! suite [--quick] [--reverse]        run every workload once; one `metric<TAB>impl<TAB>value` line per figure
//! suite one <metric> <impl> [--quick] one figure of one implementation (for callgrind, perf);
//!                                     E to J (`restart_us` .. `children_us`): otp-core, hand-written
//! suite spawn-child <impl> [--quick]  workload C in this process (the suite runs it in a child)
//! suite burst-child <impl> [--quick]  C after a burst in this process (likewise)
//! suite report <run files...>         the markdown table of several runs
//! ```
//!
//! `cargo bench` appends `--bench`, which is ignored. `--reverse` runs the implementations of
//! each workload in reverse order: `scripts/bench` reverses every other run, so that no
//! implementation always runs first (or last) on a machine whose load drifts. Workload C runs in a fresh child process
//! per implementation, so that memory freed by one implementation cannot hide the growth of
//! the next. `scripts/bench` runs the suite five times and writes the report.

use std::process::{Command, ExitCode};

use otp_benches::Counter;
use otp_benches::contention;
use otp_benches::impls::{Impl, WithCounter};
use otp_benches::report::{self, METRICS};
use otp_benches::workloads::{self, Sizes};
use otp_benches::workloads_more::{self, MoreSizes};

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| arg != "--bench")
        .collect();
    let quick = take_flag(&mut args, "--quick");
    let reverse = take_flag(&mut args, "--reverse");
    let sizes = if quick { Sizes::QUICK } else { Sizes::FULL };
    let more_sizes = if quick {
        MoreSizes::QUICK
    } else {
        MoreSizes::FULL
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] => {
            run_all(sizes, &more_sizes, quick, reverse);
            ExitCode::SUCCESS
        }
        ["one", metric, implementation] => match Impl::from_key(implementation) {
            Some(implementation) if workloads_more::KEYS.contains(metric) => {
                match workloads_more::measure(metric, implementation, &more_sizes) {
                    Some(value) => {
                        figure(metric, implementation, value);
                        ExitCode::SUCCESS
                    }
                    None => usage(&format!(
                        "`{metric}` is measured for otp-core and hand-written only"
                    )),
                }
            }
            Some(implementation) => one(metric, implementation, sizes),
            None => usage(&format!("unknown implementation `{implementation}`")),
        },
        ["spawn-child", implementation] => match Impl::from_key(implementation) {
            Some(implementation) => {
                print_spawn(implementation, sizes);
                ExitCode::SUCCESS
            }
            None => usage(&format!("unknown implementation `{implementation}`")),
        },
        ["burst-child", implementation] => match Impl::from_key(implementation) {
            Some(implementation) => one("rss_burst_bytes", implementation, sizes),
            None => usage(&format!("unknown implementation `{implementation}`")),
        },
        ["report", files @ ..] if !files.is_empty() => {
            let mut runs = Vec::new();
            for file in files {
                match std::fs::read_to_string(file) {
                    Ok(text) => runs.push(report::parse_run(&text)),
                    Err(error) => return usage(&format!("cannot read {file}: {error}")),
                }
            }
            print!("{}", report::table(&runs));
            ExitCode::SUCCESS
        }
        _ => usage("unknown arguments"),
    }
}

fn take_flag(args: &mut Vec<String>, flag: &str) -> bool {
    let before = args.len();
    args.retain(|arg| arg != flag);
    args.len() != before
}

fn usage(problem: &str) -> ExitCode {
    let implementations: Vec<&str> = Impl::ALL.iter().map(|i| i.key()).collect();
    let metrics: Vec<&str> = METRICS.iter().map(|m| m.key).collect();
    eprintln!(
        "{problem}\nusage: suite [--quick] | suite one <metric> <impl> [--quick] | suite spawn-child|burst-child <impl> [--quick] | suite report <files...>\n  metrics: {}\n  implementations: {}",
        metrics.join(", "),
        implementations.join(", ")
    );
    ExitCode::FAILURE
}

fn figure(metric: &str, implementation: Impl, value: f64) {
    println!("{metric}\t{}\t{value}", implementation.key());
}

/// A: mean ns per call; `beside_timer`: with a task sleeping 1 ms in a loop beside it.
struct CallRoundTrip {
    calls: u64,
    beside_timer: bool,
}

impl CallRoundTrip {
    fn alone(calls: u64) -> Self {
        CallRoundTrip {
            calls,
            beside_timer: false,
        }
    }

    fn beside_timer(calls: u64) -> Self {
        CallRoundTrip {
            calls,
            beside_timer: true,
        }
    }
}

impl WithCounter for CallRoundTrip {
    type Output = f64;
    fn run<C: Counter>(self) -> f64 {
        let per_call = if self.beside_timer {
            C::run(workloads::call_round_trip_beside_timer::<C>(self.calls))
        } else {
            C::run(workloads::call_round_trip::<C>(self.calls))
        };
        per_call.as_secs_f64() * 1e9
    }
}

/// A: % of calls handled on another worker.
struct ThreadHops(u64);

impl WithCounter for ThreadHops {
    type Output = f64;
    fn run<C: Counter>(self) -> f64 {
        C::run(workloads::thread_hops::<C>(self.0))
    }
}

/// B: messages per second.
struct Casts {
    casts: u64,
    producers: u64,
}

impl WithCounter for Casts {
    type Output = f64;
    fn run<C: Counter>(self) -> f64 {
        C::run(workloads::cast_throughput::<C>(self.casts, self.producers))
    }
}

/// C, in this process.
struct Spawn(usize);

impl WithCounter for Spawn {
    type Output = workloads::SpawnFigures;
    fn run<C: Counter>(self) -> workloads::SpawnFigures {
        C::run(workloads::spawn_idle::<C>(self.0))
    }
}

/// C after a burst, in this process: bytes per idle server.
struct Burst {
    servers: usize,
    burst: u64,
}

impl WithCounter for Burst {
    type Output = f64;
    fn run<C: Counter>(self) -> f64 {
        C::run(workloads::idle_after_burst::<C>(self.servers, self.burst))
    }
}

/// K: messages per second from 16 threads.
struct ThreadCasts {
    workers: usize,
    casts: u64,
}

impl WithCounter for ThreadCasts {
    type Output = f64;
    fn run<C: Counter>(self) -> f64 {
        contention::casts_from_threads::<C>(self.workers, self.casts)
    }
}

/// L: calls per second from 16 threads.
struct ThreadCalls {
    workers: usize,
    calls: u64,
}

impl WithCounter for ThreadCalls {
    type Output = f64;
    fn run<C: Counter>(self) -> f64 {
        contention::calls_from_threads::<C>(self.workers, self.calls)
    }
}

/// K and L: metric, workers, casts (or else calls).
const THREADED: [(&str, usize, bool); 4] = [
    ("cast16_w8_mps", 8, true),
    ("cast16_w2_mps", 2, true),
    ("call16_w8_kps", 8, false),
    ("call16_w2_kps", 2, false),
];

/// The implementations K and L measure: their producers are plain threads, which actix's
/// single-threaded `System` does not serve.
const THREADED_IMPLEMENTATIONS: &[Impl] = &[Impl::HandWritten, Impl::Ours];

/// K or L, one figure.
fn threaded(implementation: Impl, workers: usize, casts: bool, sizes: Sizes) -> f64 {
    if casts {
        implementation.with(ThreadCasts {
            workers,
            casts: sizes.thread_casts,
        })
    } else {
        implementation.with(ThreadCalls {
            workers,
            calls: sizes.thread_calls,
        })
    }
}

/// D: messages per second.
struct FanOut {
    servers: usize,
    casts: u64,
}

impl WithCounter for FanOut {
    type Output = f64;
    fn run<C: Counter>(self) -> f64 {
        C::run(workloads::fan_out::<C>(self.servers, self.casts))
    }
}

fn one(metric: &str, implementation: Impl, sizes: Sizes) -> ExitCode {
    let value = match metric {
        "call_ns" => implementation.with(CallRoundTrip::alone(sizes.calls)),
        "call_timer_ns" => implementation.with(CallRoundTrip::beside_timer(sizes.calls)),
        "hops_pct" => implementation.with(ThreadHops(sizes.calls / 10)),
        "cast1_mps" => implementation.with(Casts {
            casts: sizes.casts,
            producers: 1,
        }),
        "cast2_mps" => implementation.with(Casts {
            casts: sizes.casts,
            producers: 2,
        }),
        "spawn_us" | "rss_bytes" | "stop_us" => {
            print_spawn(implementation, sizes);
            return ExitCode::SUCCESS;
        }
        "rss_burst_bytes" => implementation.with(Burst {
            servers: sizes.burst_servers,
            burst: sizes.burst,
        }),

        "fanout_mps" => implementation.with(FanOut {
            servers: sizes.fan_out_servers,
            casts: sizes.fan_out_casts,
        }),
        other => match THREADED.iter().find(|(key, ..)| *key == other) {
            Some(&(_, workers, casts)) => threaded(implementation, workers, casts, sizes),
            None => return usage(&format!("unknown metric `{other}`")),
        },
    };
    figure(metric, implementation, value);
    ExitCode::SUCCESS
}

fn print_spawn(implementation: Impl, sizes: Sizes) {
    let figures = implementation.with(Spawn(sizes.servers));
    figure(
        "spawn_us",
        implementation,
        figures.spawn.as_secs_f64() * 1e6,
    );
    figure("rss_bytes", implementation, figures.bytes_per_server);
    figure("stop_us", implementation, figures.stop.as_secs_f64() * 1e6);
}

fn run_all(sizes: Sizes, more_sizes: &MoreSizes, quick: bool, reverse: bool) {
    let in_order = |implementations: &[Impl]| -> Vec<Impl> {
        let mut implementations = implementations.to_vec();
        if reverse {
            implementations.reverse();
        }
        implementations
    };
    // A throwaway pass: the first runtime of a process pays for thread stacks, allocator arenas
    // and page faults that would otherwise land on whichever row runs first.
    let _ = Impl::HandWritten.with(CallRoundTrip::alone(sizes.calls / 4));
    let _ = Impl::Ours.with(CallRoundTrip::alone(sizes.calls / 4));
    for implementation in in_order(Impl::ALL) {
        let value = implementation.with(CallRoundTrip::alone(sizes.calls));
        figure("call_ns", implementation, value);
    }
    for implementation in in_order(Impl::ALL) {
        let value = implementation.with(CallRoundTrip::beside_timer(sizes.calls));
        figure("call_timer_ns", implementation, value);
    }
    for implementation in in_order(Impl::COMPARED) {
        figure(
            "hops_pct",
            implementation,
            implementation.with(ThreadHops(sizes.calls / 10)),
        );
    }
    for producers in [1, 2] {
        let metric = if producers == 1 {
            "cast1_mps"
        } else {
            "cast2_mps"
        };
        for implementation in in_order(Impl::COMPARED) {
            let value = implementation.with(Casts {
                casts: sizes.casts,
                producers,
            });
            figure(metric, implementation, value);
        }
    }
    for implementation in in_order(Impl::COMPARED) {
        in_child("spawn-child", implementation, quick);
    }
    for implementation in in_order(Impl::COMPARED) {
        in_child("burst-child", implementation, quick);
    }
    for implementation in in_order(Impl::COMPARED) {
        let value = implementation.with(FanOut {
            servers: sizes.fan_out_servers,
            casts: sizes.fan_out_casts,
        });
        figure("fanout_mps", implementation, value);
    }
    for metric in workloads_more::KEYS {
        for implementation in in_order(workloads_more::IMPLEMENTATIONS) {
            let value = workloads_more::measure(metric, implementation, more_sizes)
                .expect("every workload of E to J has both implementations");
            figure(metric, implementation, value);
        }
    }
    for (metric, workers, casts) in THREADED {
        for implementation in in_order(THREADED_IMPLEMENTATIONS) {
            figure(
                metric,
                implementation,
                threaded(implementation, workers, casts, sizes),
            );
        }
    }
}

/// Workload C (`spawn-child`) or C after a burst (`burst-child`) in a fresh process of this
/// binary; its figures are passed on.
fn in_child(subcommand: &str, implementation: Impl, quick: bool) {
    let executable = std::env::current_exe().expect("the path of this binary");
    let mut command = Command::new(executable);
    command.args([subcommand, implementation.key()]);
    if quick {
        command.arg("--quick");
    }
    let output = command.output().expect("the child ran");
    assert!(
        output.status.success(),
        "{subcommand} of {} failed: {}",
        implementation.key(),
        String::from_utf8_lossy(&output.stderr)
    );
    print!("{}", String::from_utf8_lossy(&output.stdout));
}
