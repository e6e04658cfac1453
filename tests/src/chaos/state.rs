//! The shared state of a chaos run: the PRNG, the counters, every worker's incarnations, and the
//! reaper that records their exits.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use otp_core::Restart;
use otp_core::prelude::*;
use tokio::sync::mpsc;

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
}

pub fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

pub fn read(counter: &AtomicU64) -> u64 {
    counter.load(Ordering::Relaxed)
}

/// One process a worker id has been.
#[derive(Clone)]
pub struct Incarnation {
    /// The pid's number.
    pub id: u64,
    /// The process, until the reaper has seen it exit (then only its reason is kept).
    pub pid: Option<Pid>,
    /// The number of the supervisor it was started under.
    pub supervisor: Option<u64>,
    /// Its exit reason, once the reaper has seen it exit.
    pub reason: Option<ExitReason>,
}

impl Incarnation {
    pub fn is_alive(&self) -> bool {
        self.reason.is_none() && self.pid.as_ref().is_some_and(Pid::is_alive)
    }

    /// Its exit reason, waiting for a process on its way out; `None` while it runs.
    pub async fn fate(&self) -> Option<ExitReason> {
        if let Some(reason) = &self.reason {
            return Some(reason.clone());
        }
        let pid = self.pid.as_ref()?;
        if pid.is_alive() {
            None
        } else {
            Some(pid.wait_exit().await)
        }
    }
}

/// A process started, for the reaper to watch.
pub type Birth = (Arc<str>, Pid);

pub struct Chaos {
    pub rng: AtomicU64,
    /// Whether handlers panic now and then.
    pub faults: AtomicBool,
    /// Per mille of handler invocations that panic while `faults` is on.
    pub panic_per_mille: u64,
    pub counters: Counters,
    pub incarnations: Mutex<HashMap<Arc<str>, Vec<Incarnation>>>,
    /// The supervisors workers were started under, by number.
    pub supervisors: Mutex<HashMap<u64, Pid>>,
    /// To the reaper, when there is one.
    pub births: Mutex<Option<mpsc::UnboundedSender<Birth>>>,
    /// Restart type of each dynamic child id.
    pub dynamic_restart: Mutex<HashMap<Arc<str>, Restart>>,
    /// Dynamic child ids the churn has started and not yet seen gone for good.
    pub dynamic_ids: Mutex<Vec<Arc<str>>>,
    /// Dynamic children (pid numbers) stopped on purpose with `terminate_child`.
    pub terminated: Mutex<HashSet<u64>>,
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
            incarnations: Mutex::default(),
            supervisors: Mutex::default(),
            births: Mutex::default(),
            dynamic_restart: Mutex::default(),
            dynamic_ids: Mutex::default(),
            terminated: Mutex::default(),
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

    /// Called by every init: a new incarnation of `id`, which must follow a dead one.
    pub fn record_init(&self, id: &Arc<str>, pid: &Pid, supervisor: Option<Pid>) {
        {
            let mut incarnations = lock(&self.incarnations);
            let list = incarnations.entry(id.clone()).or_default();
            if let Some(previous) = list.last()
                && previous.is_alive()
            {
                bump(&self.counters.overlapping_incarnations);
                self.anomaly(format!(
                    "{id}: {pid} starts while <0.{}> lives",
                    previous.id
                ));
            }
            list.push(Incarnation {
                id: pid.id(),
                pid: Some(pid.clone()),
                supervisor: supervisor.as_ref().map(Pid::id),
                reason: None,
            });
        }
        if let Some(supervisor) = supervisor {
            lock(&self.supervisors).insert(supervisor.id(), supervisor);
        }
        if let Some(births) = &*lock(&self.births) {
            let _ = births.send((id.clone(), pid.clone()));
        }
    }

    /// Called by the reaper: keeps the reason, drops the pid.
    pub fn record_exit(&self, id: &str, pid: u64, reason: ExitReason) {
        let mut incarnations = lock(&self.incarnations);
        if let Some(incarnation) = incarnations
            .get_mut(id)
            .and_then(|list| list.iter_mut().rev().find(|i| i.id == pid))
        {
            incarnation.reason = Some(reason);
            incarnation.pid = None;
        }
    }

    pub fn incarnations_of(&self, id: &str) -> Vec<Incarnation> {
        lock(&self.incarnations)
            .get(id)
            .cloned()
            .unwrap_or_default()
    }

    pub fn last(&self, id: &str) -> Option<Incarnation> {
        lock(&self.incarnations)
            .get(id)
            .and_then(|list| list.last())
            .cloned()
    }

    /// The live process of `id`'s last incarnation.
    pub fn live_pid(&self, id: &str) -> Option<Pid> {
        self.last(id)
            .filter(Incarnation::is_alive)
            .and_then(|incarnation| incarnation.pid)
    }

    pub fn supervisor(&self, id: u64) -> Option<Pid> {
        lock(&self.supervisors).get(&id).cloned()
    }
}

/// Watches every incarnation and records its exit reason, so that the bookkeeping holds no
/// dead process: ends when the births channel closes and every watched process has exited.
pub async fn reaper(chaos: Arc<Chaos>, mut births: mpsc::UnboundedReceiver<Birth>) {
    let mut exiting = FuturesUnordered::new();
    let mut open = true;
    while open || !exiting.is_empty() {
        tokio::select! {
            birth = births.recv(), if open => match birth {
                Some((id, pid)) => exiting.push(async move {
                    let reason = pid.wait_exit().await;
                    (id, pid.id(), reason)
                }),
                None => open = false,
            },
            Some((id, pid, reason)) = exiting.next(), if !exiting.is_empty() => {
                chaos.record_exit(&id, pid, reason);
            }
        }
    }
}

/// A reason the fault injector gives (a panic, a kill, a stop or exit signal of its own).
pub fn is_injected(reason: &ExitReason) -> bool {
    match reason {
        ExitReason::Panic(message) => message.starts_with(PANIC_PREFIX),
        ExitReason::Killed => true,
        ExitReason::ShutdownWith(why) => why.starts_with("chaos-"),
        _ => false,
    }
}

/// A reason a worker may die of: injected, or `Shutdown` from its supervisor.
pub fn is_expected(reason: &ExitReason) -> bool {
    is_injected(reason) || *reason == ExitReason::Shutdown
}
