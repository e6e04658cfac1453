//! Subscribers that exit are dropped: the subscriber count goes down at once (however they
//! exit), broadcasts no longer count them, and the others still hear everything.

use otp_behaviour_tests::pubsub::{Alert, Chat, Subscriber, chats};
use otp_core::prelude::*;
use otp_core::{PubSub, PubSubOptions};

#[tokio::test]
async fn exited_subscribers_are_dropped() {
    let pubsub = PubSub::start(PubSubOptions::default()).await.unwrap();
    let mut subscribers = Vec::new();
    for _ in 0..5 {
        subscribers.push(
            Subscriber::start((pubsub.clone(), vec!["lobby", "kitchen"]))
                .await
                .unwrap(),
        );
    }
    assert_eq!(pubsub.subscribers("lobby"), 5);
    subscribers[0].stop(ExitReason::Normal).await.unwrap();
    assert_eq!(pubsub.subscribers("lobby"), 4);
    assert_eq!(pubsub.subscribers("kitchen"), 4);
    subscribers[1].pid().kill();
    subscribers[1].pid().wait_exit().await;
    assert_eq!(pubsub.subscribers("lobby"), 3);
    subscribers[2]
        .pid()
        .exit(ExitReason::ShutdownWith("left".into()));
    subscribers[2].pid().wait_exit().await;
    assert_eq!(pubsub.subscribers("lobby"), 2);
    assert_eq!(pubsub.subscribers("kitchen"), 2);
    // Only the two left are sent to.
    assert_eq!(pubsub.broadcast("lobby", Chat("who is here?".into())), 2);
    assert_eq!(
        pubsub.broadcast_from(&subscribers[3].pid(), "kitchen", Alert(1)),
        1
    );
    assert_eq!(
        subscribers[3].heard().await.unwrap(),
        (chats(&["who is here?"]), vec![], 0)
    );
    assert_eq!(
        subscribers[4].heard().await.unwrap(),
        (chats(&["who is here?"]), vec![Alert(1)], 0)
    );
    for subscriber in &subscribers[3..] {
        subscriber.stop(ExitReason::Normal).await.unwrap();
    }
    assert_eq!(pubsub.subscribers("lobby"), 0);
    assert_eq!(pubsub.broadcast("lobby", Chat("anyone?".into())), 0);
}
