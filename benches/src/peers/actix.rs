//! actix 0.13: `Actor::start` (acked from `started`), `do_send`, `send`, `ctx.stop()` (acked
//! from `stopped`). Client and actors run on one thread, inside a `System`.

use actix::{Actor, ActorContext, Addr, Context, Handler, Message};
use tokio::sync::oneshot;

use crate::Counter;
use crate::runtime::current_worker;

/// The counter as an actix actor.
pub struct ActixActor {
    count: u64,
    started: Option<oneshot::Sender<()>>,
    stopped: Option<oneshot::Sender<()>>,
}

impl Actor for ActixActor {
    type Context = Context<Self>;

    fn started(&mut self, _ctx: &mut Context<Self>) {
        if let Some(started) = self.started.take() {
            let _ = started.send(());
        }
    }

    fn stopped(&mut self, _ctx: &mut Context<Self>) {
        if let Some(stopped) = self.stopped.take() {
            let _ = stopped.send(());
        }
    }
}

/// A cast.
pub struct Add(u64);
/// A call for the count.
pub struct Get;
/// A call for the worker index.
pub struct Worker;
/// Stops the actor; the sender is told once it has stopped.
pub struct Stop(oneshot::Sender<()>);

impl Message for Add {
    type Result = ();
}

impl Message for Get {
    type Result = u64;
}

impl Message for Worker {
    type Result = usize;
}

impl Message for Stop {
    type Result = ();
}

impl Handler<Add> for ActixActor {
    type Result = ();

    fn handle(&mut self, Add(n): Add, _ctx: &mut Context<Self>) {
        self.count += n;
    }
}

impl Handler<Get> for ActixActor {
    type Result = u64;

    fn handle(&mut self, _: Get, _ctx: &mut Context<Self>) -> u64 {
        self.count
    }
}

impl Handler<Worker> for ActixActor {
    type Result = usize;

    fn handle(&mut self, _: Worker, _ctx: &mut Context<Self>) -> usize {
        current_worker()
    }
}

impl Handler<Stop> for ActixActor {
    type Result = ();

    fn handle(&mut self, Stop(done): Stop, ctx: &mut Context<Self>) {
        self.stopped = Some(done);
        ctx.stop();
    }
}

/// An actix counter.
#[derive(Clone)]
pub struct ActixCounter(Addr<ActixActor>);

impl Counter for ActixCounter {
    async fn start() -> Self {
        let (started, on_started) = oneshot::channel();
        let actor = ActixActor {
            count: 0,
            started: Some(started),
            stopped: None,
        }
        .start();
        on_started.await.expect("the actor started");
        ActixCounter(actor)
    }

    fn add(&self, n: u64) {
        self.0.do_send(Add(n));
    }

    async fn get(&self) -> u64 {
        self.0.send(Get).await.expect("the call succeeded")
    }

    async fn worker(&self) -> usize {
        self.0.send(Worker).await.expect("the call succeeded")
    }

    async fn stop(self) {
        let (done, on_done) = oneshot::channel();
        self.0.do_send(Stop(done));
        on_done.await.expect("the actor stopped");
    }

    fn run<F>(client: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        actix::System::new().block_on(async move {
            actix::spawn(client)
                .await
                .expect("the benchmark task panicked")
        })
    }
}
