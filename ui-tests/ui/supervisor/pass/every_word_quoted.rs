//! Every word value means the same bare or quoted, in `supervisor!` and `#[child_spec]`:
//! `strategy`, `auto_shutdown`, `restart`, `shutdown` and `start_timeout`.
use otp_core::prelude::*;
use otp_core::{ChildSpec, Restart, Shutdown, supervisor};

#[derive(Clone)]
struct Bare;

#[genserver]
#[child_spec(restart = transient, shutdown = brutal_kill, start_timeout = infinity)]
impl Bare {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[derive(Clone)]
struct Quoted;

#[genserver]
#[child_spec(restart = "transient", shutdown = "brutal_kill", start_timeout = "infinity")]
impl Quoted {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    for spec in [ChildSpec::of::<Bare>(Bare), ChildSpec::of::<Quoted>(Quoted)] {
        assert_eq!(spec.restart(), Restart::Transient);
        assert_eq!(spec.shutdown(), Shutdown::BrutalKill);
        assert_eq!(spec.start_timeout(), None);
    }

    // A quoted `never` is `never`: the tree keeps running when its one child ends.
    let sup = supervisor! {
        strategy: "one_for_one",
        auto_shutdown: "never",
        children: [Bare(Bare) { restart = "temporary", shutdown = "infinity", name = "bare" }],
    }
    .start_link()
    .await
    .unwrap();
    let bare = Bare::whereis("bare").unwrap();
    bare.stop(ExitReason::Normal).await.unwrap();
    sup.count_children().await.unwrap();
    assert!(sup.is_alive());
    sup.stop(ExitReason::Shutdown).await.unwrap();

    // A quoted `any_significant` ends the tree with its significant child.
    let sup = supervisor! {
        strategy: "rest_for_one",
        auto_shutdown: "any_significant",
        children: [Quoted(Quoted) { significant = true, name = "quoted" }],
    }
    .start_link()
    .await
    .unwrap();
    Quoted::whereis("quoted").unwrap().stop(ExitReason::Normal).await.unwrap();
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
}
