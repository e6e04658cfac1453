//! lookup, match and select: `lookup` gives the (pid, value) pairs under a key (in no set
//! order), `match_values` those of them whose value passes a filter, `select` every entry for
//! which a filter on key, pid and value holds; reads work from outside any process.

use otp_behaviour_tests::registry::{Proc, ProcRef, run_in};
use otp_core::prelude::*;
use otp_core::{Duplicate, Registry, RegistryRef, Unique};

type Topics = RegistryRef<String, u32, Duplicate>;
type Names = RegistryRef<String, u32, Unique>;

/// Three processes, each under `news` with value 10 * i + 1 and `sports` with 10 * i + 2, and
/// under its own unique name `p<i>` with value i.
struct Fixture {
    topics: Topics,
    names: Names,
    processes: Vec<ProcRef>,
}

impl Fixture {
    async fn new() -> Fixture {
        let topics = Registry::<String, u32, Duplicate>::duplicate()
            .partitions(2)
            .start()
            .await
            .unwrap();
        let names = Registry::<String, u32>::unique().start().await.unwrap();
        let mut processes = Vec::new();
        for i in 0..3u32 {
            let process = Proc::start(Proc).await.unwrap();
            let (t, n) = (topics.clone(), names.clone());
            run_in(&process, move || {
                t.register("news".into(), 10 * i + 1).unwrap();
                t.register("sports".into(), 10 * i + 2).unwrap();
                n.register(format!("p{i}"), i).unwrap();
            })
            .await;
            processes.push(process);
        }
        Fixture {
            topics,
            names,
            processes,
        }
    }

    fn pid(&self, i: usize) -> Pid {
        self.processes[i].pid()
    }
}

fn sorted<T: Ord>(mut entries: Vec<T>) -> Vec<T> {
    entries.sort();
    entries
}

#[tokio::test]
async fn lookup_gives_the_pid_and_value_pairs_of_a_key() {
    let f = Fixture::new().await;
    assert_eq!(
        sorted(f.topics.lookup("news")),
        sorted(vec![(f.pid(0), 1), (f.pid(1), 11), (f.pid(2), 21)])
    );
    assert_eq!(
        sorted(f.topics.lookup(&"sports".to_owned())),
        sorted(vec![(f.pid(0), 2), (f.pid(1), 12), (f.pid(2), 22)])
    );
    assert_eq!(f.names.lookup("p1"), vec![(f.pid(1), 1)]);
    assert!(f.topics.lookup("weather").is_empty());
    assert!(f.names.lookup("p3").is_empty());
}

#[tokio::test]
async fn match_values_keeps_the_entries_of_the_key_whose_value_passes() {
    let f = Fixture::new().await;
    assert_eq!(
        sorted(f.topics.match_values("news", |v| *v > 5)),
        sorted(vec![(f.pid(1), 11), (f.pid(2), 21)])
    );
    assert_eq!(
        f.topics.match_values("news", |v| *v == 11),
        vec![(f.pid(1), 11)]
    );
    // Only that key: the value 12 is under `sports`.
    assert!(f.topics.match_values("news", |v| *v == 12).is_empty());
    assert!(f.topics.match_values("weather", |_| true).is_empty());
    assert_eq!(f.names.match_values("p2", |v| *v == 2), vec![(f.pid(2), 2)]);
    assert!(f.names.match_values("p2", |v| *v == 1).is_empty());
}

#[tokio::test]
async fn select_keeps_every_entry_that_passes() {
    let f = Fixture::new().await;
    let everything = f.topics.select(|_, _, _| true);
    assert_eq!(everything.len(), f.topics.count());
    assert_eq!(everything.len(), 6);
    assert_eq!(
        sorted(
            f.topics
                .select(|key, _, value| key == "sports" && *value > 10)
        ),
        sorted(vec![
            ("sports".to_owned(), f.pid(1), 12),
            ("sports".to_owned(), f.pid(2), 22)
        ])
    );
    let p0 = f.pid(0);
    assert_eq!(
        sorted(f.topics.select(|_, pid, _| *pid == p0)),
        sorted(vec![
            ("news".to_owned(), p0.clone(), 1),
            ("sports".to_owned(), p0.clone(), 2)
        ])
    );
    assert!(f.topics.select(|_, _, value| *value > 100).is_empty());
    assert_eq!(
        sorted(f.names.select(|_, _, value| *value != 1)),
        sorted(vec![
            ("p0".to_owned(), f.pid(0), 0),
            ("p2".to_owned(), f.pid(2), 2)
        ])
    );
}

#[tokio::test]
async fn reads_see_exits_and_unregistrations() {
    let f = Fixture::new().await;
    f.processes[0].stop(ExitReason::Normal).await.unwrap();
    let t = f.topics.clone();
    run_in(&f.processes[1], move || t.unregister("news")).await;
    assert_eq!(f.topics.lookup("news"), vec![(f.pid(2), 21)]);
    assert_eq!(
        sorted(f.topics.match_values("sports", |_| true)),
        sorted(vec![(f.pid(1), 12), (f.pid(2), 22)])
    );
    assert_eq!(f.topics.select(|_, _, _| true).len(), 3);
    assert!(f.names.lookup("p0").is_empty());
}
