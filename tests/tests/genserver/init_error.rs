//! `init` returning `{:stop, reason}` / `{:error, reason}`: `start` returns the error with the
//! reason, the process exits with it, and `terminate` is not called.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;

#[derive(Clone, Default)]
struct Probe {
    pid: Arc<Mutex<Option<Pid>>>,
    terminated: Arc<AtomicBool>,
}

impl Probe {
    fn pid(&self) -> Pid {
        self.pid.lock().unwrap().clone().expect("init ran")
    }
}

enum Fail {
    Stop(ExitReason),
    Io(&'static str),
    Succeed,
}

struct Failing {
    probe: Probe,
}

#[genserver]
impl Failing {
    #[init]
    fn init((probe, fail): (Probe, Fail), ctx: &mut Context<Self>) -> Result<Self, InitError> {
        *probe.pid.lock().unwrap() = Some(ctx.pid().clone());
        // The state exists (with a terminate) before init fails.
        let state = Failing { probe };
        match fail {
            Fail::Stop(reason) => Err(InitError::Stop(reason)),
            Fail::Io(path) => {
                let _text = std::fs::read_to_string(path)?;
                Ok(state)
            }
            Fail::Succeed => Ok(state),
        }
    }

    #[handle_call]
    fn ping(&mut self) -> &'static str {
        "pong"
    }

    #[terminate]
    fn terminate(&mut self, _reason: &ExitReason) {
        self.probe.terminated.store(true, Ordering::SeqCst);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct SlowInit;

#[genserver]
impl SlowInit {
    #[init]
    async fn init(pid_out: tokio::sync::oneshot::Sender<Pid>, ctx: &mut Context<Self>) -> Self {
        let _ = pid_out.send(ctx.pid().clone());
        tokio::time::sleep(Duration::from_secs(60)).await;
        SlowInit
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn init_stop_gives_start_error_init_with_the_reason() {
    for reason in [
        ExitReason::ShutdownWith("no config".into()),
        ExitReason::Normal,
        ExitReason::error(std::fmt::Error),
    ] {
        let probe = Probe::default();
        let result = Failing::start((probe.clone(), Fail::Stop(reason.clone()))).await;
        assert_eq!(result.err(), Some(StartError::Init(reason.clone())));
        assert_eq!(probe.pid().wait_exit().await, reason);
        assert!(!probe.pid().is_alive());
        assert!(!probe.terminated.load(Ordering::SeqCst));
    }
}

#[tokio::test]
async fn start_link_gives_the_same_error() {
    let probe = Probe::default();
    let reason = ExitReason::ShutdownWith("linked".into());
    let result = Failing::start_link((probe.clone(), Fail::Stop(reason.clone()))).await;
    assert_eq!(result.err(), Some(StartError::Init(reason.clone())));
    assert_eq!(probe.pid().wait_exit().await, reason);
    assert!(!probe.terminated.load(Ordering::SeqCst));
}

#[tokio::test]
async fn question_mark_on_an_io_error_gives_an_error_reason() {
    let probe = Probe::default();
    let path = "/definitely/not/here/otp-core-init-error.toml";
    let expected = std::fs::read_to_string(path).expect_err("the file does not exist");
    let result = Failing::start((probe.clone(), Fail::Io(path))).await;
    let Err(StartError::Init(reason)) = result else {
        panic!("expected StartError::Init, got {result:?}");
    };
    let ExitReason::Error(error) = &reason else {
        panic!("expected ExitReason::Error, got {reason:?}");
    };
    let io = error
        .downcast_ref::<std::io::Error>()
        .expect("the io::Error itself");
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    assert_eq!(reason.to_string(), format!("error: {expected}"));
    assert!(!reason.is_quiet());
    assert_eq!(probe.pid().wait_exit().await, reason);
    assert!(!probe.terminated.load(Ordering::SeqCst));
}

#[tokio::test]
async fn a_successful_init_of_the_same_server_works() {
    let probe = Probe::default();
    let server = Failing::start((probe.clone(), Fail::Succeed))
        .await
        .expect("init returned Ok");
    assert_eq!(server.ping().await, Ok("pong"));
}

#[tokio::test(start_paused = true)]
async fn a_process_killed_during_init_gives_init_killed() {
    let (pid_in, pid_out) = tokio::sync::oneshot::channel();
    let (result, ()) = tokio::join!(SlowInit::start(pid_in), async {
        let pid = pid_out.await.expect("init sends its pid");
        pid.kill();
    });
    assert_eq!(result.err(), Some(StartError::Init(ExitReason::Killed)));
}
