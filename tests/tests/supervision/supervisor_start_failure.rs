//! A child that fails to start during the supervisor's start-up: the children already started
//! are stopped in reverse order, those after it are never started, and the start fails with
//! `FailedToStartChild { id, reason }`. A child whose init returns ignore keeps its spec with
//! no process; a temporary one is dropped.

use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use otp_core::{ChildInfo, ChildType, SupervisorError, SupervisorSpec, supervisor};

type Log = Arc<Mutex<Vec<String>>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Start,
    Refuse,
    Panic,
    Ignore,
}

#[derive(Clone)]
struct Args {
    name: &'static str,
    log: Log,
    mode: Arc<Mutex<Mode>>,
    pids: Arc<Mutex<Vec<Pid>>>,
}

struct Worker {
    name: &'static str,
    log: Log,
}

#[genserver]
impl Worker {
    #[init]
    fn init(args: Args, ctx: &mut Context<Self>) -> Result<Self, InitError> {
        let mode = *args.mode.lock().unwrap();
        let note = |event: &str| {
            args.log
                .lock()
                .unwrap()
                .push(format!("{event} {}", args.name));
        };
        match mode {
            Mode::Start => {
                note("start");
                args.pids.lock().unwrap().push(ctx.pid().clone());
                Ok(Worker {
                    name: args.name,
                    log: args.log.clone(),
                })
            }
            Mode::Refuse => {
                note("refuse");
                Err(InitError::Stop(ExitReason::ShutdownWith(
                    "no database".into(),
                )))
            }
            Mode::Panic => {
                note("panic");
                panic!("{} cannot start", args.name)
            }
            Mode::Ignore => {
                note("ignore");
                Err(InitError::Ignore)
            }
        }
    }

    #[terminate]
    fn terminate(&mut self, _reason: &ExitReason) {
        self.log.lock().unwrap().push(format!("stop {}", self.name));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Fixture {
    log: Log,
    pids: Arc<Mutex<Vec<Pid>>>,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            log: Log::default(),
            pids: Arc::default(),
        }
    }

    fn args(&self, name: &'static str, mode: Mode) -> Args {
        Args {
            name,
            log: self.log.clone(),
            mode: Arc::new(Mutex::new(mode)),
            pids: self.pids.clone(),
        }
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }

    fn started(&self) -> Vec<Pid> {
        self.pids.lock().unwrap().clone()
    }
}

/// The `SupervisorError` a nested supervisor's start failed with, as its parent reports it: the
/// reason of `FailedToStartChild`.
fn nested_error(reason: ExitReason) -> SupervisorError {
    let ExitReason::Error(error) = reason else {
        panic!("expected an Error(..) reason, got {reason:?}");
    };
    error
        .downcast_ref::<SupervisorError>()
        .expect("a SupervisorError")
        .clone()
}

#[tokio::test(start_paused = true)]
async fn the_started_children_are_stopped_in_reverse_and_the_start_fails_with_the_id() {
    let fx = Fixture::new();
    let result = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(fx.args("a", Mode::Start)) { id = "a" },
            Worker(fx.args("b", Mode::Start)) { id = "b" },
            Worker(fx.args("c", Mode::Refuse)) { id = "c" },
            Worker(fx.args("d", Mode::Start)) { id = "d" },
        ],
    }
    .start_link()
    .await;
    let error = result.unwrap_err();
    assert_eq!(
        error,
        SupervisorError::FailedToStartChild {
            id: "c".into(),
            reason: ExitReason::ShutdownWith("no database".into()),
        }
    );
    assert_eq!(
        error.to_string(),
        "child `c` failed to start: shutdown: no database"
    );
    assert_eq!(
        fx.take(),
        ["start a", "start b", "refuse c", "stop b", "stop a"]
    );
    let started = fx.started();
    assert_eq!(started.len(), 2);
    for pid in started {
        assert!(!pid.is_alive());
        assert_eq!(pid.wait_exit().await, ExitReason::Shutdown);
    }
}

#[tokio::test(start_paused = true)]
async fn a_child_panicking_in_init_fails_the_start_with_the_panic() {
    let fx = Fixture::new();
    let result = supervisor! {
        strategy: rest_for_one,
        children: [
            Worker(fx.args("a", Mode::Start)) { id = "a" },
            Worker(fx.args("b", Mode::Panic)) { id = "b" },
        ],
    }
    .start_link()
    .await;
    assert_eq!(
        result.unwrap_err(),
        SupervisorError::FailedToStartChild {
            id: "b".into(),
            reason: ExitReason::Panic("b cannot start".into()),
        }
    );
    assert_eq!(fx.take(), ["start a", "panic b", "stop a"]);
}

#[tokio::test(start_paused = true)]
async fn the_first_child_failing_starts_nothing() {
    let fx = Fixture::new();
    let result = supervisor! {
        strategy: one_for_all,
        children: [
            Worker(fx.args("a", Mode::Refuse)) { id = "a" },
            Worker(fx.args("b", Mode::Start)) { id = "b" },
        ],
    }
    .start_link()
    .await;
    assert!(matches!(
        result.unwrap_err(),
        SupervisorError::FailedToStartChild { id, .. } if id == "a"
    ));
    assert_eq!(fx.take(), ["refuse a"]);
}

#[tokio::test(start_paused = true)]
async fn a_child_whose_name_is_taken_fails_the_start_with_already_started() {
    let fx = Fixture::new();
    let holder = Worker::options()
        .name("start_failure_taken")
        .start(fx.args("holder", Mode::Start))
        .await
        .unwrap();
    fx.take();
    let result = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(fx.args("a", Mode::Start)) { id = "a" },
            Worker(fx.args("b", Mode::Start)) { id = "b", name = "start_failure_taken" },
        ],
    }
    .start_link()
    .await;
    let SupervisorError::FailedToStartChild { id, reason } = result.unwrap_err() else {
        panic!("expected FailedToStartChild");
    };
    assert_eq!(id, "b");
    let ExitReason::Error(inner) = reason else {
        panic!("expected an Error reason, got {reason:?}");
    };
    assert_eq!(
        inner.downcast_ref::<StartError>(),
        Some(&StartError::AlreadyStarted(holder.pid()))
    );
    assert_eq!(fx.take(), ["start a", "stop a"]);
    assert!(holder.is_alive());
}

#[tokio::test(start_paused = true)]
async fn a_failure_in_a_nested_supervisor_fails_the_whole_start() {
    let fx = Fixture::new();
    let result = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(fx.args("a", Mode::Start)) { id = "a" },
            supervisor! {
                strategy: one_for_one,
                children: [
                    Worker(fx.args("b", Mode::Start)) { id = "b" },
                    Worker(fx.args("c", Mode::Refuse)) { id = "c" },
                ],
            } { id = "sub" },
            Worker(fx.args("d", Mode::Start)) { id = "d" },
        ],
    }
    .start_link()
    .await;
    let SupervisorError::FailedToStartChild { id, reason } = result.unwrap_err() else {
        panic!("expected FailedToStartChild");
    };
    assert_eq!(id, "sub");
    assert_eq!(
        nested_error(reason),
        SupervisorError::FailedToStartChild {
            id: "c".into(),
            reason: ExitReason::ShutdownWith("no database".into()),
        }
    );
    assert_eq!(
        fx.take(),
        ["start a", "start b", "refuse c", "stop b", "stop a"]
    );
}

#[tokio::test(start_paused = true)]
async fn duplicate_ids_fail_the_start_before_any_child_starts() {
    let fx = Fixture::new();
    let result = SupervisorSpec::new(otp_core::Strategy::OneForOne)
        .child(otp_core::ChildSpec::of::<Worker>(fx.args("a", Mode::Start)).with_id("same"))
        .child(otp_core::ChildSpec::of::<Worker>(fx.args("b", Mode::Start)).with_id("same"))
        .start_link()
        .await;
    assert_eq!(
        result.unwrap_err(),
        SupervisorError::DuplicateChildId("same".into())
    );
    assert!(fx.take().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_child_that_ignores_keeps_its_spec_without_a_process() {
    let fx = Fixture::new();
    let b_args = fx.args("b", Mode::Ignore);
    let b_mode = b_args.mode.clone();
    let sup = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(fx.args("a", Mode::Start)) { id = "a" },
            Worker(b_args) { id = "b" },
            Worker(fx.args("c", Mode::Start)) { id = "c" },
        ],
    }
    .start_link()
    .await
    .unwrap();
    assert_eq!(fx.take(), ["start a", "ignore b", "start c"]);
    let children = sup.which_children().await.unwrap();
    let listed: Vec<_> = children
        .iter()
        .map(|c| (c.id.as_deref().unwrap(), c.pid().is_some()))
        .collect();
    assert_eq!(listed, [("a", true), ("b", false), ("c", true)]);
    assert_eq!(
        children[1],
        ChildInfo {
            id: Some("b".into()),
            state: otp_core::ChildState::NotRunning,
            child_type: ChildType::Worker
        }
    );
    let counts = sup.count_children().await.unwrap();
    assert_eq!((counts.specs, counts.active, counts.workers), (3, 2, 3));

    // The kept spec can be started later.
    *b_mode.lock().unwrap() = Mode::Start;
    let b = sup.restart_child("b").await.unwrap().unwrap();
    assert_eq!(sup.child_pid("b").await.unwrap(), Some(b));
    assert_eq!(fx.take(), ["start b"]);
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(fx.take(), ["stop c", "stop b", "stop a"]);
}

#[tokio::test(start_paused = true)]
async fn a_temporary_child_that_ignores_is_dropped() {
    let fx = Fixture::new();
    let sup = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(fx.args("a", Mode::Start)) { id = "a" },
            Worker(fx.args("b", Mode::Ignore)) { id = "b", restart = temporary },
            Worker(fx.args("c", Mode::Start)) { id = "c" },
        ],
    }
    .start_link()
    .await
    .unwrap();
    let ids: Vec<_> = sup
        .which_children()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id.unwrap())
        .collect();
    assert_eq!(ids, ["a", "c"]);
    assert_eq!(sup.count_children().await.unwrap().specs, 2);
    assert_eq!(
        sup.restart_child("b").await,
        Err(SupervisorError::NotFound("b".into()))
    );
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
