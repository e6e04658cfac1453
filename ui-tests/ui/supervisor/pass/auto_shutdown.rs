//! Every `auto_shutdown` form, with significant children that end normally.
use otp_core::prelude::*;
use otp_core::{SupervisorRef, SupervisorSpec, supervisor};

#[derive(Clone)]
struct Job;

#[genserver]
impl Job {
    #[handle_cast]
    fn finish(&mut self, ctx: &mut Context<Self>) {
        ctx.stop(ExitReason::Normal);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Ends the job registered as `name` and waits until its supervisor has seen it go.
async fn finish(sup: &SupervisorRef, name: &str) {
    let job = Job::whereis(name).unwrap();
    job.finish();
    job.pid().wait_exit().await;
    while sup.is_alive() && sup.child_pid(name).await.is_ok_and(|pid| pid.is_some()) {
        tokio::task::yield_now().await;
    }
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let never: SupervisorSpec = supervisor! {
        strategy: one_for_one,
        auto_shutdown: never,
        children: [Job(Job) { id = "n1", name = "n1", restart = transient }],
    };
    let sup = never.start_link().await.unwrap();
    finish(&sup, "n1").await;
    assert!(sup.is_alive());
    sup.stop(ExitReason::Shutdown).await.unwrap();

    let any = supervisor! {
        strategy: one_for_one,
        auto_shutdown: any_significant,
        children: [
            Job(Job) { id = "a1", name = "a1", restart = transient, significant = true },
            Job(Job) { id = "a2", name = "a2", restart = temporary, significant = true },
        ],
    };
    let sup = any.start_link().await.unwrap();
    finish(&sup, "a1").await;
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);

    let all = supervisor! {
        strategy: one_for_one,
        auto_shutdown: all_significant,
        children: [
            Job(Job) { id = "l1", name = "l1", restart = transient, significant = true },
            Job(Job) { id = "l2", name = "l2", restart = temporary, significant = true },
        ],
    };
    let sup = all.start_link().await.unwrap();
    finish(&sup, "l1").await;
    assert!(sup.is_alive());
    finish(&sup, "l2").await;
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
}
