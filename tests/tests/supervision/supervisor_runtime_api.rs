//! The runtime API of a supervisor: `start_child` (new id, `AlreadyStarted`, `AlreadyPresent`,
//! init errors, ignore), `terminate_child` (keeps the spec, runs terminate, no restart; a
//! temporary child's spec is dropped), `restart_child`, `delete_child` (a running child is an
//! error), `which_children` (start order) and `count_children`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use otp_core::{
    ChildCounts, ChildInfo, ChildSpec, ChildType, Restart, SupervisorError, SupervisorRef,
    supervisor,
};

type Log = Arc<Mutex<Vec<String>>>;

#[derive(Clone)]
struct Args {
    name: &'static str,
    log: Log,
    starts: Arc<AtomicUsize>,
    refuse: bool,
    ignore: bool,
}

struct Worker {
    name: &'static str,
    log: Log,
}

#[genserver]
impl Worker {
    #[init]
    fn init(args: Args) -> Result<Self, InitError> {
        if args.refuse {
            return Err(InitError::Stop(ExitReason::ShutdownWith("refused".into())));
        }
        if args.ignore {
            return Err(InitError::Ignore);
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

    #[handle_call]
    fn name(&mut self) -> &'static str {
        self.name
    }

    #[terminate]
    fn terminate(&mut self, reason: &ExitReason) {
        self.log
            .lock()
            .unwrap()
            .push(format!("stop {} ({reason})", self.name));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Fixture {
    log: Log,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            log: Log::default(),
        }
    }

    fn args(&self, name: &'static str) -> Args {
        Args {
            name,
            log: self.log.clone(),
            starts: Arc::default(),
            refuse: false,
            ignore: false,
        }
    }

    fn spec(&self, name: &'static str) -> ChildSpec {
        ChildSpec::of::<Worker>(self.args(name)).with_id(name)
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

async fn one_child(fx: &Fixture) -> SupervisorRef {
    let sup = supervisor! {
        strategy: one_for_one,
        children: [Worker(fx.args("a")) { id = "a" }],
    }
    .start_link()
    .await
    .unwrap();
    fx.take();
    sup
}

fn listed(children: &[ChildInfo]) -> Vec<(&str, bool)> {
    children
        .iter()
        .map(|c| (c.id.as_deref().unwrap(), c.pid().is_some()))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn start_child_adds_and_starts_a_child_after_the_others() {
    let fx = Fixture::new();
    let sup = one_child(&fx).await;
    let b = sup.start_child(fx.spec("b")).await.unwrap().unwrap();
    assert!(b.is_alive());
    assert_eq!(fx.take(), ["start b"]);
    let worker = otp_core::ServerRef::<Worker>::from_pid(&b)
        .map(WorkerRef::from)
        .unwrap();
    assert_eq!(worker.name().await.unwrap(), "b");
    let children = sup.which_children().await.unwrap();
    assert_eq!(listed(&children), [("a", true), ("b", true)]);
    assert_eq!(children[1].pid(), Some(&b));

    // It is supervised like the others: restarted when it dies, stopped first on shutdown.
    b.kill();
    b.wait_exit().await;
    let new_b = sup.child_pid("b").await.unwrap().unwrap();
    assert_ne!(new_b, b);
    assert_eq!(fx.take(), ["start b"]);
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(fx.take(), ["stop b (shutdown)", "stop a (shutdown)"]);
}

#[tokio::test(start_paused = true)]
async fn start_child_with_the_id_of_a_running_child_is_already_started() {
    let fx = Fixture::new();
    let sup = one_child(&fx).await;
    let a = sup.child_pid("a").await.unwrap().unwrap();
    assert_eq!(
        sup.start_child(fx.spec("a")).await,
        Err(SupervisorError::AlreadyStarted("a".into(), a.clone()))
    );
    assert!(fx.take().is_empty(), "nothing started");
    assert_eq!(sup.child_pid("a").await.unwrap(), Some(a));
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn terminate_child_stops_it_and_keeps_its_spec() {
    let fx = Fixture::new();
    let args = fx.args("a");
    let starts = args.starts.clone();
    let sup = supervisor! {
        strategy: one_for_all,
        children: [Worker(args) { id = "a" }, Worker(fx.args("b")) { id = "b" }],
    }
    .start_link()
    .await
    .unwrap();
    fx.take();
    let a = sup.child_pid("a").await.unwrap().unwrap();
    let b = sup.child_pid("b").await.unwrap().unwrap();
    sup.terminate_child("a").await.unwrap();
    assert_eq!(fx.take(), ["stop a (shutdown)"]);
    assert_eq!(a.wait_exit().await, ExitReason::Shutdown);
    // Not restarted, and its exit is no crash for one_for_all.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(starts.load(Ordering::SeqCst), 1);
    assert_eq!(
        listed(&sup.which_children().await.unwrap()),
        [("a", false), ("b", true)]
    );
    assert_eq!(sup.child_pid("b").await.unwrap(), Some(b));
    assert!(fx.take().is_empty());

    // Terminating it again is fine; an unknown id is not found.
    sup.terminate_child("a").await.unwrap();
    assert_eq!(
        sup.terminate_child("x").await,
        Err(SupervisorError::NotFound("x".into()))
    );
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn start_child_with_the_id_of_a_stopped_child_is_already_present() {
    let fx = Fixture::new();
    let sup = one_child(&fx).await;
    sup.terminate_child("a").await.unwrap();
    fx.take();
    assert_eq!(
        sup.start_child(fx.spec("a")).await,
        Err(SupervisorError::AlreadyPresent("a".into()))
    );
    assert!(fx.take().is_empty());
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn restart_child_starts_a_kept_spec_again() {
    let fx = Fixture::new();
    let sup = one_child(&fx).await;
    assert_eq!(
        sup.restart_child("a").await,
        Err(SupervisorError::Running("a".into()))
    );
    let old = sup.child_pid("a").await.unwrap().unwrap();
    sup.terminate_child("a").await.unwrap();
    let new = sup.restart_child("a").await.unwrap().unwrap();
    assert_ne!(new, old);
    assert!(new.is_alive());
    assert_eq!(fx.take(), ["stop a (shutdown)", "start a"]);
    assert_eq!(sup.child_pid("a").await.unwrap(), Some(new));
    assert_eq!(
        sup.restart_child("x").await,
        Err(SupervisorError::NotFound("x".into()))
    );
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn delete_child_removes_a_stopped_child_but_not_a_running_one() {
    let fx = Fixture::new();
    let sup = one_child(&fx).await;
    sup.start_child(fx.spec("b")).await.unwrap();
    assert_eq!(
        sup.delete_child("a").await,
        Err(SupervisorError::Running("a".into()))
    );
    sup.terminate_child("a").await.unwrap();
    sup.delete_child("a").await.unwrap();
    assert_eq!(listed(&sup.which_children().await.unwrap()), [("b", true)]);
    assert_eq!(
        sup.delete_child("a").await,
        Err(SupervisorError::NotFound("a".into()))
    );
    assert_eq!(
        sup.restart_child("a").await,
        Err(SupervisorError::NotFound("a".into()))
    );
    // The id is free again.
    let a = sup.start_child(fx.spec("a")).await.unwrap().unwrap();
    assert_eq!(
        listed(&sup.which_children().await.unwrap()),
        [("b", true), ("a", true)]
    );
    assert_eq!(sup.child_pid("a").await.unwrap(), Some(a));
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn terminate_child_drops_a_temporary_childs_spec() {
    let fx = Fixture::new();
    let sup = one_child(&fx).await;
    sup.start_child(fx.spec("t").with_restart(Restart::Temporary))
        .await
        .unwrap();
    sup.terminate_child("t").await.unwrap();
    assert_eq!(listed(&sup.which_children().await.unwrap()), [("a", true)]);
    assert_eq!(
        sup.restart_child("t").await,
        Err(SupervisorError::NotFound("t".into()))
    );
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn start_child_reports_an_init_failure_and_keeps_nothing() {
    let fx = Fixture::new();
    let sup = one_child(&fx).await;
    let mut refusing = fx.args("r");
    refusing.refuse = true;
    assert_eq!(
        sup.start_child(ChildSpec::of::<Worker>(refusing).with_id("r"))
            .await,
        Err(SupervisorError::Init(ExitReason::ShutdownWith(
            "refused".into()
        )))
    );
    assert_eq!(listed(&sup.which_children().await.unwrap()), [("a", true)]);
    assert!(sup.is_alive());
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn start_child_whose_init_ignores_keeps_the_spec_without_a_process() {
    let fx = Fixture::new();
    let sup = one_child(&fx).await;
    let mut ignoring = fx.args("i");
    ignoring.ignore = true;
    assert_eq!(
        sup.start_child(ChildSpec::of::<Worker>(ignoring.clone()).with_id("i"))
            .await,
        Ok(None)
    );
    assert_eq!(
        listed(&sup.which_children().await.unwrap()),
        [("a", true), ("i", false)]
    );
    assert_eq!(
        sup.start_child(
            ChildSpec::of::<Worker>(ignoring)
                .with_id("ti")
                .with_restart(Restart::Temporary)
        )
        .await,
        Ok(None)
    );
    assert_eq!(
        listed(&sup.which_children().await.unwrap()),
        [("a", true), ("i", false)],
        "a temporary child that ignores is not kept"
    );
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn which_children_and_count_children_report_workers_and_supervisors() {
    let fx = Fixture::new();
    let sup = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(fx.args("a")) { id = "a" },
            supervisor! {
                strategy: one_for_one,
                children: [Worker(fx.args("n")) { id = "n" }],
            } { id = "sub" },
            DynamicSupervisor(max_children = 10) { id = "dyn" },
            Worker(fx.args("b")) { id = "b" },
        ],
    }
    .start_link()
    .await
    .unwrap();
    let children = sup.which_children().await.unwrap();
    let kinds: Vec<_> = children
        .iter()
        .map(|c| (c.id.as_deref().unwrap(), c.child_type))
        .collect();
    assert_eq!(
        kinds,
        [
            ("a", ChildType::Worker),
            ("sub", ChildType::Supervisor),
            ("dyn", ChildType::Supervisor),
            ("b", ChildType::Worker),
        ]
    );
    assert!(children.iter().all(|c| c.pid().is_some()));
    assert_eq!(
        sup.count_children().await.unwrap(),
        ChildCounts {
            specs: 4,
            active: 4,
            supervisors: 2,
            workers: 2
        }
    );
    sup.terminate_child("sub").await.unwrap();
    sup.terminate_child("a").await.unwrap();
    assert_eq!(
        sup.count_children().await.unwrap(),
        ChildCounts {
            specs: 4,
            active: 2,
            supervisors: 2,
            workers: 2
        },
        "stopped children still count as specs and by type"
    );
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn calls_to_a_stopped_supervisor_fail_with_no_proc() {
    let fx = Fixture::new();
    let sup = one_child(&fx).await;
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(sup.which_children().await, Err(CallError::NoProc));
    assert_eq!(
        sup.start_child(fx.spec("b")).await,
        Err(SupervisorError::NoProc)
    );
}
