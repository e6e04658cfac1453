//! A DynamicSupervisor restarts its children one_for_one, each per its restart type (permanent
//! by default; transient unless normal/shutdown; temporary never, and forgotten), within its
//! intensity (3 restarts in 5 s by default): one more and it stops all its children and exits
//! with `Shutdown`. Crashes spread over more than the period never take it down.

use std::sync::atomic::Ordering;

use otp_behaviour_tests::supervisor::{Args, Log, note, take};
use otp_core::prelude::*;
use otp_core::{ChildSpec, DynamicSupervisorRef, Restart, SupervisorRef, supervisor};

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

    #[handle_cast]
    fn exit_with(&mut self, reason: Option<ExitReason>, ctx: &mut Context<Self>) {
        match reason {
            Some(reason) => ctx.stop(reason),
            None => panic!("{} crashed", self.name),
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

fn handle(pid: &Pid) -> WorkerRef {
    otp_core::ServerRef::<Worker>::from_pid(pid)
        .map(WorkerRef::from)
        .unwrap()
}

/// Makes `pid` exit (`None`: a panic) and waits for it; the supervisor has handled the exit
/// when its next call answers.
async fn exit(pid: &Pid, reason: Option<ExitReason>) {
    handle(pid).exit_with(reason);
    pid.wait_exit().await;
}

async fn pids(sup: &DynamicSupervisorRef) -> Vec<Pid> {
    let mut pids: Vec<Pid> = sup
        .which_children()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.pid().cloned().unwrap())
        .collect();
    pids.sort();
    pids
}

async fn start(options: DynamicSupervisorOptions) -> DynamicSupervisorRef {
    DynamicSupervisor::start_link(options).await.unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_permanent_child_is_restarted_alone_after_any_exit() {
    let log = Log::default();
    let sup = start(DynamicSupervisorOptions::default()).await;
    let a_args = Args::new("a", &log);
    let starts = a_args.starts.clone();
    let a = sup.start_child::<Worker>(a_args).await.unwrap().pid();
    let b = sup
        .start_child::<Worker>(Args::new("b", &log))
        .await
        .unwrap()
        .pid();
    take(&log);

    exit(&a, None).await;
    let after_crash = pids(&sup).await;
    assert_eq!(take(&log), ["exit a", "start a"]);
    assert_eq!(after_crash.len(), 2);
    assert!(after_crash.contains(&b), "b untouched");
    let new_a = after_crash.into_iter().find(|p| *p != b).unwrap();
    assert_ne!(new_a, a);

    exit(&new_a, Some(ExitReason::Normal)).await;
    assert_eq!(
        pids(&sup).await.len(),
        2,
        "restarted after a normal exit too"
    );
    assert_eq!(starts.load(Ordering::SeqCst), 3);
    // A cast to the old handle goes nowhere.
    handle(&a).exit_with(None);
    assert_eq!(pids(&sup).await.len(), 2);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_transient_child_is_restarted_only_after_an_abnormal_exit() {
    for (reason, restarted) in [
        (None, true),
        (Some(ExitReason::Killed), true),
        (Some(ExitReason::Normal), false),
        (Some(ExitReason::Shutdown), false),
        (Some(ExitReason::ShutdownWith("done".into())), false),
    ] {
        let log = Log::default();
        let sup = start(DynamicSupervisorOptions::default()).await;
        let pid = sup
            .start_child_spec::<Worker>(
                ChildSpec::of::<Worker>(Args::new("t", &log)).with_restart(Restart::Transient),
            )
            .await
            .unwrap()
            .pid();
        if reason == Some(ExitReason::Killed) {
            pid.kill();
            pid.wait_exit().await;
        } else {
            exit(&pid, reason.clone()).await;
        }
        let counts = sup.count_children().await.unwrap();
        let expected = usize::from(restarted);
        assert_eq!(
            (counts.specs, counts.active),
            (expected, expected),
            "transient after {reason:?}"
        );
        sup.stop(ExitReason::Shutdown).await.unwrap();
    }
}

#[tokio::test(start_paused = true)]
async fn a_temporary_child_is_never_restarted_and_forgotten() {
    for reason in [None, Some(ExitReason::Normal), Some(ExitReason::Shutdown)] {
        let log = Log::default();
        let sup = start(DynamicSupervisorOptions::default()).await;
        let pid = sup
            .start_child_spec::<Worker>(
                ChildSpec::of::<Worker>(Args::new("t", &log)).with_restart(Restart::Temporary),
            )
            .await
            .unwrap()
            .pid();
        exit(&pid, reason.clone()).await;
        let counts = sup.count_children().await.unwrap();
        assert_eq!(
            (counts.specs, counts.active),
            (0, 0),
            "temporary after {reason:?}"
        );
        sup.stop(ExitReason::Shutdown).await.unwrap();
    }
}

#[tokio::test(start_paused = true)]
async fn three_crashes_within_five_seconds_are_restarted() {
    let log = Log::default();
    let sup = start(DynamicSupervisorOptions::default()).await;
    let a_args = Args::new("a", &log);
    let starts = a_args.starts.clone();
    sup.start_child::<Worker>(a_args).await.unwrap();
    for _ in 0..3 {
        let pid = pids(&sup).await.remove(0);
        exit(&pid, None).await;
    }
    assert_eq!(pids(&sup).await.len(), 1);
    assert_eq!(starts.load(Ordering::SeqCst), 4);
    assert!(sup.pid().is_alive());
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn the_fourth_crash_within_five_seconds_stops_the_supervisor_and_its_children() {
    let log = Log::default();
    let sup = start(DynamicSupervisorOptions::default()).await;
    let a = sup
        .start_child::<Worker>(Args::new("a", &log))
        .await
        .unwrap()
        .pid();
    let b = sup
        .start_child::<Worker>(Args::new("b", &log))
        .await
        .unwrap()
        .pid();
    let mut crashing = a;
    for _ in 0..3 {
        exit(&crashing, None).await;
        crashing = pids(&sup).await.into_iter().find(|p| *p != b).unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    take(&log);
    exit(&crashing, None).await;
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(take(&log), ["exit a", "stop b"]);
    assert_eq!(b.wait_exit().await, ExitReason::Shutdown);
}

#[tokio::test(start_paused = true)]
async fn crashes_spread_over_more_than_five_seconds_never_stop_it() {
    let log = Log::default();
    let sup = start(DynamicSupervisorOptions::default()).await;
    sup.start_child::<Worker>(Args::new("a", &log))
        .await
        .unwrap();
    for _ in 0..10 {
        let pid = pids(&sup).await.remove(0);
        exit(&pid, None).await;
        sup.count_children().await.unwrap();
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    assert!(sup.pid().is_alive());
    assert_eq!(pids(&sup).await.len(), 1);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn the_intensity_is_set_by_max_restarts_and_max_seconds() {
    let log = Log::default();
    let sup = start(
        DynamicSupervisorOptions::default()
            .max_restarts(1)
            .max_seconds(30),
    )
    .await;
    let a = sup
        .start_child::<Worker>(Args::new("a", &log))
        .await
        .unwrap()
        .pid();
    exit(&a, None).await;
    let a = pids(&sup).await.remove(0);
    tokio::time::sleep(Duration::from_secs(29)).await;
    exit(&a, None).await;
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
}

#[tokio::test(start_paused = true)]
async fn a_dynamic_supervisor_reaching_its_intensity_is_restarted_empty_by_its_parent() {
    let log = Log::default();
    let parent: SupervisorRef = supervisor! {
        strategy: one_for_one,
        children: [DynamicSupervisor(max_restarts = 0) { id = "rooms" }],
    }
    .start_link()
    .await
    .unwrap();
    let rooms_pid = parent.child_pid("rooms").await.unwrap().unwrap();
    let rooms: DynamicSupervisorRef =
        <DynamicSupervisor as otp_core::Child>::handle(&rooms_pid).unwrap();
    let a = rooms
        .start_child::<Worker>(Args::new("a", &log))
        .await
        .unwrap()
        .pid();
    exit(&a, None).await;
    assert_eq!(rooms_pid.wait_exit().await, ExitReason::Shutdown);
    parent.count_children().await.unwrap();
    let new_pid = parent.child_pid("rooms").await.unwrap().unwrap();
    assert_ne!(new_pid, rooms_pid);
    let new_rooms = <DynamicSupervisor as otp_core::Child>::handle(&new_pid).unwrap();
    assert_eq!(new_rooms.count_children().await.unwrap().active, 0);
    parent.stop(ExitReason::Shutdown).await.unwrap();
}

/// Elixir's `DynamicSupervisor.restart_child/3`: a child that fails to start again is kept
/// as restarting and tried again through the mailbox (`{:"$gen_restart", pid}`), each try
/// counting toward the intensity, until it starts or the intensity is reached.
#[tokio::test(start_paused = true)]

async fn a_child_that_fails_to_restart_is_tried_again() {
    let log = Log::default();
    let sup = start(DynamicSupervisorOptions::default()).await;
    let a_args = Args::new("a", &log);
    let refuse = a_args.refuse_once.clone();
    let a = sup.start_child::<Worker>(a_args).await.unwrap().pid();
    take(&log);
    refuse.store(true, Ordering::SeqCst);
    exit(&a, None).await;
    sup.count_children().await.unwrap();
    sup.count_children().await.unwrap();
    assert_eq!(take(&log), ["exit a", "refuse a", "start a"]);
    assert_eq!(sup.count_children().await.unwrap().active, 1);
    assert!(sup.pid().is_alive());
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
