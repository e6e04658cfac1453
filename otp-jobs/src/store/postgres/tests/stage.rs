//! The stager's statement, run on every node, finds the due jobs by searching
//! their index by time, under the plan PostgreSQL keeps for a statement it runs often (the
//! generic one): a job that waits for its time is not read on each round, and the next due time
//! is one entry of that index.

use super::{stage_sql, store};

#[tokio::test]
async fn the_stager_searches_due_jobs_by_time_under_a_generic_plan() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let mut conn = store.pool().acquire().await.unwrap();
    // Without a sequential scan to fall back on, the plan shows whether the index is searched
    // by time (an index condition) or only read whole (a filter).
    sqlx::raw_sql("SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off")
        .execute(&mut *conn)
        .await
        .unwrap();
    for (name, in_queue, params, args) in [
        ("stage_all", false, "", ""),
        ("stage_one", true, "(text)", "('q')"),
    ] {
        let prepare = format!("PREPARE {name}{params} AS {}", stage_sql(in_queue, false));
        sqlx::raw_sql(&prepare).execute(&mut *conn).await.unwrap();
        let plan: Vec<String> = sqlx::query_scalar(&format!("EXPLAIN EXECUTE {name}{args}"))
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        let plan = plan.join("\n");
        assert!(
            plan.contains("otp_jobs_stage") && plan.contains("Index Cond: (scheduled_at <= now())"),
            "{plan}"
        );
        // The next due time: the first entry of the same index past now.
        assert!(
            plan.lines()
                .any(|line| line.contains("Index Cond:") && line.contains("(scheduled_at > now())")),
            "{plan}"
        );
    }
}
