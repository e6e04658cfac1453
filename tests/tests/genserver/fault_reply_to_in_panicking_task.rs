//! Fault at the edge: a call's `ReplyTo` handed to another task (a tokio task, an OTP `Task`,
//! another server) that panics before answering.
//!
//! The documented outcome (`ReplyTo`): dropping it unanswered gives the caller
//! `CallError::NoReply` at once, never a hang. The panic is the other task's: the server that
//! took the call lives on and serves the next one. OTP has no such signal (a `from` lost by a
//! crashed helper leaves the caller to its timeout); here the caller learns at once.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{Task, TaskError};
use tokio::time::Instant;

struct Front {
    helper: Option<HelperRef>,
    tasks: Vec<Task<()>>,
}

#[genserver]
impl Front {
    /// Hands the reply to a tokio task that panics after `ms` milliseconds.
    #[handle_call]
    fn via_tokio_task(&mut self, ms: u64, reply: ReplyTo<u32>) {
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            let _held = reply;
            panic!("helper task exploded");
        });
    }

    /// Hands the reply to an OTP `Task` (tied to this server) that panics after `ms`.
    #[handle_call]
    fn via_otp_task(&mut self, ms: u64, reply: ReplyTo<u32>) {
        self.tasks.push(Task::spawn(async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            let _held = reply;
            panic!("otp task exploded");
        }));
    }

    /// Hands the reply to a tokio task that answers after `ms` (the control case).
    #[handle_call]
    fn via_answering_task(&mut self, ms: u64, reply: ReplyTo<u32>) {
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            let _ = reply.reply(7);
        });
    }

    /// Hands the reply to the helper server, which holds it.
    #[handle_call]
    fn via_helper(&mut self, reply: ReplyTo<u32>) {
        if let Some(helper) = &self.helper {
            helper.pid().send(Held(reply));
        }
    }

    /// Moves the reply into a closure that panics, and catches that panic in the handler.
    #[handle_call]
    fn via_caught_panic(&mut self, reply: ReplyTo<u32>) {
        let caught = std::panic::catch_unwind(AssertUnwindSafe(move || {
            let _held = reply;
            panic!("caught inside the handler");
        }));
        assert!(caught.is_err());
    }

    /// The results of the OTP tasks, in start order.
    #[handle_call]
    async fn task_results(&mut self) -> Vec<Result<(), TaskError>> {
        let mut results = Vec::new();
        for task in self.tasks.drain(..) {
            results.push(task.timeout(Duration::from_secs(1)).await);
        }
        results
    }

    #[handle_call]
    fn ping(&mut self) -> &'static str {
        "pong"
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// A reply handed to the helper as an info message.
struct Held(ReplyTo<u32>);

#[derive(Default)]
struct Helper {
    held: Vec<ReplyTo<u32>>,
}

#[genserver]
impl Helper {
    #[handle_info]
    fn hold(&mut self, held: Held) {
        self.held.push(held.0);
    }

    /// Panics while holding the replies in its state.
    #[handle_cast]
    fn explode(&mut self) {
        panic!("helper server exploded");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn start(helper: Option<HelperRef>) -> FrontRef {
    Front::start(Front {
        helper,
        tasks: Vec::new(),
    })
    .await
    .expect("front starts")
}

#[tokio::test(start_paused = true)]
async fn a_tokio_task_panicking_with_the_reply_gives_no_reply_when_it_panics_and_spares_the_server()
{
    let front = start(None).await;
    let began = Instant::now();
    assert_eq!(front.via_tokio_task(300).await, Err(CallError::NoReply));
    assert_eq!(
        began.elapsed(),
        Duration::from_millis(300),
        "at the panic, not at the timeout"
    );
    assert!(front.is_alive());
    assert_eq!(front.ping().await, Ok("pong"));
}

#[tokio::test(start_paused = true)]
async fn an_otp_task_panicking_with_the_reply_gives_no_reply_and_its_crash_stays_a_value() {
    let front = start(None).await;
    let began = Instant::now();
    assert_eq!(front.via_otp_task(200).await, Err(CallError::NoReply));
    assert_eq!(began.elapsed(), Duration::from_millis(200));
    assert_eq!(
        front.task_results().await,
        Ok(vec![Err(TaskError::Exit(ExitReason::Panic(
            "otp task exploded".into()
        )))])
    );
    assert!(front.is_alive());
    assert_eq!(front.ping().await, Ok("pong"));
}

#[tokio::test(start_paused = true)]
async fn a_helper_server_panicking_with_the_reply_gives_no_reply_and_spares_the_server() {
    let helper = Helper::start(Helper::default())
        .await
        .expect("helper starts");
    let front = start(Some(helper.clone())).await;
    let call = tokio::spawn({
        let front = front.clone();
        async move { front.via_helper().await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!call.is_finished(), "the helper holds the reply");
    helper.explode();
    assert_eq!(call.await.unwrap(), Err(CallError::NoReply));
    assert_eq!(
        helper.pid().wait_exit().await,
        ExitReason::Panic("helper server exploded".into())
    );
    assert!(front.is_alive());
    assert_eq!(front.ping().await, Ok("pong"));
}

#[tokio::test(start_paused = true)]
async fn a_helper_server_killed_with_the_reply_gives_no_reply() {
    let helper = Helper::start(Helper::default())
        .await
        .expect("helper starts");
    let front = start(Some(helper.clone())).await;
    let call = tokio::spawn({
        let front = front.clone();
        async move { front.via_helper().await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    helper.pid().kill();
    assert_eq!(call.await.unwrap(), Err(CallError::NoReply));
    assert_eq!(front.ping().await, Ok("pong"));
}

/// The caller's error comes from the reply channel: once the server that took the call has
/// died, a helper still holding the reply can answer it (the caller gets `Ok`), and a helper that
/// panics with it gives the server's exit reason. OTP's caller monitors the server and fails
/// with its exit reason at once; here it waits for the holder of the reply.
#[tokio::test(start_paused = true)]
async fn once_the_server_is_dead_the_holder_of_the_reply_decides_what_the_caller_gets() {
    let front = start(None).await;
    let answered = tokio::spawn({
        let front = front.clone();
        async move { front.via_answering_task(500).await }
    });
    let panicked = tokio::spawn({
        let front = front.clone();
        async move { front.via_tokio_task(500).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    front.pid().kill();
    assert_eq!(front.pid().wait_exit().await, ExitReason::Killed);
    let began = Instant::now();
    assert_eq!(answered.await.unwrap(), Ok(7));
    assert_eq!(
        panicked.await.unwrap(),
        Err(CallError::Exited(ExitReason::Killed))
    );
    assert_eq!(began.elapsed(), Duration::from_millis(400));
}

/// On two worker threads, with the panicking task on either: always `NoReply`, never a
/// timeout, never another reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_multi_thread_runtime_every_caller_gets_no_reply_promptly() {
    let front = start(None).await;
    let calls: Vec<_> = (0..200)
        .map(|_| {
            let front = front.clone();
            tokio::spawn(async move {
                let began = std::time::Instant::now();
                let result = front
                    .via_tokio_task(0)
                    .timeout(Duration::from_secs(10))
                    .await;
                (result, began.elapsed())
            })
        })
        .collect();
    for call in calls {
        let (result, elapsed) = call.await.unwrap();
        assert_eq!(result, Err(CallError::NoReply));
        assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    }
    assert_eq!(front.ping().await, Ok("pong"));
}

/// A panic caught inside the handler (`catch_unwind` around code that owns the reply): the
/// `ReplyTo` is dropped while the thread unwinds inside a callback, so the runtime parks it
/// (`reply_sender.rs`), meaning to drop it once the process has recorded its crash. But the
/// process does not crash: nothing drops the parked sender, and the caller waits for its whole
/// timeout instead of getting `NoReply` at once. The sender stays in the worker thread's parked
/// list until some other callback on that thread panics.
#[tokio::test(start_paused = true)]
async fn a_panic_caught_inside_the_handler_still_gives_no_reply_at_once() {
    let front = start(None).await;
    let began = Instant::now();
    assert_eq!(front.via_caught_panic().await, Err(CallError::NoReply));
    assert_eq!(began.elapsed(), Duration::ZERO);
}
