//! Read throughput of concurrent maps, and of `Table`, with 1 and 2 reader threads.
//!
//! `cargo bench -p otp-core --bench table_maps` prints, for each map, the operations per
//! second with one thread, with two, and their ratio, for pure lookups and for 2% writes; then
//! the same for `Table` (a set and an ordered set), whose 2-reader ratio must reach 1.6 on a
//! 2-core machine for reads not to serialize. Each figure is the best of a few runs, since
//! other work on the machine can only lower it; the load average is printed first. Run
//! without `--bench` (as `cargo test --benches` does), it makes one tiny pass as a smoke test.
//!
//! `-- reads`, `-- mixed` or `-- tables` runs one part; another word keeps only the maps whose
//! name contains it: `cargo bench -p otp-core --bench table_maps -- reads papaya`.

use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::sync::{Barrier, RwLock};
use std::time::{Duration, Instant};

/// The keys every map holds.
const KEYS: u64 = 100_000;

/// The parts of the benchmark: lookups only, lookups with 2% writes, `Table` lookups.
const PARTS: [&str; 3] = ["reads", "mixed", "tables"];

/// A concurrent map under test, by the operations the benchmark uses.
trait BenchMap: Sync {
    fn get(&self, key: u64) -> Option<u64>;
    fn put(&self, key: u64, value: u64);
}

struct Papaya(papaya::HashMap<u64, u64>);
impl BenchMap for Papaya {
    fn get(&self, key: u64) -> Option<u64> {
        self.0.pin().get(&key).copied()
    }
    fn put(&self, key: u64, value: u64) {
        self.0.pin().insert(key, value);
    }
}

struct SccHashMap(scc::HashMap<u64, u64>);
impl BenchMap for SccHashMap {
    fn get(&self, key: u64) -> Option<u64> {
        self.0.read_sync(&key, |_, value| *value)
    }
    fn put(&self, key: u64, value: u64) {
        self.0.upsert_sync(key, value);
    }
}

struct SccHashIndex(scc::HashIndex<u64, u64>);
impl BenchMap for SccHashIndex {
    fn get(&self, key: u64) -> Option<u64> {
        self.0.peek_with(&key, |_, value| *value)
    }
    fn put(&self, key: u64, value: u64) {
        // A HashIndex entry is immutable: an overwrite replaces the entry.
        match self.0.entry_sync(key) {
            scc::hash_index::Entry::Occupied(mut entry) => entry.update(value),
            scc::hash_index::Entry::Vacant(entry) => {
                entry.insert_entry(value);
            }
        }
    }
}

struct DashMap(dashmap::DashMap<u64, u64>);
impl BenchMap for DashMap {
    fn get(&self, key: u64) -> Option<u64> {
        self.0.get(&key).map(|value| *value)
    }
    fn put(&self, key: u64, value: u64) {
        self.0.insert(key, value);
    }
}

struct RwLockHashMap(RwLock<HashMap<u64, u64>>);
impl BenchMap for RwLockHashMap {
    fn get(&self, key: u64) -> Option<u64> {
        self.0.read().unwrap().get(&key).copied()
    }
    fn put(&self, key: u64, value: u64) {
        self.0.write().unwrap().insert(key, value);
    }
}

struct SkipMap(crossbeam_skiplist::SkipMap<u64, u64>);
impl BenchMap for SkipMap {
    fn get(&self, key: u64) -> Option<u64> {
        self.0.get(&key).map(|entry| *entry.value())
    }
    fn put(&self, key: u64, value: u64) {
        self.0.insert(key, value);
    }
}

struct SccTreeIndex(scc::TreeIndex<u64, u64>);
impl BenchMap for SccTreeIndex {
    fn get(&self, key: u64) -> Option<u64> {
        self.0.peek_with(&key, |_, value| *value)
    }
    fn put(&self, key: u64, value: u64) {
        self.0.upsert_sync(key, value);
    }
}

struct RwLockBTreeMap(RwLock<BTreeMap<u64, u64>>);
impl BenchMap for RwLockBTreeMap {
    fn get(&self, key: u64) -> Option<u64> {
        self.0.read().unwrap().get(&key).copied()
    }
    fn put(&self, key: u64, value: u64) {
        self.0.write().unwrap().insert(key, value);
    }
}

/// A table handle under test: reads go through `otp_core::Table`.
struct TableSet(otp_core::Table<u64, u64>);
impl BenchMap for TableSet {
    fn get(&self, key: u64) -> Option<u64> {
        self.0.lookup(&key).ok().flatten()
    }
    fn put(&self, key: u64, value: u64) {
        let _ = self.0.insert(key, value);
    }
}

struct TableOrderedSet(otp_core::Table<u64, u64, otp_core::OrderedSet>);
impl BenchMap for TableOrderedSet {
    fn get(&self, key: u64) -> Option<u64> {
        self.0.lookup(&key).ok().flatten()
    }
    fn put(&self, key: u64, value: u64) {
        let _ = self.0.insert(key, value);
    }
}

/// How much work one measurement does.
#[derive(Clone, Copy)]
struct Load {
    /// Operations per thread.
    ops: u64,
    /// Out of 100 operations, how many are writes.
    writes_percent: u64,
    /// Measurements per figure; the best is kept (the machine may be busy).
    repeats: usize,
}

/// Operations per second of `threads` threads running `load.ops` operations each against
/// `map`, measured once.
fn throughput(map: &dyn BenchMap, threads: u64, load: Load) -> f64 {
    let barrier = Barrier::new(usize::try_from(threads).unwrap_or(1));
    let elapsed = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|thread| {
                let barrier = &barrier;
                scope.spawn(move || {
                    let mut state = 0x9E37_79B9_7F4A_7C15_u64 ^ (thread + 1);
                    barrier.wait();
                    let start = Instant::now();
                    let mut found = 0_u64;
                    for _ in 0..load.ops {
                        // xorshift64: a cheap, thread-private key sequence.
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        let key = state % KEYS;
                        if state % 100 < load.writes_percent {
                            map.put(key, state);
                        } else if map.get(key).is_some() {
                            found += 1;
                        }
                    }
                    black_box(found);
                    start.elapsed()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().unwrap_or(Duration::MAX))
            .max()
            .unwrap_or(Duration::MAX)
    });
    #[allow(clippy::cast_precision_loss, reason = "a rate to print")]
    let rate = (load.ops * threads) as f64 / elapsed.as_secs_f64();
    rate
}

/// The arguments that are neither cargo's `--bench` nor a part's name: only the maps whose
/// name contains one of them (ignoring case) run.
fn name_filters() -> Vec<String> {
    std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-') && !PARTS.contains(&arg.as_str()))
        .map(|arg| arg.to_lowercase())
        .collect()
}

/// Measures `map` with 1 and 2 threads, alternating, and keeps the best of each: other work
/// on the machine can only lower a figure. Prints one line and returns the 2-to-1 ratio, or
/// `None` when the name filters leave this map out.
fn report(name: &str, map: &dyn BenchMap, load: Load) -> Option<f64> {
    let filters = name_filters();
    if !filters.is_empty() && !filters.iter().any(|f| name.to_lowercase().contains(f)) {
        return None;
    }
    for key in 0..KEYS {
        map.put(key, key);
    }
    let (mut one, mut two) = (0.0_f64, 0.0_f64);
    for _ in 0..load.repeats {
        one = one.max(throughput(map, 1, load));
        two = two.max(throughput(map, 2, load));
    }
    let ratio = two / one;
    println!(
        "{name:<28} {:>8.1} {:>8.1} {ratio:>6.2}",
        one / 1e6,
        two / 1e6
    );
    Some(ratio)
}

fn compare_maps(load: Load) {
    println!(
        "\n{}% writes, {} ops per thread and run, best of {} runs",
        load.writes_percent, load.ops, load.repeats
    );
    println!("{:<28} {:>8} {:>8} {:>6}", "map", "1 thr", "2 thr", "ratio");
    println!("{:<28} {:>8} {:>8}", "", "(M op/s)", "(M op/s)");
    report("papaya::HashMap", &Papaya(papaya::HashMap::new()), load);
    report("scc::HashMap", &SccHashMap(scc::HashMap::new()), load);
    report("scc::HashIndex", &SccHashIndex(scc::HashIndex::new()), load);
    report("dashmap::DashMap", &DashMap(dashmap::DashMap::new()), load);
    report(
        "RwLock<HashMap>",
        &RwLockHashMap(RwLock::new(HashMap::new())),
        load,
    );
    report(
        "crossbeam SkipMap",
        &SkipMap(crossbeam_skiplist::SkipMap::new()),
        load,
    );
    report("scc::TreeIndex", &SccTreeIndex(scc::TreeIndex::new()), load);
    report(
        "RwLock<BTreeMap>",
        &RwLockBTreeMap(RwLock::new(BTreeMap::new())),
        load,
    );
}

/// A process to own the benchmark's tables.
struct Owner;

#[otp_core::genserver]
impl Owner {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: otp_core::AnyMessage) {}
}

/// Lookups through `Table` handles: the ratio for a set and an ordered set.
fn compare_tables(load: Load) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let owner = runtime
        .block_on(Owner::start(Owner))
        .expect("the owner starts");
    let options = || otp_core::TableOptions::new().owner(&owner.pid());
    let set = otp_core::Table::new(otp_core::Set, options()).expect("a set");
    let ordered = otp_core::Table::new(otp_core::OrderedSet, options()).expect("an ordered set");
    println!(
        "\nTable lookups, {} ops per thread and run, best of {} runs",
        load.ops, load.repeats
    );
    println!(
        "{:<28} {:>8} {:>8} {:>6}",
        "table", "1 thr", "2 thr", "ratio"
    );
    let set_ratio = report("Table<u64, u64, Set>", &TableSet(set), load);
    let ordered_ratio = report(
        "Table<u64, u64, OrderedSet>",
        &TableOrderedSet(ordered),
        load,
    );
    for (kind, ratio) in [("set", set_ratio), ("ordered_set", ordered_ratio)] {
        if let Some(ratio) = ratio {
            let verdict = if ratio >= 1.6 { "ok" } else { "BELOW 1.6" };
            println!("{kind}: 2 readers / 1 reader = {ratio:.2} ({verdict})");
        }
    }
}

fn main() {
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average: {}", load.trim());
    }
    let bench = std::env::args().any(|arg| arg == "--bench");
    if !bench {
        println!("smoke run (no `--bench`): the figures below mean nothing");
    }
    let load = if bench {
        Load {
            ops: 1_000_000,
            writes_percent: 0,
            repeats: 15,
        }
    } else {
        Load {
            ops: 1_000,
            writes_percent: 0,
            repeats: 1,
        }
    };
    // `-- reads`, `-- mixed` or `-- tables` runs those parts only; any other word keeps only
    // the maps whose name contains it (`-- reads papaya`).
    let chosen: Vec<String> = std::env::args()
        .filter(|arg| PARTS.contains(&arg.as_str()))
        .collect();
    let only = |part: &str| chosen.is_empty() || chosen.iter().any(|arg| arg == part);
    if only("reads") {
        compare_maps(load);
    }
    if only("mixed") {
        compare_maps(Load {
            writes_percent: 2,
            ..load
        });
    }
    if only("tables") {
        compare_tables(load);
    }
}
