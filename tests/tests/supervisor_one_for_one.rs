//! one_for_one: only the child that died is restarted; its siblings keep running, untouched.
//! Four children, each position crashed in turn (first, middle, last), with the start counters
//! and the exact log of stops and starts; on stop, the children stop in reverse start order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use otp_core::{SupervisorRef, supervisor};

type Log = Arc<Mutex<Vec<String>>>;

#[derive(Clone)]
struct Args {
    name: &'static str,
    log: Log,
    starts: Arc<AtomicUsize>,
}

struct Worker {
    name: &'static str,
    log: Log,
}

#[genserver]
impl Worker {
    #[init]
    fn init(args: Args) -> Self {
        args.starts.fetch_add(1, Ordering::SeqCst);
        args.log
            .lock()
            .unwrap()
            .push(format!("start {}", args.name));
        Worker {
            name: args.name,
            log: args.log,
        }
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("{} crashed", self.name);
    }

    #[terminate]
    fn terminate(&mut self, reason: &ExitReason) {
        let how = if *reason == ExitReason::Shutdown {
            "stop"
        } else {
            "crash"
        };
        self.log
            .lock()
            .unwrap()
            .push(format!("{how} {}", self.name));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

const IDS: [&str; 4] = ["a", "b", "c", "d"];

struct Tree {
    sup: SupervisorRef,
    log: Log,
    starts: Vec<Arc<AtomicUsize>>,
}

impl Tree {
    async fn start() -> Tree {
        let log = Log::default();
        let starts: Vec<Arc<AtomicUsize>> = IDS.iter().map(|_| Arc::default()).collect();
        let args = |i: usize| Args {
            name: IDS[i],
            log: log.clone(),
            starts: starts[i].clone(),
        };
        let sup = supervisor! {
            strategy: one_for_one,
            children: [
                Worker(args(0)) { id = "a" },
                Worker(args(1)) { id = "b" },
                Worker(args(2)) { id = "c" },
                Worker(args(3)) { id = "d" },
            ],
        }
        .start_link()
        .await
        .unwrap();
        Tree { sup, log, starts }
    }

    fn starts(&self) -> Vec<usize> {
        self.starts
            .iter()
            .map(|n| n.load(Ordering::SeqCst))
            .collect()
    }

    fn take_log(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }

    async fn pids(&self) -> Vec<Pid> {
        let children = self.sup.which_children().await.unwrap();
        let ids: Vec<_> = children.iter().map(|c| c.id.clone().unwrap()).collect();
        assert_eq!(ids, IDS, "children are listed in start order");
        children.into_iter().map(|c| c.pid.unwrap()).collect()
    }

    /// Crashes child `id` and waits until the supervisor has handled its exit.
    async fn crash(&self, id: &str) {
        let pid = self.sup.child_pid(id).await.unwrap().unwrap();
        let worker = otp_core::ServerRef::<Worker>::from_pid(&pid)
            .map(WorkerRef::from)
            .unwrap();
        worker.crash();
        assert!(matches!(pid.wait_exit().await, ExitReason::Panic(_)));
        // The supervisor's mailbox holds the child's exit before this call: the restart is done
        // when it answers.
        self.sup.count_children().await.unwrap();
    }
}

fn log(entries: &[&str]) -> Vec<String> {
    entries.iter().map(ToString::to_string).collect()
}

async fn crash_one(position: usize) {
    let tree = Tree::start().await;
    assert_eq!(
        tree.take_log(),
        log(&["start a", "start b", "start c", "start d"])
    );
    let before = tree.pids().await;

    let id = IDS[position];
    tree.crash(id).await;

    assert_eq!(
        tree.take_log(),
        vec![format!("crash {id}"), format!("start {id}")]
    );
    let mut expected = vec![1, 1, 1, 1];
    expected[position] = 2;
    assert_eq!(tree.starts(), expected, "only {id} restarted");
    let after = tree.pids().await;
    for (i, (old, new)) in before.iter().zip(&after).enumerate() {
        if i == position {
            assert_ne!(old, new, "{id} runs as a new process");
            assert!(!old.is_alive());
        } else {
            assert_eq!(old, new, "{} kept its process", IDS[i]);
            assert!(new.is_alive());
        }
    }

    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(
        tree.take_log(),
        log(&["stop d", "stop c", "stop b", "stop a"])
    );
    assert!(after.iter().all(|pid| !pid.is_alive()));
}

#[tokio::test(start_paused = true)]
async fn crashing_the_first_child_restarts_only_it() {
    crash_one(0).await;
}

#[tokio::test(start_paused = true)]
async fn crashing_a_middle_child_restarts_only_it() {
    crash_one(1).await;
    crash_one(2).await;
}

#[tokio::test(start_paused = true)]
async fn crashing_the_last_child_restarts_only_it() {
    crash_one(3).await;
}

#[tokio::test(start_paused = true)]
async fn each_crash_restarts_the_child_that_died() {
    let tree = Tree::start().await;
    tree.take_log();
    tree.crash("c").await;
    tree.crash("a").await;
    tree.crash("c").await;
    assert_eq!(
        tree.take_log(),
        log(&[
            "crash c", "start c", "crash a", "start a", "crash c", "start c"
        ])
    );
    assert_eq!(tree.starts(), vec![2, 1, 3, 1]);
    assert!(
        tree.sup.is_alive(),
        "three restarts are within the intensity"
    );
    assert_eq!(tree.sup.count_children().await.unwrap().active, 4);
    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_child_killed_from_outside_is_restarted_without_its_terminate() {
    let tree = Tree::start().await;
    tree.take_log();
    let b = tree.sup.child_pid("b").await.unwrap().unwrap();
    b.kill();
    assert_eq!(b.wait_exit().await, ExitReason::Killed);
    tree.sup.count_children().await.unwrap();
    assert_eq!(tree.take_log(), log(&["start b"]));
    assert_eq!(tree.starts(), vec![1, 2, 1, 1]);
    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
}
