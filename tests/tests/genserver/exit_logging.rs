//! Exit logging: a process exiting with a reason other than normal, shutdown or
//! `{:shutdown, _}` is logged as an error with its pid and its server; quiet exits are not.

use std::io;
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use tracing::subscriber::DefaultGuard;

/// A `MakeWriter` that appends every log line to a shared buffer.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl io::Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).expect("utf-8 logs")
    }

    fn error_lines(&self) -> Vec<String> {
        self.text()
            .lines()
            .filter(|line| line.contains("ERROR"))
            .map(str::to_owned)
            .collect()
    }
}

/// Captures this thread's logs (the test's current-thread runtime runs every server on it).
fn capture() -> (Buffer, DefaultGuard) {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    (buffer, guard)
}

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
    let lines = logs.error_lines();
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
    let lines = logs.error_lines();
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
    assert_logged(&logs.error_lines(), &pid, "noproc");
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
    assert_eq!(logs.error_lines(), Vec::<String>::new());
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
    assert_eq!(logs.error_lines(), Vec::<String>::new());
    let reason = ExitReason::error(io::Error::other("bad config"));
    assert_eq!(
        FailsInit::start(Some(reason.clone())).await.err(),
        Some(StartError::Init(reason))
    );
    let lines = logs.error_lines();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].contains("error: bad config"), "{}", lines[0]);
}
