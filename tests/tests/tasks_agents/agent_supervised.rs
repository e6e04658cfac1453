//! Agents as supervised children (`Agent.child_spec/1`): permanent, so restarted after a crash
//! and after a normal stop alike, each time with a fresh state from its init closure; the
//! supervisor stops them with the tree.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use otp_core::prelude::*;
use otp_core::{Agent, AgentRef, Restart, Strategy, SupervisorRef, SupervisorSpec};

struct Tree {
    sup: SupervisorRef,
    inits: Arc<AtomicUsize>,
}

impl Tree {
    async fn start(name: &'static str) -> Tree {
        let inits = Arc::new(AtomicUsize::new(0));
        let counted = inits.clone();
        let spec = Agent::child_spec("counter", move || {
            counted.fetch_add(1, Ordering::SeqCst);
            0_u64
        })
        .with_name(name);
        assert_eq!(spec.id(), "counter");
        assert_eq!(spec.restart(), Restart::Permanent);
        let sup = SupervisorSpec::new(Strategy::OneForOne)
            .child(spec)
            .start()
            .await
            .unwrap();
        Tree { sup, inits }
    }

    async fn agent(&self, name: &str) -> AgentRef<u64> {
        let agent = Agent::whereis::<u64>(name).expect("registered");
        assert_eq!(
            self.sup.child_pid("counter").await.unwrap(),
            Some(agent.pid())
        );
        agent
    }

    fn inits(&self) -> usize {
        self.inits.load(Ordering::SeqCst)
    }
}

#[tokio::test(start_paused = true)]
async fn a_crashed_agent_is_restarted_with_a_fresh_state() {
    let tree = Tree::start("agent_sup_crash").await;
    assert_eq!(tree.inits(), 1);
    let agent = tree.agent("agent_sup_crash").await;
    agent.update(|n| *n = 41).await.unwrap();
    assert_eq!(agent.get(|n| *n).await, Ok(41));

    let crash: Result<(), CallError> = agent.update(|_| panic!("counter broke")).await;
    assert_eq!(
        crash,
        Err(CallError::Exited(ExitReason::Panic("counter broke".into())))
    );
    // The exit is in the supervisor's mailbox before this call: it answers after the restart.
    let restarted = tree.agent("agent_sup_crash").await;
    assert_ne!(restarted.pid(), agent.pid());
    assert_eq!(tree.inits(), 2, "init ran again");
    assert_eq!(restarted.get(|n| *n).await, Ok(0), "fresh state, not 41");
    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_permanent_agent_is_restarted_even_after_a_normal_stop() {
    let tree = Tree::start("agent_sup_normal").await;
    let agent = tree.agent("agent_sup_normal").await;
    agent.update(|n| *n = 5).await.unwrap();
    agent.stop().await.unwrap();
    assert_eq!(agent.pid().exit_reason(), Some(ExitReason::Normal));
    let restarted = tree.agent("agent_sup_normal").await;
    assert_ne!(restarted.pid(), agent.pid());
    assert_eq!(tree.inits(), 2);
    assert_eq!(restarted.get(|n| *n).await, Ok(0));
    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn stopping_the_supervisor_stops_the_agent() {
    let tree = Tree::start("agent_sup_stop").await;
    let agent = tree.agent("agent_sup_stop").await;
    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(agent.pid().exit_reason(), Some(ExitReason::Shutdown));
    assert!(Agent::whereis::<u64>("agent_sup_stop").is_none());
    assert_eq!(tree.inits(), 1, "not restarted");
}
