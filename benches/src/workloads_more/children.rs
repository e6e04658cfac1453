//! J: many children of one supervisor. A `DynamicSupervisor` starts N idle children one after
//! the other, then stops, stopping them all; the time per child. By hand: N actor tasks spawned
//! one after the other (each acks its start), their senders kept in a `Vec`, then all asked to
//! stop at once and awaited. Starting or stopping N children must stay linear in N: links once
//! kept in a `Vec` per process and a `join_all` over the children's shutdowns each made it
//! quadratic (16,000 children took 9 times as long to stop as 4,000), which this row would show
//! as a ratio growing with N.

use std::time::Instant;

use otp_core::prelude::*;
use otp_core::{DynamicSupervisor, DynamicSupervisorOptions};
use tokio::sync::{mpsc, oneshot};

/// The supervised child: idle, started with its number.
struct Idle {
    _number: usize,
}

#[genserver]
impl Idle {
    #[init]
    fn init(number: usize) -> Self {
        Idle { _number: number }
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// µs per child to start `children` under a dynamic supervisor and stop them all with it.
pub(super) async fn ours(children: usize) -> f64 {
    let began = Instant::now();
    let supervisor = DynamicSupervisor::start(DynamicSupervisorOptions::default())
        .await
        .expect("the supervisor starts");
    for number in 0..children {
        supervisor
            .start_child::<Idle>(number)
            .await
            .expect("a child starts");
    }
    supervisor
        .stop(ExitReason::Shutdown)
        .await
        .expect("the supervisor stops");
    per_child(began, children)
}

/// µs per child to spawn `children` actor tasks and stop them all.
pub(super) async fn hand_written(children: usize) -> f64 {
    let began = Instant::now();
    let mut stops = Vec::with_capacity(children);
    let mut handles = Vec::with_capacity(children);
    for _ in 0..children {
        let (started, is_started) = oneshot::channel();
        let (stop, mut stop_requested) = mpsc::unbounded_channel::<()>();
        handles.push(tokio::spawn(async move {
            let _ = started.send(());
            let _ = stop_requested.recv().await;
        }));
        is_started.await.expect("the actor starts");
        stops.push(stop);
    }
    for stop in &stops {
        let _ = stop.send(());
    }
    for handle in handles {
        handle.await.expect("the actor stops");
    }
    per_child(began, children)
}

#[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
fn per_child(began: Instant, children: usize) -> f64 {
    began.elapsed().as_secs_f64() * 1e6 / children as f64
}
