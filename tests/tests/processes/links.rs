//! Links: two-way, one per pair, none to yourself; an abnormal exit kills a linked process that
//! does not trap exits, with the same reason and without its `terminate`; a normal exit does
//! not; linking to a dead process fails.

use otp_behaviour_tests::node::{Log, NodeRef, node, terminated};
use otp_core::NoProc;
use otp_core::prelude::*;

#[derive(Debug)]
struct Boom;

impl std::fmt::Display for Boom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("boom")
    }
}

impl std::error::Error for Boom {}

/// Asserts `node` is alive and not exiting: it answers a call.
async fn assert_alive(node: &NodeRef, name: &'static str) {
    assert_eq!(node.pid().exit_reason(), None, "{name} has begun to exit");
    assert_eq!(node.ping().await, Ok(name), "{name} does not answer");
    assert!(node.is_alive());
}

#[tokio::test]
async fn an_abnormal_exit_kills_the_linked_process_with_the_same_reason_without_terminate() {
    let abnormal = [
        ExitReason::error(Boom),
        ExitReason::Shutdown,
        ExitReason::ShutdownWith("deploy".into()),
        ExitReason::Panic("custom".into()),
    ];
    for reason in abnormal {
        let log = Log::default();
        let a = node("a", &log).await;
        let b = node("b", &log).await;
        assert_eq!(a.link_to(b.pid()).await, Ok(Ok(())));

        b.stop_with(reason.clone());
        assert_eq!(b.pid().wait_exit().await, reason);
        assert_eq!(a.pid().wait_exit().await, reason, "a dies of b's reason");
        assert!(!a.is_alive());
        // Only b ran terminate: a was ended by the signal.
        assert_eq!(terminated(&log), vec![("b", reason)]);
    }
}

#[tokio::test]
async fn a_panic_kills_the_linked_process_with_the_panic_reason() {
    let log = Log::default();
    let a = node("a", &log).await;
    let b = node("b", &log).await;
    assert_eq!(a.link_to(b.pid()).await, Ok(Ok(())));

    let reason = ExitReason::Panic("crash in b".into());
    assert_eq!(b.crash().await, Err(CallError::Exited(reason.clone())));
    assert_eq!(a.pid().wait_exit().await, reason);
    assert_eq!(terminated(&log), vec![("b", reason)]);
}

#[tokio::test]
async fn links_are_two_way() {
    // The process that made the link dies: the other one dies too.
    let log = Log::default();
    let linker = node("linker", &log).await;
    let other = node("other", &log).await;
    assert_eq!(linker.link_to(other.pid()).await, Ok(Ok(())));
    let reason = ExitReason::ShutdownWith("linker".into());
    linker.stop_with(reason.clone());
    assert_eq!(other.pid().wait_exit().await, reason);
    assert_eq!(terminated(&log), vec![("linker", reason)]);

    // The linked process dies: the one that made the link dies too.
    let log = Log::default();
    let linker = node("linker", &log).await;
    let other = node("other", &log).await;
    assert_eq!(linker.link_to(other.pid()).await, Ok(Ok(())));
    let reason = ExitReason::ShutdownWith("other".into());
    other.stop_with(reason.clone());
    assert_eq!(linker.pid().wait_exit().await, reason);
    assert_eq!(terminated(&log), vec![("other", reason)]);
}

#[tokio::test]
async fn a_normal_exit_does_not_kill_the_linked_process() {
    let log = Log::default();
    let a = node("a", &log).await;
    let b = node("b", &log).await;
    assert_eq!(a.link_to(b.pid()).await, Ok(Ok(())));

    b.stop_with(ExitReason::Normal);
    assert_eq!(b.pid().wait_exit().await, ExitReason::Normal);
    assert_alive(&a, "a").await;
    assert_eq!(terminated(&log), vec![("b", ExitReason::Normal)]);

    // The link is gone with b: a later abnormal exit of a hurts no one, and a stops alone.
    let c = node("c", &log).await;
    assert_eq!(c.link_to(a.pid()).await, Ok(Ok(())));
    c.stop_with(ExitReason::Normal);
    assert_eq!(c.pid().wait_exit().await, ExitReason::Normal);
    assert_alive(&a, "a").await;
}

#[tokio::test]
async fn one_link_per_pair_linking_twice_then_unlinking_once_removes_it() {
    let log = Log::default();
    let a = node("a", &log).await;
    let b = node("b", &log).await;
    assert_eq!(a.link_to(b.pid()).await, Ok(Ok(())));
    assert_eq!(a.link_to(b.pid()).await, Ok(Ok(())));
    // The other side links too: still the one link.
    assert_eq!(b.link_to(a.pid()).await, Ok(Ok(())));
    a.unlink_from(b.pid()).await.unwrap();

    let reason = ExitReason::error(Boom);
    b.stop_with(reason.clone());
    assert_eq!(b.pid().wait_exit().await, reason);
    assert_alive(&a, "a").await;
}

#[tokio::test]
async fn linking_twice_gives_a_trapping_process_one_exit() {
    let log = Log::default();
    let a = node("a", &log).await;
    let b = node("b", &log).await;
    assert_eq!(a.trap(true).await, Ok(false));
    assert_eq!(a.link_to(b.pid()).await, Ok(Ok(())));
    assert_eq!(a.link_to(b.pid()).await, Ok(Ok(())));
    assert_eq!(b.link_to(a.pid()).await, Ok(Ok(())));

    let reason = ExitReason::error(Boom);
    b.stop_with(reason.clone());
    assert_eq!(b.pid().wait_exit().await, reason);
    assert_eq!(
        a.exits().await,
        Ok(vec![Exit {
            from: b.pid(),
            reason
        }])
    );
}

#[tokio::test]
async fn linking_to_yourself_does_nothing() {
    let log = Log::default();
    let a = node("a", &log).await;
    assert_eq!(a.link_to(a.pid()).await, Ok(Ok(())));
    assert_eq!(a.link_to(a.pid()).await, Ok(Ok(())));
    assert_alive(&a, "a").await;

    // A self-link is no link: unlinking from another process once leaves a unlinked, and a
    // trapping a receives no exit signal from itself.
    let b = node("b", &log).await;
    assert_eq!(a.link_to(b.pid()).await, Ok(Ok(())));
    a.unlink_from(b.pid()).await.unwrap();
    b.stop_with(ExitReason::error(Boom));
    b.pid().wait_exit().await;
    assert_alive(&a, "a").await;
    assert_eq!(a.trap(true).await, Ok(false));
    a.unlink_from(a.pid()).await.unwrap();
    assert_eq!(a.exits().await, Ok(vec![]));

    // And a's own exit is its own business: one terminate, with its reason.
    let reason = ExitReason::ShutdownWith("self".into());
    a.stop_with(reason.clone());
    assert_eq!(a.pid().wait_exit().await, reason);
    assert_eq!(
        terminated(&log),
        vec![("b", ExitReason::error(Boom)), ("a", reason)]
    );
}

#[tokio::test]
async fn an_exit_propagates_along_a_chain() {
    let log = Log::default();
    let a = node("a", &log).await;
    let b = node("b", &log).await;
    let c = node("c", &log).await;
    assert_eq!(a.link_to(b.pid()).await, Ok(Ok(())));
    assert_eq!(b.link_to(c.pid()).await, Ok(Ok(())));

    let reason = ExitReason::error(Boom);
    c.stop_with(reason.clone());
    assert_eq!(c.pid().wait_exit().await, reason);
    assert_eq!(b.pid().wait_exit().await, reason);
    assert_eq!(a.pid().wait_exit().await, reason);
    assert_eq!(terminated(&log), vec![("c", reason)]);
}

#[tokio::test]
async fn unlink_stops_propagation_from_either_side() {
    let log = Log::default();
    let a = node("a", &log).await;
    let b = node("b", &log).await;
    assert_eq!(a.link_to(b.pid()).await, Ok(Ok(())));
    a.unlink_from(b.pid()).await.unwrap();
    b.stop_with(ExitReason::error(Boom));
    b.pid().wait_exit().await;
    assert_alive(&a, "a").await;

    // The linked process removes the link.
    let c = node("c", &log).await;
    assert_eq!(a.link_to(c.pid()).await, Ok(Ok(())));
    c.unlink_from(a.pid()).await.unwrap();
    c.stop_with(ExitReason::error(Boom));
    c.pid().wait_exit().await;
    assert_alive(&a, "a").await;

    // And the other way round: a's death no longer reaches c's replacement d after unlinking.
    let d = node("d", &log).await;
    assert_eq!(a.link_to(d.pid()).await, Ok(Ok(())));
    d.unlink_from(a.pid()).await.unwrap();
    a.stop_with(ExitReason::error(Boom));
    a.pid().wait_exit().await;
    assert_alive(&d, "d").await;
}

#[tokio::test]
async fn linking_to_a_dead_process_fails_with_noproc() {
    let log = Log::default();
    let a = node("a", &log).await;
    let dead = node("dead", &log).await;
    dead.stop_with(ExitReason::Normal);
    dead.pid().wait_exit().await;

    assert_eq!(a.link_to(dead.pid()).await, Ok(Err(NoProc)));
    // A process that does not trap exits just gets the error.
    assert_alive(&a, "a").await;
    assert_eq!(a.exits().await, Ok(vec![]));

    // A trapping process also receives an Exit with reason NoProc from the dead pid.
    assert_eq!(a.trap(true).await, Ok(false));
    assert_eq!(a.link_to(dead.pid()).await, Ok(Err(NoProc)));
    assert_eq!(
        a.exits().await,
        Ok(vec![Exit {
            from: dead.pid(),
            reason: ExitReason::NoProc
        }])
    );
    assert_alive(&a, "a").await;
}
