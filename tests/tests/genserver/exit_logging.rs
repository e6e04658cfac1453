//! Exit logging: a process exiting with a reason other than normal, shutdown or
//! `{:shutdown, _}` is logged as an error with its pid and its server; quiet exits are not.

use std::io;

use otp_behaviour_tests::log_capture::capture;
use otp_core::prelude::*;

struct Logged;

#[genserver]
impl Logged {
    #[handle_cast]
    fn explode(&mut self) {
        panic!("boom in a cast");
    }

    #[handle_cast]
    fn stop_with(&mut self, reason: ExitReason, ctx: &mut Context<Self>) {
        ctx.stop(reason);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct FailsInit;

#[genserver]
impl FailsInit {
    #[init]
    fn init(reason: Option<ExitReason>) -> Result<Self, InitError> {
        Err(reason.map_or(InitError::Ignore, InitError::Stop))
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn assert_logged(lines: &[String], pid: &Pid, reason: &str) {
    assert_eq!(lines.len(), 1, "one error line: {lines:#?}");
    let line = &lines[0];
    assert!(line.contains("process exited"), "{line}");
    assert!(line.contains(&format!("pid={pid}")), "pid {pid} in {line}");
    assert!(
        line.contains(&format!("server=\"{}\"", std::any::type_name::<Logged>())),
        "server in {line}"
    );
    assert!(
        line.contains(&format!("reason={reason}")),
        "reason in {line}"
    );
}

#[tokio::test]
async fn a_panic_exit_is_logged_with_pid_name_server_and_reason() {
    let (logs, _guard) = capture();
    let server = Logged::options()
        .name("exit_logging::named")
        .start(Logged)
        .await
        .expect("starts");
    let pid = server.pid();
    server.explode();
    assert_eq!(
        pid.wait_exit().await,
        ExitReason::Panic("boom in a cast".into())
    );
    let lines = logs.lines_with("ERROR");
    assert_logged(&lines, &pid, "panic: boom in a cast");
    assert!(
        lines[0].contains("name=\"exit_logging::named\""),
        "name in {}",
        lines[0]
    );
}

#[tokio::test]
async fn an_error_exit_of_an_unnamed_server_is_logged() {
    let (logs, _guard) = capture();
    let server = Logged::start(Logged).await.expect("starts");
    let pid = server.pid();
    server.stop_with(ExitReason::error(io::Error::other("disk full")));
    pid.wait_exit().await;
    let lines = logs.lines_with("ERROR");
    assert_logged(&lines, &pid, "error: disk full");
}

#[tokio::test]
async fn a_genserver_stop_with_an_abnormal_reason_is_logged() {
    let (logs, _guard) = capture();
    let server = Logged::start(Logged).await.expect("starts");
    let pid = server.pid();
    server
        .stop(ExitReason::NoProc)
        .await
        .expect("stops with that reason");
    assert_logged(&logs.lines_with("ERROR"), &pid, "noproc");
}

#[tokio::test]
async fn quiet_exits_are_not_logged() {
    let (logs, _guard) = capture();
    for reason in [
        ExitReason::Normal,
        ExitReason::Shutdown,
        ExitReason::ShutdownWith("deploy".into()),
    ] {
        let server = Logged::start(Logged).await.expect("starts");
        server.stop_with(reason.clone());
        assert_eq!(server.pid().wait_exit().await, reason);

        let server = Logged::start(Logged).await.expect("starts");
        server.stop(reason.clone()).await.expect("stops");
    }
    assert_eq!(logs.lines_with("ERROR"), Vec::<String>::new());
    assert!(!logs.text().contains("process exited"), "{}", logs.text());
}

#[tokio::test]
async fn init_failures_are_logged_like_other_exits() {
    let (logs, _guard) = capture();
    assert_eq!(
        FailsInit::start(None).await.err(),
        Some(StartError::Ignored)
    );
    assert_eq!(
        FailsInit::start(Some(ExitReason::Shutdown)).await.err(),
        Some(StartError::Init(ExitReason::Shutdown))
    );
    assert_eq!(logs.lines_with("ERROR"), Vec::<String>::new());
    let reason = ExitReason::error(io::Error::other("bad config"));
    assert_eq!(
        FailsInit::start(Some(reason.clone())).await.err(),
        Some(StartError::Init(reason))
    );
    let lines = logs.lines_with("ERROR");
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].contains("error: bad config"), "{}", lines[0]);
}
