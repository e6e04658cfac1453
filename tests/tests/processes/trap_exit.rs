//! Trapping exits: exit signals from linked processes arrive as `Exit { from, reason }` info
//! messages, normal ones included, and the trapping process lives on; `kill` cannot be trapped,
//! and processes linked to a killed process see the reason `Killed`.

use otp_behaviour_tests::node::{Log, NodeRef, node, terminated};
use otp_core::prelude::*;

async fn assert_alive(node: &NodeRef, name: &'static str) {
    assert_eq!(node.pid().exit_reason(), None, "{name} has begun to exit");
    assert_eq!(node.ping().await, Ok(name), "{name} does not answer");
}

#[derive(Debug)]
struct DiskFull;

impl std::fmt::Display for DiskFull {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("disk full")
    }
}

impl std::error::Error for DiskFull {}

#[tokio::test]
async fn trapped_exits_arrive_as_exit_messages_with_from_and_reason() {
    let log = Log::default();
    let trapper = node("trapper", &log).await;
    assert_eq!(trapper.trap(true).await, Ok(false));

    let reasons = [
        ExitReason::Normal,
        ExitReason::Shutdown,
        ExitReason::ShutdownWith("detail".into()),
        ExitReason::error(DiskFull),
        ExitReason::NoProc,
    ];
    let mut expected = Vec::new();
    for reason in reasons {
        let child = node("child", &log).await;
        assert_eq!(child.link_to(trapper.pid()).await, Ok(Ok(())));
        child.stop_with(reason.clone());
        assert_eq!(child.pid().wait_exit().await, reason);
        expected.push(Exit {
            from: child.pid(),
            reason,
        });
        assert_alive(&trapper, "trapper").await;
    }

    // A panic is trapped like any other reason.
    let child = node("child", &log).await;
    assert_eq!(trapper.link_to(child.pid()).await, Ok(Ok(())));
    let panic = ExitReason::Panic("crash in child".into());
    assert_eq!(child.crash().await, Err(CallError::Exited(panic.clone())));
    expected.push(Exit {
        from: child.pid(),
        reason: panic,
    });

    assert_eq!(trapper.exits().await, Ok(expected));
    assert_alive(&trapper, "trapper").await;
    assert!(terminated(&log).iter().all(|(name, _)| *name == "child"));
}

#[tokio::test]
async fn trap_exit_returns_the_previous_flag_and_can_be_turned_off() {
    let log = Log::default();
    let a = node("a", &log).await;
    assert_eq!(a.trap(true).await, Ok(false));
    assert_eq!(a.trap(true).await, Ok(true));
    assert_eq!(a.trap(false).await, Ok(true));
    assert_eq!(a.trap(false).await, Ok(false));

    // No longer trapping: the next abnormal exit of a linked process kills it.
    let b = node("b", &log).await;
    assert_eq!(a.link_to(b.pid()).await, Ok(Ok(())));
    let reason = ExitReason::error(DiskFull);
    b.stop_with(reason.clone());
    assert_eq!(a.pid().wait_exit().await, reason);
    assert_eq!(terminated(&log), vec![("b", reason)]);
}

#[tokio::test]
async fn kill_cannot_be_trapped() {
    let log = Log::default();
    let a = node("a", &log).await;
    assert_eq!(a.trap(true).await, Ok(false));
    a.pid().kill();
    assert_eq!(a.pid().wait_exit().await, ExitReason::Killed);
    assert!(!a.is_alive());
    assert_eq!(a.ping().await, Err(CallError::NoProc));
    assert_eq!(terminated(&log), vec![], "a kill runs no terminate");
}

#[tokio::test]
async fn a_trapping_partner_of_a_killed_process_receives_killed() {
    let log = Log::default();
    let trapper = node("trapper", &log).await;
    let victim = node("victim", &log).await;
    assert_eq!(trapper.trap(true).await, Ok(false));
    assert_eq!(trapper.link_to(victim.pid()).await, Ok(Ok(())));

    victim.pid().kill();
    assert_eq!(victim.pid().wait_exit().await, ExitReason::Killed);
    assert_eq!(
        trapper.exits().await,
        Ok(vec![Exit {
            from: victim.pid(),
            reason: ExitReason::Killed
        }])
    );
    assert_alive(&trapper, "trapper").await;
    assert_eq!(terminated(&log), vec![]);
}

#[tokio::test]
async fn a_non_trapping_partner_of_a_killed_process_dies_with_killed() {
    let log = Log::default();
    let a = node("a", &log).await;
    let victim = node("victim", &log).await;
    let c = node("c", &log).await;
    // a - victim - c, and c traps: the kill reaches a as Killed, and c as a message.
    assert_eq!(a.link_to(victim.pid()).await, Ok(Ok(())));
    assert_eq!(c.trap(true).await, Ok(false));
    assert_eq!(c.link_to(victim.pid()).await, Ok(Ok(())));

    victim.pid().kill();
    assert_eq!(victim.pid().wait_exit().await, ExitReason::Killed);
    assert_eq!(a.pid().wait_exit().await, ExitReason::Killed);
    assert_eq!(
        c.exits().await,
        Ok(vec![Exit {
            from: victim.pid(),
            reason: ExitReason::Killed
        }])
    );
    assert_eq!(terminated(&log), vec![]);
}

#[tokio::test]
async fn a_trapping_process_that_stops_signals_its_links_with_its_reason() {
    let log = Log::default();
    let a = node("a", &log).await;
    let b = node("b", &log).await;
    assert_eq!(a.trap(true).await, Ok(false));
    assert_eq!(b.trap(true).await, Ok(false));
    assert_eq!(a.link_to(b.pid()).await, Ok(Ok(())));

    let reason = ExitReason::ShutdownWith("bye".into());
    a.stop_with(reason.clone());
    assert_eq!(a.pid().wait_exit().await, reason);
    assert_eq!(
        b.exits().await,
        Ok(vec![Exit {
            from: a.pid(),
            reason: reason.clone()
        }])
    );
    // Trapping does not change how the stopping process itself ends: terminate ran once.
    assert_eq!(terminated(&log), vec![("a", reason)]);
}
