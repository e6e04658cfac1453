//! 10,000 processes register and exit at random (a deterministic xorshift
//! sequence picks the keys, who exits, when and how), on a multi-thread runtime; afterwards
//! (once a monitor has seen every exit) no lookup returns a dead process and `count` is exact,
//! in a unique and a duplicate registry.

use std::collections::{HashMap, HashSet};

use otp_core::prelude::*;
use otp_core::{Duplicate, Registry, RegistryError, RegistryRef, Unique};
use tokio::sync::mpsc;

type Names = RegistryRef<u32, (), Unique>;
type Groups = RegistryRef<u32, u32, Duplicate>;

const PROCESSES: u32 = 10_000;
/// Fewer keys than processes: keys of exited processes are taken again, and some starts find
/// their key held.
const KEYS: u32 = 4_000;
const GROUPS: u32 = 64;

#[derive(Clone)]
struct Args {
    names: Names,
    groups: Groups,
    key: u32,
}

/// Registers itself under its key (unique) and in the group `key % GROUPS`; ignores its start
/// when the key is held.
struct Worker;

#[genserver]
impl Worker {
    #[init]
    fn init(args: Args) -> Result<Self, InitError> {
        match args.names.register(args.key, ()) {
            Ok(()) => {}
            Err(RegistryError::AlreadyRegistered(_)) => return Err(InitError::Ignore),
            Err(other) => return Err(other.into()),
        }
        args.groups.register(args.key % GROUPS, args.key)?;
        Ok(Worker)
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("worker crashed");
    }

    #[handle_cast]
    fn leave(&mut self, ctx: &mut Context<Self>) {
        ctx.stop(ExitReason::Normal);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Monitors the workers and reports each `Down`.
struct Watcher {
    downs: mpsc::UnboundedSender<Pid>,
}

#[genserver]
impl Watcher {
    #[handle_call]
    fn watch(&mut self, worker: Pid, ctx: &mut Context<Self>) {
        ctx.monitor(&worker);
    }

    #[handle_info]
    fn down(&mut self, down: Down) {
        let _ = self.downs.send(down.pid);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// xorshift64: deterministic, no crate.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u32) -> u32 {
        u32::try_from(self.next() % u64::from(n)).expect("below n")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_random_registrations_and_exits_no_lookup_returns_a_dead_process() {
    // Panics are one of the ways out; keep their messages off the output.
    std::panic::set_hook(Box::new(|_| {}));
    let names = Registry::<u32>::unique()
        .partitions(8)
        .start()
        .await
        .unwrap();
    let groups = Registry::<u32, u32, Duplicate>::duplicate()
        .start()
        .await
        .unwrap();
    let (downs, mut seen) = mpsc::unbounded_channel();
    let watcher = Watcher::start(Watcher { downs }).await.unwrap();
    // Waits until the watcher has seen every worker in `ended` exit. (Not `wait_exit`: see
    // the ignored tests of `registry_no_stale_entry_after_down`.)
    let wait = async |ended: &[(WorkerRef, u32)], seen: &mut mpsc::UnboundedReceiver<Pid>| {
        let mut pending: HashSet<Pid> = ended.iter().map(|(w, _)| w.pid()).collect();
        while !pending.is_empty() {
            let pid = seen.recv().await.expect("the watcher reports");
            assert!(pending.remove(&pid), "an unexpected Down of {pid}");
        }
    };
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut live: Vec<(WorkerRef, u32)> = Vec::new();
    let mut exited: Vec<(WorkerRef, u32)> = Vec::new();
    let mut refused = 0;
    for _ in 0..PROCESSES {
        let key = rng.below(KEYS);
        match Worker::start(Args {
            names: names.clone(),
            groups: groups.clone(),
            key,
        })
        .await
        {
            Ok(worker) => {
                watcher.watch(worker.pid()).await.unwrap();
                live.push((worker, key));
            }
            Err(StartError::Ignored) => refused += 1,
            Err(other) => panic!("unexpected start error {other:?}"),
        }
        // After four starts in five, a random live worker exits.
        if !live.is_empty() && rng.below(100) < 80 {
            let (worker, key) =
                live.swap_remove(rng.below(u32::try_from(live.len()).unwrap()) as usize);
            match rng.below(4) {
                0 => worker.pid().kill(),
                1 => worker.crash(),
                2 => worker.leave(),
                _ => worker.pid().exit(ExitReason::ShutdownWith("churn".into())),
            }
            exited.push((worker, key));
        }
    }
    wait(&exited, &mut seen).await;
    let _ = std::panic::take_hook();
    assert!(refused > 0, "some starts found their key held");
    assert!(
        live.len() > 100 && exited.len() > 4_000,
        "{} live, {} exited",
        live.len(),
        exited.len()
    );
    assert_eq!(live.len() + exited.len() + refused, PROCESSES as usize);

    let live_pids: HashMap<Pid, u32> = live.iter().map(|(w, k)| (w.pid(), *k)).collect();
    // No lookup returns a dead process, in either registry.
    let mut found = HashSet::new();
    for key in 0..KEYS {
        let entries = names.lookup(&key);
        assert!(entries.len() <= 1);
        for (pid, ()) in entries {
            assert!(pid.is_alive(), "key {key}: dead {pid}");
            assert_eq!(live_pids.get(&pid), Some(&key), "key {key}: {pid}");
            found.insert(pid);
        }
    }
    let mut in_groups = 0;
    for group in 0..GROUPS {
        for (pid, key) in groups.lookup(&group) {
            assert!(pid.is_alive(), "group {group}: dead {pid}");
            assert_eq!(live_pids.get(&pid), Some(&key));
            assert_eq!(key % GROUPS, group);
            in_groups += 1;
        }
    }
    assert!(names.select(|_, pid, ()| !pid.is_alive()).is_empty());
    assert!(groups.select(|_, pid, _| !pid.is_alive()).is_empty());
    // Every live worker is found under its key, and count is exact.
    assert_eq!(found.len(), live.len());
    assert_eq!(in_groups, live.len());
    assert_eq!(names.count(), live.len());
    assert_eq!(groups.count(), live.len());
    for (worker, key) in &live {
        assert_eq!(names.lookup(key), vec![(worker.pid(), ())]);
        assert_eq!(names.keys(&worker.pid()), vec![*key]);
        assert_eq!(groups.keys(&worker.pid()), vec![key % GROUPS]);
    }
    for (worker, _) in &exited {
        assert!(names.keys(&worker.pid()).is_empty());
        assert!(groups.keys(&worker.pid()).is_empty());
    }

    // And when the rest exit, nothing is left.
    for (worker, _) in &live {
        worker.pid().kill();
    }
    wait(&live, &mut seen).await;
    assert_eq!(names.count(), 0);
    assert_eq!(groups.count(), 0);
}
