//! A PubSub in a tree (`PubSub(name = ...)`, the Elixir OTP guide's `{Phoenix.PubSub, name:
//! MyApp.PubSub}`): found by its name; killed, it is restarted empty under the same name, and
//! the handle of the old one reaches no one.

use otp_behaviour_tests::pubsub::{Chat, Subscriber, chats};
use otp_core::prelude::*;
use otp_core::{PubSub, PubSubRef, RegistryError, supervisor};

#[tokio::test]
async fn a_supervised_pubsub_is_found_by_name_and_restarted_empty() {
    let sup = supervisor! {
        strategy: one_for_one,
        children: [PubSub(name = "tree-pubsub", partitions = 2)],
    }
    .start()
    .await
    .unwrap();
    let pubsub = PubSubRef::named("tree-pubsub").expect("started under its name");
    assert_eq!(sup.child_pid("PubSub").await.unwrap(), Some(pubsub.pid()));
    let alice = Subscriber::start((pubsub.clone(), vec!["lobby"]))
        .await
        .unwrap();
    assert_eq!(pubsub.broadcast("lobby", Chat("first".into())), 1);

    pubsub.pid().kill();
    pubsub.pid().wait_exit().await;
    sup.count_children().await.unwrap();
    let restarted = PubSubRef::named("tree-pubsub").expect("restarted under its name");
    assert_ne!(restarted.pid(), pubsub.pid());
    assert_eq!(restarted.subscribers("lobby"), 0);
    assert_eq!(pubsub.subscribers("lobby"), 0);
    assert_eq!(pubsub.broadcast("lobby", Chat("lost".into())), 0);
    assert!(alice.is_alive(), "subscribers are not linked to the PubSub");
    // alice's handle is the old PubSub's: subscribing through it says it is closed.
    let subscribe = alice.subscribe("lobby".into());
    assert_eq!(
        subscribe.await.unwrap(),
        Err(RegistryError::Closed),
        "the old handle is closed"
    );
    assert_eq!(restarted.broadcast("lobby", Chat("new".into())), 0);
    assert_eq!(alice.heard().await.unwrap(), (chats(&["first"]), vec![], 0));
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert!(PubSubRef::named("tree-pubsub").is_none());
}
