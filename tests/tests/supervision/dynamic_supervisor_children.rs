//! A DynamicSupervisor's children: `terminate_child(pid)` stops the child (its terminate runs,
//! within its shutdown) and removes it, with no restart; `false` for a pid that is not a
//! child. `which_children` lists every child with no id, its pid and its type;
//! `count_children` counts specs, active, supervisors and workers.

use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use otp_core::{ChildCounts, ChildInfo, ChildSpec, ChildState, ChildType, Shutdown, supervisor};

type Log = Arc<Mutex<Vec<String>>>;

#[derive(Clone)]
struct Args {
    name: &'static str,
    log: Log,
    terminate_takes: Duration,
}

struct Worker {
    args: Args,
}

#[genserver]
impl Worker {
    #[init]
    fn init(args: Args) -> Self {
        args.log
            .lock()
            .unwrap()
            .push(format!("start {}", args.name));
        Worker { args }
    }

    #[terminate]
    async fn terminate(&mut self, reason: &ExitReason) {
        tokio::time::sleep(self.args.terminate_takes).await;
        self.args
            .log
            .lock()
            .unwrap()
            .push(format!("stop {} ({reason})", self.args.name));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn args(name: &'static str, log: &Log) -> Args {
    Args {
        name,
        log: log.clone(),
        terminate_takes: Duration::ZERO,
    }
}

fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

#[tokio::test(start_paused = true)]
async fn terminate_child_stops_and_forgets_the_child() {
    let log = Log::default();
    let sup = DynamicSupervisor::start_link(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let a = sup.start_child::<Worker>(args("a", &log)).await.unwrap();
    let b = sup.start_child::<Worker>(args("b", &log)).await.unwrap();
    take(&log);

    assert_eq!(sup.terminate_child(&a.pid()).await, Ok(true));
    assert_eq!(take(&log), ["stop a (shutdown)"]);
    assert_eq!(a.pid().wait_exit().await, ExitReason::Shutdown);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(take(&log).is_empty(), "not restarted, although permanent");
    let children = sup.which_children().await.unwrap();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].pid(), Some(&b.pid()));

    assert_eq!(
        sup.terminate_child(&a.pid()).await,
        Ok(false),
        "no longer a child"
    );
    let stranger = Worker::start(args("stranger", &log)).await.unwrap();
    assert_eq!(sup.terminate_child(&stranger.pid()).await, Ok(false));
    assert!(
        stranger.is_alive(),
        "a process that is not a child is left alone"
    );
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn terminate_child_waits_for_the_shutdown_then_kills() {
    let log = Log::default();
    let sup = DynamicSupervisor::start_link(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let mut slow = args("slow", &log);
    slow.terminate_takes = Duration::from_secs(60);
    let pid = sup
        .start_child_spec::<Worker>(
            ChildSpec::of::<Worker>(slow).with_shutdown(Shutdown::Timeout(Duration::from_secs(2))),
        )
        .await
        .unwrap()
        .pid();
    let started = tokio::time::Instant::now();
    assert_eq!(sup.terminate_child(&pid).await, Ok(true));
    assert_eq!(started.elapsed(), Duration::from_secs(2));
    assert_eq!(pid.wait_exit().await, ExitReason::Killed);

    let pid = sup
        .start_child_spec::<Worker>(
            ChildSpec::of::<Worker>(args("brutal", &log)).with_shutdown(Shutdown::BrutalKill),
        )
        .await
        .unwrap()
        .pid();
    take(&log);
    assert_eq!(sup.terminate_child(&pid).await, Ok(true));
    assert_eq!(pid.wait_exit().await, ExitReason::Killed);
    assert!(take(&log).is_empty(), "no terminate under brutal_kill");
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn which_children_lists_pids_and_types_without_ids() {
    let log = Log::default();
    let sup = DynamicSupervisor::start_link(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    assert!(sup.which_children().await.unwrap().is_empty());
    let w = sup.start_child::<Worker>(args("w", &log)).await.unwrap();
    let nested = sup
        .start_child::<otp_core::SupervisorSpec>(supervisor! {
            strategy: one_for_one,
            children: [Worker(args("n", &log)) { id = "n" }],
        })
        .await
        .unwrap();
    let inner = sup
        .start_child::<DynamicSupervisor>(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let mut children = sup.which_children().await.unwrap();
    children.sort_by_key(|c| c.pid().cloned());
    let mut expected = vec![
        ChildInfo {
            id: None,
            state: ChildState::Running(w.pid()),
            child_type: ChildType::Worker,
        },
        ChildInfo {
            id: None,
            state: ChildState::Running(nested.pid()),
            child_type: ChildType::Supervisor,
        },
        ChildInfo {
            id: None,
            state: ChildState::Running(inner.pid()),
            child_type: ChildType::Supervisor,
        },
    ];
    expected.sort_by_key(|c| c.pid().cloned());
    assert_eq!(children, expected);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn count_children_counts_specs_active_supervisors_and_workers() {
    let log = Log::default();
    let sup = DynamicSupervisor::start_link(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    assert_eq!(sup.count_children().await.unwrap(), ChildCounts::default());
    let mut workers = Vec::new();
    for name in ["a", "b", "c"] {
        workers.push(sup.start_child::<Worker>(args(name, &log)).await.unwrap());
    }
    sup.start_child::<DynamicSupervisor>(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    assert_eq!(
        sup.count_children().await.unwrap(),
        ChildCounts {
            specs: 4,
            active: 4,
            supervisors: 1,
            workers: 3
        }
    );
    sup.terminate_child(&workers[1].pid()).await.unwrap();
    assert_eq!(
        sup.count_children().await.unwrap(),
        ChildCounts {
            specs: 3,
            active: 3,
            supervisors: 1,
            workers: 2
        }
    );
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
