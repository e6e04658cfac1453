//! Partitions: a registry split into 8 partitions answers every read exactly as one with a
//! single partition (the default), for unique and duplicate keys, after the same registrations,
//! unregistrations and exits.

use otp_behaviour_tests::registry::{Proc, ProcRef, run_in};
use otp_core::prelude::*;
use otp_core::{Duplicate, KeyKind, Registry, RegistryOptions, RegistryRef, Unique};

/// Everything the registry answers, with each pid replaced by its process's index.
#[derive(Debug, PartialEq)]
struct Snapshot {
    count: usize,
    lookups: Vec<(String, Vec<(usize, u32)>)>,
    matches: Vec<(String, Vec<(usize, u32)>)>,
    selected: Vec<(String, usize, u32)>,
    keys: Vec<Vec<String>>,
    dispatched: Vec<(String, bool)>,
}

const KEYS: usize = 40;

fn key(i: usize) -> String {
    format!("key-{i}")
}

/// Runs the same story against a registry built from `options`, and records what it answers.
async fn story<Kind: KeyKind>(options: RegistryOptions<String, u32, Kind>) -> Snapshot {
    let registry: RegistryRef<String, u32, Kind> = options.start().await.unwrap();
    let mut processes = Vec::new();
    for _ in 0..6 {
        processes.push(Proc::start(Proc).await.unwrap());
    }
    // Process p registers every key i with i % 6 == p or i % 4 == p; a unique registry refuses
    // the second, a duplicate one takes both.
    for (p, process) in processes.iter().enumerate() {
        let registry = registry.clone();
        run_in(process, move || {
            for i in (0..KEYS).filter(|i| i % 6 == p || i % 4 == p) {
                let _ = registry.register(key(i), u32::try_from(i * 10 + p).unwrap());
            }
        })
        .await;
    }
    // Process 1 leaves the keys divisible by 3; process 2 exits.
    let leaving = registry.clone();
    run_in(&processes[1], move || {
        for i in (0..KEYS).filter(|i| i % 3 == 0) {
            leaving.unregister(key(i).as_str());
        }
    })
    .await;
    processes[2].stop(ExitReason::Normal).await.unwrap();

    let pids: Vec<Pid> = processes.iter().map(ProcRef::pid).collect();
    let index = |pid: &Pid| pids.iter().position(|p| p == pid).expect("a known pid");
    let indexed = |entries: Vec<(Pid, u32)>| {
        let mut entries: Vec<(usize, u32)> = entries.iter().map(|(p, v)| (index(p), *v)).collect();
        entries.sort_unstable();
        entries
    };
    let mut selected: Vec<(String, usize, u32)> = registry
        .select(|_, _, value| value % 2 == 0)
        .into_iter()
        .map(|(k, p, v)| (k, index(&p), v))
        .collect();
    selected.sort();
    Snapshot {
        count: registry.count(),
        lookups: (0..KEYS + 2)
            .map(|i| (key(i), indexed(registry.lookup(key(i).as_str()))))
            .collect(),
        matches: (0..KEYS)
            .map(|i| {
                (
                    key(i),
                    indexed(registry.match_values(key(i).as_str(), |v| v % 10 < 3)),
                )
            })
            .collect(),
        selected,
        keys: pids
            .iter()
            .map(|pid| {
                let mut keys = registry.keys(pid);
                keys.sort();
                keys
            })
            .collect(),
        dispatched: (0..KEYS + 2)
            .map(|i| (key(i), registry.dispatch(key(i).as_str(), |_| {})))
            .collect(),
    }
}

#[tokio::test]
async fn a_unique_registry_answers_the_same_with_one_and_eight_partitions() {
    let one = story(Registry::<String, u32, Unique>::unique()).await;
    let eight = story(Registry::<String, u32, Unique>::unique().partitions(8)).await;
    assert_eq!(one, eight);
    // And the story did what it says: 40 keys, 10 of them (i % 3 == 0) dropped by process 1 or
    // 2 only when they held them.
    assert_eq!(one.lookups[0], (key(0), vec![(0, 0)]));
    assert_eq!(one.lookups[1], (key(1), vec![(1, 11)]));
    assert_eq!(one.lookups[2], (key(2), vec![]));
    assert_eq!(one.lookups[KEYS], (key(KEYS), vec![]));
    assert_eq!(
        one.count,
        one.lookups.iter().map(|(_, e)| e.len()).sum::<usize>()
    );
    assert!(one.count > 10);
}

#[tokio::test]
async fn a_duplicate_registry_answers_the_same_with_one_and_eight_partitions() {
    let one = story(Registry::<String, u32, Duplicate>::duplicate()).await;
    let eight = story(Registry::<String, u32, Duplicate>::duplicate().partitions(8)).await;
    assert_eq!(one, eight);
    assert_eq!(one.lookups[0], (key(0), vec![(0, 0)]));
    // key 5: process 5 (5 % 6) and process 1 (5 % 4); key 9: process 3 (9 % 6) and 1 (9 % 4),
    // but process 1 left the keys divisible by 3.
    assert_eq!(one.lookups[5], (key(5), vec![(1, 51), (5, 55)]));
    assert_eq!(one.lookups[9], (key(9), vec![(3, 93)]));
    assert_eq!(
        one.count,
        one.lookups.iter().map(|(_, e)| e.len()).sum::<usize>()
    );
}
