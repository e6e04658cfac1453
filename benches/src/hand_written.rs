//! The reference: a hand-written tokio actor, an unbounded mpsc mailbox and a
//! oneshot per call, and its variants.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tracing::Instrument;

use crate::Counter;
use crate::runtime::current_worker;

enum Message {
    Add(u64),
    Get(oneshot::Sender<u64>),
    Worker(oneshot::Sender<usize>),
    Stop(oneshot::Sender<()>),
}

/// The hand-written actor: `start` spawns a task that builds its state (its "init"), acks, and
/// loops over an unbounded mpsc receiver; a call sends a oneshot sender and awaits the receiver.
#[derive(Clone)]
pub struct HandWritten {
    sender: mpsc::UnboundedSender<Message>,
}

async fn actor_loop(mut receiver: mpsc::UnboundedReceiver<Message>, started: oneshot::Sender<()>) {
    let mut count: u64 = 0;
    let _ = started.send(());
    while let Some(message) = receiver.recv().await {
        match message {
            Message::Add(n) => count += n,
            Message::Get(reply) => {
                let _ = reply.send(count);
            }
            Message::Worker(reply) => {
                let _ = reply.send(current_worker());
            }
            Message::Stop(done) => {
                drop(receiver);
                let _ = done.send(());
                return;
            }
        }
    }
}

impl HandWritten {
    async fn start_with(span: Option<tracing::Span>) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        let (started, on_started) = oneshot::channel();
        match span {
            None => drop(tokio::spawn(actor_loop(receiver, started))),
            Some(span) => drop(tokio::spawn(actor_loop(receiver, started).instrument(span))),
        }
        on_started.await.expect("the actor started");
        HandWritten { sender }
    }

    async fn ask<R>(&self, message: impl FnOnce(oneshot::Sender<R>) -> Message) -> R {
        let (reply, on_reply) = oneshot::channel();
        self.sender
            .send(message(reply))
            .unwrap_or_else(|_| panic!("the actor is gone"));
        on_reply.await.expect("the actor replied")
    }

    async fn stop_actor(&self) {
        self.ask(Message::Stop).await;
    }
}

impl Counter for HandWritten {
    async fn start() -> Self {
        HandWritten::start_with(None).await
    }

    fn add(&self, n: u64) {
        let _ = self.sender.send(Message::Add(n));
    }

    async fn get(&self) -> u64 {
        self.ask(Message::Get).await
    }

    async fn worker(&self) -> usize {
        self.ask(Message::Worker).await
    }

    async fn stop(self) {
        self.stop_actor().await;
    }
}

/// The hand-written actor with each call wrapped in `tokio::time::timeout(5 s)`: what a user
/// writes to get OTP's default call timeout without otp-core.
#[derive(Clone)]
pub struct HandWrittenTimeout(HandWritten);

impl Counter for HandWrittenTimeout {
    async fn start() -> Self {
        HandWrittenTimeout(HandWritten::start().await)
    }

    fn add(&self, n: u64) {
        self.0.add(n);
    }

    async fn get(&self) -> u64 {
        tokio::time::timeout(Duration::from_secs(5), self.0.get())
            .await
            .expect("no timeout")
    }

    async fn worker(&self) -> usize {
        tokio::time::timeout(Duration::from_secs(5), self.0.worker())
            .await
            .expect("no timeout")
    }

    async fn stop(self) {
        self.0.stop().await;
    }
}

/// The hand-written actor whose task is instrumented with an error-level span, as otp-core
/// instruments each process; no subscriber is installed, so this row prices the span alone.
#[derive(Clone)]
pub struct HandWrittenSpan(HandWritten);

impl Counter for HandWrittenSpan {
    async fn start() -> Self {
        let span = tracing::error_span!("process", server = "HandWrittenSpan");
        HandWrittenSpan(HandWritten::start_with(Some(span)).await)
    }

    fn add(&self, n: u64) {
        self.0.add(n);
    }

    async fn get(&self) -> u64 {
        self.0.get().await
    }

    async fn worker(&self) -> usize {
        self.0.worker().await
    }

    async fn stop(self) {
        self.0.stop().await;
    }
}
