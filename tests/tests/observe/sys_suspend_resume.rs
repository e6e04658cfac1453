//! `sys::suspend` and `sys::resume`: a suspended server queues every message and handles only
//! system requests and stops; once resumed it handles what queued, in the order it arrived.

use otp_core::observe::ProcessStatus;
use otp_core::prelude::*;
use otp_core::sys::{self, SysError};

#[derive(Debug, Default)]
struct Journal {
    entries: Vec<String>,
    terminated_with: Option<String>,
}

#[genserver]
impl Journal {
    #[init]
    fn init(idle: Option<Duration>, ctx: &mut Context<Self>) -> Self {
        if let Some(after) = idle {
            ctx.idle_timeout(after);
        }
        Journal::default()
    }

    #[handle_cast]
    fn write(&mut self, entry: String) {
        self.entries.push(entry);
    }

    #[handle_call]
    fn entries(&mut self) -> Vec<String> {
        self.entries.clone()
    }

    #[handle_info]
    fn note(&mut self, note: &'static str) {
        self.entries.push(format!("info {note}"));
    }

    #[handle_info]
    fn idle(&mut self, _: IdleTimeout) {
        self.entries.push("idle".into());
    }

    #[terminate]
    fn terminate(&mut self, reason: &ExitReason) {
        self.terminated_with = Some(reason.to_string());
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn journal() -> JournalRef {
    Journal::start(None).await.unwrap()
}

#[tokio::test]
async fn messages_sent_while_suspended_are_handled_after_resume_in_arrival_order() {
    let journal = journal().await;
    sys::suspend(&journal.pid()).await.unwrap();
    journal.write("one".into());
    journal.pid().send("two");
    let caller = tokio::spawn({
        let journal = journal.clone();
        async move { journal.entries().await }
    });
    // The caller's task sends its call now, behind `one` and `two`.
    tokio::task::yield_now().await;
    journal.write("three".into());
    tokio::task::yield_now().await;
    assert!(
        !caller.is_finished(),
        "a call is not answered while suspended"
    );
    assert!(
        sys::get_state(&journal.pid())
            .await
            .unwrap()
            .contains("entries: []"),
        "nothing was handled while suspended"
    );

    sys::resume(&journal.pid()).await.unwrap();
    assert_eq!(
        caller.await.unwrap().unwrap(),
        ["one", "info two"],
        "the call came after `one` and `two`, before `three`"
    );
    assert_eq!(
        journal.entries().await.unwrap(),
        ["one", "info two", "three"]
    );
}

#[tokio::test]
async fn a_suspended_server_shows_suspended_with_its_queue_and_running_after_resume() {
    let journal = journal().await;
    sys::suspend(&journal.pid()).await.unwrap();
    journal.write("one".into());
    // A system request makes the server take the cast from its mailbox and hold it.
    sys::get_state(&journal.pid()).await.unwrap();
    let info = journal.pid().info().unwrap();
    assert_eq!(info.status, ProcessStatus::Suspended);
    assert_eq!(info.mailbox_len, 1, "the held cast still counts as queued");

    sys::resume(&journal.pid()).await.unwrap();
    journal.entries().await.unwrap();
    let info = journal.pid().info().unwrap();
    assert_eq!(info.status, ProcessStatus::Waiting);
    assert_eq!(info.mailbox_len, 0);
}

#[tokio::test]
async fn suspending_twice_and_resuming_a_running_server_are_harmless() {
    let journal = journal().await;
    assert_eq!(sys::resume(&journal.pid()).await, Ok(()));
    assert_eq!(sys::suspend(&journal.pid()).await, Ok(()));
    assert_eq!(sys::suspend(&journal.pid()).await, Ok(()));
    journal.write("one".into());
    assert_eq!(sys::resume(&journal.pid()).await, Ok(()));
    assert_eq!(journal.entries().await.unwrap(), ["one"]);
    assert_eq!(sys::resume(&journal.pid()).await, Ok(()));
}

#[tokio::test]
async fn a_stop_is_honoured_while_suspended_and_runs_terminate() {
    let journal = journal().await;
    sys::suspend(&journal.pid()).await.unwrap();
    journal.write("never handled".into());
    let pid = journal.pid();
    let watcher = tokio::spawn(async move { pid.wait_exit().await });
    journal
        .server()
        .stop(ExitReason::Shutdown)
        .await
        .expect("the stop is handled while suspended");
    assert_eq!(watcher.await.unwrap(), ExitReason::Shutdown);
}

#[tokio::test]
async fn a_kill_ends_a_suspended_server() {
    let journal = journal().await;
    sys::suspend(&journal.pid()).await.unwrap();
    journal.pid().kill();
    assert_eq!(journal.pid().wait_exit().await, ExitReason::Killed);
    assert_eq!(sys::resume(&journal.pid()).await, Err(SysError::NoProc));
}

#[tokio::test(start_paused = true)]
async fn the_idle_timeout_does_not_fire_while_suspended() {
    let journal = Journal::start(Some(Duration::from_secs(5))).await.unwrap();
    sys::suspend(&journal.pid()).await.unwrap();
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert!(
        sys::get_state(&journal.pid())
            .await
            .unwrap()
            .contains("entries: []"),
        "no idle timeout while suspended"
    );
    sys::resume(&journal.pid()).await.unwrap();
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(
        journal.entries().await.unwrap(),
        ["idle"],
        "it fires once resumed, as nothing came"
    );
}

#[tokio::test]
async fn a_continue_set_by_the_last_handler_runs_before_suspension_not_during() {
    #[derive(Debug, Default)]
    struct Stepper {
        steps: Vec<&'static str>,
    }

    struct Next;

    #[genserver]
    impl Stepper {
        #[handle_cast]
        fn begin(&mut self, ctx: &mut Context<Self>) {
            self.steps.push("begin");
            ctx.continue_with(Next);
        }

        #[handle_continue]
        fn next(&mut self, _: Next) {
            self.steps.push("continue");
        }

        #[handle_call]
        fn steps(&mut self) -> Vec<&'static str> {
            self.steps.clone()
        }

        #[handle_info(catch_all)]
        fn unexpected(&mut self, _msg: AnyMessage) {}
    }

    let stepper = Stepper::start(Stepper::default()).await.unwrap();
    sys::suspend(&stepper.pid()).await.unwrap();
    stepper.begin();
    assert!(
        sys::get_state(&stepper.pid())
            .await
            .unwrap()
            .contains("steps: []"),
        "neither the cast nor its continue ran while suspended"
    );
    sys::resume(&stepper.pid()).await.unwrap();
    assert_eq!(stepper.steps().await.unwrap(), ["begin", "continue"]);
}

#[tokio::test]
async fn a_trapped_exit_from_the_parent_stops_a_suspended_server() {
    #[derive(Debug)]
    struct Trapper;

    #[genserver]
    impl Trapper {
        #[init]
        fn init(_: (), ctx: &mut Context<Self>) -> Self {
            ctx.trap_exit(true);
            Trapper
        }

        #[handle_info(catch_all)]
        fn unexpected(&mut self, _msg: AnyMessage) {}
    }

    // A child that traps exits, started linked by its parent.
    struct TrappingParent;

    #[genserver]
    impl TrappingParent {
        #[handle_call]
        async fn start_child(&mut self) -> Pid {
            Trapper::start_link(()).await.unwrap().pid()
        }

        #[handle_info(catch_all)]
        fn unexpected(&mut self, _msg: AnyMessage) {}
    }

    let parent = TrappingParent::start(TrappingParent).await.unwrap();
    let child = parent.start_child().await.unwrap();
    sys::suspend(&child).await.unwrap();
    parent
        .pid()
        .exit(ExitReason::ShutdownWith("parent gone".into()));
    assert_eq!(
        child.wait_exit().await,
        ExitReason::ShutdownWith("parent gone".into()),
        "the child stopped with its parent's reason, though suspended"
    );
}
