//! Fault at the edge: a linked process exits while its partner is in the middle of a call.
//!
//! The documented outcomes (OTP's exit-signal rules; a call is a wait inside a callback):
//!
//! - A caller that does not trap exits dies at once of its partner's abnormal exit, in the
//!   middle of its call, without `terminate`; its own caller gets `Exited(reason)` at once; the
//!   server it was calling finishes the request and its late reply is dropped.
//! - A caller that traps exits finishes its call; the `Exit` message waits in its mailbox and
//!   is handled after the callback (from its parent, it stops the server with that reason,
//!   `terminate` running, after the reply has gone out).
//! - When the partner is the server being called, a caller that does not trap exits dies of
//!   the server's crash, with its reason; one that traps exits gets the call's error
//!   (`Exited(reason)`) as a value, then the `Exit` message.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use otp_core::prelude::*;
use tokio::time::Instant;

type Log = Arc<Mutex<Vec<String>>>;

fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

fn push(log: &Log, entry: String) {
    log.lock().unwrap().push(entry);
}

/// The server being called: works for `ms`, optionally crashing at the end.
struct Back {
    log: Log,
    /// Whether `terminate` yields to the runtime before returning.
    slow_terminate: bool,
}

#[genserver]
impl Back {
    #[handle_call]
    async fn work(&mut self, ms: u64, crash: bool, reply: ReplyTo<u64>) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        if crash {
            panic!("back crashed mid-call");
        }
        let delivered = reply.reply(ms).is_ok();
        push(&self.log, format!("back replied, delivered {delivered}"));
    }

    #[handle_call]
    fn ping(&mut self) -> &'static str {
        "pong"
    }

    #[terminate]
    async fn terminate(&mut self, reason: &ExitReason) {
        if self.slow_terminate {
            tokio::task::yield_now().await;
        }
        push(&self.log, format!("back terminate {reason}"));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// The caller: calls `Back` from a call handler, links on request, optionally traps exits.
struct Front {
    log: Log,
}

#[genserver]
impl Front {
    #[init]
    fn init((log, trap): (Log, bool), ctx: &mut Context<Self>) -> Self {
        ctx.trap_exit(trap);
        Front { log }
    }

    #[handle_call]
    fn link_to(&mut self, other: Pid, ctx: &mut Context<Self>) {
        ctx.link(&other).expect("alive");
    }

    /// Calls `back`, logs what the call returned, and replies with it.
    #[handle_call]
    async fn ask(&mut self, back: BackRef, ms: u64, crash: bool) -> Result<u64, CallError> {
        let result = back.work(ms, crash).timeout(Duration::from_secs(60)).await;
        push(&self.log, format!("front's call returned {result:?}"));
        result
    }

    #[handle_info]
    fn exit(&mut self, exit: Exit) {
        push(&self.log, format!("front got exit {}", exit.reason));
    }

    #[terminate]
    fn terminate(&mut self, reason: &ExitReason) {
        push(&self.log, format!("front terminate {reason}"));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// A bystander linked to the caller; crashes on request.
struct Partner;

#[genserver]
impl Partner {
    #[handle_cast]
    fn crash(&mut self) {
        panic!("partner crashed");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Starts `Front` linked to itself, as its parent; stops on request.
struct Parent {
    front: FrontRef,
}

#[genserver]
impl Parent {
    #[init]
    async fn init(log: Log) -> Result<Self, InitError> {
        let front = Front::start_link((log, true)).await?;
        Ok(Parent { front })
    }

    #[handle_call]
    fn front(&mut self) -> FrontRef {
        self.front.clone()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Setup {
    log: Log,
    front: FrontRef,
    back: BackRef,
}

async fn setup(trap: bool, slow_terminate: bool) -> Setup {
    let log = Log::default();
    let front = Front::start((log.clone(), trap)).await.unwrap();
    let back = Back::start(Back {
        log: log.clone(),
        slow_terminate,
    })
    .await
    .unwrap();
    Setup { log, front, back }
}

/// What the test gets from `Front::ask`: `Front`'s answer, which is `Back`'s.
type Asked = Result<Result<u64, CallError>, CallError>;

/// Spawns `front.ask(back, ms, crash)`; its outcome and how long it took.
fn ask(setup: &Setup, ms: u64, crash: bool) -> tokio::task::JoinHandle<(Asked, Duration)> {
    let (front, back) = (setup.front.clone(), setup.back.clone());
    tokio::spawn(async move {
        let began = Instant::now();
        let result = front
            .ask(back, ms, crash)
            .timeout(Duration::from_secs(60))
            .await;
        (result, began.elapsed())
    })
}

#[tokio::test(start_paused = true)]
async fn a_bystander_exit_kills_a_non_trapping_caller_mid_call_and_the_callee_goes_on() {
    let setup = setup(false, false).await;
    let partner = Partner::start(Partner).await.unwrap();
    setup.front.link_to(partner.pid()).await.unwrap();
    let call = ask(&setup, 1000, false);
    tokio::time::sleep(Duration::from_millis(100)).await;
    partner.crash();

    let crash = ExitReason::Panic("partner crashed".into());
    let (result, elapsed) = call.await.unwrap();
    assert_eq!(result, Err(CallError::Exited(crash.clone())));
    assert_eq!(
        elapsed,
        Duration::from_millis(100),
        "at once, not when back answers"
    );
    assert_eq!(setup.front.pid().wait_exit().await, crash);
    assert_eq!(take(&setup.log), Vec::<String>::new(), "no terminate");

    // The callee finishes the request; its reply finds no caller.
    tokio::time::sleep(Duration::from_millis(950)).await;
    assert_eq!(take(&setup.log), ["back replied, delivered false"]);
    assert_eq!(setup.back.ping().await, Ok("pong"));
}

#[tokio::test(start_paused = true)]
async fn a_trapping_caller_finishes_its_call_then_handles_the_exit() {
    let setup = setup(true, false).await;
    let partner = Partner::start(Partner).await.unwrap();
    setup.front.link_to(partner.pid()).await.unwrap();
    let call = ask(&setup, 1000, false);
    tokio::time::sleep(Duration::from_millis(100)).await;
    partner.crash();

    let (result, elapsed) = call.await.unwrap();
    assert_eq!(result, Ok(Ok(1000)));
    assert_eq!(elapsed, Duration::from_millis(1000));
    tokio::task::yield_now().await;
    assert_eq!(
        take(&setup.log),
        [
            "back replied, delivered true",
            "front's call returned Ok(1000)",
            "front got exit panic: partner crashed"
        ]
    );
    assert!(setup.front.is_alive());
}

#[tokio::test(start_paused = true)]
async fn a_trapping_caller_whose_parent_exits_mid_call_replies_then_terminates_with_the_reason() {
    let log = Log::default();
    let parent = Parent::start(log.clone()).await.unwrap();
    let front = parent.front().await.unwrap();
    let back = Back::start(Back {
        log: log.clone(),
        slow_terminate: false,
    })
    .await
    .unwrap();
    let call = tokio::spawn({
        let front = front.clone();
        async move { front.ask(back, 1000, false).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let reason = ExitReason::ShutdownWith("parent leaves".into());
    parent.pid().exit(reason.clone());
    assert_eq!(parent.pid().wait_exit().await, reason);
    assert!(front.is_alive(), "still in its call");

    assert_eq!(call.await.unwrap(), Ok(Ok(1000)));
    assert_eq!(front.pid().wait_exit().await, reason);
    assert_eq!(
        take(&log),
        [
            "back replied, delivered true",
            "front's call returned Ok(1000)",
            "front terminate shutdown: parent leaves"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_callee_crashing_mid_call_kills_its_linked_non_trapping_caller_with_its_reason() {
    let setup = setup(false, false).await;
    setup.front.link_to(setup.back.pid()).await.unwrap();
    let call = ask(&setup, 100, true);

    let crash = ExitReason::Panic("back crashed mid-call".into());
    let (result, elapsed) = call.await.unwrap();
    assert_eq!(result, Err(CallError::Exited(crash.clone())));
    assert_eq!(elapsed, Duration::from_millis(100));
    assert_eq!(setup.front.pid().wait_exit().await, crash);
    assert_eq!(
        take(&setup.log),
        ["back terminate panic: back crashed mid-call"],
        "the caller dies before it sees its call fail, and runs no terminate"
    );
}

#[tokio::test(start_paused = true)]
async fn a_trapping_caller_linked_to_a_crashing_callee_gets_the_error_then_the_exit() {
    let setup = setup(true, false).await;
    setup.front.link_to(setup.back.pid()).await.unwrap();
    let call = ask(&setup, 100, true);

    let crash = ExitReason::Panic("back crashed mid-call".into());
    let (result, _) = call.await.unwrap();
    assert_eq!(result, Ok(Err(CallError::Exited(crash.clone()))));
    tokio::task::yield_now().await;
    assert_eq!(
        take(&setup.log),
        [
            "back terminate panic: back crashed mid-call",
            "front's call returned Err(Exited(Panic(\"back crashed mid-call\")))",
            "front got exit panic: back crashed mid-call"
        ]
    );
    assert!(setup.front.is_alive());
}

/// OTP: a crashing server runs `terminate`, then exits, then sends its link exit signals before
/// its monitor `DOWN`s (ERTS handles links, then monitors, and signals between two processes
/// keep their order). So a non-trapping caller linked to it is killed before its `gen:call`
/// can see the `DOWN`: it never runs code after its partner's crash. Here a caller learns of
/// the crash when the panic unwinds (the reply sender is dropped before `terminate` runs), and
/// links are told only once the task has ended: while the server's `terminate` awaits, the
/// linked caller runs on with the error in hand.
#[tokio::test(start_paused = true)]
async fn a_linked_non_trapping_caller_never_sees_its_callee_crash_even_when_terminate_awaits() {
    let setup = setup(false, true).await;
    setup.front.link_to(setup.back.pid()).await.unwrap();
    let call = ask(&setup, 100, true);
    let (result, _) = call.await.unwrap();
    let crash = ExitReason::Panic("back crashed mid-call".into());
    assert_eq!(result, Err(CallError::Exited(crash.clone())));
    assert_eq!(setup.front.pid().wait_exit().await, crash);
    assert_eq!(
        take(&setup.log),
        ["back terminate panic: back crashed mid-call"]
    );
}
