//! Links and monitors keep nothing once they are gone: 20,000 each of link and unlink,
//! monitor and demonitor, a monitor of a process that then exits, and a link (trapped) to a
//! process that then exits leave the live bytes where they were.

use otp_behaviour_tests::memory::exclusive;
use otp_core::prelude::*;

use super::measure::{IN_FLIGHT, flat_across};

const EVENTS: usize = 20_000;

/// Links, monitors and traps on request; counts the `Down` and `Exit` messages it gets without
/// keeping them.
#[derive(Default)]
struct Watcher {
    downs: usize,
    exits: usize,
}

#[genserver]
impl Watcher {
    #[handle_call]
    fn link_to(&mut self, other: Pid, ctx: &mut Context<Self>) -> Result<(), NoProc> {
        ctx.link(&other)
    }

    #[handle_call]
    fn unlink_from(&mut self, other: Pid, ctx: &mut Context<Self>) {
        ctx.unlink(&other);
    }

    #[handle_call]
    fn watch(&mut self, target: Pid, ctx: &mut Context<Self>) -> MonitorRef {
        ctx.monitor(&target)
    }

    #[handle_call]
    fn unwatch(&mut self, monitor: MonitorRef, ctx: &mut Context<Self>) -> bool {
        ctx.demonitor(monitor)
    }

    #[handle_call]
    fn trap(&mut self, ctx: &mut Context<Self>) -> bool {
        ctx.trap_exit(true)
    }

    /// `(downs, exits)` so far: queued behind every message sent before it.
    #[handle_call]
    fn counts(&mut self) -> (usize, usize) {
        (self.downs, self.exits)
    }

    #[handle_info]
    fn down(&mut self, _down: Down) {
        self.downs += 1;
    }

    #[handle_info]
    fn exit(&mut self, _exit: Exit) {
        self.exits += 1;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn watcher() -> WatcherRef {
    Watcher::start(Watcher::default()).await.expect("starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_and_unlink_leave_live_bytes_flat() {
    let _alone = exclusive().await;
    let (a, b) = (watcher().await, watcher().await);
    flat_across("link + unlink", EVENTS, IN_FLIGHT, async |_| {
        assert_eq!(a.link_to(b.pid()).await, Ok(Ok(())));
        a.unlink_from(b.pid()).await.unwrap();
    })
    .await;
    // Unlinked: a's death leaves b running.
    a.pid().kill();
    a.pid().wait_exit().await;
    assert_eq!(b.counts().await, Ok((0, 0)));
    b.stop(ExitReason::Normal).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitor_and_demonitor_leave_live_bytes_flat() {
    let _alone = exclusive().await;
    let (watching, target) = (watcher().await, watcher().await);
    flat_across("monitor + demonitor", EVENTS, IN_FLIGHT, async |_| {
        let monitor = watching.watch(target.pid()).await.unwrap();
        assert_eq!(watching.unwatch(monitor).await, Ok(true), "still active");
    })
    .await;
    // Demonitored: the target's exit sends no `Down`.
    target.stop(ExitReason::Normal).await.unwrap();
    assert_eq!(watching.counts().await, Ok((0, 0)));
    watching.stop(ExitReason::Normal).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitors_of_processes_that_exit_leave_live_bytes_flat() {
    let _alone = exclusive().await;
    let watching = watcher().await;
    flat_across(
        "monitor of a process that exits",
        EVENTS,
        IN_FLIGHT,
        async |_| {
            let target = watcher().await;
            watching.watch(target.pid()).await.unwrap();
            target.pid().kill();
            target.pid().wait_exit().await;
        },
    )
    .await;
    // Every `Down` came, and was handled before the reply to this call.
    assert_eq!(watching.counts().await, Ok((1_000 + EVENTS, 0)));
    watching.stop(ExitReason::Normal).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trapped_links_to_processes_that_exit_leave_live_bytes_flat() {
    let _alone = exclusive().await;
    let trapping = watcher().await;
    assert_eq!(trapping.trap().await, Ok(false));
    flat_across(
        "link to a process that exits",
        EVENTS,
        IN_FLIGHT,
        async |_| {
            let target = watcher().await;
            assert_eq!(trapping.link_to(target.pid()).await, Ok(Ok(())));
            target.pid().kill();
            target.pid().wait_exit().await;
        },
    )
    .await;
    assert_eq!(trapping.counts().await, Ok((0, 1_000 + EVENTS)));
    trapping.stop(ExitReason::Normal).await.unwrap();
}
