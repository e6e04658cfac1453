//! `DynamicSupervisor.start_child`: waits for the child's init and returns its typed handle;
//! or `Ignored` (nothing kept), `MaxChildren` (the limit reached; nothing started), the init
//! error (a stop reason or a panic), `AlreadyStarted` for a taken name. No child at start.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use otp_core::prelude::*;
use otp_core::{ChildSpec, DynamicSupervisorRef, StartChildError};
use tokio::time::Instant;

#[derive(Clone)]
enum Start {
    Ok(&'static str),
    Slow(&'static str, Duration),
    Ignore,
    Refuse,
    Panic,
}

struct Worker {
    name: &'static str,
}

#[genserver]
impl Worker {
    #[init]
    async fn init((start, inits): (Start, Arc<AtomicUsize>)) -> Result<Self, InitError> {
        inits.fetch_add(1, Ordering::SeqCst);
        match start {
            Start::Ok(name) => Ok(Worker { name }),
            Start::Slow(name, takes) => {
                tokio::time::sleep(takes).await;
                Ok(Worker { name })
            }
            Start::Ignore => Err(InitError::Ignore),
            Start::Refuse => Err(InitError::Stop(ExitReason::ShutdownWith("no room".into()))),
            Start::Panic => panic!("init exploded"),
        }
    }

    #[handle_call]
    fn name(&mut self) -> &'static str {
        self.name
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn counts(sup: &DynamicSupervisorRef) -> (usize, usize) {
    let counts = sup.count_children().await.unwrap();
    (counts.specs, counts.active)
}

#[tokio::test(start_paused = true)]
async fn start_child_returns_the_typed_handle_after_init() {
    let sup = DynamicSupervisor::start_link(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    assert_eq!(counts(&sup).await, (0, 0), "no child at start");
    let inits = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let one: WorkerRef = sup
        .start_child::<Worker>((Start::Slow("one", Duration::from_secs(3)), inits.clone()))
        .await
        .unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(3), "waited for init");
    assert_eq!(one.name().await, Ok("one"));
    let two = sup
        .start_child::<Worker>((Start::Ok("two"), inits.clone()))
        .await
        .unwrap();
    assert_eq!(two.name().await, Ok("two"));
    assert_ne!(one.pid(), two.pid());
    assert_eq!(counts(&sup).await, (2, 2));
    let mut pids: Vec<Pid> = sup
        .which_children()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.pid().cloned().unwrap())
        .collect();
    pids.sort();
    let mut expected = vec![one.pid(), two.pid()];
    expected.sort();
    assert_eq!(pids, expected);

    // The children are linked to the supervisor and stop with it.
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(one.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(two.pid().wait_exit().await, ExitReason::Shutdown);
}

#[tokio::test(start_paused = true)]
async fn an_init_that_ignores_gives_ignored_and_keeps_nothing() {
    let sup = DynamicSupervisor::start_link(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let inits = Arc::new(AtomicUsize::new(0));
    assert_eq!(
        sup.start_child::<Worker>((Start::Ignore, inits.clone()))
            .await
            .err(),
        Some(StartChildError::Ignored)
    );
    assert_eq!(inits.load(Ordering::SeqCst), 1);
    assert_eq!(counts(&sup).await, (0, 0));
    assert!(sup.which_children().await.unwrap().is_empty());
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn an_init_error_is_returned_and_nothing_is_kept() {
    let sup = DynamicSupervisor::start_link(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let inits = Arc::new(AtomicUsize::new(0));
    assert_eq!(
        sup.start_child::<Worker>((Start::Refuse, inits.clone()))
            .await
            .err(),
        Some(StartChildError::Init(ExitReason::ShutdownWith(
            "no room".into()
        )))
    );
    assert_eq!(
        sup.start_child::<Worker>((Start::Panic, inits.clone()))
            .await
            .err(),
        Some(StartChildError::Init(ExitReason::Panic(
            "init exploded".into()
        )))
    );
    assert_eq!(counts(&sup).await, (0, 0));
    assert!(
        sup.pid().is_alive(),
        "a failed start is no crash of the supervisor"
    );
    // Failed starts are not restarts: they do not count toward the intensity.
    for _ in 0..5 {
        let _ = sup
            .start_child::<Worker>((Start::Refuse, inits.clone()))
            .await;
    }
    assert!(sup.pid().is_alive());
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn max_children_refuses_one_more_without_starting_it() {
    let sup = DynamicSupervisor::start_link(DynamicSupervisorOptions::default().max_children(2))
        .await
        .unwrap();
    let inits = Arc::new(AtomicUsize::new(0));
    let a = sup
        .start_child::<Worker>((Start::Ok("a"), inits.clone()))
        .await
        .unwrap();
    sup.start_child::<Worker>((Start::Ok("b"), inits.clone()))
        .await
        .unwrap();
    assert_eq!(
        sup.start_child::<Worker>((Start::Ok("c"), inits.clone()))
            .await
            .err(),
        Some(StartChildError::MaxChildren)
    );
    assert_eq!(inits.load(Ordering::SeqCst), 2, "c's init never ran");
    assert_eq!(counts(&sup).await, (2, 2));

    // A place frees up when a child goes.
    assert_eq!(sup.terminate_child(&a.pid()).await, Ok(true));
    let c = sup
        .start_child::<Worker>((Start::Ok("c"), inits.clone()))
        .await
        .unwrap();
    assert_eq!(c.name().await, Ok("c"));
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn max_children_is_unlimited_by_default() {
    let sup = DynamicSupervisor::start_link(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let inits = Arc::new(AtomicUsize::new(0));
    for _ in 0..500 {
        sup.start_child::<Worker>((Start::Ok("w"), inits.clone()))
            .await
            .unwrap();
    }
    assert_eq!(counts(&sup).await, (500, 500));
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_child_spec_with_a_taken_name_gives_already_started() {
    let sup = DynamicSupervisor::start_link(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let inits = Arc::new(AtomicUsize::new(0));
    let spec = ChildSpec::of::<Worker>((Start::Ok("named"), inits.clone()))
        .with_name("dynamic_start_child_named");
    let pid = sup
        .start_child_spec::<Worker>(spec.clone())
        .await
        .unwrap()
        .pid();
    assert_eq!(
        otp_core::whereis("dynamic_start_child_named"),
        Some(pid.clone())
    );
    assert_eq!(
        sup.start_child_spec::<Worker>(spec).await.err(),
        Some(StartChildError::AlreadyStarted(pid))
    );
    assert_eq!(inits.load(Ordering::SeqCst), 1);
    assert_eq!(counts(&sup).await, (1, 1));
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn start_child_on_a_stopped_supervisor_fails_with_no_proc() {
    let sup = DynamicSupervisor::start_link(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    sup.stop(ExitReason::Shutdown).await.unwrap();
    let inits = Arc::new(AtomicUsize::new(0));
    assert_eq!(
        sup.start_child::<Worker>((Start::Ok("late"), inits.clone()))
            .await
            .err(),
        Some(StartChildError::NoProc)
    );
    assert_eq!(inits.load(Ordering::SeqCst), 0);
}
