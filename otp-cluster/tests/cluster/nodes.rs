//! Nodes: joining, the list of live nodes, up/down events, names.

use std::time::Duration;

use otp_cluster::{Cluster, ClusterConfig};
use otp_core::StartError;

use crate::support::{Event, config, fresh_schema, next_matching, probe};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_list_each_other_and_monitors_hear_up_and_down() {
    let schema = fresh_schema("nodes_up_down").await;
    let a = Cluster::start(config(&schema, "a", 400))
        .await
        .expect("a joined");
    let (watcher, mut events) = probe().await;
    a.monitor_nodes(&watcher.pid());
    assert_eq!(a.node().as_str(), "a");
    assert!(a.nodes().is_empty());

    let b = Cluster::start(config(&schema, "b", 400))
        .await
        .expect("b joined");
    assert_eq!(
        b.nodes(),
        vec!["a".into()],
        "a node lists the live nodes as it joins"
    );
    let up = next_matching(&mut events, Duration::from_secs(3), |e| {
        matches!(e, Event::Up(_))
    })
    .await;
    assert_eq!(up, Some(Event::Up("b".into())));
    assert_eq!(a.nodes(), vec!["b".into()]);

    b.stop().await.expect("b stopped");
    let down = next_matching(&mut events, Duration::from_secs(3), |e| {
        matches!(e, Event::Down(_))
    })
    .await;
    assert_eq!(
        down,
        Some(Event::Down("b".into())),
        "a node that stops leaves at once"
    );
    assert!(a.nodes().is_empty());
    a.stop().await.expect("a stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_node_name_cannot_be_taken() {
    let schema = fresh_schema("name_taken").await;
    let first = Cluster::start(config(&schema, "same", 1000))
        .await
        .expect("joined");
    let second = Cluster::start(config(&schema, "same", 1000).name("cluster_same_2")).await;
    match second {
        Err(StartError::Init(reason)) => {
            assert!(
                reason.to_string().contains("held by another live node"),
                "{reason}"
            );
        }
        other => panic!("expected the name to be refused, got {other:?}"),
    }
    first.stop().await.expect("stopped");
    // Once the first has left, the name is free again.
    let again = Cluster::start(config(&schema, "same", 1000).name("cluster_same_3")).await;
    again
        .expect("the name is free once its node left")
        .stop()
        .await
        .expect("stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_node_name_is_used_when_none_is_given() {
    let schema = fresh_schema("generated_name").await;
    let config = ClusterConfig::new(crate::support::url())
        .schema(&schema)
        .name("cluster_generated");
    let cluster = Cluster::start(config).await.expect("joined");
    assert!(
        cluster.node().as_str().starts_with("node-"),
        "{}",
        cluster.node()
    );
    cluster.stop().await.expect("stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_configurations_are_refused_with_typed_errors() {
    let bad_schema = ClusterConfig::new(crate::support::url())
        .schema("Robert'); DROP TABLE students;--")
        .name("cluster_bad_schema");
    let short_lease = ClusterConfig::new(crate::support::url())
        .lease(Duration::from_millis(10))
        .name("cluster_short_lease");
    for (config, expected) in [
        (bad_schema, "invalid schema name"),
        (short_lease, "too short"),
    ] {
        match Cluster::start(config).await {
            Err(StartError::Init(reason)) => {
                assert!(reason.to_string().contains(expected), "{reason}");
            }
            other => panic!("expected {expected}, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_fails_the_start() {
    let config = ClusterConfig::new("postgres://postgres@127.0.0.1:1/none")
        .name("cluster_unreachable")
        .lease(Duration::from_millis(200));
    assert!(matches!(
        Cluster::start(config).await,
        Err(StartError::Init(_))
    ));
}
