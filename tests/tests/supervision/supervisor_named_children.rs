//! Restarted processes stay reachable: a child registered under a name is found under that name
//! again after a restart; a restart never starts the new child before the old one has finished
//! stopping (its name is free only then: kameo#387); calls through a dead child's old handle
//! fail with `NoProc` at once, never hang. Slow terminates sleep on the paused clock.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use otp_core::{SupervisorRef, supervisor};
use tokio::time::Instant;

type Log = Arc<Mutex<Vec<String>>>;

#[derive(Clone)]
struct Args {
    name: &'static str,
    log: Log,
    origin: Instant,
    generation: Arc<AtomicU32>,
    terminate_takes: Duration,
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

struct Worker {
    args: Args,
    generation: u32,
}

#[genserver]
impl Worker {
    #[init]
    fn init(args: Args, ctx: &mut Context<Self>) -> Self {
        let generation = args.generation.fetch_add(1, Ordering::SeqCst) + 1;
        args.note("init");
        // The name the supervisor registers is this process's.
        if let Some(name) = ctx.pid().name() {
            assert_eq!(otp_core::whereis(&name).as_ref(), Some(ctx.pid()));
        }
        Worker { args, generation }
    }

    #[handle_call]
    fn generation(&mut self) -> u32 {
        self.generation
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("{} crashed", self.args.name);
    }

    #[terminate]
    async fn terminate(&mut self, _reason: &ExitReason) {
        self.args.note("terminate");
        tokio::time::sleep(self.args.terminate_takes).await;
        self.args.note("terminated");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Fixture {
    log: Log,
    origin: Instant,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            log: Log::default(),
            origin: Instant::now(),
        }
    }

    fn args(&self, name: &'static str, terminate_ms: u64) -> Args {
        Args {
            name,
            log: self.log.clone(),
            origin: self.origin,
            generation: Arc::default(),
            terminate_takes: Duration::from_millis(terminate_ms),
        }
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }

    fn now_ms(&self) -> u128 {
        self.origin.elapsed().as_millis()
    }
}

async fn handle(sup: &SupervisorRef, id: &str) -> WorkerRef {
    let pid = sup.child_pid(id).await.unwrap().unwrap();
    otp_core::ServerRef::<Worker>::from_pid(&pid)
        .map(WorkerRef::from)
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_named_child_is_found_under_its_name_after_a_restart() {
    let fx = Fixture::new();
    let sup = supervisor! {
        strategy: one_for_one,
        children: [Worker(fx.args("w", 0)) { id = "w", name = "named_children_w" }],
    }
    .start_link()
    .await
    .unwrap();
    let first = Worker::whereis("named_children_w").unwrap();
    assert_eq!(first.generation().await.unwrap(), 1);
    assert_eq!(Some(first.pid()), sup.child_pid("w").await.unwrap());
    assert_eq!(first.pid().name().as_deref(), Some("named_children_w"));

    for generation in 2..=3 {
        let old = Worker::whereis("named_children_w").unwrap();
        old.crash();
        old.pid().wait_exit().await;
        sup.count_children().await.unwrap();
        let new = Worker::whereis("named_children_w").expect("registered again");
        assert_ne!(new.pid(), old.pid());
        assert_eq!(Some(new.pid()), sup.child_pid("w").await.unwrap());
        assert_eq!(new.generation().await.unwrap(), generation);
    }
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert!(Worker::whereis("named_children_w").is_none());
}

#[tokio::test(start_paused = true)]
async fn the_new_child_starts_only_after_the_old_one_finished_its_terminate() {
    let fx = Fixture::new();
    let sup = supervisor! {
        strategy: one_for_one,
        children: [Worker(fx.args("w", 2000)) { id = "w", name = "named_children_slow" }],
    }
    .start_link()
    .await
    .unwrap();
    fx.take();
    let old = Worker::whereis("named_children_slow").unwrap();
    old.crash();

    // Halfway through the old child's terminate: it still holds its name, nothing new started.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(fx.take(), ["terminate w @0"]);
    assert_eq!(
        otp_core::whereis("named_children_slow"),
        Some(old.pid()),
        "the name is the old child's until it has exited"
    );
    assert_eq!(sup.child_pid("w").await.unwrap(), Some(old.pid()));

    old.pid().wait_exit().await;
    sup.count_children().await.unwrap();
    assert_eq!(fx.take(), ["terminated w @2000", "init w @2000"]);
    let new = Worker::whereis("named_children_slow").unwrap();
    assert_eq!(new.generation().await.unwrap(), 2);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn siblings_stopped_for_a_restart_finish_stopping_before_any_new_one_starts() {
    let fx = Fixture::new();
    let sup = supervisor! {
        strategy: one_for_all,
        children: [
            Worker(fx.args("a", 0)) { id = "a", name = "named_children_a" },
            Worker(fx.args("b", 1500)) { id = "b", name = "named_children_b" },
            Worker(fx.args("c", 500)) { id = "c", name = "named_children_c" },
        ],
    }
    .start_link()
    .await
    .unwrap();
    fx.take();
    let old_b = Worker::whereis("named_children_b").unwrap();
    let a = handle(&sup, "a").await;
    a.crash();
    a.pid().wait_exit().await;
    sup.count_children().await.unwrap();
    assert_eq!(
        fx.take(),
        [
            "terminate a @0",
            "terminated a @0",
            "terminate c @0",
            "terminated c @500",
            "terminate b @500",
            "terminated b @2000",
            "init a @2000",
            "init b @2000",
            "init c @2000",
        ]
    );
    let new_b = Worker::whereis("named_children_b").unwrap();
    assert_ne!(new_b.pid(), old_b.pid());
    assert_eq!(new_b.generation().await.unwrap(), 2);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_sibling_killed_at_its_shutdown_is_gone_before_its_successor_starts() {
    let fx = Fixture::new();
    let sup = supervisor! {
        strategy: one_for_all,
        children: [
            Worker(fx.args("a", 0)) { id = "a" },
            Worker(fx.args("b", 60_000)) { id = "b", name = "named_children_hung", shutdown = "1s" },
        ],
    }
    .start_link()
    .await
    .unwrap();
    fx.take();
    let old_b = Worker::whereis("named_children_hung").unwrap();
    let a = handle(&sup, "a").await;
    a.crash();
    a.pid().wait_exit().await;
    sup.count_children().await.unwrap();
    assert_eq!(
        fx.take(),
        [
            "terminate a @0",
            "terminated a @0",
            "terminate b @0",
            "init a @1000",
            "init b @1000"
        ]
    );
    assert_eq!(old_b.pid().exit_reason(), Some(ExitReason::Killed));
    let new_b = Worker::whereis("named_children_hung").unwrap();
    assert_ne!(new_b.pid(), old_b.pid());
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn calls_through_a_dead_childs_old_handle_fail_with_no_proc_at_once() {
    let fx = Fixture::new();
    let sup = supervisor! {
        strategy: one_for_one,
        children: [Worker(fx.args("w", 0)) { id = "w", name = "named_children_old" }],
    }
    .start_link()
    .await
    .unwrap();
    let old = Worker::whereis("named_children_old").unwrap();
    old.crash();
    old.pid().wait_exit().await;
    sup.count_children().await.unwrap();

    let before = fx.now_ms();
    assert_eq!(
        old.generation().timeout(Duration::from_secs(3600)).await,
        Err(CallError::NoProc)
    );
    assert_eq!(old.generation().await, Err(CallError::NoProc));
    assert_eq!(fx.now_ms(), before, "no wait at all");
    assert!(!old.is_alive());
    old.crash(); // a cast to a dead process is dropped
    old.pid().send("dropped");
    assert_eq!(old.stop(ExitReason::Shutdown).await, Err(CallError::NoProc));

    // The name leads to the new child, which got none of it.
    let new = Worker::whereis("named_children_old").unwrap();
    assert_eq!(new.generation().await, Ok(2));
    assert!(new.is_alive());
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_call_queued_while_the_old_child_stops_ends_when_it_exits() {
    let fx = Fixture::new();
    let sup = supervisor! {
        strategy: one_for_one,
        children: [Worker(fx.args("w", 2000)) { id = "w" }],
    }
    .start_link()
    .await
    .unwrap();
    let old = handle(&sup, "w").await;
    old.crash();
    let result = old.generation().timeout(Duration::from_secs(3600)).await;
    assert_eq!(
        result,
        Err(CallError::Exited(ExitReason::Panic("w crashed".into())))
    );
    assert_eq!(fx.now_ms(), 2000, "answered when the old child exited");
    sup.count_children().await.unwrap();
    assert_eq!(handle(&sup, "w").await.generation().await, Ok(2));
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
