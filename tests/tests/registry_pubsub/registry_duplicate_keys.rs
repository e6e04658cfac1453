//! Duplicate keys: many processes hold one key, each with its own value; a process may hold a
//! key more than once (as in Elixir, each registration is an entry); a process's exit removes
//! its entries only.

use otp_behaviour_tests::registry::{Proc, ProcRef, run_in};
use otp_core::prelude::*;
use otp_core::{Duplicate, Registry, RegistryRef};

type Topics = RegistryRef<String, u32, Duplicate>;

async fn topics() -> Topics {
    Registry::<String, u32, Duplicate>::duplicate()
        .start()
        .await
        .expect("the registry starts")
}

async fn register(topics: &Topics, process: &ProcRef, key: &str, value: u32) {
    let (topics, key) = (topics.clone(), key.to_owned());
    run_in(process, move || topics.register(key, value))
        .await
        .expect("a duplicate key accepts every registration");
}

fn sorted(mut entries: Vec<(Pid, u32)>) -> Vec<(Pid, u32)> {
    entries.sort();
    entries
}

#[tokio::test]
async fn many_processes_hold_one_key() {
    let topics = topics().await;
    let mut processes = Vec::new();
    for value in 0..5 {
        let process = Proc::start(Proc).await.unwrap();
        register(&topics, &process, "news", value).await;
        processes.push(process);
    }
    let expected: Vec<(Pid, u32)> = processes
        .iter()
        .zip(0..)
        .map(|(p, v)| (p.pid(), v))
        .collect();
    assert_eq!(sorted(topics.lookup("news")), sorted(expected));
    assert_eq!(topics.count(), 5);
    for process in &processes {
        assert_eq!(topics.keys(&process.pid()), vec!["news".to_owned()]);
    }
    assert!(topics.lookup("sports").is_empty());
}

#[tokio::test]
async fn one_process_may_hold_a_key_twice() {
    let topics = topics().await;
    let a = Proc::start(Proc).await.unwrap();
    register(&topics, &a, "news", 1).await;
    register(&topics, &a, "news", 2).await;
    assert_eq!(
        sorted(topics.lookup("news")),
        vec![(a.pid(), 1), (a.pid(), 2)]
    );
    assert_eq!(topics.count(), 2);
    assert_eq!(
        topics.keys(&a.pid()),
        vec!["news".to_owned(), "news".to_owned()]
    );
}

#[tokio::test]
async fn an_exit_removes_only_the_exited_process_entries() {
    let topics = topics().await;
    let a = Proc::start(Proc).await.unwrap();
    let b = Proc::start(Proc).await.unwrap();
    register(&topics, &a, "news", 1).await;
    register(&topics, &a, "news", 11).await;
    register(&topics, &a, "sports", 1).await;
    register(&topics, &b, "news", 2).await;
    assert_eq!(topics.count(), 4);
    a.stop(ExitReason::Normal).await.unwrap();
    assert_eq!(topics.lookup("news"), vec![(b.pid(), 2)]);
    assert!(topics.lookup("sports").is_empty());
    assert!(topics.keys(&a.pid()).is_empty());
    assert_eq!(topics.count(), 1);
}
