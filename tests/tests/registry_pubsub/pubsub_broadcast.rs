//! broadcast: every subscriber of the topic gets the message once, as an info message of the
//! published type (its typed `#[handle_info]` handles it); subscribers of other topics get
//! nothing; the return value is the number reached; messages keep their order.

use otp_behaviour_tests::pubsub::{Alert, Chat, Subscriber, chats};
use otp_core::prelude::*;
use otp_core::{PubSub, PubSubOptions, PubSubRef, RegistryError};

#[tokio::test]
async fn each_subscriber_gets_each_broadcast_once_by_its_type() {
    let pubsub = PubSub::start(PubSubOptions::default().partitions(4))
        .await
        .unwrap();
    let mut lobby = Vec::new();
    for _ in 0..5 {
        lobby.push(
            Subscriber::start((pubsub.clone(), vec!["lobby"]))
                .await
                .unwrap(),
        );
    }
    let kitchen = Subscriber::start((pubsub.clone(), vec!["kitchen"]))
        .await
        .unwrap();
    let both = Subscriber::start((pubsub.clone(), vec!["lobby", "kitchen"]))
        .await
        .unwrap();
    let nowhere = Subscriber::start((pubsub.clone(), vec![])).await.unwrap();

    assert_eq!(pubsub.broadcast("lobby", Chat("hello".into())), 6);
    assert_eq!(pubsub.broadcast("lobby", Alert(1)), 6);
    assert_eq!(pubsub.broadcast("kitchen", Chat("soup".into())), 2);
    assert_eq!(pubsub.broadcast("lobby", Chat("bye".into())), 6);
    assert_eq!(pubsub.broadcast("attic", Chat("nobody".into())), 0);
    // A type with no handler of its own goes to the catch-all.
    assert_eq!(pubsub.broadcast("kitchen", 42u64), 2);

    for subscriber in &lobby {
        assert_eq!(
            subscriber.heard().await.unwrap(),
            (chats(&["hello", "bye"]), vec![Alert(1)], 0)
        );
    }
    assert_eq!(
        kitchen.heard().await.unwrap(),
        (chats(&["soup"]), vec![], 1)
    );
    assert_eq!(
        both.heard().await.unwrap(),
        (chats(&["hello", "soup", "bye"]), vec![Alert(1)], 1)
    );
    assert_eq!(nowhere.heard().await.unwrap(), (vec![], vec![], 0));
}

/// A process that publishes from inside its handler, to a topic it also subscribes to.
struct Publisher {
    pubsub: PubSubRef,
    heard: Vec<Chat>,
}

#[genserver]
impl Publisher {
    #[init]
    fn init(pubsub: PubSubRef) -> Result<Self, RegistryError> {
        pubsub.subscribe("lobby")?;
        Ok(Publisher {
            pubsub,
            heard: Vec::new(),
        })
    }

    #[handle_call]
    fn publish(&mut self, text: String) -> usize {
        self.pubsub.broadcast("lobby", Chat(text))
    }

    #[handle_call]
    fn heard(&mut self) -> Vec<Chat> {
        self.heard.clone()
    }

    #[handle_info]
    fn chat(&mut self, chat: Chat) {
        self.heard.push(chat);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn a_broadcast_from_a_subscriber_reaches_it_too() {
    let pubsub = PubSub::start(PubSubOptions::default()).await.unwrap();
    let publisher = Publisher::start(pubsub.clone()).await.unwrap();
    let listener = Subscriber::start((pubsub.clone(), vec!["lobby"]))
        .await
        .unwrap();
    assert_eq!(publisher.publish("one".into()).await.unwrap(), 2);
    assert_eq!(publisher.publish("two".into()).await.unwrap(), 2);
    assert_eq!(publisher.heard().await.unwrap(), chats(&["one", "two"]));
    assert_eq!(
        listener.heard().await.unwrap(),
        (chats(&["one", "two"]), vec![], 0)
    );
}
