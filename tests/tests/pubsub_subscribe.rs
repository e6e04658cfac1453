//! subscribe / unsubscribe: a process subscribes itself (outside a process: `NotInProcess`),
//! hears the topic's broadcasts until it unsubscribes; `subscribers` counts; subscribing twice
//! is two subscriptions (two copies of each message), and unsubscribe ends both.

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
