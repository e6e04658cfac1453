//! subscribe / unsubscribe: a process subscribes itself (outside a process: `NotInProcess`),
//! hears the topic's broadcasts until it unsubscribes; `subscribers` counts; subscribing twice
//! is two subscriptions (two copies of each message), and unsubscribe ends both.

use otp_behaviour_tests::pubsub::{Chat, Subscriber, chats};
use otp_core::{PubSub, PubSubOptions, PubSubRef, RegistryError};

#[tokio::test]
async fn a_subscriber_hears_the_topic_until_it_unsubscribes() {
    let pubsub = PubSub::start(PubSubOptions::default().name("subscribe-pubsub"))
        .await
        .unwrap();
    assert_eq!(
        PubSubRef::named("subscribe-pubsub").map(|p| p.pid()),
        Some(pubsub.pid())
    );
    let alice = Subscriber::start((pubsub.clone(), vec![])).await.unwrap();
    assert_eq!(pubsub.subscribers("lobby"), 0);
    assert_eq!(pubsub.broadcast("lobby", Chat("before".into())), 0);
    alice.subscribe("lobby".into()).await.unwrap().unwrap();
    assert_eq!(pubsub.subscribers("lobby"), 1);
    assert_eq!(pubsub.broadcast("lobby", Chat("during".into())), 1);
    alice.unsubscribe("lobby".into()).await.unwrap();
    assert_eq!(pubsub.subscribers("lobby"), 0);
    assert_eq!(pubsub.broadcast("lobby", Chat("after".into())), 0);
    assert_eq!(
        alice.heard().await.unwrap(),
        (chats(&["during"]), vec![], 0)
    );
}

#[tokio::test]
async fn subscribing_twice_delivers_twice_until_unsubscribed() {
    let pubsub = PubSub::start(PubSubOptions::default()).await.unwrap();
    let alice = Subscriber::start((pubsub.clone(), vec!["lobby", "lobby"]))
        .await
        .unwrap();
    assert_eq!(pubsub.subscribers("lobby"), 2);
    assert_eq!(pubsub.broadcast("lobby", Chat("twice".into())), 2);
    alice.unsubscribe("lobby".into()).await.unwrap();
    assert_eq!(pubsub.subscribers("lobby"), 0);
    assert_eq!(pubsub.broadcast("lobby", Chat("never".into())), 0);
    assert_eq!(
        alice.heard().await.unwrap(),
        (chats(&["twice", "twice"]), vec![], 0)
    );
}

#[tokio::test]
async fn subscribe_outside_a_process_is_refused() {
    let pubsub = PubSub::start(PubSubOptions::default()).await.unwrap();
    assert_eq!(pubsub.subscribe("lobby"), Err(RegistryError::NotInProcess));
    assert_eq!(pubsub.subscribers("lobby"), 0);
    // Unsubscribing outside a process does nothing, and touches no one's subscription.
    let alice = Subscriber::start((pubsub.clone(), vec!["lobby"]))
        .await
        .unwrap();
    pubsub.unsubscribe("lobby");
    assert_eq!(pubsub.subscribers("lobby"), 1);
    assert_eq!(pubsub.broadcast("lobby", Chat("still".into())), 1);
    assert_eq!(alice.heard().await.unwrap(), (chats(&["still"]), vec![], 0));
}
