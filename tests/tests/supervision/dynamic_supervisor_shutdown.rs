//! On shutdown a DynamicSupervisor stops its children concurrently, each within its own
//! shutdown: ten children whose terminate takes 1 s are all done after 1 s, not 10 s; a child
//! that hangs is killed at its timeout while the others stop; brutal_kill children are killed
//! at once. Times are read on the paused clock.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use otp_core::{ChildSpec, Shutdown, supervisor};
use tokio::time::Instant;

type Log = Arc<Mutex<Vec<String>>>;

#[derive(Clone)]
struct Args {
    name: String,
    log: Log,
    origin: Instant,
    terminate_takes: Duration,
    finished: Arc<AtomicUsize>,
}

struct Worker {
    args: Args,
}

#[genserver]
impl Worker {
    #[init]
    fn init(args: Args) -> Self {
        Worker { args }
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("{} crashed", self.args.name);
    }

    #[terminate]
    async fn terminate(&mut self, _reason: &ExitReason) {
        let note = |event: &str| {
            let ms = self.args.origin.elapsed().as_millis();
            self.args
                .log
                .lock()
                .unwrap()
                .push(format!("{event} {} @{ms}", self.args.name));
        };
        note("terminate");
        tokio::time::sleep(self.args.terminate_takes).await;
        note("terminated");
        self.args.finished.fetch_add(1, Ordering::SeqCst);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Fixture {
    log: Log,
    origin: Instant,
    finished: Arc<AtomicUsize>,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            log: Log::default(),
            origin: Instant::now(),
            finished: Arc::default(),
        }
    }

    fn args(&self, name: &str, terminate_ms: u64) -> Args {
        Args {
            name: name.to_owned(),
            log: self.log.clone(),
            origin: self.origin,
            terminate_takes: Duration::from_millis(terminate_ms),
            finished: self.finished.clone(),
        }
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }

    fn finished(&self) -> usize {
        self.finished.load(Ordering::SeqCst)
    }
}

#[tokio::test(start_paused = true)]
async fn ten_children_taking_one_second_each_are_all_stopped_after_one_second() {
    let fx = Fixture::new();
    let sup = DynamicSupervisor::start_link(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let mut pids = Vec::new();
    for i in 0..10 {
        let child = sup
            .start_child::<Worker>(fx.args(&format!("w{i}"), 1000))
            .await
            .unwrap();
        pids.push(child.pid());
    }
    let started = Instant::now();
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(1), "not 10 s");
    assert_eq!(fx.finished(), 10, "every terminate ran to its end");
    let log = fx.take();
    assert_eq!(log.len(), 20);
    assert_eq!(
        log.iter().filter(|e| e.starts_with("terminate ")).count(),
        10
    );
    assert!(
        log[..10]
            .iter()
            .all(|e| e.starts_with("terminate ") && e.ends_with("@0")),
        "all asked to stop at once: {log:?}"
    );
    assert!(
        log[10..]
            .iter()
            .all(|e| e.starts_with("terminated ") && e.ends_with("@1000")),
        "all done together: {log:?}"
    );
    for pid in pids {
        assert_eq!(pid.wait_exit().await, ExitReason::Shutdown);
    }
}

#[tokio::test(start_paused = true)]
async fn a_hanging_child_is_killed_at_its_timeout_while_the_others_stop() {
    let fx = Fixture::new();
    let sup = DynamicSupervisor::start_link(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let hung = sup
        .start_child_spec::<Worker>(
            ChildSpec::of::<Worker>(fx.args("hung", 60_000))
                .with_shutdown(Shutdown::Timeout(Duration::from_secs(2))),
        )
        .await
        .unwrap()
        .pid();
    let brutal = sup
        .start_child_spec::<Worker>(
            ChildSpec::of::<Worker>(fx.args("brutal", 0)).with_shutdown(Shutdown::BrutalKill),
        )
        .await
        .unwrap()
        .pid();
    let mut quick = Vec::new();
    for i in 0..3 {
        quick.push(
            sup.start_child::<Worker>(fx.args(&format!("q{i}"), 500))
                .await
                .unwrap()
                .pid(),
        );
    }
    let started = Instant::now();
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(2));
    assert_eq!(hung.wait_exit().await, ExitReason::Killed);
    assert_eq!(brutal.wait_exit().await, ExitReason::Killed);
    for pid in quick {
        assert_eq!(pid.wait_exit().await, ExitReason::Shutdown);
    }
    let mut log = fx.take();
    log.sort();
    assert_eq!(
        log,
        [
            "terminate hung @0",
            "terminate q0 @0",
            "terminate q1 @0",
            "terminate q2 @0",
            "terminated q0 @500",
            "terminated q1 @500",
            "terminated q2 @500",
        ],
        "brutal ran no terminate; hung never finished its own"
    );
}

#[tokio::test(start_paused = true)]
async fn the_intensity_shutdown_stops_the_other_children_concurrently_too() {
    let fx = Fixture::new();
    let sup = DynamicSupervisor::start_link(DynamicSupervisorOptions::default().max_restarts(0))
        .await
        .unwrap();
    let crashing = sup.start_child::<Worker>(fx.args("c", 0)).await.unwrap();
    for i in 0..5 {
        sup.start_child::<Worker>(fx.args(&format!("w{i}"), 1000))
            .await
            .unwrap();
    }
    crashing.crash();
    crashing.pid().wait_exit().await;
    let crashed_at = Instant::now();
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(crashed_at.elapsed(), Duration::from_secs(1));
    assert_eq!(fx.finished(), 6);
}

#[tokio::test(start_paused = true)]
async fn a_parent_supervisor_waits_for_the_dynamic_subtree_before_the_siblings_before_it() {
    let fx = Fixture::new();
    let sup = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(fx.args("before", 0)) { id = "before" },
            DynamicSupervisor(name = "dynamic_supervisor_shutdown_rooms") { id = "rooms" },
            Worker(fx.args("after", 0)) { id = "after" },
        ],
    }
    .start_link()
    .await
    .unwrap();
    let rooms =
        otp_core::DynamicSupervisorRef::whereis("dynamic_supervisor_shutdown_rooms").unwrap();
    for i in 0..10 {
        rooms
            .start_child::<Worker>(fx.args(&format!("room{i}"), 3000))
            .await
            .unwrap();
    }
    sup.stop(ExitReason::Shutdown).await.unwrap();
    let log = fx.take();
    assert_eq!(&log[..2], ["terminate after @0", "terminated after @0"]);
    assert_eq!(
        &log[log.len() - 2..],
        ["terminate before @3000", "terminated before @3000"]
    );
    assert_eq!(
        log.iter()
            .filter(|e| e.starts_with("terminated room") && e.ends_with("@3000"))
            .count(),
        10
    );
    assert_eq!(fx.finished(), 12);
}
