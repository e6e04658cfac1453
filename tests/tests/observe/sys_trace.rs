//! `sys::trace`: the next `n` messages a server handles are logged (pid, kind, handler or
//! type name, never the contents), then tracing stops by itself; `0` stops it at once.

use otp_core::prelude::*;
use otp_core::sys;

use otp_behaviour_tests::log_capture::capture;

struct Tick;
struct Later;

struct Account {
    balance: u64,
}

#[genserver]
impl Account {
    #[handle_cast]
    fn deposit(&mut self, amount: u64) {
        self.balance += amount;
    }

    #[handle_call]
    fn balance(&mut self, ctx: &mut Context<Self>) -> u64 {
        ctx.continue_with(Later);
        self.balance
    }

    #[handle_continue]
    fn later(&mut self, _: Later) {}

    #[handle_info]
    fn tick(&mut self, _: Tick) {}

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn the_next_n_messages_are_logged_by_kind_and_name_then_tracing_stops() {
    let (logs, _guard) = capture();
    let account = Account::start(Account { balance: 0 }).await.unwrap();
    sys::trace(&account.pid(), 4).await.unwrap();
    account.deposit(123_456);
    account.pid().send(Tick);
    assert_eq!(account.balance().await.unwrap(), 123_456);
    // The call's continue is the fourth; this cast is not traced.
    account.deposit(1);
    account.balance().await.unwrap();

    let lines = logs.lines_with("otp_core::sys");
    assert_eq!(lines.len(), 4, "{lines:#?}");
    let pid = account.pid().to_string();
    for line in &lines {
        assert!(line.contains(&pid), "{line}");
        assert!(!line.contains("123456"), "never the contents: {line}");
    }
    assert!(
        lines[0].contains("kind=\"cast\"") && lines[0].contains("name=\"deposit\""),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("kind=\"info\"") && lines[1].contains("Tick"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("kind=\"call\"") && lines[2].contains("name=\"balance\""),
        "{}",
        lines[2]
    );
    assert!(lines[3].contains("kind=\"continue\""), "{}", lines[3]);
}

#[tokio::test]
async fn process_info_counts_down_the_messages_a_trace_is_still_to_log() {
    let account = Account::start(Account { balance: 0 }).await.unwrap();
    let trace_left = || account.pid().info().map(|info| info.trace_left);
    assert_eq!(trace_left(), Some(0), "never traced");
    sys::trace(&account.pid(), 3).await.unwrap();
    assert_eq!(trace_left(), Some(3));
    account.deposit(1);
    assert_eq!(account.balance().await.unwrap(), 1);
    // The cast, the call, and the call's continue (one thread: the server runs the continue in
    // the turn it answers in, before the caller reads).
    assert_eq!(trace_left(), Some(0), "the trace ran out");
    sys::trace(&account.pid(), 100).await.unwrap();
    account.deposit(1);
    assert_eq!(account.balance().await.unwrap(), 2);
    assert_eq!(trace_left(), Some(97));
    sys::trace(&account.pid(), 0).await.unwrap();
    assert_eq!(trace_left(), Some(0), "stopped");
}

#[tokio::test]
async fn a_trace_of_zero_stops_a_trace_at_once() {
    let (logs, _guard) = capture();
    let account = Account::start(Account { balance: 0 }).await.unwrap();
    sys::trace(&account.pid(), 100).await.unwrap();
    account.deposit(1);
    sys::trace(&account.pid(), 0).await.unwrap();
    account.deposit(2);
    assert_eq!(account.balance().await.unwrap(), 3);
    assert_eq!(
        logs.lines_with("otp_core::sys").len(),
        1,
        "{:#?}",
        logs.lines_with("otp_core::sys")
    );
}

#[tokio::test]
async fn a_server_never_traced_logs_nothing() {
    let (logs, _guard) = capture();
    let account = Account::start(Account { balance: 0 }).await.unwrap();
    account.deposit(1);
    assert_eq!(account.balance().await.unwrap(), 1);
    assert!(
        logs.lines_with("otp_core::sys").is_empty(),
        "{:#?}",
        logs.lines_with("otp_core::sys")
    );
}
