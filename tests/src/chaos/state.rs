//! The shared state of a chaos run: the PRNG, the counters, and the records of workers and
//! supervisors (kept bounded, see [`super::lineage`]; recorded by [`super::records`]).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use tokio::sync::mpsc;

use super::lineage::Lineage;
use super::{PANIC_PREFIX, lock};

#[derive(Default)]
pub struct Counters {
    pub calls: AtomicU64,
    pub calls_ok: AtomicU64,
    pub call_timeouts: AtomicU64,
    pub call_noproc: AtomicU64,
    pub call_exited: AtomicU64,
    pub unexpected_errors: AtomicU64,
    pub wrong_replies: AtomicU64,
    pub early_timeouts: AtomicU64,
    pub hung_callers: AtomicU64,
    pub max_overrun_us: AtomicU64,
    pub unresolved: AtomicU64,
    pub casts: AtomicU64,
    pub panics: AtomicU64,
    pub kills: AtomicU64,
    pub exit_signals: AtomicU64,
    pub stops: AtomicU64,
    pub supervisor_kills: AtomicU64,
    pub dynamic_kills: AtomicU64,
    pub dynamic_started: AtomicU64,
    pub dynamic_terminated: AtomicU64,
    pub overlapping_incarnations: AtomicU64,
    /// Inits that ended after their process was doomed (its supervisor killed meanwhile).
    pub stragglers: AtomicU64,
    /// Worker processes started (every incarnation of every id).
    pub incarnations: AtomicU64,
    /// Incarnations the reaper saw die of an injected fault.
    pub crashes_landed: AtomicU64,
    /// Dynamic children restarted by their supervisor.
    pub dynamic_restarts: AtomicU64,
    /// Supervisors seen by workers that died during the run (killed, or failing their start on
    /// a child of the one killed before them), each restarted by its parent.
    pub supervisor_restarts: AtomicU64,
    /// Of those, the ones whose start failed on a child of their killed predecessor.
    pub start_races: AtomicU64,
}

pub fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

pub fn read(counter: &AtomicU64) -> u64 {
    counter.load(Ordering::Relaxed)
}

/// A process started, for the reaper to watch.
pub enum Birth {
    /// A worker's incarnation: its id and its pid.
    Worker(Arc<str>, Pid),
    /// A supervisor a worker was started under.
    Supervisor(Pid),
}

/// The holder of the name a sub-supervisor's start failed on, and the holder's supervisor.
pub type StartRace = (Pid, Option<Pid>);

pub struct Chaos {
    pub rng: AtomicU64,
    /// Whether handlers panic now and then.
    pub faults: AtomicBool,
    /// Per mille of handler invocations that panic while `faults` is on.
    pub panic_per_mille: u64,
    pub counters: Counters,
    /// Every worker id's record; a dynamic child's is forgotten once it is gone for good.
    pub lineages: Mutex<HashMap<Arc<str>, Lineage>>,
    /// The supervisors (numbers) the reaper watches: seen alive by a worker, not yet exited.
    pub supervisors: Mutex<HashSet<u64>>,
    /// Sub-supervisors (numbers) whose start failed on a name held by a child of their
    /// killed predecessor, until they exit.
    pub start_races: Mutex<HashMap<u64, StartRace>>,
    /// To the reaper, when there is one.
    pub births: Mutex<Option<mpsc::UnboundedSender<Birth>>>,
    /// Dynamic child ids the churn has started and not yet seen gone for good.
    pub dynamic_ids: Mutex<Vec<Arc<str>>>,
    /// Dynamic children (pid numbers) a `terminate_child` is stopping now.
    pub terminating: Mutex<HashSet<u64>>,
    /// Dynamic children (pid numbers) stopped on purpose with `terminate_child`, until checked.
    pub terminated: Mutex<HashSet<u64>>,
    /// Set before the tree is stopped: supervisors then exit with `Shutdown`.
    pub stopping: AtomicBool,
    /// The first few anomalies, for the failure message.
    pub anomalies: Mutex<Vec<String>>,
}

impl Chaos {
    pub fn new(seed: u64) -> Arc<Self> {
        Arc::new(Chaos {
            rng: AtomicU64::new(seed),
            faults: AtomicBool::new(false),
            panic_per_mille: 50,
            counters: Counters::default(),
            lineages: Mutex::default(),
            supervisors: Mutex::default(),
            start_races: Mutex::default(),
            births: Mutex::default(),
            dynamic_ids: Mutex::default(),
            terminating: Mutex::default(),
            terminated: Mutex::default(),
            stopping: AtomicBool::new(false),
            anomalies: Mutex::default(),
        })
    }

    /// splitmix64 over a shared counter: any task, any thread.
    pub fn next(&self) -> u64 {
        let mut z = self
            .rng
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&self, bound: u64) -> u64 {
        self.next() % bound
    }

    pub fn pick<T: Clone>(&self, items: &[T]) -> T {
        items[usize::try_from(self.below(items.len() as u64)).expect("index")].clone()
    }

    /// Called at the top of every handler: panics in about 5% of invocations during faults.
    pub fn maybe_panic(&self) {
        if self.faults.load(Ordering::Relaxed) && self.below(1000) < self.panic_per_mille {
            bump(&self.counters.panics);
            panic!("{PANIC_PREFIX} injected panic");
        }
    }

    pub fn anomaly(&self, what: String) {
        let mut anomalies = lock(&self.anomalies);
        if anomalies.len() < 20 {
            anomalies.push(what);
        }
    }
}
