//! Named agents (`name:` option): registered at start, found with `Agent::whereis`, a taken
//! name fails the start, and the name is free again once the agent exits.

use otp_core::prelude::*;
use otp_core::{Agent, whereis};

#[tokio::test]
async fn a_named_agent_is_found_by_its_name() {
    let agent = Agent::options()
        .name("agent_named_counter")
        .start_link(|| 0_u64)
        .await
        .unwrap();
    assert_eq!(whereis("agent_named_counter"), Some(agent.pid()));
    assert_eq!(agent.pid().name().as_deref(), Some("agent_named_counter"));

    let found = Agent::whereis::<u64>("agent_named_counter").expect("registered");
    assert_eq!(found.pid(), agent.pid());
    found.update(|n| *n += 1).await.unwrap();
    assert_eq!(agent.get(|n| *n).await, Ok(1));
    assert!(Agent::whereis::<u64>("agent_named_nobody").is_none());
}

#[tokio::test]
async fn whereis_with_another_state_type_finds_nothing() {
    let agent = Agent::options()
        .name("agent_named_typed")
        .start(|| String::from("text"))
        .await
        .unwrap();
    assert!(Agent::whereis::<u64>("agent_named_typed").is_none());
    assert_eq!(
        Agent::whereis::<String>("agent_named_typed").map(|a| a.pid()),
        Some(agent.pid())
    );
}

#[tokio::test]
async fn a_taken_name_fails_the_start_without_running_a_second_agent() {
    let first = Agent::options()
        .name("agent_named_taken")
        .start_link(|| 1_u32)
        .await
        .unwrap();
    let second = Agent::options()
        .name("agent_named_taken")
        .start_link(|| 2_u32)
        .await;
    match second {
        Err(StartError::AlreadyStarted(pid)) => assert_eq!(pid, first.pid()),
        other => panic!("expected AlreadyStarted, got {other:?}"),
    }
    assert_eq!(
        Agent::whereis::<u32>("agent_named_taken")
            .unwrap()
            .get(|n| *n)
            .await,
        Ok(1)
    );
}

#[tokio::test]
async fn the_name_is_free_again_after_the_agent_stops() {
    let agent = Agent::options()
        .name("agent_named_reused")
        .start_link(|| 1_u32)
        .await
        .unwrap();
    agent.stop().await.unwrap();
    assert!(Agent::whereis::<u32>("agent_named_reused").is_none());
    let again = Agent::options()
        .name("agent_named_reused")
        .start_link(|| 2_u32)
        .await
        .unwrap();
    assert_eq!(
        Agent::whereis::<u32>("agent_named_reused").map(|a| a.pid()),
        Some(again.pid())
    );
}
