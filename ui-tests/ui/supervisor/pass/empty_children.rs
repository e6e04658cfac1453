//! `children: []`: a supervisor that starts with no children, given some later.
use otp_core::prelude::*;
use otp_core::supervisor;

#[derive(Clone)]
struct Worker;

#[genserver]
impl Worker {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let tree = supervisor! {
        strategy: one_for_one,
        children: [],
    };
    let sup = tree.start_link().await.unwrap();
    assert_eq!(sup.count_children().await.unwrap().active, 0);
    sup.start_child(ChildSpec::of::<Worker>(Worker)).await.unwrap();
    assert_eq!(sup.count_children().await.unwrap().active, 1);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
