//! `Pid::exit` sends an exit signal (`Process.exit/2`): `Normal` is ignored by a process that
//! does not trap exits, any other reason ends it without `terminate`, and a trapping process
//! receives it as an `Exit` message. `wait_exit` returns the reason, at once for a dead process.

use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use tokio::time::Instant;

type Log = Arc<Mutex<Vec<ExitReason>>>;

struct Target {
    terminated: Log,
    exits: Vec<Exit>,
}

#[genserver]
impl Target {
    #[handle_call]
    fn trap(&mut self, ctx: &mut Context<Self>) -> bool {
        ctx.trap_exit(true)
    }

    #[handle_call]
    fn ping(&mut self) -> u32 {
        1
    }

    #[handle_call]
    fn exits(&mut self) -> Vec<Exit> {
        self.exits.clone()
    }

    #[handle_call]
    async fn slow(&mut self, time: Duration) -> u32 {
        tokio::time::sleep(time).await;
        2
    }

    /// Sends an exit signal to `target` from this process.
    #[handle_call]
    fn send_exit(&mut self, target: Pid, reason: ExitReason) {
        target.exit(reason);
    }

    /// Sends an exit signal with `reason` to this very process.
    #[handle_call]
    fn exit_self(&mut self, reason: ExitReason, ctx: &mut Context<Self>) {
        ctx.pid().exit(reason);
    }

    #[handle_info]
    fn exit(&mut self, exit: Exit) {
        self.exits.push(exit);
    }

    #[terminate]
    fn on_stop(&mut self, reason: &ExitReason) {
        self.terminated.lock().unwrap().push(reason.clone());
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn target() -> (TargetRef, Log) {
    let log = Log::default();
    let target = Target::start(Target {
        terminated: log.clone(),
        exits: Vec::new(),
    })
    .await
    .expect("starts");
    (target, log)
}

#[derive(Debug)]
struct Broken;

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("broken")
    }
}

impl std::error::Error for Broken {}

#[tokio::test]
async fn exit_normal_is_ignored_by_a_process_that_does_not_trap() {
    let (t, log) = target().await;
    t.pid().exit(ExitReason::Normal);
    assert_eq!(t.ping().await, Ok(1));
    assert_eq!(t.pid().exit_reason(), None);
    assert!(t.is_alive());
    assert_eq!(t.exits().await, Ok(vec![]));
    assert_eq!(*log.lock().unwrap(), vec![]);
}

#[tokio::test]
async fn any_other_reason_ends_the_process_without_terminate() {
    let reasons = [
        ExitReason::Shutdown,
        ExitReason::ShutdownWith("maintenance".into()),
        ExitReason::error(Broken),
        ExitReason::Panic("remote".into()),
        ExitReason::NoProc,
        ExitReason::Killed,
    ];
    for reason in reasons {
        let (t, log) = target().await;
        t.pid().exit(reason.clone());
        assert_eq!(t.pid().wait_exit().await, reason);
        assert!(!t.is_alive());
        assert_eq!(t.ping().await, Err(CallError::NoProc));
        assert_eq!(*log.lock().unwrap(), vec![], "no terminate for {reason}");
    }
}

#[tokio::test(start_paused = true)]
async fn an_exit_signal_interrupts_a_busy_process_and_fails_its_caller() {
    let (t, log) = target().await;
    let start = Instant::now();
    let caller = {
        let t = t.clone();
        tokio::spawn(async move { t.slow(Duration::from_secs(10)).await })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    t.pid().exit(ExitReason::Shutdown);
    assert_eq!(t.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(
        caller.await.unwrap(),
        Err(CallError::Exited(ExitReason::Shutdown))
    );
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(1),
        "not after the handler's sleep"
    );
    assert_eq!(*log.lock().unwrap(), vec![]);
}

#[tokio::test]
async fn a_trapping_process_receives_the_signal_as_an_exit_message() {
    let (t, log) = target().await;
    assert_eq!(t.trap().await, Ok(false));
    let reasons = [
        ExitReason::Normal,
        ExitReason::Shutdown,
        ExitReason::error(Broken),
        ExitReason::Killed,
    ];
    for reason in &reasons {
        t.pid().exit(reason.clone());
    }
    let received: Vec<ExitReason> = t
        .exits()
        .await
        .unwrap()
        .into_iter()
        .map(|exit| exit.reason)
        .collect();
    assert_eq!(received, reasons);
    assert_eq!(t.ping().await, Ok(1));
    assert_eq!(t.pid().exit_reason(), None);
    assert_eq!(*log.lock().unwrap(), vec![]);
}

#[tokio::test]
async fn an_exit_signal_sent_from_a_process_names_the_sender() {
    let (sender, _) = target().await;
    let (trapper, _) = target().await;
    assert_eq!(trapper.trap().await, Ok(false));
    sender
        .send_exit(trapper.pid(), ExitReason::Shutdown)
        .await
        .unwrap();
    assert_eq!(
        trapper.exits().await,
        Ok(vec![Exit {
            from: sender.pid(),
            reason: ExitReason::Shutdown
        }])
    );
}

#[tokio::test(start_paused = true)]

async fn exit_normal_to_yourself_ends_the_process() {
    let (t, log) = target().await;
    // The call may fail either way; what matters is that the process exits normally.
    let _ = t.exit_self(ExitReason::Normal).await;
    let exited = tokio::time::timeout(Duration::from_secs(60), t.pid().wait_exit()).await;
    assert_eq!(exited, Ok(ExitReason::Normal));
    assert_eq!(*log.lock().unwrap(), vec![]);
}

#[tokio::test]
async fn exit_to_a_dead_process_does_nothing() {
    let (t, _) = target().await;
    t.pid().kill();
    assert_eq!(t.pid().wait_exit().await, ExitReason::Killed);
    t.pid().exit(ExitReason::Shutdown);
    t.pid().exit(ExitReason::Normal);
    assert_eq!(t.pid().exit_reason(), Some(ExitReason::Killed));
    assert_eq!(t.pid().wait_exit().await, ExitReason::Killed);
}

#[tokio::test]
async fn only_the_first_signal_counts() {
    let (t, _) = target().await;
    t.pid().exit(ExitReason::ShutdownWith("first".into()));
    t.pid().exit(ExitReason::ShutdownWith("second".into()));
    assert_eq!(
        t.pid().wait_exit().await,
        ExitReason::ShutdownWith("first".into())
    );
}

#[tokio::test(start_paused = true)]
async fn wait_exit_returns_the_reason_and_at_once_for_a_dead_process() {
    let (t, _) = target().await;
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let pid = t.pid();
            tokio::spawn(async move { pid.wait_exit().await })
        })
        .collect();
    tokio::task::yield_now().await;
    assert!(waiters.iter().all(|waiter| !waiter.is_finished()));

    let reason = ExitReason::ShutdownWith("done".into());
    t.stop(reason.clone()).await.unwrap();
    for waiter in waiters {
        assert_eq!(waiter.await.unwrap(), reason);
    }

    // Dead: every later wait is ready at once, without time passing.
    let start = Instant::now();
    for _ in 0..3 {
        assert_eq!(
            tokio::time::timeout(Duration::ZERO, t.pid().wait_exit()).await,
            Ok(reason.clone())
        );
    }
    assert_eq!(start.elapsed(), Duration::ZERO);
    assert_eq!(t.pid().exit_reason(), Some(reason));
}

#[tokio::test]

async fn a_process_sent_a_fatal_signal_is_no_longer_alive_for_the_sender() {
    // OTP: signals from P1 to P2 are delivered before `is_process_alive(P2)` called by P1
    // checks, so `exit(P2, kill), false = is_process_alive(P2)` holds.
    let (killed, _) = target().await;
    killed.pid().kill();
    assert!(!killed.pid().is_alive(), "alive right after kill");

    let (stopped, _) = target().await;
    stopped.pid().exit(ExitReason::Shutdown);
    assert!(
        !stopped.pid().is_alive(),
        "alive right after exit(Shutdown)"
    );
}
