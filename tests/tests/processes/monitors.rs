//! Monitors: a `Down { monitor, pid, reason }` info message when the target exits, at once with
//! `NoProc` for a dead target; one per monitor; `demonitor` removes a monitor and flushes its
//! `Down` if already queued; monitors are one-way.

use otp_core::prelude::*;

#[derive(Default)]
struct Watcher {
    downs: Vec<Down>,
    others: usize,
}

#[genserver]
impl Watcher {
    #[handle_call]
    fn watch(&mut self, target: Pid, ctx: &mut Context<Self>) -> MonitorRef {
        ctx.monitor(&target)
    }

    #[handle_call]
    fn unwatch(&mut self, monitor: MonitorRef, ctx: &mut Context<Self>) -> bool {
        ctx.demonitor(monitor)
    }

    /// Waits, inside this one handler, until `target` has exited (so its `Down` is already in
    /// the mailbox), then demonitors.
    #[handle_call]
    async fn unwatch_after_exit(
        &mut self,
        target: Pid,
        monitor: MonitorRef,
        ctx: &mut Context<Self>,
    ) -> (ExitReason, bool, usize) {
        let reason = target.wait_exit().await;
        let active = ctx.demonitor(monitor);
        (reason, active, self.downs.len())
    }

    /// Monitors a dead process and demonitors it in the same handler: its `Down` is queued
    /// at once, then flushed.
    #[handle_call]
    fn watch_and_unwatch(&mut self, target: Pid, ctx: &mut Context<Self>) -> (MonitorRef, bool) {
        let monitor = ctx.monitor(&target);
        (monitor, ctx.demonitor(monitor))
    }

    #[handle_call]
    fn trap(&mut self, ctx: &mut Context<Self>) -> bool {
        ctx.trap_exit(true)
    }

    #[handle_call]
    fn downs(&mut self) -> Vec<Down> {
        self.downs.clone()
    }

    #[handle_call]
    fn others(&mut self) -> usize {
        self.others
    }

    #[handle_cast]
    fn stop_with(&mut self, reason: ExitReason, ctx: &mut Context<Self>) {
        ctx.stop(reason);
    }

    #[handle_info]
    fn down(&mut self, down: Down) {
        self.downs.push(down);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {
        self.others += 1;
    }
}

async fn watcher() -> WatcherRef {
    Watcher::start(Watcher::default())
        .await
        .expect("the watcher starts")
}

#[tokio::test]
async fn down_arrives_with_the_exit_reason() {
    let w = watcher().await;
    let reasons = [
        ExitReason::Normal,
        ExitReason::Shutdown,
        ExitReason::ShutdownWith("x".into()),
        ExitReason::Panic("p".into()),
        ExitReason::Killed,
    ];
    let mut expected = Vec::new();
    for reason in reasons {
        let target = watcher().await;
        let monitor = w.watch(target.pid()).await.unwrap();
        assert_eq!(
            w.downs().await.unwrap().len(),
            expected.len(),
            "no Down yet"
        );
        if reason == ExitReason::Killed {
            target.pid().kill();
        } else {
            target.stop_with(reason.clone());
        }
        assert_eq!(target.pid().wait_exit().await, reason);
        expected.push(Down {
            monitor,
            pid: target.pid(),
            reason,
        });
        // The watcher is not linked: it lives on, whatever the reason.
        assert_eq!(w.downs().await, Ok(expected.clone()));
    }
    assert_eq!(w.others().await, Ok(0), "only Down messages arrived");
}

#[tokio::test]
async fn monitoring_a_dead_process_gives_noproc_at_once() {
    let w = watcher().await;
    let target = watcher().await;
    target.pid().kill();
    target.pid().wait_exit().await;

    let monitor = w.watch(target.pid()).await.unwrap();
    // The Down was queued during the watch call: the next call sees it handled.
    assert_eq!(
        w.downs().await,
        Ok(vec![Down {
            monitor,
            pid: target.pid(),
            reason: ExitReason::NoProc
        }])
    );
}

#[tokio::test]
async fn monitoring_twice_gives_two_downs_with_distinct_refs() {
    let w = watcher().await;
    let target = watcher().await;
    let first = w.watch(target.pid()).await.unwrap();
    let second = w.watch(target.pid()).await.unwrap();
    assert_ne!(first, second);

    target.stop_with(ExitReason::Shutdown);
    target.pid().wait_exit().await;
    let downs = w.downs().await.unwrap();
    assert_eq!(downs.len(), 2);
    let mut refs: Vec<MonitorRef> = downs.iter().map(|down| down.monitor).collect();
    refs.sort();
    let mut expected = vec![first, second];
    expected.sort();
    assert_eq!(refs, expected);
    for down in downs {
        assert_eq!(down.pid, target.pid());
        assert_eq!(down.reason, ExitReason::Shutdown);
    }
}

#[tokio::test]
async fn demonitor_before_the_exit_means_no_down_ever() {
    let w = watcher().await;
    let target = watcher().await;
    let removed = w.watch(target.pid()).await.unwrap();
    let kept = w.watch(target.pid()).await.unwrap();
    assert_eq!(w.unwatch(removed).await, Ok(true));
    assert_eq!(w.unwatch(removed).await, Ok(false), "already removed");

    target.stop_with(ExitReason::Shutdown);
    target.pid().wait_exit().await;
    // The kept monitor's Down shows the call comes after any Down of this exit.
    assert_eq!(
        w.downs().await,
        Ok(vec![Down {
            monitor: kept,
            pid: target.pid(),
            reason: ExitReason::Shutdown
        }])
    );
    assert_eq!(w.others().await, Ok(0));
}

#[tokio::test]
async fn demonitor_flushes_a_down_already_queued() {
    let w = watcher().await;
    let target = watcher().await;
    let flushed = w.watch(target.pid()).await.unwrap();
    let kept = w.watch(target.pid()).await.unwrap();

    target.stop_with(ExitReason::ShutdownWith("gone".into()));
    let (reason, active, downs_seen) = w.unwatch_after_exit(target.pid(), flushed).await.unwrap();
    assert_eq!(reason, ExitReason::ShutdownWith("gone".into()));
    assert!(!active, "the monitor had fired: it was no longer active");
    assert_eq!(downs_seen, 0, "the handler ran before any Down was handled");

    // Only the Down of the kept monitor reaches the handler.
    assert_eq!(
        w.downs().await,
        Ok(vec![Down {
            monitor: kept,
            pid: target.pid(),
            reason: ExitReason::ShutdownWith("gone".into())
        }])
    );
    assert_eq!(w.others().await, Ok(0));
}

#[tokio::test]
async fn demonitor_flushes_the_immediate_noproc_down() {
    let w = watcher().await;
    let target = watcher().await;
    target.pid().kill();
    target.pid().wait_exit().await;

    let (_, active) = w.watch_and_unwatch(target.pid()).await.unwrap();
    assert!(!active);
    assert_eq!(w.downs().await, Ok(vec![]));
    // A fresh monitor still delivers its Down.
    let monitor = w.watch(target.pid()).await.unwrap();
    assert_eq!(
        w.downs().await,
        Ok(vec![Down {
            monitor,
            pid: target.pid(),
            reason: ExitReason::NoProc
        }])
    );
}

#[tokio::test]
async fn monitors_are_one_way() {
    let w = watcher().await;
    let target = watcher().await;
    // The target traps exits, so it would see an exit signal as a message if one came.
    assert_eq!(target.trap().await, Ok(false));
    w.watch(target.pid()).await.unwrap();

    w.stop_with(ExitReason::Panic("watcher crashed".into()));
    assert_eq!(
        w.pid().wait_exit().await,
        ExitReason::Panic("watcher crashed".into())
    );
    assert!(target.is_alive());
    assert_eq!(target.pid().exit_reason(), None);
    assert_eq!(target.downs().await, Ok(vec![]));
    assert_eq!(target.others().await, Ok(0), "no Exit either");

    // The dead watcher's monitor is gone: the target's exit sends nothing anywhere.
    target.stop_with(ExitReason::Shutdown);
    assert_eq!(target.pid().wait_exit().await, ExitReason::Shutdown);
}
