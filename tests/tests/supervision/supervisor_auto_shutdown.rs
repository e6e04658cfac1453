//! auto_shutdown: `never` (the default) never stops the supervisor, and refuses significant
//! children; `any_significant` stops the supervisor (with `Shutdown`, its other children in
//! reverse order) when any significant child exits by itself and is not restarted;
//! `all_significant` when all of them have. A child the supervisor stops itself
//! (terminate_child) does not count. Only transient or temporary children may be significant:
//! a significant permanent child is refused.

use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use otp_core::{
    AutoShutdown, ChildSpec, SupervisorError, SupervisorRef, SupervisorSpec, supervisor,
};

type Log = Arc<Mutex<Vec<String>>>;

#[derive(Clone)]
struct Args {
    name: &'static str,
    log: Log,
}

struct Worker {
    name: &'static str,
    log: Log,
}

#[genserver]
impl Worker {
    #[init]
    fn init(args: Args) -> Self {
        args.log
            .lock()
            .unwrap()
            .push(format!("start {}", args.name));
        Worker {
            name: args.name,
            log: args.log,
        }
    }

    #[handle_cast]
    fn finish(&mut self, reason: ExitReason, ctx: &mut Context<Self>) {
        ctx.stop(reason);
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("{} crashed", self.name);
    }

    #[terminate]
    fn terminate(&mut self, reason: &ExitReason) {
        let how = match reason {
            ExitReason::Shutdown => "stop",
            ExitReason::Normal => "done",
            _ => "crash",
        };
        self.log
            .lock()
            .unwrap()
            .push(format!("{how} {}", self.name));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn args(name: &'static str, log: &Log) -> Args {
    Args {
        name,
        log: log.clone(),
    }
}

fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

async fn worker(sup: &SupervisorRef, id: &str) -> (Pid, WorkerRef) {
    let pid = sup.child_pid(id).await.unwrap().unwrap();
    let worker = otp_core::ServerRef::<Worker>::from_pid(&pid)
        .map(WorkerRef::from)
        .unwrap();
    (pid, worker)
}

/// Makes child `id` finish with `Normal` and waits until the supervisor has seen it.
async fn finish(sup: &SupervisorRef, id: &str) {
    let (pid, worker) = worker(sup, id).await;
    worker.finish(ExitReason::Normal);
    assert_eq!(pid.wait_exit().await, ExitReason::Normal);
}

/// `a` plain, then significant `s1` (transient) and `s2` (temporary), then plain `z`.
fn tree(auto: AutoShutdown, log: &Log) -> SupervisorSpec {
    SupervisorSpec::new(otp_core::Strategy::OneForOne)
        .auto_shutdown(auto)
        .child(ChildSpec::of::<Worker>(args("a", log)).with_id("a"))
        .child(
            ChildSpec::of::<Worker>(args("s1", log))
                .with_id("s1")
                .with_restart(otp_core::Restart::Transient)
                .with_significant(true),
        )
        .child(
            ChildSpec::of::<Worker>(args("s2", log))
                .with_id("s2")
                .with_restart(otp_core::Restart::Temporary)
                .with_significant(true),
        )
        .child(ChildSpec::of::<Worker>(args("z", log)).with_id("z"))
}

#[tokio::test(start_paused = true)]
async fn never_is_the_default_and_children_exiting_leave_the_supervisor_running() {
    let log = Log::default();
    let sup = supervisor! {
        strategy: one_for_one,
        children: [
            Worker(args("t", &log)) { id = "t", restart = transient },
            Worker(args("p", &log)) { id = "p", restart = temporary },
        ],
    }
    .start_link()
    .await
    .unwrap();
    finish(&sup, "t").await;
    finish(&sup, "p").await;
    let counts = sup.count_children().await.unwrap();
    assert!(sup.is_alive());
    assert_eq!((counts.specs, counts.active), (1, 0));
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

/// OTP (`supervisor` docs, `check_startspec/2`): "With `auto_shutdown` set to `never`, child
/// specs with the `significant` flag set to `true` are considered invalid and will be
/// rejected", at start-up and by `start_child`.
#[tokio::test(start_paused = true)]
async fn a_significant_child_under_never_is_refused() {
    let log = Log::default();
    let significant = || {
        ChildSpec::of::<Worker>(args("s", &log))
            .with_id("s")
            .with_restart(otp_core::Restart::Transient)
            .with_significant(true)
    };
    let result = SupervisorSpec::new(otp_core::Strategy::OneForOne)
        .child(significant())
        .start_link()
        .await;
    assert_eq!(
        result.err(),
        Some(otp_core::SupervisorError::SignificantWithoutAutoShutdown(
            "s".to_owned()
        ))
    );
    assert!(take(&log).is_empty(), "no child started");

    let sup = SupervisorSpec::new(otp_core::Strategy::OneForOne)
        .start_link()
        .await
        .unwrap();
    assert_eq!(
        sup.start_child(significant()).await,
        Err(otp_core::SupervisorError::SignificantWithoutAutoShutdown(
            "s".to_owned()
        ))
    );
    assert!(take(&log).is_empty());
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn any_significant_stops_the_supervisor_when_one_exits() {
    let log = Log::default();
    let sup = tree(AutoShutdown::AnySignificant, &log)
        .start_link()
        .await
        .unwrap();
    take(&log);
    finish(&sup, "s1").await;
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(take(&log), ["done s1", "stop z", "stop s2", "stop a"]);
}

#[tokio::test(start_paused = true)]
async fn any_significant_counts_a_temporary_child_that_crashed() {
    let log = Log::default();
    let sup = tree(AutoShutdown::AnySignificant, &log)
        .start_link()
        .await
        .unwrap();
    take(&log);
    let (pid, s2) = worker(&sup, "s2").await;
    s2.crash();
    pid.wait_exit().await;
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(take(&log), ["crash s2", "stop z", "stop s1", "stop a"]);
}

#[tokio::test(start_paused = true)]
async fn a_significant_transient_child_that_crashes_is_restarted_not_a_shutdown() {
    let log = Log::default();
    let sup = tree(AutoShutdown::AnySignificant, &log)
        .start_link()
        .await
        .unwrap();
    take(&log);
    let (pid, s1) = worker(&sup, "s1").await;
    s1.crash();
    pid.wait_exit().await;
    sup.count_children().await.unwrap();
    assert!(sup.is_alive());
    assert_eq!(take(&log), ["crash s1", "start s1"]);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_non_significant_child_exiting_is_no_shutdown() {
    let log = Log::default();
    let sup = tree(AutoShutdown::AnySignificant, &log)
        .start_link()
        .await
        .unwrap();
    take(&log);
    finish(&sup, "a").await;
    sup.count_children().await.unwrap();
    assert!(sup.is_alive());
    assert_eq!(take(&log), ["done a", "start a"], "a is permanent");
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn all_significant_waits_for_the_last_one() {
    let log = Log::default();
    let sup = tree(AutoShutdown::AllSignificant, &log)
        .start_link()
        .await
        .unwrap();
    take(&log);
    finish(&sup, "s2").await;
    sup.count_children().await.unwrap();
    assert!(sup.is_alive(), "s1 still runs");
    finish(&sup, "s1").await;
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(take(&log), ["done s2", "done s1", "stop z", "stop a"]);
}

#[tokio::test(start_paused = true)]
async fn a_significant_child_stopped_by_the_supervisor_does_not_count() {
    let log = Log::default();
    let sup = tree(AutoShutdown::AnySignificant, &log)
        .start_link()
        .await
        .unwrap();
    sup.terminate_child("s1").await.unwrap();
    sup.terminate_child("s2").await.unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let counts = sup.count_children().await.unwrap();
    assert!(sup.is_alive());
    assert_eq!((counts.specs, counts.active), (3, 2));
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn the_macro_reads_auto_shutdown_and_significant() {
    let log = Log::default();
    let sup = supervisor! {
        strategy: one_for_one,
        auto_shutdown: any_significant,
        children: [
            Worker(args("a", &log)) { id = "a" },
            Worker(args("s", &log)) { id = "s", restart = transient, significant = true },
        ],
    }
    .start_link()
    .await
    .unwrap();
    take(&log);
    finish(&sup, "s").await;
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(take(&log), ["done s", "stop a"]);
}

#[tokio::test(start_paused = true)]
async fn a_significant_permanent_child_is_refused() {
    let log = Log::default();
    let significant_permanent = || {
        ChildSpec::of::<Worker>(args("p", &log))
            .with_id("p")
            .with_significant(true)
    };
    let result = SupervisorSpec::new(otp_core::Strategy::OneForOne)
        .auto_shutdown(AutoShutdown::AnySignificant)
        .child(ChildSpec::of::<Worker>(args("a", &log)).with_id("a"))
        .child(significant_permanent())
        .start_link()
        .await;
    assert_eq!(
        result.err(),
        Some(SupervisorError::SignificantPermanent("p".into()))
    );
    assert!(take(&log).is_empty(), "no child started");

    let sup = SupervisorSpec::new(otp_core::Strategy::OneForOne)
        .start_link()
        .await
        .unwrap();
    assert_eq!(
        sup.start_child(significant_permanent()).await,
        Err(SupervisorError::SignificantPermanent("p".into()))
    );
    assert_eq!(sup.count_children().await.unwrap().specs, 0);
    assert!(take(&log).is_empty());
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
