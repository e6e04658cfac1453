//! Agent reads and writes (`Agent.get/3`, `update/3`, `get_and_update/3`): each closure runs in
//! the agent, one at a time, in the order the calls were made, and sees the state the previous
//! one left.

use std::collections::HashMap;

use otp_core::Agent;
use otp_core::current_pid;

#[tokio::test]
async fn get_replies_with_what_the_closure_returns_and_leaves_the_state() {
    let agent = Agent::start_link(|| vec!["a".to_owned(), "b".to_owned()])
        .await
        .unwrap();
    assert_eq!(agent.get(Vec::len).await, Ok(2));
    assert_eq!(agent.get(|v| v.join("+")).await, Ok("a+b".to_owned()));
    assert_eq!(
        agent.get(Clone::clone).await,
        Ok(vec!["a".into(), "b".into()])
    );
}

#[tokio::test]
async fn update_changes_the_state_and_returns_once_done() {
    let agent = Agent::start_link(|| 0_u64).await.unwrap();
    for _ in 0..10 {
        agent.update(|n| *n += 1).await.unwrap();
    }
    assert_eq!(agent.get(|n| *n).await, Ok(10));
    let unit: () = agent.update(|n| *n *= 3).await.unwrap();
    let () = unit;
    assert_eq!(agent.get(|n| *n).await, Ok(30));
}

#[tokio::test]
async fn get_and_update_replies_with_the_first_value_and_keeps_the_second() {
    let agent = Agent::start_link(|| 5_u64).await.unwrap();
    assert_eq!(agent.get_and_update(|n| (n, n + 1)).await, Ok(5));
    assert_eq!(agent.get_and_update(|n| (n * 100, 0)).await, Ok(600));
    assert_eq!(agent.get(|n| *n).await, Ok(0));
    // The state moves into the closure: a non-Clone state can be replaced wholesale.
    let boxed = Agent::start_link(|| Box::new(String::from("old")))
        .await
        .unwrap();
    let old = boxed
        .get_and_update(|s| (*s, Box::new(String::from("new"))))
        .await
        .unwrap();
    assert_eq!(old, "old");
    assert_eq!(boxed.get(|s| s.to_string()).await, Ok("new".to_owned()));
}

#[tokio::test]
async fn closures_run_inside_the_agent_process() {
    let agent = Agent::start_link(|| ()).await.unwrap();
    assert_eq!(agent.get(|()| current_pid()).await, Ok(Some(agent.pid())));
    assert_eq!(
        agent.get_and_update(|()| (current_pid(), ())).await,
        Ok(Some(agent.pid()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_updates_are_applied_one_at_a_time() {
    let agent = Agent::start_link(HashMap::<u32, u32>::new).await.unwrap();
    let mut callers = Vec::new();
    for caller in 0..8_u32 {
        let agent = agent.clone();
        callers.push(tokio::spawn(async move {
            for i in 0..100 {
                // A read-modify-write inside one closure: no other closure interleaves.
                agent
                    .update(move |map| {
                        let total = map.get(&u32::MAX).copied().unwrap_or(0);
                        map.insert(u32::MAX, total + 1);
                        map.insert(caller, i);
                    })
                    .await
                    .unwrap();
            }
        }));
    }
    for caller in callers {
        caller.await.unwrap();
    }
    assert_eq!(agent.get(|map| map[&u32::MAX]).await, Ok(800));
    for caller in 0..8 {
        assert_eq!(agent.get(move |map| map[&caller]).await, Ok(99));
    }
}
