//! ractor 0.16: `Actor::spawn` (returns after `pre_start`), `cast`, `call!`, `stop_and_wait`.

use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort, call};

use crate::Counter;
use crate::runtime::current_worker;

/// The counter's behaviour (ractor keeps the state apart from the actor).
pub struct RactorActor;

/// The counter's messages.
pub enum RactorMessage {
    /// A cast.
    Add(u64),
    /// A call for the count.
    Get(RpcReplyPort<u64>),
    /// A call for the worker index.
    Worker(RpcReplyPort<usize>),
}

impl Actor for RactorActor {
    type Msg = RactorMessage;
    type State = u64;
    type Arguments = ();

    async fn pre_start(
        &self,
        _myself: ActorRef<Self::Msg>,
        (): (),
    ) -> Result<Self::State, ActorProcessingErr> {
        Ok(0)
    }

    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        count: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            RactorMessage::Add(n) => *count += n,
            RactorMessage::Get(reply) => {
                let _ = reply.send(*count);
            }
            RactorMessage::Worker(reply) => {
                let _ = reply.send(current_worker());
            }
        }
        Ok(())
    }
}

/// A ractor counter.
#[derive(Clone)]
pub struct RactorCounter(ActorRef<RactorMessage>);

impl Counter for RactorCounter {
    async fn start() -> Self {
        let (actor, _task) = Actor::spawn(None, RactorActor, ())
            .await
            .expect("the actor started");
        RactorCounter(actor)
    }

    fn add(&self, n: u64) {
        self.0.cast(RactorMessage::Add(n)).expect("the actor runs");
    }

    async fn get(&self) -> u64 {
        call!(self.0, RactorMessage::Get).expect("the call succeeded")
    }

    async fn worker(&self) -> usize {
        call!(self.0, RactorMessage::Worker).expect("the call succeeded")
    }

    async fn stop(self) {
        self.0
            .stop_and_wait(None, None)
            .await
            .expect("the actor stopped");
    }
}
