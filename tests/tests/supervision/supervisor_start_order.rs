//! Children start in list order, each after the one before has finished its init, and stop in
//! reverse order, each after the one after it has exited. A child's shutdown: a duration asks
//! it to stop (its `terminate` runs with `Shutdown`), waits that long, then kills it;
//! `brutal_kill` kills at once, without `terminate`; `infinity` waits as long as it takes.
//! Defaults: 5 s for a worker, infinity for a supervisor. Times are read on the paused clock.

use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use otp_core::{ChildType, Shutdown, SupervisorRef, supervisor};
use tokio::time::Instant;

type Log = Arc<Mutex<Vec<String>>>;

#[derive(Clone)]
struct Args {
    name: &'static str,
    log: Log,
    origin: Instant,
    init_takes: Duration,
    terminate_takes: Duration,
    trap_exit: bool,
}

struct Worker {
    args: Args,
}

impl Args {
    fn note(&self, event: &str) {
        let ms = self.origin.elapsed().as_millis();
        self.log
            .lock()
            .unwrap()
            .push(format!("{event} {} @{ms}", self.name));
    }
}

#[genserver]
#[child_spec(id = "worker")]
impl Worker {
    #[init]
    async fn init(args: Args, ctx: &mut Context<Self>) -> Self {
        ctx.trap_exit(args.trap_exit);
        args.note("init");
        tokio::time::sleep(args.init_takes).await;
        args.note("started");
        Worker { args }
    }

    #[terminate]
    async fn terminate(&mut self, reason: &ExitReason) {
        if *reason != ExitReason::Shutdown {
            self.args.note("crash");
            return;
        }
        self.args.note("terminate");
        tokio::time::sleep(self.args.terminate_takes).await;
        self.args.note("stopped");
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("crash");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// A worker that logs nothing, with `#[child_spec]` defaults to read.
struct Plain;

#[genserver]
#[child_spec(restart = "transient", shutdown = "10s", id = "plain")]
impl Plain {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

impl Clone for Plain {
    fn clone(&self) -> Self {
        Plain
    }
}

struct Clock {
    log: Log,
    origin: Instant,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            log: Log::default(),
            origin: Instant::now(),
        }
    }

    fn args(&self, name: &'static str) -> Args {
        Args {
            name,
            log: self.log.clone(),
            origin: self.origin,
            init_takes: Duration::ZERO,
            terminate_takes: Duration::ZERO,
            trap_exit: false,
        }
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }

    fn now_ms(&self) -> u128 {
        self.origin.elapsed().as_millis()
    }
}

fn slow_init(mut args: Args, ms: u64) -> Args {
    args.init_takes = Duration::from_millis(ms);
    args
}

fn slow_terminate(mut args: Args, ms: u64) -> Args {
    args.terminate_takes = Duration::from_millis(ms);
    args
}

async fn pid_of(sup: &SupervisorRef, id: &str) -> Pid {
    sup.child_pid(id).await.unwrap().unwrap()
}

#[tokio::test(start_paused = true)]
async fn children_start_in_list_order_each_after_the_previous_init() {
    let clock = Clock::new();
    let sup = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(slow_init(clock.args("a"), 100)) { id = "a" },
            Worker(slow_init(clock.args("b"), 200)) { id = "b" },
            Worker(clock.args("c")) { id = "c" },
        ],
    }
    .start_link()
    .await
    .unwrap();
    assert_eq!(
        clock.take(),
        [
            "init a @0",
            "started a @100",
            "init b @100",
            "started b @300",
            "init c @300",
            "started c @300"
        ]
    );
    assert_eq!(
        clock.now_ms(),
        300,
        "start_link returns once all have started"
    );
    let children = sup.which_children().await.unwrap();
    let ids: Vec<_> = children.iter().map(|c| c.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert!(children.iter().all(|c| c.pid().unwrap().is_alive()));
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn children_stop_in_reverse_order_each_after_the_next_has_exited() {
    let clock = Clock::new();
    let sup = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(slow_terminate(clock.args("a"), 100)) { id = "a" },
            Worker(slow_terminate(clock.args("b"), 200)) { id = "b" },
            Worker(slow_terminate(clock.args("c"), 300)) { id = "c" },
        ],
    }
    .start_link()
    .await
    .unwrap();
    clock.take();
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(
        clock.take(),
        [
            "terminate c @0",
            "stopped c @300",
            "terminate b @300",
            "stopped b @500",
            "terminate a @500",
            "stopped a @600"
        ]
    );
    assert_eq!(clock.now_ms(), 600);
}

#[tokio::test(start_paused = true)]
async fn a_child_whose_terminate_outlasts_its_shutdown_is_killed_at_the_timeout() {
    let clock = Clock::new();
    let sup = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(clock.args("a")) { id = "a" },
            Worker(slow_terminate(clock.args("b"), 10_000)) { id = "b", shutdown = "1s" },
        ],
    }
    .start_link()
    .await
    .unwrap();
    clock.take();
    let b = pid_of(&sup, "b").await;
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(
        clock.take(),
        ["terminate b @0", "terminate a @1000", "stopped a @1000"],
        "b is killed in its terminate after 1 s; a stops after it"
    );
    assert_eq!(b.wait_exit().await, ExitReason::Killed);
    assert_eq!(clock.now_ms(), 1000);
}

#[tokio::test(start_paused = true)]
async fn a_child_that_stops_within_its_shutdown_is_not_killed() {
    let clock = Clock::new();
    let sup = supervisor! {
        strategy: one_for_one,
        children: [Worker(slow_terminate(clock.args("a"), 2000)) { id = "a", shutdown = "10s" }],
    }
    .start_link()
    .await
    .unwrap();
    clock.take();
    let a = pid_of(&sup, "a").await;
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(clock.take(), ["terminate a @0", "stopped a @2000"]);
    assert_eq!(a.wait_exit().await, ExitReason::Shutdown);
    assert_eq!(clock.now_ms(), 2000, "no wait for the rest of the 10 s");
}

#[tokio::test(start_paused = true)]
async fn a_worker_is_given_five_seconds_by_default() {
    let clock = Clock::new();
    let sup = supervisor! {
        strategy: one_for_one,
        children: [Worker(slow_terminate(clock.args("a"), 60_000)) { id = "a" }],
    }
    .start_link()
    .await
    .unwrap();
    clock.take();
    let a = pid_of(&sup, "a").await;
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(clock.take(), ["terminate a @0"]);
    assert_eq!(a.wait_exit().await, ExitReason::Killed);
    assert_eq!(clock.now_ms(), 5000);
}

#[tokio::test(start_paused = true)]
async fn shutdown_in_every_spelling() {
    let clock = Clock::new();
    let hanging = || slow_terminate(clock.args("a"), 60_000);
    let spelled = [
        (
            supervisor! { strategy: one_for_one, children: [Worker(hanging()) { shutdown = 500 }] },
            500,
            ExitReason::Killed,
        ),
        (
            supervisor! { strategy: one_for_one, children: [Worker(hanging()) { shutdown = "500ms" }] },
            500,
            ExitReason::Killed,
        ),
        (
            supervisor! { strategy: one_for_one, children: [Worker(hanging()) { shutdown = "2s" }] },
            2000,
            ExitReason::Killed,
        ),
        (
            supervisor! { strategy: one_for_one, children: [Worker(hanging()) { shutdown = brutal_kill }] },
            0,
            ExitReason::Killed,
        ),
        (
            supervisor! { strategy: one_for_one, children: [Worker(hanging()) { shutdown = infinity }] },
            60_000,
            ExitReason::Shutdown,
        ),
        (
            otp_core::SupervisorSpec::new(otp_core::Strategy::OneForOne).child(
                otp_core::ChildSpec::of::<Worker>(hanging())
                    .with_shutdown(Shutdown::Timeout(Duration::from_millis(1500))),
            ),
            1500,
            ExitReason::Killed,
        ),
    ];
    for (spec, limit_ms, reason) in spelled {
        let sup = spec.start_link().await.unwrap();
        let a = pid_of(&sup, "worker").await;
        let before = clock.now_ms();
        sup.stop(ExitReason::Shutdown).await.unwrap();
        assert_eq!(clock.now_ms() - before, limit_ms);
        assert_eq!(a.wait_exit().await, reason);
    }
}

#[tokio::test(start_paused = true)]
async fn brutal_kill_kills_at_once_without_terminate() {
    let clock = Clock::new();
    let sup = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(clock.args("a")) { id = "a" },
            Worker(slow_terminate(clock.args("b"), 60_000)) { id = "b", shutdown = brutal_kill },
        ],
    }
    .start_link()
    .await
    .unwrap();
    clock.take();
    let b = pid_of(&sup, "b").await;
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(clock.take(), ["terminate a @0", "stopped a @0"]);
    assert_eq!(b.wait_exit().await, ExitReason::Killed);
    assert_eq!(clock.now_ms(), 0);
}

#[tokio::test(start_paused = true)]
async fn infinity_waits_as_long_as_terminate_takes() {
    let clock = Clock::new();
    let hour = 3_600_000;
    let sup = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(clock.args("a")) { id = "a" },
            Worker(slow_terminate(clock.args("b"), hour)) { id = "b", shutdown = infinity },
        ],
    }
    .start_link()
    .await
    .unwrap();
    clock.take();
    let b = pid_of(&sup, "b").await;
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(
        clock.take(),
        [
            "terminate b @0".to_owned(),
            format!("stopped b @{hour}"),
            format!("terminate a @{hour}"),
            format!("stopped a @{hour}"),
        ]
    );
    assert_eq!(b.wait_exit().await, ExitReason::Shutdown);
}

#[tokio::test(start_paused = true)]
async fn terminate_runs_on_shutdown_whether_or_not_the_child_traps_exits() {
    let clock = Clock::new();
    let mut trapping = clock.args("t");
    trapping.trap_exit = true;
    let sup = supervisor! {
        strategy: one_for_one,
        children: [Worker(clock.args("n")) { id = "n" }, Worker(trapping) { id = "t" }],
    }
    .start_link()
    .await
    .unwrap();
    clock.take();
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(
        clock.take(),
        [
            "terminate t @0",
            "stopped t @0",
            "terminate n @0",
            "stopped n @0"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_sibling_stopped_for_a_restart_gets_the_same_timeout_then_kill() {
    let clock = Clock::new();
    let sup = supervisor! {
        strategy: one_for_all,
        children: [
            Worker(clock.args("a")) { id = "a" },
            Worker(slow_terminate(clock.args("b"), 60_000)) { id = "b", shutdown = "1s" },
        ],
    }
    .start_link()
    .await
    .unwrap();
    let old_b = pid_of(&sup, "b").await;
    clock.take();
    let a = pid_of(&sup, "a").await;
    otp_core::ServerRef::<Worker>::from_pid(&a)
        .map(WorkerRef::from)
        .unwrap()
        .crash();
    a.wait_exit().await;
    sup.count_children().await.unwrap();
    assert_eq!(
        clock.take(),
        [
            "crash a @0",
            "terminate b @0",
            "init a @1000",
            "started a @1000",
            "init b @1000",
            "started b @1000"
        ]
    );
    assert_eq!(old_b.wait_exit().await, ExitReason::Killed);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn defaults_five_seconds_for_workers_infinity_for_supervisors() {
    let clock = Clock::new();
    let worker = otp_core::ChildSpec::of::<Worker>(clock.args("a"));
    assert_eq!(worker.id(), "worker", "#[child_spec(id)] names it");
    assert_eq!(worker.shutdown(), Shutdown::Timeout(Duration::from_secs(5)));
    assert_eq!(worker.child_type(), ChildType::Worker);
    assert_eq!(worker.restart(), otp_core::Restart::Permanent);
    assert!(!worker.is_significant());

    let plain = otp_core::ChildSpec::of::<Plain>(Plain);
    assert_eq!(plain.id(), "plain");
    assert_eq!(plain.restart(), otp_core::Restart::Transient);
    assert_eq!(plain.shutdown(), Shutdown::Timeout(Duration::from_secs(10)));

    let nested = supervisor! { strategy: one_for_one, children: [] };
    let spec = otp_core::ChildSpec::of::<otp_core::SupervisorSpec>(nested);
    assert_eq!(spec.shutdown(), Shutdown::Infinity);
    assert_eq!(spec.child_type(), ChildType::Supervisor);
    assert_eq!(spec.restart(), otp_core::Restart::Permanent);

    let dynamic = otp_core::ChildSpec::of::<DynamicSupervisor>(DynamicSupervisorOptions::default());
    assert_eq!(dynamic.shutdown(), Shutdown::Infinity);
    assert_eq!(dynamic.child_type(), ChildType::Supervisor);
}
