//! The pubsub tests' `Subscriber`: it subscribes to its topics in its init, records the `Chat`
//! and `Alert` messages it hears (and counts the others), and subscribes or unsubscribes on
//! request.

use otp_core::prelude::*;
use otp_core::{PubSubRef, RegistryError};

#[derive(Clone, Debug, PartialEq)]
pub struct Chat(pub String);

#[derive(Clone, Debug, PartialEq)]
pub struct Alert(pub u32);

/// Subscribes in its init; records what it hears, by type.
pub struct Subscriber {
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

/// The chats of these texts, in order.
pub fn chats(texts: &[&str]) -> Vec<Chat> {
    texts.iter().map(|text| Chat((*text).to_owned())).collect()
}
