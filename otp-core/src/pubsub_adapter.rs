//! The adapter seam of [`PubSub`](crate::PubSub) (`Phoenix.PubSub.Adapter`): how a broadcast
//! reaches the subscribers of other nodes.
//!
//! A [`PubSubRef<A>`](crate::PubSubRef) delivers every broadcast to this node's subscribers
//! itself, then hands `broadcast` and `broadcast_from` (never `local_broadcast`) to its adapter
//! `A`. The default adapter, [`LocalPubSub`], does nothing with it: a PubSub that stays on one
//! node, whose broadcast compiles down to the local delivery alone. A cluster adapter (the
//! `otp-cluster` crate's PostgreSQL one) sends the message to the other nodes, which deliver it
//! to their own subscribers with [`local_broadcast`](crate::PubSubRef::local_broadcast).
//!
//! What may cross nodes is the adapter's to say, at compile time: it implements
//! [`PubSubAdapter<M>`] for the message types it can carry (a serializing adapter, for the
//! types that serialize), and a broadcast of any other type does not compile.

/// An adapter that carries broadcasts of `M` to other nodes.
///
/// `broadcast` is called after this node's subscribers were sent the message; it must not
/// block (queue the message and send it from a task of the adapter's own). Implement it for
/// the message types the adapter can carry, usually with a blanket impl over a bound:
///
/// ```
/// use otp_core::{PubSub, PubSubAdapter, PubSubOptions};
/// use std::sync::{Arc, Mutex};
///
/// /// Records what would leave the node: an adapter for messages that are strings.
/// #[derive(Clone, Default)]
/// struct Recorder(Arc<Mutex<Vec<(String, String)>>>);
///
/// impl<M: AsRef<str>> PubSubAdapter<M> for Recorder {
///     fn broadcast(&self, topic: &str, message: &M) {
///         let sent = (topic.to_owned(), message.as_ref().to_owned());
///         self.0.lock().unwrap().push(sent);
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let recorder = Recorder::default();
/// let pubsub = PubSub::start_link(PubSubOptions::default())
///     .await?
///     .with_adapter(recorder.clone());
/// pubsub.broadcast("lobby", "hello".to_owned());
/// pubsub.local_broadcast("lobby", "stays here".to_owned());
/// assert_eq!(*recorder.0.lock().unwrap(), [("lobby".to_owned(), "hello".to_owned())]);
/// # Ok(())
/// # }
/// ```
pub trait PubSubAdapter<M>: Clone + Send + Sync + 'static {
    /// Sends `message`, broadcast on `topic`, to the subscribers of the other nodes.
    fn broadcast(&self, topic: &str, message: &M);
}

/// The adapter of a PubSub that stays on this node (the default): `broadcast` reaches this
/// node's subscribers, as `local_broadcast` does, and any `Clone + Send` type may be sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LocalPubSub;

impl<M> PubSubAdapter<M> for LocalPubSub {
    #[inline]
    fn broadcast(&self, _topic: &str, _message: &M) {}
}

/// A message that a broadcast through adapter `A` may carry: every `M` for which
/// `A: PubSubAdapter<M>`. It exists to say so clearly when a message cannot cross nodes.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be broadcast to other nodes through `{A}`",
    label = "this message cannot cross nodes",
    note = "`broadcast` and `broadcast_from` on a cluster PubSub send the message to the other nodes, serialized: derive `serde::Serialize` and `serde::Deserialize` for `{Self}`, or keep it on this node with `local_broadcast`"
)]
pub trait Broadcast<A> {
    /// Hands the message to the adapter.
    fn forward(&self, adapter: &A, topic: &str);
}

impl<M, A: PubSubAdapter<M>> Broadcast<A> for M {
    #[inline]
    fn forward(&self, adapter: &A, topic: &str) {
        adapter.broadcast(topic, self);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use crate::{PubSub, PubSubAdapter, PubSubOptions};

    /// Records what an adapter is handed.
    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<(String, u32)>>>);

    impl PubSubAdapter<u32> for Recorder {
        fn broadcast(&self, topic: &str, message: &u32) {
            self.0.lock().unwrap().push((topic.to_owned(), *message));
        }
    }

    #[tokio::test]
    async fn the_adapter_gets_broadcasts_but_not_local_broadcasts() {
        let recorder = Recorder::default();
        let pubsub = PubSub::start(PubSubOptions::default())
            .await
            .unwrap()
            .with_adapter(recorder.clone());
        let anyone = pubsub.pid();
        pubsub.broadcast("t", 1_u32);
        pubsub.broadcast_from(&anyone, "t", 2_u32);
        pubsub.local_broadcast("t", 3_u32);
        pubsub.to_local().broadcast("t", 4_u32);
        assert_eq!(
            *recorder.0.lock().unwrap(),
            [("t".to_owned(), 1), ("t".to_owned(), 2)]
        );
    }

    #[tokio::test]
    async fn subscriptions_list_each_topic_and_subscriber() {
        let pubsub = PubSub::start(PubSubOptions::default()).await.unwrap();
        assert!(pubsub.subscriptions().is_empty());
        let subscriber = crate::Agent::start_link(|| ()).await.unwrap();
        let for_agent = pubsub.clone();
        subscriber
            .update(move |()| {
                for_agent.subscribe("a").unwrap();
                for_agent.subscribe("b").unwrap();
            })
            .await
            .unwrap();
        let mut subscriptions = pubsub.subscriptions();
        subscriptions.sort_by(|x, y| x.0.cmp(&y.0));
        assert_eq!(
            subscriptions,
            [
                ("a".to_owned(), subscriber.pid()),
                ("b".to_owned(), subscriber.pid())
            ]
        );
    }
}
