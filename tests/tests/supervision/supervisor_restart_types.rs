//! Restart types: permanent is always restarted; transient is restarted unless it exits with
//! normal, shutdown or shutdown-with-detail (and then its spec is kept without a process);
//! temporary is never restarted and its spec is dropped. Under one_for_all and rest_for_one,
//! temporary siblings are stopped and not restarted.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use otp_behaviour_tests::supervisor::{Args, Log, note, starts, take};
use otp_core::prelude::*;
use otp_core::{ChildInfo, ChildState, ChildType, SupervisorRef, supervisor};

struct Worker {
    name: &'static str,
    log: Log,
}

#[genserver]
impl Worker {
    #[init]
    fn init(args: Args) -> Result<Self, InitError> {
        args.on_init()?;
        Ok(Worker {
            name: args.name,
            log: args.log,
        })
    }

    /// Exits with `how`: a stop with a reason, or a panic.
    #[handle_cast]
    fn exit_with(&mut self, how: How, ctx: &mut Context<Self>) {
        match how {
            How::Stop(reason) => ctx.stop(reason),
            How::Panic => panic!("{} crashed", self.name),
        }
    }

    #[terminate]
    fn terminate(&mut self, reason: &ExitReason) {
        let how = if *reason == ExitReason::Shutdown {
            "stop"
        } else {
            "exit"
        };
        note(&self.log, how, self.name);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[derive(Clone, Debug)]
enum How {
    Stop(ExitReason),
    Panic,
}

#[derive(Debug)]
struct Broken;

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("broken")
    }
}

impl std::error::Error for Broken {}

fn args(name: &'static str, log: &Log) -> (Args, Arc<AtomicUsize>) {
    let args = Args::new(name, log);
    let starts = args.starts.clone();
    (args, starts)
}

fn worker(pid: &Pid) -> WorkerRef {
    otp_core::ServerRef::<Worker>::from_pid(pid)
        .map(WorkerRef::from)
        .unwrap()
}

/// Makes child `id` exit as `how` and waits until the supervisor has handled its exit.
async fn exit_child(sup: &SupervisorRef, id: &str, how: How) -> ExitReason {
    let pid = sup.child_pid(id).await.unwrap().unwrap();
    worker(&pid).exit_with(how);
    let reason = pid.wait_exit().await;
    sup.count_children().await.unwrap();
    reason
}

/// What became of the child after it exited.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Restarted,
    KeptWithoutProcess,
    Dropped,
}

/// A one_for_one supervisor with a sibling and the child `x` of restart type `restart`; `x`
/// exits as `how`.
async fn outcome(restart: &str, how: How) -> Outcome {
    let log = Log::default();
    let (sibling, sibling_starts) = args("s", &log);
    let (x, x_starts) = args("x", &log);
    let children = match restart {
        "permanent" => supervisor! {
            strategy: one_for_one,
            children: [Worker(sibling) { id = "s" }, Worker(x) { id = "x", restart = permanent }],
        },
        "transient" => supervisor! {
            strategy: one_for_one,
            children: [Worker(sibling) { id = "s" }, Worker(x) { id = "x", restart = transient }],
        },
        _ => supervisor! {
            strategy: one_for_one,
            children: [Worker(sibling) { id = "s" }, Worker(x) { id = "x", restart = temporary }],
        },
    };
    let sup = children.start_link().await.unwrap();
    let sibling_pid = sup.child_pid("s").await.unwrap().unwrap();
    let old = sup.child_pid("x").await.unwrap().unwrap();

    let expected_reason = match &how {
        How::Stop(reason) => reason.clone(),
        How::Panic => ExitReason::Panic("x crashed".into()),
    };
    assert_eq!(exit_child(&sup, "x", how).await, expected_reason);

    assert_eq!(sibling_starts.load(Ordering::SeqCst), 1);
    assert_eq!(sup.child_pid("s").await.unwrap(), Some(sibling_pid));
    let children = sup.which_children().await.unwrap();
    let counts = sup.count_children().await.unwrap();
    let outcome = match (x_starts.load(Ordering::SeqCst), children.get(1)) {
        (
            2,
            Some(ChildInfo {
                id,
                state: ChildState::Running(new),
                ..
            }),
        ) => {
            assert_eq!(id.as_deref(), Some("x"));
            assert_ne!(*new, old);
            assert_eq!((counts.specs, counts.active), (2, 2));
            Outcome::Restarted
        }
        (
            1,
            Some(ChildInfo {
                id,
                state: ChildState::NotRunning,
                ..
            }),
        ) => {
            assert_eq!(id.as_deref(), Some("x"));
            assert_eq!((counts.specs, counts.active), (2, 1));
            Outcome::KeptWithoutProcess
        }
        (1, None) => {
            assert_eq!(children.len(), 1);
            assert_eq!((counts.specs, counts.active), (1, 1));
            Outcome::Dropped
        }
        other => panic!("unexpected state after the exit: {other:?}"),
    };
    sup.stop(ExitReason::Shutdown).await.unwrap();
    outcome
}

fn reasons() -> Vec<(&'static str, How)> {
    vec![
        ("normal", How::Stop(ExitReason::Normal)),
        ("shutdown", How::Stop(ExitReason::Shutdown)),
        (
            "shutdown-with",
            How::Stop(ExitReason::ShutdownWith("done".into())),
        ),
        ("crash", How::Panic),
        ("error", How::Stop(ExitReason::error(Broken))),
    ]
}

#[tokio::test(start_paused = true)]
async fn a_permanent_child_is_restarted_whatever_the_reason() {
    for (name, how) in reasons() {
        assert_eq!(
            outcome("permanent", how).await,
            Outcome::Restarted,
            "permanent after {name}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_transient_child_is_restarted_only_after_an_abnormal_exit() {
    for (name, how) in reasons() {
        let expected = match name {
            "crash" | "error" => Outcome::Restarted,
            _ => Outcome::KeptWithoutProcess,
        };
        assert_eq!(
            outcome("transient", how).await,
            expected,
            "transient after {name}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_temporary_child_is_never_restarted_and_its_spec_is_dropped() {
    for (name, how) in reasons() {
        assert_eq!(
            outcome("temporary", how).await,
            Outcome::Dropped,
            "temporary after {name}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_killed_transient_child_is_restarted() {
    let log = Log::default();
    let (x, starts) = args("x", &log);
    let sup = supervisor! {
        strategy: one_for_one,
        children: [Worker(x) { id = "x", restart = transient }],
    }
    .start_link()
    .await
    .unwrap();
    let pid = sup.child_pid("x").await.unwrap().unwrap();
    pid.kill();
    assert_eq!(pid.wait_exit().await, ExitReason::Killed);
    sup.count_children().await.unwrap();
    assert_eq!(starts.load(Ordering::SeqCst), 2);
    assert!(sup.child_pid("x").await.unwrap().is_some());
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_transient_child_kept_without_process_can_be_restarted_by_hand() {
    let log = Log::default();
    let (x, starts) = args("x", &log);
    let sup = supervisor! {
        strategy: one_for_one,
        children: [Worker(x) { id = "x", restart = transient }],
    }
    .start_link()
    .await
    .unwrap();
    exit_child(&sup, "x", How::Stop(ExitReason::Normal)).await;
    assert_eq!(
        sup.which_children().await.unwrap(),
        vec![ChildInfo {
            id: Some("x".into()),
            state: ChildState::NotRunning,
            child_type: ChildType::Worker
        }]
    );
    let pid = sup.restart_child("x").await.unwrap().unwrap();
    assert_eq!(sup.child_pid("x").await.unwrap(), Some(pid));
    assert_eq!(starts.load(Ordering::SeqCst), 2);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

/// Three children: `a` permanent, `t` temporary, `c` permanent.
async fn with_temporary_sibling(
    rest_for_one: bool,
    log: &Log,
) -> (SupervisorRef, Vec<Arc<AtomicUsize>>) {
    let (a, a_starts) = args("a", log);
    let (t, t_starts) = args("t", log);
    let (c, c_starts) = args("c", log);
    let spec = if rest_for_one {
        supervisor! {
            strategy: rest_for_one,
            children: [
                Worker(a) { id = "a" },
                Worker(t) { id = "t", restart = temporary },
                Worker(c) { id = "c" },
            ],
        }
    } else {
        supervisor! {
            strategy: one_for_all,
            children: [
                Worker(a) { id = "a" },
                Worker(t) { id = "t", restart = temporary },
                Worker(c) { id = "c" },
            ],
        }
    };
    let sup = spec.start_link().await.unwrap();
    log.lock().unwrap().clear();
    (sup, vec![a_starts, t_starts, c_starts])
}

fn ids(children: &[ChildInfo]) -> Vec<&str> {
    children.iter().map(|c| c.id.as_deref().unwrap()).collect()
}

#[tokio::test(start_paused = true)]
async fn one_for_all_stops_a_temporary_sibling_and_does_not_restart_it() {
    let log = Log::default();
    let (sup, counters) = with_temporary_sibling(false, &log).await;
    let t = sup.child_pid("t").await.unwrap().unwrap();
    exit_child(&sup, "a", How::Panic).await;
    assert_eq!(
        take(&log),
        ["exit a", "stop c", "stop t", "start a", "start c"]
    );
    assert_eq!(t.wait_exit().await, ExitReason::Shutdown);
    assert_eq!(starts(&counters), vec![2, 1, 2]);
    assert_eq!(ids(&sup.which_children().await.unwrap()), ["a", "c"]);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn rest_for_one_stops_a_temporary_sibling_after_the_dead_child_and_drops_it() {
    let log = Log::default();
    let (sup, counters) = with_temporary_sibling(true, &log).await;
    exit_child(&sup, "a", How::Panic).await;
    assert_eq!(
        take(&log),
        ["exit a", "stop c", "stop t", "start a", "start c"]
    );
    assert_eq!(starts(&counters), vec![2, 1, 2]);
    assert_eq!(ids(&sup.which_children().await.unwrap()), ["a", "c"]);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn rest_for_one_leaves_a_temporary_sibling_before_the_dead_child_alone() {
    let log = Log::default();
    let (sup, counters) = with_temporary_sibling(true, &log).await;
    let t = sup.child_pid("t").await.unwrap().unwrap();
    exit_child(&sup, "c", How::Panic).await;
    assert_eq!(take(&log), ["exit c", "start c"]);
    assert_eq!(starts(&counters), vec![1, 1, 2]);
    assert_eq!(sup.child_pid("t").await.unwrap(), Some(t));
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_temporary_child_dying_under_one_for_all_touches_no_sibling() {
    let log = Log::default();
    let (sup, counters) = with_temporary_sibling(false, &log).await;
    exit_child(&sup, "t", How::Panic).await;
    assert_eq!(take(&log), ["exit t"]);
    assert_eq!(starts(&counters), vec![1, 1, 1]);
    assert_eq!(ids(&sup.which_children().await.unwrap()), ["a", "c"]);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_transient_child_exiting_normally_under_one_for_all_touches_no_sibling() {
    let log = Log::default();
    let (a, a_starts) = args("a", &log);
    let (t, t_starts) = args("t", &log);
    let sup = supervisor! {
        strategy: one_for_all,
        children: [Worker(a) { id = "a" }, Worker(t) { id = "t", restart = transient }],
    }
    .start_link()
    .await
    .unwrap();
    take(&log);
    exit_child(&sup, "t", How::Stop(ExitReason::Normal)).await;
    assert_eq!(take(&log), ["exit t"]);
    assert_eq!(starts(&[a_starts, t_starts]), vec![1, 1]);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
