//! `Agent.stop/3`: the agent exits with reason `normal` (or the given one) and `stop` returns
//! once it has; later calls fail with `NoProc`.

use otp_core::Agent;
use otp_core::prelude::*;

#[tokio::test]
async fn stop_exits_with_reason_normal_and_waits_for_the_exit() {
    let agent = Agent::start_link(|| 1_u32).await.unwrap();
    let pid = agent.pid();
    assert_eq!(agent.stop().await, Ok(()));
    assert!(!pid.is_alive(), "stop returns after the exit");
    assert_eq!(pid.exit_reason(), Some(ExitReason::Normal));
    assert_eq!(agent.get(|n| *n).await, Err(CallError::NoProc));
    assert_eq!(agent.update(|n| *n += 1).await, Err(CallError::NoProc));
    assert_eq!(
        agent.get_and_update(|n| (n, n)).await,
        Err(CallError::NoProc)
    );
    assert_eq!(agent.stop().await, Err(CallError::NoProc));
}

#[tokio::test]
async fn stop_with_uses_the_given_reason() {
    let agent = Agent::start_link(|| 1_u32).await.unwrap();
    let reason = ExitReason::ShutdownWith("maintenance".into());
    assert_eq!(agent.stop_with(reason.clone()).await, Ok(()));
    assert_eq!(agent.pid().wait_exit().await, reason);
}

/// Starts an agent linked to itself, then stops it.
struct Parent;

#[genserver]
impl Parent {
    #[handle_call]
    async fn start_and_stop(&mut self) -> Pid {
        let agent = otp_core::Agent::start_link(|| 0_u8).await.unwrap();
        agent.stop().await.unwrap();
        agent.pid()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn a_normal_stop_does_not_take_down_the_linked_starter() {
    let parent = Parent::start(Parent).await.unwrap();
    let agent = parent.start_and_stop().await.unwrap();
    assert_eq!(agent.exit_reason(), Some(ExitReason::Normal));
    assert!(parent.start_and_stop().await.is_ok());
    assert!(parent.pid().is_alive());
}
