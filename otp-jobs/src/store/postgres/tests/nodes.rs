//! Nodes: heartbeats, leaders, the lifeline, and the wake-ups between nodes.

use super::*;
use crate::runtime::signal::{Notification, QueueAction, QueueSignal};

/// The wake-up of `queue`.
fn available(queue: &str) -> Notification {
    Notification::Available(queue.to_owned())
}

#[tokio::test]
async fn heartbeats_and_leases_use_the_database_clock() {
    let Some((_db, store)) = store().await else {
        return;
    };
    store
        .heartbeat("node-a", Duration::from_secs(60))
        .await
        .unwrap();
    store
        .heartbeat("node-b", Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(store.live_nodes().await.unwrap(), ["node-a", "node-b"]);
    store.leave("node-b").await.unwrap();
    assert_eq!(store.live_nodes().await.unwrap(), ["node-a"]);
    sql(
        &store,
        "UPDATE otp_jobs_nodes SET expires_at = now() - interval '1 second'",
    )
    .await;
    assert!(store.live_nodes().await.unwrap().is_empty());
    store
        .heartbeat("node-a", Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(store.live_nodes().await.unwrap(), ["node-a"]);
}

#[tokio::test]
async fn one_node_leads_a_role_until_its_lease_ends_or_it_leaves() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let lease = Duration::from_secs(60);
    assert!(store.try_lead("cron", "node-a", lease).await.unwrap());
    assert!(!store.try_lead("cron", "node-b", lease).await.unwrap());
    assert!(store.try_lead("cron", "node-a", lease).await.unwrap());
    assert!(store.try_lead("pruner", "node-b", lease).await.unwrap());

    sql(
        &store,
        "UPDATE otp_jobs_leaders SET expires_at = now() WHERE role = 'cron'",
    )
    .await;
    assert!(store.try_lead("cron", "node-b", lease).await.unwrap());
    assert!(!store.try_lead("cron", "node-a", lease).await.unwrap());

    store.leave("node-b").await.unwrap();
    assert!(store.try_lead("cron", "node-a", lease).await.unwrap());
    assert!(store.try_lead("pruner", "node-a", lease).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_contenders_get_one_leader() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let mut contenders = Vec::new();
    for node in 0..10 {
        let store = store.clone();
        contenders.push(tokio::spawn(async move {
            let node = format!("node-{node}");
            store
                .try_lead("cron", &node, Duration::from_secs(60))
                .await
                .unwrap()
        }));
    }
    let mut leaders = 0;
    for contender in contenders {
        leaders += usize::from(contender.await.unwrap());
    }
    assert_eq!(leaders, 1);
}

#[tokio::test]
async fn the_lifeline_rescues_only_jobs_of_nodes_without_a_live_lease() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let mut last_try = job("q", json!({"last": true}));
    last_try.max_attempts = 1;
    store
        .insert(vec![job("q", json!({})), job("q", json!({})), last_try])
        .await
        .unwrap();
    store
        .heartbeat("alive", Duration::from_secs(60))
        .await
        .unwrap();
    store
        .heartbeat("dead", Duration::from_secs(60))
        .await
        .unwrap();
    let long_running = store.fetch("q", "alive", 1).await.unwrap().remove(0);
    let orphans = store.fetch("q", "dead", 2).await.unwrap();
    // The live node's job has run for a day: it is not rescued for that.
    sql(
        &store,
        "UPDATE otp_jobs SET attempted_at = now() - interval '1 day'",
    )
    .await;
    assert!(store.rescue_orphans().await.unwrap().is_empty());

    sql(
        &store,
        "UPDATE otp_jobs_nodes SET expires_at = now() WHERE node = 'dead'",
    )
    .await;
    let rescued = store.rescue_orphans().await.unwrap();
    let ids: Vec<i64> = rescued.iter().map(|job| job.id).collect();
    assert_eq!(ids, orphans.iter().map(|a| a.job.id).collect::<Vec<_>>());
    assert_eq!(rescued[0].state, JobState::Available);
    assert_eq!(
        rescued[0].errors[0].error,
        "node dead died during attempt 1"
    );
    assert_eq!(
        rescued[1].state,
        JobState::Discarded,
        "its attempts were used up"
    );
    assert!(rescued[1].finished_at.is_some());
    let kept = store.get(long_running.job.id).await.unwrap().unwrap();
    assert_eq!(kept.state, JobState::Executing);
    // The rescued attempts are fenced.
    let late = complete(
        &store,
        orphans[0].job.id,
        orphans[0].token,
        Completion::Completed,
    )
    .await;
    assert_eq!(late, CompletionOutcome::Fenced);
}

#[tokio::test]
async fn an_insert_wakes_a_listener_on_another_connection() {
    let Some((db, store)) = store().await else {
        return;
    };
    let mut wakeups = store
        .notifications()
        .await
        .unwrap()
        .expect("LISTEN works here");
    let other_node = connect(db.base_url(), Some(db.schema())).await.unwrap();
    insert_one(&other_node, job("mailers", json!({}))).await;
    let queue = tokio::time::timeout(Duration::from_secs(10), wakeups.recv()).await;
    assert_eq!(queue.unwrap(), Some(available("mailers")));

    // A job inserted in a caller's transaction wakes nodes when the transaction commits.
    let mut tx = other_node.pool().begin().await.unwrap();
    let inserted = insert_with(&mut tx, vec![job("reports", json!({}))], false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let queue = tokio::time::timeout(Duration::from_secs(10), wakeups.recv()).await;
    assert_eq!(queue.unwrap(), Some(available("reports")));
    assert!(store.get(inserted[0].id).await.unwrap().is_some());

    // Staging notifies too: another node's stager wakes this node's queues.
    let mut later = job("digest", json!({}));
    later.schedule = Schedule::In(Duration::from_secs(3600));
    insert_one(&other_node, later).await;
    // An insert of a scheduled job says when it is due, for the stagers.
    let due = tokio::time::timeout(Duration::from_secs(10), wakeups.recv()).await;
    match due.unwrap() {
        Some(Notification::Due(due)) => assert!(
            due > Duration::from_secs(3590) && due <= Duration::from_secs(3600),
            "{due:?}"
        ),
        other => panic!("expected a due time, got {other:?}"),
    }
    let staged = other_node.stage(None, true).await.unwrap();
    assert_eq!(
        staged.queues,
        ["digest", "mailers", "reports"],
        "and the queues with available jobs"
    );
    assert_eq!(staged.next_due, None, "nothing waits any more");
    let queue = tokio::time::timeout(Duration::from_secs(10), wakeups.recv()).await;
    assert_eq!(queue.unwrap(), Some(available("digest")));
}

#[tokio::test]
async fn a_rolled_back_transaction_leaves_no_job() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let mut tx = store.pool().begin().await.unwrap();
    let inserted = insert_with(&mut tx, vec![job("q", json!({}))], false)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(store.get(inserted[0].id).await.unwrap(), None);
}

#[tokio::test]
async fn without_its_own_echo_the_listener_gives_up_for_the_stagers_polling() {
    let Some((_db, mut store)) = store().await else {
        return;
    };
    // Behind a pooler in transaction mode the echo never comes; here it is never sent.
    store.send_probe = false;
    store.probe_timeout = Duration::from_millis(200);
    assert!(
        store.notifications().await.unwrap().is_none(),
        "no notifications: the stager runs every stage interval instead"
    );
    store
        .insert(vec![
            job("b", json!({})),
            job("a", json!({})),
            job("b", json!({})),
        ])
        .await
        .unwrap();
    // The stager's round names each queue with available jobs, once.
    assert_eq!(store.stage(None, false).await.unwrap().queues, ["a", "b"]);
}

#[tokio::test]
async fn the_listener_reconnects_when_its_connection_is_killed() {
    let Some((db, store)) = store().await else {
        return;
    };
    let mut wakeups = store
        .notifications()
        .await
        .unwrap()
        .expect("LISTEN works here");
    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1",
    )
    .bind(format!("LISTEN \"otp_jobs.{}\"", db.schema()))
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(killed, [true]);
    // Inserts from another node reach this one again once the listener is back.
    let other_node = connect(db.base_url(), Some(db.schema())).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let mut round_asked = false;
    loop {
        insert_one(&other_node, job("after", json!({}))).await;
        match tokio::time::timeout(Duration::from_millis(500), wakeups.recv()).await {
            Ok(Some(notification)) if notification == available("after") => break,
            Ok(Some(Notification::Due(due))) if due.is_zero() => round_asked = true,
            Ok(Some(_)) | Err(_) => {}
            Ok(None) => panic!("the listener gave up"),
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no wake-up after the kill"
        );
    }
    // Notifications may have been lost meanwhile: the stager is asked for a round at once.
    assert!(round_asked, "no round asked for after the reconnection");
}

#[tokio::test]
async fn a_queue_signal_reaches_a_listener_on_another_connection() {
    let Some((db, store)) = store().await else {
        return;
    };
    let mut notifications = store
        .notifications()
        .await
        .unwrap()
        .expect("LISTEN works here");
    let other_node = connect(db.base_url(), Some(db.schema())).await.unwrap();
    let signal = QueueSignal {
        from: "b".into(),
        queue: "mailers".into(),
        action: QueueAction::Scale { limit: 3 },
    };
    other_node.signal(&signal).await.unwrap();
    let received = tokio::time::timeout(Duration::from_secs(10), notifications.recv()).await;
    assert_eq!(received.unwrap(), Some(Notification::Signal(signal)));
}
