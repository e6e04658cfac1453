//! Call timeouts: 5000 ms by default, settable per call; on timeout the caller gets an error,
//! the server still handles the request, its late reply is dropped, and it keeps serving.

use otp_core::prelude::*;
use tokio::time::Instant;

#[derive(Default)]
struct Sink {
    held: Vec<ReplyTo<u32>>,
    done: Vec<u32>,
    late_replies: Vec<Result<(), u32>>,
}

#[genserver]
impl Sink {
    /// Never replies: keeps the caller's `ReplyTo` in the state.
    #[handle_call]
    fn hold(&mut self, reply: ReplyTo<u32>) {
        self.held.push(reply);
    }

    /// Answers every held call now, recording what each late reply gave.
    #[handle_cast]
    fn release(&mut self, value: u32) {
        for reply in self.held.drain(..) {
            let waiting = reply.is_waiting();
            let sent = reply.reply(value);
            assert_eq!(waiting, sent.is_ok());
            self.late_replies.push(sent);
        }
    }

    /// Replies after `secs` seconds of work.
    #[handle_call]
    async fn work(&mut self, n: u32, secs: u64) -> u32 {
        tokio::time::sleep(Duration::from_secs(secs)).await;
        self.done.push(n);
        n
    }

    #[handle_call]
    fn done(&mut self) -> Vec<u32> {
        self.done.clone()
    }

    #[handle_call]
    fn late_replies(&mut self) -> Vec<Result<(), u32>> {
        self.late_replies.clone()
    }

    #[handle_call]
    fn ping(&mut self) -> &'static str {
        "pong"
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn the_default_timeout_is_exactly_five_seconds() {
    assert_eq!(otp_core::DEFAULT_CALL_TIMEOUT, Duration::from_secs(5));
    let sink = Sink::start(Sink::default()).await.expect("starts");
    let started = Instant::now();
    assert_eq!(sink.hold().await, Err(CallError::Timeout));
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    assert_eq!(sink.ping().await, Ok("pong"));
}

#[tokio::test(start_paused = true)]
async fn the_default_timeout_is_not_reached_by_a_reply_just_before_it() {
    let sink = Sink::start(Sink::default()).await.expect("starts");
    let started = Instant::now();
    // 4 s of work: answered within the default 5 s.
    assert_eq!(sink.work(1, 4).await, Ok(1));
    assert_eq!(started.elapsed(), Duration::from_secs(4));
}

#[tokio::test(start_paused = true)]
async fn a_per_call_timeout_replaces_the_default() {
    let sink = Sink::start(Sink::default()).await.expect("starts");
    let started = Instant::now();
    let result = sink.hold().timeout(Duration::from_millis(100)).await;
    assert_eq!(result, Err(CallError::Timeout));
    assert_eq!(started.elapsed(), Duration::from_millis(100));

    // A longer one than the default: 60 s of work is waited for.
    let started = Instant::now();
    let result = sink.work(2, 60).timeout(Duration::from_secs(61)).await;
    assert_eq!(result, Ok(2));
    assert_eq!(started.elapsed(), Duration::from_secs(60));

    let started = Instant::now();
    let result = sink.hold().timeout(Duration::from_secs(30)).await;
    assert_eq!(result, Err(CallError::Timeout));
    assert_eq!(started.elapsed(), Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn each_call_keeps_its_own_deadline_after_earlier_calls_returned() {
    let sink = Sink::start(Sink::default()).await.expect("starts");
    // Calls answered long before their deadlines, with a later and an earlier deadline.
    assert_eq!(
        sink.ping().timeout(Duration::from_secs(60)).await,
        Ok("pong")
    );
    assert_eq!(sink.ping().await, Ok("pong"));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let started = Instant::now();
    assert_eq!(sink.hold().await, Err(CallError::Timeout));
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    let started = Instant::now();
    assert_eq!(
        sink.hold().timeout(Duration::from_secs(2)).await,
        Err(CallError::Timeout)
    );
    assert_eq!(started.elapsed(), Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn concurrent_calls_time_out_each_at_its_own_deadline() {
    let sink = Sink::start(Sink::default()).await.expect("starts");
    let started = Instant::now();
    let timed = |secs: u64| {
        let sink = &sink;
        async move {
            let result = sink.hold().timeout(Duration::from_secs(secs)).await;
            (result, started.elapsed())
        }
    };
    let (a, b, c) = tokio::join!(timed(3), timed(1), timed(2));
    assert_eq!(a, (Err(CallError::Timeout), Duration::from_secs(3)));
    assert_eq!(b, (Err(CallError::Timeout), Duration::from_secs(1)));
    assert_eq!(c, (Err(CallError::Timeout), Duration::from_secs(2)));
}

#[tokio::test(start_paused = true)]
async fn the_server_still_handles_a_request_whose_caller_timed_out() {
    let sink = Sink::start(Sink::default()).await.expect("starts");
    let started = Instant::now();
    let result = sink.work(7, 10).timeout(Duration::from_millis(100)).await;
    assert_eq!(result, Err(CallError::Timeout));
    assert_eq!(started.elapsed(), Duration::from_millis(100));
    // Queued behind the 10 s of work, which still completes; its reply is dropped.
    let done = sink.done().timeout(Duration::from_secs(60)).await;
    assert_eq!(done, Ok(vec![7]));
    assert_eq!(started.elapsed(), Duration::from_secs(10));
    assert_eq!(sink.ping().await, Ok("pong"));
    assert!(sink.is_alive());
}

#[tokio::test(start_paused = true)]
async fn a_late_reply_is_dropped_without_harm_and_the_server_keeps_serving() {
    let sink = Sink::start(Sink::default()).await.expect("starts");
    assert_eq!(
        sink.hold().timeout(Duration::from_secs(1)).await,
        Err(CallError::Timeout)
    );
    sink.release(99);
    // The late reply went nowhere: `reply` gave the value back.
    assert_eq!(sink.late_replies().await, Ok(vec![Err(99)]));
    assert_eq!(sink.ping().await, Ok("pong"));

    // A call that is still waiting gets its (deferred) reply.
    let (held, ()) = tokio::join!(sink.hold(), async {
        sink.release(5);
    });
    assert_eq!(held, Ok(5));
    assert_eq!(sink.late_replies().await, Ok(vec![Err(99), Ok(())]));
}
