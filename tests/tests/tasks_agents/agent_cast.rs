//! `Agent.cast/2`: the change is sent without waiting, never blocks, never fails (even to a
//! dead agent), and is applied in order with the caller's later calls.

use std::sync::mpsc;

use otp_core::Agent;

#[tokio::test]
async fn a_cast_is_applied_before_a_later_call_from_the_same_caller() {
    let agent = Agent::start_link(Vec::<u32>::new).await.unwrap();
    for i in 0..50 {
        agent.cast(move |v| v.push(i));
    }
    assert_eq!(agent.get(Clone::clone).await, Ok((0..50).collect()));
    agent.cast(|v| v.clear());
    assert_eq!(agent.get(Vec::len).await, Ok(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cast_returns_while_the_agent_is_busy() {
    let agent = Agent::start_link(|| 0_u32).await.unwrap();
    // Keep the agent busy in a closure that waits for `release`, on a worker thread.
    let (release, released) = mpsc::channel::<()>();
    let (entered, is_entered) = tokio::sync::oneshot::channel::<()>();
    let busy = agent.clone();
    let busy_call = tokio::spawn(async move {
        busy.update(move |n| {
            let _ = entered.send(());
            released.recv().unwrap();
            *n += 1;
        })
        .await
    });
    is_entered.await.unwrap();
    // The agent is inside a closure: the casts only queue, and return at once.
    for _ in 0..3 {
        agent.cast(|n| *n *= 10);
    }
    release.send(()).unwrap();
    assert_eq!(busy_call.await.unwrap(), Ok(()));
    assert_eq!(agent.get(|n| *n).await, Ok(1000));
}

#[tokio::test]
async fn a_cast_to_a_stopped_agent_is_dropped_silently() {
    let agent = Agent::start_link(|| 0_u32).await.unwrap();
    let other = agent.clone();
    agent.stop().await.unwrap();
    other.cast(|n| *n += 1);
    assert!(!other.pid().is_alive());
}
