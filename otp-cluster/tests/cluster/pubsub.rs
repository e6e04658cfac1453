//! The cluster PubSub: broadcasts across nodes, local broadcasts, order, large payloads.

use std::time::Duration;

use otp_cluster::Cluster;

use crate::support::{Chat, Event, Numbered, config, fresh_schema, next_matching, probe};

const WAIT: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_reaches_other_nodes_and_local_broadcast_stays() {
    let schema = fresh_schema("pubsub_reach").await;
    let a = Cluster::start(config(&schema, "a", 1000))
        .await
        .expect("a joined");
    let b = Cluster::start(config(&schema, "b", 1000))
        .await
        .expect("b joined");
    let (on_a, mut heard_a) = probe().await;
    let (on_b, mut heard_b) = probe().await;
    assert!(
        on_a.subscribe(a.pubsub(), "lobby".into())
            .await
            .expect("subscribed")
    );
    assert!(
        on_b.subscribe(b.pubsub(), "lobby".into())
            .await
            .expect("subscribed")
    );

    assert_eq!(
        a.pubsub().local_broadcast("lobby", Chat("only a".into())),
        1
    );
    assert_eq!(a.pubsub().broadcast("lobby", Chat("everyone".into())), 1);
    assert_eq!(
        next_matching(&mut heard_b, WAIT, |_| true).await,
        Some(Event::Chat("everyone".into())),
        "b hears a's broadcast, and not a's local broadcast (it would have come first)"
    );
    assert_eq!(
        next_matching(&mut heard_a, WAIT, |_| true).await,
        Some(Event::Chat("only a".into()))
    );
    assert_eq!(
        next_matching(&mut heard_a, WAIT, |_| true).await,
        Some(Event::Chat("everyone".into())),
        "a's own broadcast reaches a's subscriber once"
    );

    // broadcast_from skips the sender, here and on the other nodes there is none to skip.
    assert_eq!(
        a.pubsub()
            .broadcast_from(&on_a.pid(), "lobby", Chat("from a".into())),
        0
    );
    assert_eq!(
        next_matching(&mut heard_b, WAIT, |_| true).await,
        Some(Event::Chat("from a".into()))
    );
    b.pubsub().broadcast("lobby", Chat("back".into()));
    assert_eq!(
        next_matching(&mut heard_a, WAIT, |_| true).await,
        Some(Event::Chat("back".into()))
    );
    assert!(
        tokio::time::timeout(Duration::from_millis(300), heard_a.recv())
            .await
            .is_err(),
        "a's subscriber got nothing twice"
    );
    a.stop().await.expect("stopped");
    b.stop().await.expect("stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_from_one_publisher_arrive_in_order() {
    let schema = fresh_schema("pubsub_order").await;
    let a = Cluster::start(config(&schema, "a", 1000))
        .await
        .expect("a joined");
    let b = Cluster::start(config(&schema, "b", 1000))
        .await
        .expect("b joined");
    let (on_b, mut heard) = probe().await;
    assert!(
        on_b.subscribe(b.pubsub(), "numbers".into())
            .await
            .expect("subscribed")
    );
    for n in 1..=2_000 {
        a.pubsub().broadcast(
            "numbers",
            Numbered {
                from: "a".into(),
                n,
            },
        );
    }
    for expected in 1..=2_000 {
        match next_matching(&mut heard, WAIT, |_| true).await {
            Some(Event::Numbered(Numbered { n, .. })) => assert_eq!(n, expected),
            other => panic!("expected message {expected}, got {other:?}"),
        }
    }
    a.stop().await.expect("stopped");
    b.stop().await.expect("stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payloads_over_the_notify_limit_go_through_the_table() {
    let schema = fresh_schema("pubsub_large").await;
    let a = Cluster::start(config(&schema, "a", 1000))
        .await
        .expect("a joined");
    let b = Cluster::start(config(&schema, "b", 1000))
        .await
        .expect("b joined");
    let (on_b, mut heard) = probe().await;
    assert!(
        on_b.subscribe(b.pubsub(), "big".into())
            .await
            .expect("subscribed")
    );
    let large = "x".repeat(100_000);
    a.pubsub().broadcast("big", Chat("small before".into()));
    a.pubsub().broadcast("big", Chat(large.clone()));
    a.pubsub().broadcast("big", Chat("small after".into()));
    assert_eq!(
        next_matching(&mut heard, WAIT, |_| true).await,
        Some(Event::Chat("small before".into()))
    );
    assert_eq!(
        next_matching(&mut heard, WAIT, |_| true).await,
        Some(Event::Chat(large))
    );
    assert_eq!(
        next_matching(&mut heard, WAIT, |_| true).await,
        Some(Event::Chat("small after".into()))
    );
    a.stop().await.expect("stopped");
    b.stop().await.expect("stopped");
}
