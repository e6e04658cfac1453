//! Every API that takes a duration accepts any `Duration`: one too long to add to the clock
//! (`Duration::MAX` above all) means never, OTP's `:infinity`. A timer that would never fire is
//! not armed at all, and a server that sets one in a handler keeps running.

use otp_core::prelude::*;
use tokio::time::sleep;

#[derive(Debug, PartialEq, Eq)]
struct Tick(u32);

#[derive(Default)]
struct Clock {
    ticks: Vec<u32>,
    idle: usize,
}

#[genserver]
impl Clock {
    #[handle_call]
    fn arm(&mut self, delay: Duration, n: u32, ctx: &mut Context<Self>) -> TimerRef {
        ctx.send_after(delay, Tick(n))
    }

    #[handle_call]
    fn idle_after(&mut self, after: Duration, ctx: &mut Context<Self>) {
        ctx.idle_timeout(after);
    }

    #[handle_call]
    fn seen(&mut self) -> (Vec<u32>, usize) {
        (self.ticks.clone(), self.idle)
    }

    #[handle_call]
    async fn wait(&mut self, time: Duration) {
        sleep(time).await;
    }

    #[handle_info]
    fn tick(&mut self, Tick(n): Tick) {
        self.ticks.push(n);
    }

    #[handle_info]
    fn idle(&mut self, _: IdleTimeout) {
        self.idle += 1;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Longer than any runtime lives: what "never" is checked against.
const A_CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Durations no clock reading can be moved by.
const ENDLESS: [Duration; 2] = [Duration::MAX, Duration::from_secs(u64::MAX)];

#[tokio::test(start_paused = true)]
async fn send_after_from_outside_with_an_endless_delay_never_fires() {
    let clock = Clock::start(Clock::default()).await.unwrap();
    for (n, delay) in (1..).zip(ENDLESS) {
        let timer = clock.pid().send_after(delay, Tick(n));
        assert_eq!(timer.read(), Some(Duration::MAX), "pending, forever");
        tokio::time::advance(A_CENTURY).await;
        assert_eq!(timer.read(), Some(Duration::MAX), "still pending");
        assert_eq!(
            timer.cancel(),
            Some(Duration::MAX),
            "cancelled while pending"
        );
        assert_eq!(timer.cancel(), None);
        assert_eq!(timer.read(), None);
    }
    assert_eq!(clock.seen().await, Ok((vec![], 0)), "nothing delivered");
}

#[tokio::test(start_paused = true)]
async fn send_after_in_a_handler_with_an_endless_delay_keeps_the_server_running() {
    let clock = Clock::start(Clock::default()).await.unwrap();
    let timer = clock
        .arm(Duration::MAX, 1)
        .await
        .expect("the handler returns");
    assert!(
        clock.is_alive(),
        "an endless delay does not crash the server"
    );
    assert_eq!(timer.read(), Some(Duration::MAX));

    // A finite timer beside it still fires, at its time.
    let _soon = clock.arm(Duration::from_secs(1), 2).await.unwrap();
    sleep(A_CENTURY).await;
    assert_eq!(clock.seen().await, Ok((vec![2], 0)));
    assert_eq!(timer.read(), Some(Duration::MAX));

    // It dies with its target, as every timer does.
    clock.stop(ExitReason::Normal).await.unwrap();
    assert_eq!(timer.read(), None);
    assert_eq!(timer.cancel(), None);
}

#[tokio::test(start_paused = true)]
async fn an_endless_timer_to_a_dead_process_is_not_pending() {
    let clock = Clock::start(Clock::default()).await.unwrap();
    clock.pid().kill();
    clock.pid().wait_exit().await;
    let timer = clock.pid().send_after(Duration::MAX, Tick(1));
    assert_eq!(timer.read(), None);
    assert_eq!(timer.cancel(), None);
}

#[tokio::test(start_paused = true)]
async fn an_endless_idle_timeout_never_arrives() {
    let clock = Clock::start(Clock::default()).await.unwrap();
    for after in ENDLESS {
        clock.idle_after(after).await.unwrap();
        tokio::time::advance(A_CENTURY).await;
        assert!(clock.is_alive());
    }
    assert_eq!(clock.seen().await, Ok((vec![], 0)));
}

#[tokio::test(start_paused = true)]
async fn an_endless_call_timeout_waits_as_long_as_it_takes() {
    let clock = Clock::start(Clock::default()).await.unwrap();
    for after in ENDLESS {
        let day = Duration::from_secs(24 * 3600);
        assert_eq!(clock.wait(day).timeout(after).await, Ok(()));
    }
}

#[tokio::test(start_paused = true)]
async fn an_endless_start_timeout_waits_for_init() {
    let clock = Clock::options()
        .timeout(Duration::MAX)
        .start(Clock::default())
        .await
        .expect("starts");
    assert!(clock.is_alive());
}
