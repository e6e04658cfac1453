//! Every strategy `supervisor!` accepts, each checked by killing the middle of three children.
use otp_core::prelude::*;
use otp_core::{SupervisorRef, SupervisorSpec, supervisor};

#[derive(Clone)]
struct Worker;

#[genserver]
impl Worker {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn trees() -> [SupervisorSpec; 3] {
    [
        supervisor! {
            strategy: one_for_one,
            children: [Worker(Worker) { id = "a" }, Worker(Worker) { id = "b" }, Worker(Worker) { id = "c" }],
        },
        supervisor! {
            strategy: one_for_all,
            children: [Worker(Worker) { id = "a" }, Worker(Worker) { id = "b" }, Worker(Worker) { id = "c" }],
        },
        supervisor! {
            strategy: rest_for_one,
            children: [Worker(Worker) { id = "a" }, Worker(Worker) { id = "b" }, Worker(Worker) { id = "c" }],
        },
    ]
}

/// The pids of the running children, in start order.
async fn pids(sup: &SupervisorRef) -> Vec<Pid> {
    sup.which_children()
        .await
        .unwrap()
        .into_iter()
        .filter_map(|child| child.pid().cloned())
        .collect()
}

/// Which of a, b, c have a new pid after b is killed.
async fn restarted_after_killing_b(tree: SupervisorSpec) -> [bool; 3] {
    let sup = tree.start_link().await.unwrap();
    let before = pids(&sup).await;
    assert_eq!(before.len(), 3);
    before[1].kill();
    // The supervisor handles b's exit (stops and restarts all it must) in one step.
    let mut after = pids(&sup).await;
    while after.len() < 3 || after[1] == before[1] {
        tokio::task::yield_now().await;
        after = pids(&sup).await;
    }
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert!(!sup.is_alive());
    [0, 1, 2].map(|i| before[i] != after[i])
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let [one_for_one, one_for_all, rest_for_one] = trees();
    assert_eq!(
        restarted_after_killing_b(one_for_one).await,
        [false, true, false]
    );
    assert_eq!(
        restarted_after_killing_b(one_for_all).await,
        [true, true, true]
    );
    assert_eq!(
        restarted_after_killing_b(rest_for_one).await,
        [false, true, true]
    );
}
