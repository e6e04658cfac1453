//! Timers: `send_after` delivers an info message through the mailbox after exactly its delay,
//! even a zero delay; a timer dies with its target; `cancel` and `read` give the time left.

use otp_core::prelude::*;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep};

#[derive(Debug, PartialEq, Eq)]
struct Tick(u32);

struct Clock {
    seen: mpsc::UnboundedSender<(u32, Instant)>,
    ticks: Vec<u32>,
}

#[genserver]
impl Clock {
    #[handle_call]
    fn arm(&mut self, delay: Duration, n: u32, ctx: &mut Context<Self>) -> TimerRef {
        ctx.send_after(delay, Tick(n))
    }

    /// Sets a zero-delay timer, gives it every chance to fire, and returns how many ticks this
    /// server had handled by the end of the handler.
    #[handle_call]
    async fn arm_zero_and_look(&mut self, ctx: &mut Context<Self>) -> usize {
        let before = self.ticks.len();
        ctx.send_after(Duration::ZERO, Tick(0));
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        sleep(Duration::from_millis(5)).await;
        self.ticks.len() - before
    }

    #[handle_cast]
    async fn busy(&mut self, time: Duration) {
        sleep(time).await;
    }

    #[handle_call]
    fn ticks(&mut self) -> Vec<u32> {
        self.ticks.clone()
    }

    #[handle_cast]
    fn stop_with(&mut self, reason: ExitReason, ctx: &mut Context<Self>) {
        ctx.stop(reason);
    }

    #[handle_info]
    fn tick(&mut self, Tick(n): Tick) {
        self.ticks.push(n);
        let _ = self.seen.send((n, Instant::now()));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn clock_state() -> (Clock, mpsc::UnboundedReceiver<(u32, Instant)>) {
    let (seen, receiver) = mpsc::unbounded_channel();
    (
        Clock {
            seen,
            ticks: Vec::new(),
        },
        receiver,
    )
}

async fn clock() -> (ClockRef, mpsc::UnboundedReceiver<(u32, Instant)>) {
    let (state, receiver) = clock_state();
    (Clock::start(state).await.expect("starts"), receiver)
}

const MS: Duration = Duration::from_millis(1);

#[tokio::test(start_paused = true)]
async fn delivered_as_an_info_message_after_exactly_the_delay() {
    let (clock, mut seen) = clock().await;
    let start = Instant::now();
    let timer = clock.pid().send_after(100 * MS, Tick(1));

    sleep(99 * MS).await;
    assert_eq!(clock.ticks().await, Ok(vec![]), "not before the delay");
    assert_eq!(timer.read(), Some(MS));

    let (n, at) = seen.recv().await.unwrap();
    assert_eq!(n, 1);
    assert_eq!(at - start, 100 * MS);
    assert_eq!(clock.ticks().await, Ok(vec![1]));
    assert_eq!(timer.read(), None, "fired");

    // From inside the server, on its own pid.
    let start = Instant::now();
    clock.arm(250 * MS, 2).await.unwrap();
    let (n, at) = seen.recv().await.unwrap();
    assert_eq!((n, at - start), (2, 250 * MS));
}

#[tokio::test(start_paused = true)]
async fn the_message_waits_its_turn_in_the_mailbox() {
    let (clock, mut seen) = clock().await;
    let start = Instant::now();
    clock.busy(200 * MS);
    let _timer = clock.pid().send_after(100 * MS, Tick(1));
    sleep(150 * MS).await;
    // Sent after the timer fired (100 ms), while the server is still busy.
    clock.pid().send(Tick(2));

    let (first, first_at) = seen.recv().await.unwrap();
    let (second, second_at) = seen.recv().await.unwrap();
    assert_eq!(
        (first, second),
        (1, 2),
        "the timer's message was queued first"
    );
    assert_eq!(
        first_at - start,
        200 * MS,
        "handled when the busy cast ended"
    );
    assert_eq!(second_at - start, 200 * MS);
}

#[tokio::test(start_paused = true)]
async fn a_zero_delay_goes_through_the_mailbox_never_inline() {
    let (clock, mut seen) = clock().await;
    assert_eq!(
        clock.arm_zero_and_look().await,
        Ok(0),
        "the tick was not handled while the handler that set it ran"
    );
    assert_eq!(seen.recv().await.unwrap().0, 0);
    assert_eq!(clock.ticks().await, Ok(vec![0]));

    // From outside: delivered, with no time passing.
    let start = Instant::now();
    let timer = clock.pid().send_after(Duration::ZERO, Tick(7));
    let (n, at) = seen.recv().await.unwrap();
    assert_eq!((n, at - start), (7, Duration::ZERO));
    assert_eq!(timer.read(), None);
}

#[tokio::test(start_paused = true)]
async fn cancel_returns_the_time_left_and_prevents_delivery() {
    let (clock, mut seen) = clock().await;
    let timer = clock.pid().send_after(100 * MS, Tick(1));
    sleep(30 * MS).await;
    assert_eq!(timer.cancel(), Some(70 * MS));
    assert_eq!(timer.cancel(), None, "already cancelled");
    assert_eq!(timer.read(), None);

    sleep(500 * MS).await;
    assert_eq!(clock.ticks().await, Ok(vec![]));
    assert!(seen.try_recv().is_err());

    // A timer set from inside the server cancels the same way.
    let timer = clock.arm(40 * MS, 2).await.unwrap();
    sleep(10 * MS).await;
    assert_eq!(timer.cancel(), Some(30 * MS));
    sleep(100 * MS).await;
    assert_eq!(clock.ticks().await, Ok(vec![]));
}

#[tokio::test(start_paused = true)]
async fn cancel_after_firing_returns_none() {
    let (clock, mut seen) = clock().await;
    let timer = clock.pid().send_after(10 * MS, Tick(1));
    assert_eq!(seen.recv().await.unwrap().0, 1);
    assert_eq!(timer.cancel(), None);
    assert_eq!(timer.read(), None);
    assert_eq!(clock.ticks().await, Ok(vec![1]), "delivered once");
}

#[tokio::test(start_paused = true)]
async fn read_gives_the_time_left_as_time_passes() {
    let (clock, mut seen) = clock().await;
    let timer = clock.pid().send_after(Duration::from_secs(1), Tick(1));
    assert_eq!(timer.read(), Some(Duration::from_secs(1)));
    sleep(250 * MS).await;
    assert_eq!(timer.read(), Some(750 * MS));
    sleep(700 * MS).await;
    assert_eq!(timer.read(), Some(50 * MS));
    // Reading does not disturb the timer.
    let clone = timer.clone();
    assert_eq!(clone.read(), Some(50 * MS));
    let (_, _) = seen.recv().await.unwrap();
    assert_eq!(timer.read(), None);
    assert_eq!(clone.read(), None);
}

#[tokio::test(start_paused = true)]
async fn a_timer_to_a_dead_process_never_runs() {
    let (clock, _seen) = clock().await;
    clock.pid().kill();
    clock.pid().wait_exit().await;
    let timer = clock.pid().send_after(10 * MS, Tick(1));
    assert_eq!(timer.read(), None);
    assert_eq!(timer.cancel(), None);
}

#[tokio::test(start_paused = true)]

async fn a_timer_dies_with_its_target() {
    let (clock, _seen) = clock().await;
    let from_outside = clock.pid().send_after(100 * MS, Tick(1));
    let from_inside = clock.arm(100 * MS, 2).await.unwrap();
    sleep(10 * MS).await;
    clock.stop_with(ExitReason::Shutdown);
    clock.pid().wait_exit().await;

    assert_eq!(
        from_outside.read(),
        None,
        "read_timer is false once cancelled"
    );
    assert_eq!(from_inside.read(), None);
    assert_eq!(
        from_outside.cancel(),
        None,
        "cancel_timer is false once cancelled"
    );
    assert_eq!(from_inside.cancel(), None);
}

#[tokio::test(start_paused = true)]
async fn a_restarted_server_of_the_same_name_gets_nothing_from_old_timers() {
    let name = "send-after-restarted";
    let (state, _old_seen) = clock_state();
    let old = Clock::options().name(name).start(state).await.unwrap();
    let _inside = old.arm(100 * MS, 1).await.unwrap();
    let _outside = otp_core::whereis(name)
        .unwrap()
        .send_after(100 * MS, Tick(2));
    old.stop_with(ExitReason::Shutdown);
    old.pid().wait_exit().await;

    let (state, mut new_seen) = clock_state();
    let new = Clock::options().name(name).start(state).await.unwrap();
    assert_ne!(new.pid(), old.pid());
    sleep(Duration::from_secs(1)).await;
    assert_eq!(new.ticks().await, Ok(vec![]));
    assert!(new_seen.try_recv().is_err());
}
