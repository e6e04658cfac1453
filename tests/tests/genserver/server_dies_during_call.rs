//! The server dies while a call is queued or in flight: the caller gets the exit reason at
//! once (`CallError::Exited(reason)`), even when the reason is normal, and never hangs.

use otp_core::prelude::*;
use tokio::time::Instant;

#[derive(Default)]
struct Victim {
    held: Vec<ReplyTo<u32>>,
}

#[genserver]
impl Victim {
    #[handle_call]
    fn ping(&mut self) -> &'static str {
        "pong"
    }

    /// In flight until someone answers the held `ReplyTo`.
    #[handle_call]
    fn hold(&mut self, reply: ReplyTo<u32>) {
        self.held.push(reply);
    }

    /// In flight while it awaits.
    #[handle_call]
    async fn slow(&mut self, secs: u64) -> u32 {
        tokio::time::sleep(Duration::from_secs(secs)).await;
        1
    }

    #[handle_call]
    fn panic_in_call(&mut self) -> u32 {
        panic!("call exploded");
    }

    #[handle_call]
    async fn panic_after_await(&mut self) -> u32 {
        tokio::time::sleep(Duration::from_secs(2)).await;
        panic!("exploded after the await");
    }

    #[handle_cast]
    fn stop_now(&mut self, reason: ExitReason, ctx: &mut Context<Self>) {
        ctx.stop(reason);
    }

    #[handle_cast]
    fn explode(&mut self) {
        panic!("cast exploded");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn start() -> VictimRef {
    Victim::start(Victim::default()).await.expect("starts")
}

#[tokio::test(start_paused = true)]
async fn a_queued_call_gets_exited_normal_when_the_server_stops_normally_first() {
    let victim = start().await;
    victim.stop_now(ExitReason::Normal);
    let started = Instant::now();
    assert_eq!(
        victim.ping().await,
        Err(CallError::Exited(ExitReason::Normal))
    );
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(victim.pid().wait_exit().await, ExitReason::Normal);
}

#[tokio::test(start_paused = true)]
async fn a_queued_call_gets_the_stop_reason() {
    let victim = start().await;
    let reason = ExitReason::ShutdownWith("maintenance".into());
    victim.stop_now(reason.clone());
    assert_eq!(victim.ping().await, Err(CallError::Exited(reason)));
}

#[tokio::test(start_paused = true)]
async fn several_queued_calls_all_get_the_reason() {
    let victim = start().await;
    victim.stop_now(ExitReason::Normal);
    let started = Instant::now();
    let (a, b, c) = tokio::join!(
        victim.ping(),
        victim.slow(1),
        victim.ping().timeout(Duration::from_secs(60))
    );
    let exited = CallError::Exited(ExitReason::Normal);
    assert_eq!(a, Err(exited.clone()));
    assert_eq!(b, Err(exited.clone()));
    assert_eq!(c, Err(exited));
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_call_in_flight_gets_exited_normal_when_another_message_stops_the_server() {
    let victim = start().await;
    let started = Instant::now();
    let (held, ()) = tokio::join!(victim.hold(), async {
        // Queued behind the call, which is taken first and left unanswered.
        victim.stop_now(ExitReason::Normal);
    });
    assert_eq!(held, Err(CallError::Exited(ExitReason::Normal)));
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_queued_call_gets_the_panic_of_an_earlier_message() {
    let victim = start().await;
    victim.explode();
    let started = Instant::now();
    assert_eq!(
        victim.ping().await,
        Err(CallError::Exited(ExitReason::Panic("cast exploded".into())))
    );
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_call_whose_own_handler_panics_gets_the_panic() {
    let victim = start().await;
    let started = Instant::now();
    assert_eq!(
        victim.panic_in_call().await,
        Err(CallError::Exited(ExitReason::Panic("call exploded".into())))
    );
    assert_eq!(started.elapsed(), Duration::ZERO);
    let victim = start().await;
    let started = Instant::now();
    assert_eq!(
        victim.panic_after_await().await,
        Err(CallError::Exited(ExitReason::Panic(
            "exploded after the await".into()
        )))
    );
    assert_eq!(started.elapsed(), Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn a_call_in_flight_and_the_calls_behind_it_get_the_panic() {
    let victim = start().await;
    let panic = CallError::Exited(ExitReason::Panic("exploded after the await".into()));
    let (held, panicked, queued) =
        tokio::join!(victim.hold(), victim.panic_after_await(), victim.ping());
    assert_eq!(held, Err(panic.clone()));
    assert_eq!(panicked, Err(panic.clone()));
    assert_eq!(queued, Err(panic));
}

#[tokio::test(start_paused = true)]
async fn a_call_in_flight_gets_killed_when_the_server_is_killed() {
    let victim = start().await;
    let started = Instant::now();
    let (slow, ()) = tokio::join!(victim.slow(30), async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        victim.pid().kill();
    });
    assert_eq!(slow, Err(CallError::Exited(ExitReason::Killed)));
    assert_eq!(started.elapsed(), Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn a_call_in_flight_gets_the_reason_of_an_exit_signal() {
    let victim = start().await;
    let started = Instant::now();
    let (slow, queued, ()) = tokio::join!(victim.slow(30), victim.ping(), async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        victim.pid().exit(ExitReason::Shutdown);
    });
    assert_eq!(slow, Err(CallError::Exited(ExitReason::Shutdown)));
    assert_eq!(queued, Err(CallError::Exited(ExitReason::Shutdown)));
    assert_eq!(started.elapsed(), Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn a_call_queued_behind_genserver_stop_gets_the_stop_reason() {
    let victim = start().await;
    let (stopped, queued) = tokio::join!(victim.stop(ExitReason::Normal), victim.ping());
    assert_eq!(stopped, Ok(()));
    assert_eq!(queued, Err(CallError::Exited(ExitReason::Normal)));
}

/// On a multi-thread runtime the caller runs in parallel with the server. A panic in a
/// synchronous call handler unwinds through the handler's frame and drops the call's reply
/// sender *before* the run loop records the `Panic` exit reason, so the caller, woken at
/// once, finds no reason and reports `NoReply` (which means "a `ReplyTo` dropped unanswered").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]

async fn the_caller_of_a_panicking_handler_always_gets_the_panic_on_a_multi_thread_runtime() {
    let mut wrong = Vec::new();
    for _ in 0..500 {
        let victim = start().await;
        let result = victim.panic_in_call().await;
        if result != Err(CallError::Exited(ExitReason::Panic("call exploded".into()))) {
            wrong.push(result);
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of 500 callers got {:?}",
        wrong.len(),
        wrong.first()
    );
}
