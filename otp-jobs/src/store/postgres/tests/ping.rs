//! Which statements have their connection tested before the pool lends it (see `ping`): a
//! caller's are, so that they go through after the server ended every session; the runtime's
//! are not, and the first one on a dead connection fails without running.

use super::connect;
use super::support::TestDb;
use crate::store::{Store, StoreError};
use sqlx::{Connection, PgConnection};
use std::time::Duration;

/// Ends every session of the test's connections and waits until the server has closed them.
async fn end_sessions(db: &TestDb) {
    assert!(db.kill_connections().await > 0, "no connection to end");
    let mut conn = PgConnection::connect(db.base_url()).await.unwrap();
    for _ in 0..500 {
        let left: i64 =
            sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1")
                .bind(db.schema())
                .fetch_one(&mut conn)
                .await
                .unwrap();
        if left == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the killed sessions did not end");
}

fn ended_by_the_server(error: &StoreError) -> bool {
    matches!(error, StoreError::Database(sqlx::Error::Database(error))
        if error.code().as_deref() == Some("57P01"))
}

#[tokio::test]
async fn a_callers_statement_survives_ended_sessions_and_the_runtimes_fails_once() {
    let Some(db) = TestDb::new().await else {
        return;
    };
    let store = connect(&db.url(), None).await.unwrap();
    store.migrate().await.unwrap();

    end_sessions(&db).await;
    let error = store.stage(None, false).await.unwrap_err();
    assert!(ended_by_the_server(&error), "{error}");
    // Each dead connection fails one statement and is dropped; then the stage goes through.
    let mut staged = store.stage(None, false).await;
    for _ in 0..20 {
        if staged.is_ok() {
            break;
        }
        staged = store.stage(None, false).await;
    }
    assert_eq!(staged.unwrap().queues, Vec::<String>::new());

    end_sessions(&db).await;
    assert!(store.get(1).await.unwrap().is_none());
}
