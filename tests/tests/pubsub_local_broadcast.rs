//! local_broadcast: with the local adapter, the same as broadcast: each subscriber of the
//! topic once, by type, others not; the return value counts them.

use otp_core::prelude::*;
use otp_core::{PubSub, PubSubOptions, PubSubRef, RegistryError};

#[derive(Clone, Debug, PartialEq)]
struct Chat(String);

#[derive(Clone, Debug, PartialEq)]
struct Alert(u32);

/// Subscribes in its init; records what it hears, by type.
struct Subscriber {
    pubsub: PubSubRef,
    chats: Vec<Chat>,
    alerts: Vec<Alert>,
    others: usize,
}

#[genserver]
impl Subscriber {
    #[init]
    fn init(args: (PubSubRef, Vec<&'static str>)) -> Result<Self, InitError> {
        let (pubsub, topics) = args;
        for topic in topics {
            pubsub.subscribe(topic)?;
        }
        Ok(Subscriber {
            pubsub,
            chats: Vec::new(),
            alerts: Vec::new(),
            others: 0,
        })
    }

    #[handle_call]
    fn subscribe(&mut self, topic: String) -> Result<(), RegistryError> {
        self.pubsub.subscribe(topic)
    }

    #[handle_call]
    fn unsubscribe(&mut self, topic: String) {
        self.pubsub.unsubscribe(&topic);
    }

    /// What it heard so far: the calls come after the broadcasts in its mailbox.
    #[handle_call]
    fn heard(&mut self) -> (Vec<Chat>, Vec<Alert>, usize) {
        (self.chats.clone(), self.alerts.clone(), self.others)
    }

    #[handle_info]
    fn chat(&mut self, chat: Chat) {
        self.chats.push(chat);
    }

    #[handle_info]
    fn alert(&mut self, alert: Alert) {
        self.alerts.push(alert);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {
        self.others += 1;
    }
}

fn chats(texts: &[&str]) -> Vec<Chat> {
    texts.iter().map(|text| Chat((*text).to_owned())).collect()
}

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
