//! broadcast_from(from, topic, msg): every subscriber of the topic but `from` gets the message;
//! the return value counts them. A `from` that is no subscriber skips no one.

use otp_behaviour_tests::pubsub::{Alert, Chat, Subscriber, chats};
use otp_core::prelude::*;
use otp_core::{PubSub, PubSubOptions, PubSubRef, RegistryError};

/// Publishes with `broadcast_from` its own pid from inside its handler.
struct Speaker {
    pubsub: PubSubRef,
    heard: Vec<Chat>,
}

#[genserver]
impl Speaker {
    #[init]
    fn init(pubsub: PubSubRef) -> Result<Self, RegistryError> {
        pubsub.subscribe("lobby")?;
        Ok(Speaker {
            pubsub,
            heard: Vec::new(),
        })
    }

    #[handle_call]
    fn say(&mut self, text: String, ctx: &mut Context<Self>) -> usize {
        self.pubsub.broadcast_from(ctx.pid(), "lobby", Chat(text))
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
async fn broadcast_from_skips_the_sender() {
    let pubsub = PubSub::start(PubSubOptions::default()).await.unwrap();
    let speaker = Speaker::start(pubsub.clone()).await.unwrap();
    let alice = Subscriber::start((pubsub.clone(), vec!["lobby"]))
        .await
        .unwrap();
    let bob = Subscriber::start((pubsub.clone(), vec!["lobby"]))
        .await
        .unwrap();
    assert_eq!(pubsub.subscribers("lobby"), 3);
    assert_eq!(speaker.say("hi all".into()).await.unwrap(), 2);
    assert!(speaker.heard().await.unwrap().is_empty());
    assert_eq!(
        alice.heard().await.unwrap(),
        (chats(&["hi all"]), vec![], 0)
    );
    assert_eq!(bob.heard().await.unwrap(), (chats(&["hi all"]), vec![], 0));

    // From outside, on behalf of alice: all but alice, the speaker included.
    assert_eq!(pubsub.broadcast_from(&alice.pid(), "lobby", Alert(7)), 2);
    assert_eq!(
        alice.heard().await.unwrap(),
        (chats(&["hi all"]), vec![], 0)
    );
    assert_eq!(
        bob.heard().await.unwrap(),
        (chats(&["hi all"]), vec![Alert(7)], 0)
    );
    assert_eq!(speaker.heard().await.unwrap(), vec![]);
}

#[tokio::test]
async fn broadcast_from_a_non_subscriber_reaches_everyone() {
    let pubsub = PubSub::start(PubSubOptions::default()).await.unwrap();
    let alice = Subscriber::start((pubsub.clone(), vec!["lobby"]))
        .await
        .unwrap();
    let outsider = Subscriber::start((pubsub.clone(), vec!["kitchen"]))
        .await
        .unwrap();
    assert_eq!(
        pubsub.broadcast_from(&outsider.pid(), "lobby", Chat("hello".into())),
        1
    );
    assert_eq!(alice.heard().await.unwrap(), (chats(&["hello"]), vec![], 0));
    assert_eq!(outsider.heard().await.unwrap(), (vec![], vec![], 0));
}
