//! Who waits on whom: a process blocked in a call records the server it waits on and since
//! when; a cycle of such waits is a deadlock that `observe::deadlocks` reports until a call in
//! it times out.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use otp_behaviour_tests::observe::until_status;
use otp_core::observe::{self, ProcessStatus};
use otp_core::prelude::*;
use tokio::sync::Notify;

/// A server that forwards a call down a chain of peers; the last one calls the first back or
/// waits on a notification.
struct Peer {
    release: Arc<Notify>,
}

#[genserver]
impl Peer {
    /// Calls the first of `chain` with the rest; at the end of the chain, waits for `release`.
    #[handle_call]
    async fn pass(&mut self, chain: Vec<PeerRef>) -> Result<(), CallError> {
        match chain.split_first() {
            Some((next, rest)) => next.pass(rest.to_vec()).await??,
            None => self.release.notified().await,
        }
        Ok(())
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn peers(n: usize) -> (Vec<PeerRef>, Arc<Notify>) {
    let release = Arc::new(Notify::new());
    let mut peers = Vec::new();
    for _ in 0..n {
        let peer = Peer::start(Peer {
            release: release.clone(),
        })
        .await
        .unwrap();
        peers.push(peer);
    }
    (peers, release)
}

/// Yields until `pid` waits on a call.
async fn until_waiting(pid: &Pid) {
    while pid.info().and_then(|info| info.waiting_on).is_none() {
        tokio::task::yield_now().await;
    }
}

fn sorted(mut pids: Vec<Pid>) -> Vec<Pid> {
    pids.sort_by_key(Pid::id);
    pids
}

#[tokio::test(start_paused = true)]
async fn two_servers_calling_each_other_are_a_deadlock_until_the_call_times_out() {
    let before = SystemTime::now();
    let (peers, _release) = peers(2).await;
    let (a, b) = (peers[0].clone(), peers[1].clone());
    // A is asked to call B, which calls A back: A is busy in the first call.
    let stuck = tokio::spawn({
        let (a, b) = (a.clone(), b.clone());
        // Longer than the inner calls' default 5 s, so it sees how they ended.
        async move {
            a.pass(vec![b, a.clone()])
                .timeout(Duration::from_secs(60))
                .await
        }
    });
    until_waiting(&a.pid()).await;
    until_waiting(&b.pid()).await;

    let a_waits = a.pid().info().unwrap().waiting_on.unwrap();
    assert_eq!(a_waits.pid, b.pid());
    assert!(a_waits.since >= before - Duration::from_secs(1));
    assert_eq!(b.pid().info().unwrap().waiting_on.unwrap().pid, a.pid());
    // Other tests of this binary run beside this one, with cycles of their own.
    let ours: Vec<Vec<Pid>> = observe::deadlocks()
        .into_iter()
        .filter(|cycle| cycle.contains(&a.pid()))
        .collect();
    assert_eq!(ours, vec![sorted(vec![a.pid(), b.pid()])]);

    // The calls time out after the default 5 s, and the cycle ends.
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(stuck.await.unwrap(), Ok(Err(CallError::Timeout)));
    assert!(
        observe::deadlocks()
            .iter()
            .all(|cycle| !cycle.contains(&a.pid()))
    );
    assert!(a.pid().info().unwrap().waiting_on.is_none());
    assert!(b.pid().info().unwrap().waiting_on.is_none());
}

#[tokio::test(start_paused = true)]
async fn a_cycle_of_three_is_reported_once_from_its_lowest_pid_in_call_order() {
    let (peers, _release) = peers(3).await;
    let (a, b, c) = (peers[0].clone(), peers[1].clone(), peers[2].clone());
    let _stuck = tokio::spawn({
        let (a, b, c) = (a.clone(), b.clone(), c.clone());
        async move { a.pass(vec![b, c, a.clone()]).await }
    });
    for peer in [&a, &b, &c] {
        until_waiting(&peer.pid()).await;
    }
    let cycles: Vec<Vec<Pid>> = observe::deadlocks()
        .into_iter()
        .filter(|cycle| cycle.contains(&a.pid()))
        .collect();
    // A waits on B, B on C, C on A; A has the lowest pid, started first.
    assert_eq!(cycles, vec![vec![a.pid(), b.pid(), c.pid()]]);
}

#[tokio::test(start_paused = true)]
async fn a_chain_of_calls_that_ends_in_a_process_not_calling_is_no_deadlock() {
    let (peers, release) = peers(3).await;
    let (a, b, c) = (peers[0].clone(), peers[1].clone(), peers[2].clone());
    let done = tokio::spawn({
        let (a, b, c) = (a.clone(), b.clone(), c.clone());
        async move { a.pass(vec![b, c]).await }
    });
    until_waiting(&a.pid()).await;
    until_waiting(&b.pid()).await;
    assert_eq!(
        b.pid()
            .info()
            .unwrap()
            .waiting_on
            .map(|waiting| waiting.pid),
        Some(c.pid())
    );
    // C waits on a notification, not on a call.
    assert!(c.pid().info().unwrap().waiting_on.is_none());
    let involved = [a.pid(), b.pid(), c.pid()];
    assert!(
        observe::deadlocks()
            .iter()
            .all(|cycle| cycle.iter().all(|pid| !involved.contains(pid)))
    );
    release.notify_one();
    assert_eq!(done.await.unwrap(), Ok(Ok(())));
    assert!(a.pid().info().unwrap().waiting_on.is_none());
}

#[tokio::test]
async fn a_call_from_outside_any_process_records_no_wait() {
    let (peers, release) = peers(1).await;
    let peer = peers[0].clone();
    until_status(&peer.pid(), ProcessStatus::Waiting).await;
    let call = tokio::spawn({
        let peer = peer.clone();
        async move { peer.pass(Vec::new()).await }
    });
    until_status(&peer.pid(), ProcessStatus::Running).await;
    // The caller is a plain task: no process to record the wait in, and the server waits on a
    // notification.
    assert!(observe::snapshot().iter().all(|info| {
        info.waiting_on
            .as_ref()
            .is_none_or(|waiting| waiting.pid != peer.pid())
    }));
    release.notify_one();
    assert_eq!(call.await.unwrap(), Ok(Ok(())));
}
