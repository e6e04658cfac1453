//! `Pid::info` and the process table (`Process.info/1`, `:erlang.processes/0`): every live
//! process is listed with its name, type, parent, status, mailbox length, messages handled and
//! relations; a process leaves the table when it exits.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use otp_behaviour_tests::observe::until_status;
use otp_core::observe::{self, ProcessStatus};
use otp_core::prelude::*;
use tokio::sync::Notify;

/// A server that can be held inside a callback until released.
struct Holder {
    release: Arc<Notify>,
}

#[genserver]
impl Holder {
    /// Holds the server in this cast until `release` is notified.
    #[handle_cast]
    async fn hold(&mut self) {
        self.release.notified().await;
    }

    #[handle_cast]
    fn noop(&mut self) {}

    #[handle_call]
    fn ping(&mut self) {}

    #[handle_call]
    fn link_to(&mut self, other: Pid, ctx: &mut Context<Self>) -> bool {
        ctx.link(&other).is_ok()
    }

    #[handle_call]
    fn monitor(&mut self, other: Pid, ctx: &mut Context<Self>) {
        ctx.monitor(&other);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn holder() -> (Holder, Arc<Notify>) {
    let release = Arc::new(Notify::new());
    (
        Holder {
            release: release.clone(),
        },
        release,
    )
}

#[tokio::test]
async fn a_started_server_is_listed_with_its_name_type_and_start_time() {
    let before = SystemTime::now() - Duration::from_secs(1);
    let (state, _release) = holder();
    let server = Holder::options()
        .name("process-info-listed")
        .start(state)
        .await
        .unwrap();
    assert!(observe::processes().contains(&server.pid()));
    assert!(
        observe::snapshot()
            .iter()
            .any(|info| info.pid == server.pid())
    );
    let info = server.pid().info().unwrap();
    assert_eq!(info.name.as_deref(), Some("process-info-listed"));
    assert!(info.server.ends_with("Holder"), "{}", info.server);
    assert_eq!(info.parent, None);
    assert!(info.started_at >= before && info.started_at <= SystemTime::now());
    assert!(
        info.memory >= 192,
        "at least its process record: {}",
        info.memory
    );
    assert_eq!(
        observe::find_pid(&server.pid().to_string()),
        Some(server.pid())
    );
}

/// A server with nothing to do, to be supervised.
#[derive(Clone)]
struct Idle;

#[genserver]
impl Idle {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn a_supervised_childs_parent_is_its_supervisor() {
    let supervisor = SupervisorSpec::new(Strategy::OneForOne)
        .child(ChildSpec::of::<Idle>(Idle))
        .start()
        .await
        .unwrap();
    let children = supervisor.which_children().await.unwrap();
    let child = children[0].pid().unwrap().clone();
    let info = child.info().unwrap();
    assert_eq!(info.parent, Some(supervisor.pid()));
    assert!(info.links.contains(&supervisor.pid()));
    assert_eq!(supervisor.pid().info().unwrap().parent, None);
}

#[tokio::test]
async fn a_busy_servers_queued_messages_count_in_its_mailbox_and_its_status_is_running() {
    let (state, release) = holder();
    let server = Holder::start(state).await.unwrap();
    until_status(&server.pid(), ProcessStatus::Waiting).await;
    server.hold();
    until_status(&server.pid(), ProcessStatus::Running).await;
    for _ in 0..10 {
        server.noop();
    }
    let info = server.pid().info().unwrap();
    assert_eq!(info.status, ProcessStatus::Running);
    assert_eq!(info.mailbox_len, 10);

    release.notify_one();
    server.ping().await.unwrap();
    until_status(&server.pid(), ProcessStatus::Waiting).await;
    let info = server.pid().info().unwrap();
    assert_eq!(info.mailbox_len, 0);
    // The hold, ten casts and the ping.
    assert_eq!(info.messages_handled, 12);
}

#[tokio::test]
async fn messages_taken_in_one_batch_still_count_while_the_server_is_busy() {
    let (state, release) = holder();
    let server = Holder::start(state).await.unwrap();
    until_status(&server.pid(), ProcessStatus::Waiting).await;
    server.hold();
    until_status(&server.pid(), ProcessStatus::Running).await;
    // Queued behind the first hold: five casts, a second hold, five more. Released, the server
    // takes all eleven at once and is held again by the second hold with five still in hand.
    for _ in 0..5 {
        server.noop();
    }
    server.hold();
    for _ in 0..5 {
        server.noop();
    }
    release.notify_one();
    while server.pid().info().unwrap().messages_handled < 1 {
        tokio::task::yield_now().await;
    }
    let info = server.pid().info().unwrap();
    assert_eq!(info.status, ProcessStatus::Running);
    // Counted when the batch was taken (ten after the first), and counted down as the server
    // handles runs of messages or waits: never fewer than those truly waiting.
    assert!(
        (5..=10).contains(&info.mailbox_len),
        "{} messages counted, 5 wait",
        info.mailbox_len
    );
    release.notify_one();
    server.ping().await.unwrap();
    until_status(&server.pid(), ProcessStatus::Waiting).await;
    assert_eq!(server.pid().info().unwrap().mailbox_len, 0);
}

#[tokio::test]
async fn links_and_monitors_are_listed_on_both_sides() {
    let (a, _ra) = holder();
    let (b, _rb) = holder();
    let (c, _rc) = holder();
    let (a, b, c) = (
        Holder::start(a).await.unwrap(),
        Holder::start(b).await.unwrap(),
        Holder::start(c).await.unwrap(),
    );
    assert!(a.link_to(b.pid()).await.unwrap());
    a.monitor(c.pid()).await.unwrap();
    let (a_info, b_info, c_info) = (
        a.pid().info().unwrap(),
        b.pid().info().unwrap(),
        c.pid().info().unwrap(),
    );
    assert_eq!(a_info.links, vec![b.pid()]);
    assert_eq!(b_info.links, vec![a.pid()]);
    assert_eq!(a_info.monitors, vec![c.pid()]);
    assert_eq!(c_info.monitored_by, vec![a.pid()]);
    assert!(c_info.monitors.is_empty() && a_info.monitored_by.is_empty());
}

#[tokio::test]
async fn a_process_that_exited_has_no_info_and_is_no_longer_listed() {
    let (state, _release) = holder();
    let server = Holder::start(state).await.unwrap();
    let pid = server.pid();
    let text = pid.to_string();
    pid.kill();
    pid.wait_exit().await;
    assert!(pid.info().is_none());
    assert!(!observe::processes().contains(&pid));
    assert_eq!(observe::find_pid(&text), None);
}

#[tokio::test]
async fn find_pid_reads_the_number_with_or_without_the_brackets_and_refuses_the_rest() {
    let (state, _release) = holder();
    let server = Holder::start(state).await.unwrap();
    let id = server.pid().id();
    assert_eq!(
        observe::find_pid(&format!(" <0.{id}> ")),
        Some(server.pid())
    );
    assert_eq!(observe::find_pid(&id.to_string()), Some(server.pid()));
    for bad in ["", "<0.>", "<0.x>", "-1", "<1.2.3>", "18446744073709551616"] {
        assert_eq!(observe::find_pid(bad), None, "{bad:?}");
    }
}

/// Yields until the process has handled `count` messages, or gives up after many yields.
async fn handled_reaches(pid: &Pid, count: u64) -> u64 {
    for _ in 0..10_000 {
        let handled = pid.info().map_or(0, |info| info.messages_handled);
        if handled >= count {
            return handled;
        }
        tokio::task::yield_now().await;
    }
    pid.info().map_or(0, |info| info.messages_handled)
}

#[tokio::test]
async fn a_server_busy_in_awaiting_handlers_shows_its_counts_at_each_message() {
    let (state, release) = holder();
    let server = Holder::start(state).await.unwrap();
    until_status(&server.pid(), ProcessStatus::Waiting).await;
    server.hold();
    until_status(&server.pid(), ProcessStatus::Running).await;
    // Three more holds queue behind the first; released, the server takes them in one batch.
    for _ in 0..3 {
        server.hold();
    }
    release.notify_one();
    assert_eq!(handled_reaches(&server.pid(), 2).await, 2);
    assert_eq!(server.pid().info().unwrap().mailbox_len, 2);
    // Each later hold starts after an awaiting handler: its counts are published then, not
    // after a run of 256 messages.
    release.notify_one();
    assert_eq!(handled_reaches(&server.pid(), 3).await, 3);
    assert_eq!(server.pid().info().unwrap().mailbox_len, 1);
    release.notify_one();
    assert_eq!(handled_reaches(&server.pid(), 4).await, 4);
    assert_eq!(server.pid().info().unwrap().mailbox_len, 0);
    release.notify_one();
}
