//! Agent start (`Agent.start_link/2`): the init closure runs inside the agent's own process,
//! once, before `start_link` returns, and what it returns is the state; a panic in it fails the
//! start with the panic as the reason; `start_link` from inside a process links the two.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use otp_core::{Agent, AgentRef, current_pid};

#[tokio::test]
async fn init_runs_in_the_agent_before_start_link_returns() {
    let ran_in: Arc<Mutex<Vec<Option<Pid>>>> = Arc::default();
    let record = ran_in.clone();
    let agent = Agent::start_link(move || {
        record.lock().unwrap().push(current_pid());
        vec![1, 2, 3]
    })
    .await
    .unwrap();
    // Read before anything else is awaited: init has already run, in the agent's process.
    assert_eq!(*ran_in.lock().unwrap(), vec![Some(agent.pid())]);
    assert!(agent.pid().is_alive());
    assert_eq!(agent.get(Clone::clone).await, Ok(vec![1, 2, 3]));
    assert_eq!(ran_in.lock().unwrap().len(), 1, "init runs once");
}

#[tokio::test]
async fn start_without_a_link_also_runs_init_first() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let agent = Agent::options()
        .start(move || counted.fetch_add(1, Ordering::SeqCst) + 100)
        .await
        .unwrap();
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert_eq!(agent.get(|n| *n).await, Ok(100));
}

#[tokio::test]
async fn a_panic_in_init_fails_the_start_with_the_panic_as_reason() {
    let result: Result<AgentRef<u32>, StartError> =
        Agent::start_link(|| panic!("no initial value")).await;
    match result {
        Err(StartError::Init(reason)) => {
            assert_eq!(reason, ExitReason::Panic("no initial value".into()));
        }
        other => panic!("expected Init(Panic), got {other:?}"),
    }
    // The caller and the runtime live on.
    let agent = Agent::start_link(|| 1_u32).await.unwrap();
    assert_eq!(agent.get(|n| *n).await, Ok(1));
}

/// A process that starts an agent from its own callback, linked or not.
struct Owner {
    agent: Option<AgentRef<u32>>,
}

#[genserver]
impl Owner {
    #[handle_call]
    async fn start_agent(&mut self, linked: bool) -> Pid {
        let agent = if linked {
            Agent::start_link(|| 0_u32).await.unwrap()
        } else {
            Agent::options().start(|| 0_u32).await.unwrap()
        };
        let pid = agent.pid();
        self.agent = Some(agent);
        pid
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn start_link_from_a_process_links_the_agent_to_it() {
    let owner = Owner::start(Owner { agent: None }).await.unwrap();
    let agent = owner.start_agent(true).await.unwrap();
    agent.exit(ExitReason::ShutdownWith("agent gone".into()));
    assert_eq!(
        owner.pid().wait_exit().await,
        ExitReason::ShutdownWith("agent gone".into()),
        "the link carries the agent's abnormal exit to its starter"
    );
}

#[tokio::test]
async fn start_from_a_process_does_not_link() {
    let owner = Owner::start(Owner { agent: None }).await.unwrap();
    let agent = owner.start_agent(false).await.unwrap();
    agent.exit(ExitReason::ShutdownWith("agent gone".into()));
    assert_eq!(
        agent.wait_exit().await,
        ExitReason::ShutdownWith("agent gone".into())
    );
    // The owner's mailbox would hold the exit signal before this call: it still answers.
    assert!(owner.start_agent(false).await.is_ok());
    assert!(owner.pid().is_alive());
}
