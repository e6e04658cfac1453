//! local_broadcast: with the local adapter, the same as broadcast: each subscriber of the
//! topic once, by type, others not; the return value counts them.

use otp_behaviour_tests::pubsub::{Alert, Chat, Subscriber, chats};
use otp_core::{PubSub, PubSubOptions};

#[tokio::test]
async fn local_broadcast_reaches_each_local_subscriber_once() {
    let pubsub = PubSub::start(PubSubOptions::default()).await.unwrap();
    let alice = Subscriber::start((pubsub.clone(), vec!["lobby"]))
        .await
        .unwrap();
    let bob = Subscriber::start((pubsub.clone(), vec!["lobby", "kitchen"]))
        .await
        .unwrap();
    let carol = Subscriber::start((pubsub.clone(), vec!["kitchen"]))
        .await
        .unwrap();
    assert_eq!(pubsub.local_broadcast("lobby", Chat("local".into())), 2);
    assert_eq!(pubsub.local_broadcast("kitchen", Alert(3)), 2);
    assert_eq!(pubsub.local_broadcast("attic", Alert(4)), 0);
    assert_eq!(alice.heard().await.unwrap(), (chats(&["local"]), vec![], 0));
    assert_eq!(
        bob.heard().await.unwrap(),
        (chats(&["local"]), vec![Alert(3)], 0)
    );
    assert_eq!(carol.heard().await.unwrap(), (vec![], vec![Alert(3)], 0));
    // The same as broadcast, message for message.
    assert_eq!(pubsub.broadcast("lobby", Chat("global".into())), 2);
    assert_eq!(
        alice.heard().await.unwrap(),
        (chats(&["local", "global"]), vec![], 0)
    );
}
