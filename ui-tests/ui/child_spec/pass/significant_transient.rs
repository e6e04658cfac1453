//! `significant = true` with a transient or temporary restart, and `significant = false` alone.
use otp_core::prelude::*;
use otp_core::{ChildSpec, Restart, supervisor};

#[derive(Clone)]
struct Job;

#[genserver]
#[child_spec(restart = "transient", significant = true)]
impl Job {
    #[handle_cast]
    fn finish(&mut self, ctx: &mut Context<Self>) {
        ctx.stop(ExitReason::Normal);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[derive(Clone)]
struct OneShot;

#[genserver]
#[child_spec(significant = true, restart = "temporary")]
impl OneShot {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[derive(Clone)]
struct Plain;

#[genserver]
#[child_spec(significant = false)]
impl Plain {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let job = ChildSpec::of::<Job>(Job);
    assert!(job.is_significant());
    assert_eq!(job.restart(), Restart::Transient);
    let one_shot = ChildSpec::of::<OneShot>(OneShot);
    assert!(one_shot.is_significant());
    assert_eq!(one_shot.restart(), Restart::Temporary);
    let plain = ChildSpec::of::<Plain>(Plain);
    assert!(!plain.is_significant());
    assert_eq!(plain.restart(), Restart::Permanent);

    // The significant job ending normally takes its supervisor down.
    let sup = supervisor! {
        strategy: one_for_one,
        auto_shutdown: any_significant,
        children: [Plain(Plain), Job(Job) { name = "job" }],
    }
    .start_link()
    .await
    .unwrap();
    Job::whereis("job").unwrap().finish();
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
}
