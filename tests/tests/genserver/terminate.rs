//! `terminate/2` runs on a stop (`{:stop, …}` from any callback, `GenServer.stop`), after a
//! crash in any callback but `init`, and on the parent's shutdown when trapping exits; not on
//! `kill`, not on an untrapped exit signal, not after a failed `init`.

use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use tokio::time::Instant;

type Log = Arc<Mutex<Vec<String>>>;

fn entries(log: &Log) -> Vec<String> {
    log.lock().unwrap().clone()
}

struct StopInContinue;
struct PanicInContinue;
struct StopInInfo(ExitReason);
struct PanicInInfo;

struct Mortal {
    log: Log,
}

#[genserver]
impl Mortal {
    #[init]
    fn init((log, trap): (Log, bool), ctx: &mut Context<Self>) -> Result<Self, InitError> {
        ctx.trap_exit(trap);
        Ok(Mortal { log })
    }

    #[handle_call]
    fn stop_in_call(&mut self, reason: ExitReason, ctx: &mut Context<Self>) {
        ctx.stop(reason);
    }

    #[handle_cast]
    fn stop_in_cast(&mut self, reason: ExitReason, ctx: &mut Context<Self>) {
        ctx.stop(reason);
    }

    #[handle_cast]
    fn continue_then_stop(&mut self, ctx: &mut Context<Self>) {
        ctx.continue_with(StopInContinue);
    }

    #[handle_cast]
    fn continue_then_panic(&mut self, ctx: &mut Context<Self>) {
        ctx.continue_with(PanicInContinue);
    }

    #[handle_continue]
    fn stop_in_continue(&mut self, _msg: StopInContinue, ctx: &mut Context<Self>) {
        ctx.stop(ExitReason::ShutdownWith("from continue".into()));
    }

    #[handle_continue]
    fn panic_in_continue(&mut self, _msg: PanicInContinue) {
        panic!("continue exploded");
    }

    #[handle_info]
    fn stop_in_info(&mut self, msg: StopInInfo, ctx: &mut Context<Self>) {
        ctx.stop(msg.0);
    }

    #[handle_info]
    fn panic_in_info(&mut self, _msg: PanicInInfo) {
        panic!("info exploded");
    }

    #[handle_call]
    fn panic_in_call(&mut self) -> u32 {
        panic!("call exploded");
    }

    #[handle_cast]
    fn panic_in_cast(&mut self) {
        panic!("cast exploded");
    }

    #[handle_call]
    async fn sleep(&mut self, secs: u64) {
        tokio::time::sleep(Duration::from_secs(secs)).await;
    }

    #[terminate]
    async fn terminate(&mut self, reason: &ExitReason, ctx: &mut Context<Self>) {
        assert_eq!(otp_core::current_pid().as_ref(), Some(ctx.pid()));
        // Takes a second, so that `GenServer.stop` is seen to wait for it.
        tokio::time::sleep(Duration::from_secs(1)).await;
        self.log.lock().unwrap().push(format!("terminate {reason}"));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        self.log
            .lock()
            .unwrap()
            .push(format!("info {}", msg.type_name()));
    }
}

async fn start() -> (MortalRef, Log) {
    let log = Log::default();
    let server = Mortal::start((log.clone(), false)).await.expect("starts");
    (server, log)
}

async fn assert_terminated(server: &MortalRef, log: &Log, reason: &ExitReason) {
    assert_eq!(&server.pid().wait_exit().await, reason);
    assert_eq!(entries(log), [format!("terminate {reason}")]);
}

#[tokio::test(start_paused = true)]
async fn terminate_runs_on_a_stop_from_a_call() {
    let (server, log) = start().await;
    assert_eq!(server.stop_in_call(ExitReason::Normal).await, Ok(()));
    assert_terminated(&server, &log, &ExitReason::Normal).await;
}

#[tokio::test(start_paused = true)]
async fn terminate_runs_on_a_stop_from_a_cast() {
    let (server, log) = start().await;
    server.stop_in_cast(ExitReason::Shutdown);
    assert_terminated(&server, &log, &ExitReason::Shutdown).await;
}

#[tokio::test(start_paused = true)]
async fn terminate_runs_on_a_stop_from_an_info_handler() {
    let (server, log) = start().await;
    let reason = ExitReason::error(std::fmt::Error);
    server.pid().send(StopInInfo(reason.clone()));
    assert_terminated(&server, &log, &reason).await;
}

#[tokio::test(start_paused = true)]
async fn terminate_runs_on_a_stop_from_a_continue_handler() {
    let (server, log) = start().await;
    server.continue_then_stop();
    assert_terminated(
        &server,
        &log,
        &ExitReason::ShutdownWith("from continue".into()),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn genserver_stop_runs_terminate_and_waits_for_it() {
    let (server, log) = start().await;
    let started = Instant::now();
    let reason = ExitReason::ShutdownWith("bye".into());
    assert_eq!(server.stop(reason.clone()).await, Ok(()));
    // The stop returned after terminate's second, with the server gone.
    assert_eq!(started.elapsed(), Duration::from_secs(1));
    assert!(!server.is_alive());
    assert_eq!(entries(&log), ["terminate shutdown: bye"]);
    assert_eq!(server.pid().exit_reason(), Some(reason));
}

#[tokio::test(start_paused = true)]
async fn genserver_stop_lets_the_message_in_hand_finish_first() {
    let (server, log) = start().await;
    let started = Instant::now();
    let (slept, stopped) = tokio::join!(server.sleep(3), server.stop(ExitReason::Normal));
    assert_eq!(slept, Ok(()));
    assert_eq!(stopped, Ok(()));
    assert_eq!(started.elapsed(), Duration::from_secs(4));
    assert_eq!(entries(&log), ["terminate normal"]);
}

#[tokio::test(start_paused = true)]
async fn terminate_runs_after_a_panic_in_each_kind_of_handler() {
    let (server, log) = start().await;
    assert!(server.panic_in_call().await.is_err());
    assert_terminated(&server, &log, &ExitReason::Panic("call exploded".into())).await;

    let (server, log) = start().await;
    server.panic_in_cast();
    assert_terminated(&server, &log, &ExitReason::Panic("cast exploded".into())).await;

    let (server, log) = start().await;
    server.pid().send(PanicInInfo);
    assert_terminated(&server, &log, &ExitReason::Panic("info exploded".into())).await;

    let (server, log) = start().await;
    server.continue_then_panic();
    assert_terminated(
        &server,
        &log,
        &ExitReason::Panic("continue exploded".into()),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn terminate_does_not_run_on_kill() {
    let (server, log) = start().await;
    server.pid().kill();
    assert_eq!(server.pid().wait_exit().await, ExitReason::Killed);
    assert_eq!(entries(&log), Vec::<String>::new());

    // Not even when killed in the middle of a handler.
    let (server, log) = start().await;
    let (slept, ()) = tokio::join!(server.sleep(10), async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        server.pid().kill();
    });
    assert_eq!(slept, Err(CallError::Exited(ExitReason::Killed)));
    // Give a terminate that wrongly started the time to log.
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(entries(&log), Vec::<String>::new());
}

#[tokio::test(start_paused = true)]
async fn terminate_does_not_run_on_an_untrapped_exit_signal() {
    let (server, log) = start().await;
    server.pid().exit(ExitReason::Shutdown);
    assert_eq!(server.pid().wait_exit().await, ExitReason::Shutdown);
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(entries(&log), Vec::<String>::new());
}

#[tokio::test(start_paused = true)]
async fn a_panic_in_terminate_keeps_the_stop_reason() {
    let server = PanicsInTerminate::start(PanicsInTerminate)
        .await
        .expect("starts");
    assert_eq!(server.stop(ExitReason::Shutdown).await, Ok(()));
    assert_eq!(server.pid().exit_reason(), Some(ExitReason::Shutdown));
}

struct PanicsInTerminate;

#[genserver]
impl PanicsInTerminate {
    #[terminate]
    fn terminate(&mut self, _reason: &ExitReason) {
        panic!("terminate exploded");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct FailsInit {
    log: Log,
}

#[genserver]
impl FailsInit {
    #[init]
    fn init((log, panic): (Log, bool)) -> Result<Self, InitError> {
        let state = FailsInit { log };
        if panic {
            panic!("init exploded");
        }
        drop(state);
        Err(InitError::Stop(ExitReason::Shutdown))
    }

    #[terminate]
    fn terminate(&mut self, reason: &ExitReason) {
        self.log.lock().unwrap().push(format!("terminate {reason}"));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn terminate_does_not_run_after_a_failed_init() {
    let log = Log::default();
    let stopped = FailsInit::start((log.clone(), false)).await;
    assert_eq!(stopped.err(), Some(StartError::Init(ExitReason::Shutdown)));
    let panicked = FailsInit::start((log.clone(), true)).await;
    assert_eq!(
        panicked.err(),
        Some(StartError::Init(ExitReason::Panic("init exploded".into())))
    );
    assert_eq!(entries(&log), Vec::<String>::new());
}

/// Starts a `Mortal` child with `start_link` from its own init: the child's parent.
struct Parent {
    child: MortalRef,
}

#[genserver]
impl Parent {
    #[init]
    async fn init((log, trap): (Log, bool)) -> Result<Self, InitError> {
        let child = Mortal::start_link((log, trap)).await?;
        Ok(Parent { child })
    }

    #[handle_call]
    fn child(&mut self) -> MortalRef {
        self.child.clone()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn a_child_not_trapping_exits_dies_with_its_parent_without_terminate() {
    let log = Log::default();
    let parent = Parent::start((log.clone(), false)).await.expect("starts");
    let child = parent.child().await.expect("serves");
    parent.stop(ExitReason::Shutdown).await.expect("stops");
    let exited = tokio::time::timeout(Duration::from_secs(60), child.pid().wait_exit()).await;
    assert_eq!(exited, Ok(ExitReason::Shutdown));
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(entries(&log), Vec::<String>::new());
}

/// OTP's gen_server, trapping exits, treats `{'EXIT', Parent, Reason}` from its parent as a
/// stop: it runs `terminate(Reason)` and exits with `Reason` (`gen_server:decode_msg`). Here
/// the parent's exit arrives as an ordinary `Exit` info message and the child runs on.
#[tokio::test(start_paused = true)]

async fn a_child_trapping_exits_runs_terminate_on_its_parents_shutdown() {
    let log = Log::default();
    let parent = Parent::start((log.clone(), true)).await.expect("starts");
    let child = parent.child().await.expect("serves");
    parent.stop(ExitReason::Shutdown).await.expect("stops");
    let exited = tokio::time::timeout(Duration::from_secs(60), child.pid().wait_exit()).await;
    assert_eq!(exited, Ok(ExitReason::Shutdown), "log: {:?}", entries(&log));
    assert_eq!(entries(&log), ["terminate shutdown"]);
}
