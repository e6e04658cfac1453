//! Fault at the edge: a supervisor whose child keeps failing to start.
//!
//! The documented outcome, OTP's (`supervisor:restart/2` and `try_again_restart`): after the
//! child's exit, the supervisor restarts it; a failed start is tried again through the
//! supervisor's mailbox, each try counting toward the intensity; there is no back-off, so with
//! `max_restarts: 3` the child's init runs three more times and the fourth restart exceeds the
//! intensity: the supervisor stops the other children in reverse start order and exits with
//! `Shutdown`, and its own supervisor applies its rules. A child that starts again within the
//! intensity is simply running again. At start-up there is no retry: the first failure fails
//! the supervisor's start.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use otp_core::{
    ChildSpec, DynamicSupervisor, DynamicSupervisorOptions, Strategy, SupervisorError,
    SupervisorRef, SupervisorSpec,
};
use tokio::time::Instant;

type Log = Arc<Mutex<Vec<String>>>;

fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

fn log_strings(entries: &[&str]) -> Vec<String> {
    entries.iter().map(ToString::to_string).collect()
}

/// How the next starts of a child fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Failure {
    Error,
    Panic,
}

#[derive(Clone)]
struct Args {
    name: &'static str,
    log: Log,
    /// The next this many starts fail (`u32::MAX`: all of them).
    failing_starts: Arc<AtomicU32>,
    failure: Failure,
}

impl Args {
    fn new(name: &'static str, log: &Log, failure: Failure) -> Self {
        Args {
            name,
            log: log.clone(),
            failing_starts: Arc::default(),
            failure,
        }
    }

    fn fail_next(&self, starts: u32) {
        self.failing_starts.store(starts, Ordering::SeqCst);
    }
}

/// The error a failing init returns.
#[derive(Debug)]
struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("refused")
    }
}

impl std::error::Error for Refused {}

struct Flaky {
    name: &'static str,
    log: Log,
}

#[genserver]
impl Flaky {
    #[init]
    fn init(args: Args) -> Result<Self, InitError> {
        let failing = args
            .failing_starts
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| match left {
                0 => None,
                u32::MAX => Some(u32::MAX),
                left => Some(left - 1),
            })
            .is_ok();
        if failing {
            args.log.lock().unwrap().push(format!("fail {}", args.name));
            match args.failure {
                Failure::Error => return Err(Refused.into()),
                Failure::Panic => panic!("{} refused", args.name),
            }
        }
        args.log
            .lock()
            .unwrap()
            .push(format!("start {}", args.name));
        Ok(Flaky {
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
        let what = if reason.is_quiet() { "stop" } else { "crash" };
        self.log
            .lock()
            .unwrap()
            .push(format!("{what} {}", self.name));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn spec(strategy: Strategy, children: &[Args]) -> SupervisorSpec {
    children.iter().fold(
        SupervisorSpec::new(strategy).max_restarts(3).max_seconds(5),
        |spec, args| spec.child(ChildSpec::of::<Flaky>(args.clone()).with_id(args.name)),
    )
}

fn flaky(pid: &Pid) -> FlakyRef {
    FlakyRef::from(otp_core::ServerRef::<Flaky>::from_pid(pid).unwrap())
}

/// Crashes child `id` and waits for the supervisor to give up or to settle.
async fn crash(sup: &SupervisorRef, id: &str) -> Pid {
    let pid = sup.child_pid(id).await.unwrap().unwrap();
    flaky(&pid).crash();
    pid.wait_exit().await;
    pid
}

#[tokio::test(start_paused = true)]
async fn one_for_one_tries_three_times_then_stops_the_rest_in_reverse_and_exits_with_shutdown() {
    for failure in [Failure::Error, Failure::Panic] {
        let log = Log::default();
        let children = [
            Args::new("a", &log, failure),
            Args::new("b", &log, failure),
            Args::new("c", &log, failure),
        ];
        let sup = spec(Strategy::OneForOne, &children).start().await.unwrap();
        assert_eq!(take(&log), ["start a", "start b", "start c"]);
        children[1].fail_next(u32::MAX);
        let began = Instant::now();
        crash(&sup, "b").await;
        assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
        assert_eq!(began.elapsed(), std::time::Duration::ZERO, "no back-off");
        assert_eq!(
            take(&log),
            ["crash b", "fail b", "fail b", "fail b", "stop c", "stop a"],
            "{failure:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn one_for_all_restarts_the_others_at_each_try() {
    let log = Log::default();
    let children = [
        Args::new("a", &log, Failure::Error),
        Args::new("b", &log, Failure::Error),
        Args::new("c", &log, Failure::Error),
    ];
    let sup = spec(Strategy::OneForAll, &children).start().await.unwrap();
    take(&log);
    children[1].fail_next(u32::MAX);
    crash(&sup, "b").await;
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(
        take(&log),
        log_strings(&[
            "crash b", "stop c", "stop a", // the first restart
            "start a", "fail b", // try 1; c waits for b
            "stop a", "start a", "fail b", // try 2
            "stop a", "start a", "fail b", // try 3
            "stop a", // the fourth exceeds the intensity
        ])
    );
}

#[tokio::test(start_paused = true)]
async fn a_child_that_starts_again_within_the_intensity_is_running_and_nothing_escalates() {
    let log = Log::default();
    let children = [
        Args::new("a", &log, Failure::Panic),
        Args::new("b", &log, Failure::Panic),
    ];
    let sup = spec(Strategy::OneForOne, &children).start().await.unwrap();
    take(&log);
    children[1].fail_next(2);
    let old = crash(&sup, "b").await;
    // Requests are answered between two tries (b restarting meanwhile); the third try starts
    // it. Each answer lets at least one try run, so the loop is bounded.
    for _ in 0..3 {
        if sup.count_children().await.unwrap().active == 2 {
            break;
        }
    }
    let counts = sup.count_children().await.unwrap();
    assert_eq!((counts.specs, counts.active), (2, 2));
    assert_eq!(take(&log), ["crash b", "fail b", "fail b", "start b"]);
    assert!(
        sup.child_pid("b")
            .await
            .unwrap()
            .is_some_and(|pid| pid != old)
    );
    assert!(sup.is_alive());
    // The three restarts are spent: one more crash within the period takes it down.
    crash(&sup, "a").await;
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(take(&log), ["crash a", "stop b"]);
}

/// Two levels: the child's supervisor gives up; the root restarts it, its start fails on the
/// same child (`failed_to_start_child`), the root tries again, which exceeds its own intensity
/// of one restart: the root exits with `Shutdown`.
#[tokio::test(start_paused = true)]
async fn the_failure_climbs_the_tree_until_the_root_gives_up() {
    let log = Log::default();
    let children = [
        Args::new("a", &log, Failure::Error),
        Args::new("b", &log, Failure::Error),
    ];
    let root = SupervisorSpec::new(Strategy::OneForOne)
        .max_restarts(1)
        .max_seconds(5)
        .child(spec(Strategy::OneForOne, &children).into_child_spec("sub"))
        .start()
        .await
        .unwrap();
    let sub = SupervisorRef::from_pid(&root.child_pid("sub").await.unwrap().unwrap()).unwrap();
    take(&log);
    children[1].fail_next(u32::MAX);
    crash(&sub, "b").await;
    assert_eq!(sub.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(root.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(
        take(&log),
        log_strings(&[
            "crash b", "fail b", "fail b", "fail b", "stop a", // sub gives up
            "start a", "fail b", "stop a", // the root's restart of sub fails
        ])
    );
}

#[tokio::test(start_paused = true)]
async fn a_dynamic_supervisor_tries_three_times_then_exits_with_shutdown() {
    let log = Log::default();
    let sup = DynamicSupervisor::start(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let steady = sup
        .start_child::<Flaky>(Args::new("steady", &log, Failure::Error))
        .await
        .unwrap();
    let args = Args::new("b", &log, Failure::Error);
    let b = sup.start_child::<Flaky>(args.clone()).await.unwrap();
    take(&log);
    args.fail_next(u32::MAX);
    b.crash();
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(
        take(&log),
        ["crash b", "fail b", "fail b", "fail b", "stop steady"]
    );
    assert_eq!(steady.pid().exit_reason(), Some(ExitReason::Shutdown));
}

#[tokio::test(start_paused = true)]
async fn at_start_up_the_first_failure_fails_the_start_without_a_retry() {
    let log = Log::default();
    let children = [
        Args::new("a", &log, Failure::Error),
        Args::new("b", &log, Failure::Error),
    ];
    children[1].fail_next(u32::MAX);
    let started = spec(Strategy::OneForOne, &children).start().await;
    let Err(SupervisorError::FailedToStartChild { id, reason }) = started else {
        panic!("the start should fail with failed_to_start_child, got {started:?}");
    };
    assert_eq!(id, "b");
    assert_eq!(reason.to_string(), ExitReason::error(Refused).to_string());
    assert_eq!(take(&log), ["start a", "fail b", "stop a"]);
}
