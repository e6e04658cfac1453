//! rest_for_one: when a child dies, the supervisor stops the children started after it, in
//! reverse start order, then starts it and them again in start order; those before it keep
//! running. Four children, each position crashed in turn (first, middle, last), with the start
//! counters and the exact log of stops and starts.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use otp_core::{SupervisorRef, supervisor};

type Log = Arc<Mutex<Vec<String>>>;

#[derive(Clone)]
struct Args {
    name: &'static str,
    log: Log,
    starts: Arc<AtomicUsize>,
    /// When set, the next init refuses to start (and clears it).
    refuse_once: Arc<AtomicBool>,
}

struct Worker {
    name: &'static str,
    log: Log,
}

#[genserver]
impl Worker {
    #[init]
    fn init(args: Args) -> Result<Self, InitError> {
        if args.refuse_once.swap(false, Ordering::SeqCst) {
            args.log
                .lock()
                .unwrap()
                .push(format!("refuse {}", args.name));
            return Err(InitError::Stop(ExitReason::ShutdownWith("not now".into())));
        }
        args.starts.fetch_add(1, Ordering::SeqCst);
        args.log
            .lock()
            .unwrap()
            .push(format!("start {}", args.name));
        Ok(Worker {
            name: args.name,
            log: args.log,
        })
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
    refuse: Vec<Arc<AtomicBool>>,
}

impl Tree {
    async fn start() -> Tree {
        let log = Log::default();
        let starts: Vec<Arc<AtomicUsize>> = IDS.iter().map(|_| Arc::default()).collect();
        let refuse: Vec<Arc<AtomicBool>> = IDS.iter().map(|_| Arc::default()).collect();
        let args = |i: usize| Args {
            name: IDS[i],
            log: log.clone(),
            starts: starts[i].clone(),
            refuse_once: refuse[i].clone(),
        };
        let sup = supervisor! {
            strategy: rest_for_one,
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
        Tree {
            sup,
            log,
            starts,
            refuse,
        }
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
    tree.take_log();
    let before = tree.pids().await;

    let id = IDS[position];
    tree.crash(id).await;

    let mut expected = vec![format!("crash {id}")];
    expected.extend(
        IDS[position + 1..]
            .iter()
            .rev()
            .map(|other| format!("stop {other}")),
    );
    expected.extend(IDS[position..].iter().map(|other| format!("start {other}")));
    assert_eq!(tree.take_log(), expected);
    let starts: Vec<usize> = (0..IDS.len())
        .map(|i| if i < position { 1 } else { 2 })
        .collect();
    assert_eq!(tree.starts(), starts);
    let after = tree.pids().await;
    for (i, (old, new)) in before.iter().zip(&after).enumerate() {
        if i < position {
            assert_eq!(old, new, "{} kept its process", IDS[i]);
        } else {
            assert_ne!(old, new, "{} runs as a new process", IDS[i]);
            assert!(!old.is_alive());
        }
        assert!(new.is_alive());
    }

    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(
        tree.take_log(),
        log(&["stop d", "stop c", "stop b", "stop a"])
    );
}

#[tokio::test(start_paused = true)]
async fn crashing_the_first_child_restarts_all() {
    crash_one(0).await;
}

#[tokio::test(start_paused = true)]
async fn crashing_a_middle_child_restarts_it_and_those_after_it() {
    crash_one(1).await;
    crash_one(2).await;
}

#[tokio::test(start_paused = true)]
async fn crashing_the_last_child_restarts_only_it() {
    crash_one(3).await;
}

#[tokio::test(start_paused = true)]
async fn the_exact_log_when_the_second_child_crashes() {
    let tree = Tree::start().await;
    tree.take_log();
    tree.crash("b").await;
    assert_eq!(
        tree.take_log(),
        log(&[
            "crash b", "stop d", "stop c", "start b", "start c", "start d"
        ])
    );
    assert_eq!(tree.starts(), vec![1, 2, 2, 2]);
    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
}

/// OTP (`supervisor:restart_multiple_children/3`): when the child fails to start again, the
/// children after it are not started; the supervisor tries again and starts it, then them.
/// The point of rest_for_one is that those after a child depend on it.
#[tokio::test(start_paused = true)]

async fn a_child_that_fails_to_restart_is_started_before_those_after_it() {
    let tree = Tree::start().await;
    tree.take_log();
    tree.refuse[1].store(true, Ordering::SeqCst);
    tree.crash("b").await;
    // The retry goes through the supervisor's mailbox, behind the call in `crash`.
    tree.sup.count_children().await.unwrap();
    assert_eq!(
        tree.take_log(),
        log(&[
            "crash b", "stop d", "stop c", "refuse b", "start b", "start c", "start d",
        ])
    );
    assert_eq!(tree.sup.count_children().await.unwrap().active, 4);
    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
}
