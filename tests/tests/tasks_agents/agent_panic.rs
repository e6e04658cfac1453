//! A panic inside an agent closure crashes the agent with the panic as its reason; a caller
//! waiting on that closure gets `CallError::Exited(Panic(msg))` at once, other callers get an
//! error too, and the runtime and other agents live on.

use otp_core::Agent;
use otp_core::prelude::*;
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn a_panic_in_get_crashes_the_agent_and_the_caller_gets_the_reason() {
    let agent = Agent::start_link(|| 3_u32).await.unwrap();
    let started = Instant::now();
    let reply: Result<u32, CallError> = agent.get(|n| panic!("bad read of {n}")).await;
    assert_eq!(
        reply,
        Err(CallError::Exited(ExitReason::Panic("bad read of 3".into())))
    );
    assert_eq!(
        started.elapsed(),
        Duration::ZERO,
        "at once, not at the timeout"
    );
    assert_eq!(
        agent.pid().wait_exit().await,
        ExitReason::Panic("bad read of 3".into())
    );
    assert_eq!(agent.get(|n| *n).await, Err(CallError::NoProc));
}

#[tokio::test(start_paused = true)]
async fn a_panic_in_update_crashes_the_agent() {
    let agent = Agent::start_link(|| 0_u32).await.unwrap();
    let reply = agent
        .update(|n| {
            *n += 1;
            panic!("update failed");
        })
        .await;
    assert_eq!(
        reply,
        Err(CallError::Exited(ExitReason::Panic("update failed".into())))
    );
    assert_eq!(
        agent.pid().exit_reason(),
        Some(ExitReason::Panic("update failed".into()))
    );
}

#[tokio::test(start_paused = true)]
async fn a_panic_in_get_and_update_crashes_the_agent() {
    let agent = Agent::start_link(|| String::from("state")).await.unwrap();
    let reply: Result<(), CallError> = agent
        .get_and_update(|s| -> ((), String) { panic!("cannot replace {s}") })
        .await;
    assert_eq!(
        reply,
        Err(CallError::Exited(ExitReason::Panic(
            "cannot replace state".into()
        )))
    );
    assert!(!agent.pid().is_alive());
}

#[tokio::test(start_paused = true)]
async fn a_panic_in_a_cast_crashes_the_agent_and_fails_the_calls_behind_it() {
    let agent = Agent::start_link(|| 0_u32).await.unwrap();
    agent.cast(|_| panic!("cast failed"));
    assert_eq!(
        agent.get(|n| *n).await,
        Err(CallError::Exited(ExitReason::Panic("cast failed".into()))),
        "the call queued behind the crashing cast"
    );
    assert_eq!(
        agent.pid().exit_reason(),
        Some(ExitReason::Panic("cast failed".into()))
    );
}

#[tokio::test(start_paused = true)]
async fn a_non_string_panic_payload_still_gives_a_panic_reason() {
    let agent = Agent::start_link(|| 0_u32).await.unwrap();
    let reply = agent.update(|_| std::panic::panic_any(7_u8)).await;
    assert!(
        matches!(&reply, Err(CallError::Exited(ExitReason::Panic(_)))),
        "{reply:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_crash_touches_no_other_agent() {
    let healthy = Agent::start_link(|| 1_u32).await.unwrap();
    let doomed = Agent::start_link(|| 2_u32).await.unwrap();
    let _ = doomed.get(|_| -> u32 { panic!("doomed") }).await;
    assert!(!doomed.pid().is_alive());
    assert!(healthy.pid().is_alive());
    assert_eq!(healthy.get(|n| *n).await, Ok(1));
}

/// Holds a linked agent; reports how it went when the agent crashed.
struct Holder;

#[genserver]
impl Holder {
    #[handle_call]
    async fn start_linked(&mut self) -> Pid {
        otp_core::Agent::start_link(|| 0_u32).await.unwrap().pid()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn the_crash_reaches_linked_processes() {
    let holder = Holder::start(Holder).await.unwrap();
    let agent_pid = holder.start_linked().await.unwrap();
    // A handle from the name-less pid is not offered: crash it through its own closure instead.
    otp_core::register("agent_panic_linked", &agent_pid).unwrap();
    let agent = Agent::whereis::<u32>("agent_panic_linked").unwrap();
    let _ = agent.update(|_| panic!("linked crash")).await;
    assert_eq!(
        holder.pid().wait_exit().await,
        ExitReason::Panic("linked crash".into()),
        "the link carries the agent's panic to its starter"
    );
}
