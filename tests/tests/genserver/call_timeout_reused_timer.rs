//! A call's timeout reuses a timer an earlier call on the same thread left armed, and skips
//! polling it when it already holds a waker for the same poller (`call/deadline.rs`). Each
//! call must still time out exactly at its own deadline: from a spawned task (whose runtime
//! is cached by task id), from futures that share one task but not one waker, and on a thread
//! that runs one runtime after another.

use futures_util::stream::{FuturesUnordered, StreamExt};
use otp_core::prelude::*;
use tokio::time::Instant;

#[derive(Default)]
struct Sink {
    held: Vec<ReplyTo<u32>>,
}

#[genserver]
impl Sink {
    /// Never replies: keeps the caller's `ReplyTo`.
    #[handle_call]
    fn hold(&mut self, reply: ReplyTo<u32>) {
        self.held.push(reply);
    }

    #[handle_call]
    fn ping(&mut self) -> &'static str {
        "pong"
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Answered, then a second and later call on the timer the first left due 1 s too early: it
/// fires, and the second call re-arms it for its own deadline.
async fn answered_then_timed_out(sink: &SinkRef) -> Duration {
    assert_eq!(sink.ping().await, Ok("pong"));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let started = Instant::now();
    assert_eq!(sink.hold().await, Err(CallError::Timeout));
    started.elapsed()
}

#[tokio::test(start_paused = true)]
async fn a_spawned_task_times_out_at_its_own_deadline_on_a_reused_timer() {
    let sink = Sink::start(Sink::default()).await.expect("starts");
    let task = tokio::spawn(async move {
        let first = answered_then_timed_out(&sink).await;
        // Again, on the timer the timed-out call re-armed.
        let second = answered_then_timed_out(&sink).await;
        let started = Instant::now();
        let short = sink.hold().timeout(Duration::from_millis(300)).await;
        (first, second, short, started.elapsed())
    });
    let (first, second, short, short_took) = task.await.expect("the task runs");
    assert_eq!(first, Duration::from_secs(5));
    assert_eq!(second, Duration::from_secs(5));
    assert_eq!(short, Err(CallError::Timeout));
    assert_eq!(short_took, Duration::from_millis(300));
}

#[tokio::test(start_paused = true)]
async fn calls_sharing_a_task_but_not_a_waker_each_time_out() {
    let sink = Sink::start(Sink::default()).await.expect("starts");
    // The first call leaves a timer due in 500 ms holding its own future's waker; the next
    // ones run in other slots of the same `FuturesUnordered`, whose wakers differ. The one that
    // takes that timer must poll it with its own waker, or it is never woken to re-arm it.
    let mut warm_up = FuturesUnordered::new();
    warm_up.push(
        sink.ping()
            .timeout(Duration::from_millis(500))
            .into_future(),
    );
    assert_eq!(warm_up.next().await, Some(Ok("pong")));
    let started = Instant::now();
    let mut calls: FuturesUnordered<_> = [3, 1, 2]
        .into_iter()
        .map(|secs| {
            let sink = &sink;
            async move {
                let result = sink.hold().timeout(Duration::from_secs(secs)).await;
                (secs, result, started.elapsed())
            }
        })
        .collect();
    let mut finished = Vec::new();
    let all = async {
        while let Some(call) = calls.next().await {
            finished.push(call);
        }
    };
    // A call never woken would hang the test: fail it instead.
    let within = tokio::time::timeout(Duration::from_secs(60), all).await;
    assert!(within.is_ok(), "a call was never woken: {finished:?}");
    assert_eq!(
        finished,
        [1, 2, 3].map(|secs| (secs, Err(CallError::Timeout), Duration::from_secs(secs)))
    );
}

#[test]
fn one_thread_running_runtimes_one_after_another_times_out_in_each() {
    for _ in 0..3 {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("a runtime");
        // The timers this thread keeps from the previous runtime belong to a runtime that is
        // gone: they must not be used (polling one would panic) and the call still times out.
        let took = runtime.block_on(async {
            let sink = Sink::start(Sink::default()).await.expect("starts");
            let spawned = tokio::spawn(async move {
                let took = answered_then_timed_out(&sink).await;
                // Answered: its timer goes back to this thread, armed, when the runtime ends.
                assert_eq!(sink.ping().await, Ok("pong"));
                took
            });
            spawned.await.expect("the task runs")
        });
        assert_eq!(took, Duration::from_secs(5));
    }
}
