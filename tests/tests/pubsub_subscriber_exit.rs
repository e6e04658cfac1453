//! Subscribers that exit are dropped: the subscriber count goes down at once (however they
//! exit), broadcasts no longer count them, and the others still hear everything.

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
