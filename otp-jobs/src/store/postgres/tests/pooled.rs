//! The statements sent behind a pooler in transaction mode, checked against the server itself:
//! each one unnamed and in a transaction, so that no prepared statement is left in a server
//! session for another client to clash with.

use super::*;
use crate::runtime::signal::{QueueAction, QueueSignal};

/// The named prepared statements left in the server sessions of the store's connections.
async fn named_statements(store: &PgStore) -> i64 {
    let pool = store.pool();
    // Held until every connection was asked, so that each is asked once.
    let mut held = Vec::new();
    let mut named = 0;
    for _ in 0..pool.size() {
        let mut conn = pool.acquire().await.unwrap();
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_prepared_statements")
            .persistent(false)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        named += count;
        held.push(conn);
    }
    named
}

/// Every operation of the store once.
async fn every_operation(store: &PgStore) {
    store.migrate().await.unwrap();
    let one = insert_one(store, job("q", json!({"n": 1}))).await;
    let mut unique_job = job("q", json!({"n": 2}));
    unique_job.unique = Some(unique("pooled"));
    let inserted = store
        .insert(vec![
            job("q", json!({"n": 3})),
            unique_job.clone(),
            unique_job,
        ])
        .await
        .unwrap();
    assert!(inserted[2].conflict, "{inserted:?}");
    let mut tx = store.pool().begin().await.unwrap();
    insert_with(&mut tx, vec![job("q", json!({"n": 4}))], store.pooled)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    store.heartbeat("a", Duration::from_secs(60)).await.unwrap();
    assert!(
        store
            .try_lead("cron", "a", Duration::from_secs(60))
            .await
            .unwrap()
    );
    assert_eq!(store.live_nodes().await.unwrap(), ["a"]);
    let attempts = store.fetch("q", "a", 10).await.unwrap();
    assert_eq!(attempts.len(), 4);
    let attempt = &attempts[0];
    let outcome = complete(store, attempt.job.id, attempt.token, Completion::Completed).await;
    assert_eq!(outcome, CompletionOutcome::Applied);
    assert!(store.rescue_orphans().await.unwrap().is_empty());
    store.stage(None, true).await.unwrap();
    store.prune(Duration::from_secs(3600), 10).await.unwrap();
    assert!(store.get(one.id).await.unwrap().is_some());
    let all = store.list(JobFilter::default()).await.unwrap();
    assert_eq!(all.len(), 4);
    assert!(!store.counts().await.unwrap().is_empty());
    let cancelled = store.cancel(attempts[1].job.id).await.unwrap().unwrap();
    assert_eq!(cancelled.state, JobState::Cancelled);
    let retried = store.retry(cancelled.id).await.unwrap().unwrap();
    assert_eq!(retried.state, JobState::Available);
    let signal = QueueSignal {
        from: "a".into(),
        queue: "q".into(),
        action: QueueAction::Scale { limit: 3 },
    };
    store.signal(&signal).await.unwrap();
    store.leave("a").await.unwrap();
}

#[tokio::test]
async fn behind_a_pooler_no_statement_is_prepared_under_a_name() {
    for pooled in [false, true] {
        let Some(db) = TestDb::new().await else {
            return;
        };
        let mut store = connect(db.base_url(), Some(db.schema())).await.unwrap();
        store.pooled = pooled;
        every_operation(&store).await;
        let named = named_statements(&store).await;
        if pooled {
            assert_eq!(named, 0, "behind a pooler");
        } else {
            // Straight to the server, statements are prepared once per connection.
            assert!(named > 0, "straight to the server");
        }
        store.pool().close().await;
    }
}
