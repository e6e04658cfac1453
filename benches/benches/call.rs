//! Workload A under divan: the time of one call, measured over batches of 10,000 sequential
//! calls that run as a task on a worker of the 2-worker runtime.
//!
//! `cargo bench -p otp-benches --bench call`. The suite (`scripts/bench`) gives the ratios;
//! this bench gives divan's distribution of the per-call time for each implementation.

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use otp_benches::Counter;
use otp_benches::hand_written::{HandWritten, HandWrittenTimeout};
use otp_benches::ours::{Ours, OursNoTimer};
use otp_benches::runtime::runtime;

/// Calls per measured iteration: long enough that the wake-up of the runtime by `block_on`
/// (tens of µs) stays under 1% of it.
const CALLS: u64 = 10_000;

fn main() {
    divan::main();
}

#[divan::bench(
    types = [HandWritten, HandWrittenTimeout, Ours, OursNoTimer],
    sample_count = 30,
    sample_size = 1,
)]
fn call_round_trip<C: Counter>(bencher: Bencher<'_, '_>) {
    let runtime = runtime();
    let counter = runtime
        .block_on(runtime.spawn(C::start()))
        .expect("the counter started");
    bencher.counter(ItemsCount::new(CALLS)).bench_local(|| {
        let counter = counter.clone();
        runtime
            .block_on(runtime.spawn(async move {
                for _ in 0..CALLS {
                    black_box(counter.get().await);
                }
            }))
            .expect("the calls ran");
    });
    runtime
        .block_on(runtime.spawn(counter.stop()))
        .expect("the counter stopped");
}
