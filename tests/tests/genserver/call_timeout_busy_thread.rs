//! Call timeouts on a thread that makes many calls: there a call may take its start from the
//! timer wheel's tick instead of a clock reading (see `otp_core::call`'s deadline module). It
//! still never times out early, at most one tick (1 ms) late, and a reply that comes in time
//! still wins.

use otp_core::prelude::*;
use tokio::time::Instant;

#[derive(Default)]
struct Slow {
    held: Vec<ReplyTo<u32>>,
}

#[genserver]
impl Slow {
    #[handle_call]
    fn ping(&mut self) -> &'static str {
        "pong"
    }

    /// Never replies.
    #[handle_call]
    fn hold(&mut self, reply: ReplyTo<u32>) {
        self.held.push(reply);
    }

    /// Replies after `secs` seconds of work.
    #[handle_call]
    async fn work(&mut self, secs: u64) -> u64 {
        tokio::time::sleep(Duration::from_secs(secs)).await;
        secs
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Mid-tick, then enough calls at one instant for the thread to count as calling densely.
async fn busy_thread(server: &SlowRef) {
    tokio::time::advance(Duration::from_micros(500)).await;
    for _ in 0..100 {
        assert_eq!(server.ping().await, Ok("pong"));
    }
}

#[tokio::test(start_paused = true)]
async fn a_call_that_gets_no_reply_times_out_after_its_timeout_and_within_a_tick() {
    let server = Slow::start(Slow::default()).await.unwrap();
    busy_thread(&server).await;
    for timeout in [otp_core::DEFAULT_CALL_TIMEOUT, Duration::from_millis(100)] {
        let started = Instant::now();
        assert_eq!(
            server.hold().timeout(timeout).await,
            Err(CallError::Timeout)
        );
        let waited = started.elapsed();
        assert!(waited >= timeout, "never early: {waited:?} for {timeout:?}");
        assert!(
            waited <= timeout + Duration::from_millis(2),
            "at most a tick late beyond the wheel's rounding: {waited:?} for {timeout:?}"
        );
        // The thread is still busy calling.
        assert_eq!(server.ping().await, Ok("pong"));
    }
}

#[tokio::test(start_paused = true)]
async fn a_slow_reply_within_the_timeout_arrives() {
    let server = Slow::start(Slow::default()).await.unwrap();
    busy_thread(&server).await;
    let started = Instant::now();
    assert_eq!(server.work(4).await, Ok(4));
    // The handler's own sleep, from mid-tick, ends at the next tick.
    assert!(started.elapsed() <= Duration::from_millis(4_001));
}

#[tokio::test(start_paused = true)]
async fn concurrent_callers_on_one_thread_each_keep_their_own_deadline() {
    let server = Slow::start(Slow::default()).await.unwrap();
    busy_thread(&server).await;
    let started = Instant::now();
    let (held, worked, pinged) = tokio::join!(
        server.hold().timeout(Duration::from_secs(2)),
        server.work(1).timeout(Duration::from_secs(3)),
        async {
            let mut pongs = 0;
            for _ in 0..100 {
                pongs += usize::from(server.ping().await == Ok("pong"));
            }
            pongs
        },
    );
    assert_eq!(held, Err(CallError::Timeout));
    assert_eq!(worked, Ok(1));
    assert_eq!(pinged, 100);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(2) && waited <= Duration::from_millis(2_002));
}

#[tokio::test(start_paused = true)]
async fn an_infinite_timeout_waits_as_long_as_it_takes() {
    let server = Slow::start(Slow::default()).await.unwrap();
    busy_thread(&server).await;
    let day = 86_400;
    assert_eq!(server.work(day).timeout(Duration::MAX).await, Ok(day));
}
