//! kameo 0.22: `spawn_with_mailbox` with an unbounded mailbox (like the reference; the default
//! bounded mailbox of 64 would make a cast wait), `tell(..).try_send()`, `ask`,
//! `stop_gracefully`.

use kameo::Actor;
use kameo::actor::{ActorRef, Spawn};
use kameo::mailbox;
use kameo::message::{Context, Message};

use crate::Counter;
use crate::runtime::current_worker;

/// The counter as a kameo actor.
#[derive(Actor)]
pub struct KameoActor {
    count: u64,
}

/// A cast.
pub struct Add(u64);
/// A call for the count.
pub struct Get;
/// A call for the worker index.
pub struct Worker;

impl Message<Add> for KameoActor {
    type Reply = ();

    async fn handle(&mut self, Add(n): Add, _ctx: &mut Context<Self, Self::Reply>) {
        self.count += n;
    }
}

impl Message<Get> for KameoActor {
    type Reply = u64;

    async fn handle(&mut self, _: Get, _ctx: &mut Context<Self, Self::Reply>) -> u64 {
        self.count
    }
}

impl Message<Worker> for KameoActor {
    type Reply = usize;

    async fn handle(&mut self, _: Worker, _ctx: &mut Context<Self, Self::Reply>) -> usize {
        current_worker()
    }
}

/// A kameo counter.
#[derive(Clone)]
pub struct KameoCounter(ActorRef<KameoActor>);

impl Counter for KameoCounter {
    async fn start() -> Self {
        let actor = KameoActor::spawn_with_mailbox(KameoActor { count: 0 }, mailbox::unbounded());
        actor.wait_for_startup().await;
        KameoCounter(actor)
    }

    fn add(&self, n: u64) {
        assert!(self.0.tell(Add(n)).try_send().is_ok(), "the actor runs");
    }

    async fn get(&self) -> u64 {
        self.0.ask(Get).await.expect("the call succeeded")
    }

    async fn worker(&self) -> usize {
        self.0.ask(Worker).await.expect("the call succeeded")
    }

    async fn stop(self) {
        self.0.stop_gracefully().await.expect("the actor stops");
        self.0.wait_for_shutdown().await;
    }
}
