//! `PubSub`: topics, subscribers and broadcasts (Phoenix.PubSub), on a duplicate registry.
//!
//! Subscribing registers the calling process under the topic in a duplicate-key
//! [`Registry`](crate::Registry), as Phoenix.PubSub does; a subscriber that exits is dropped
//! with its registry entries. A broadcast sends the message to each subscriber as an info
//! message of the published type: a `#[handle_info]` handler of that type receives it. The
//! message is cloned once per subscriber, so a large payload goes behind an `Arc` (one
//! reference count per subscriber, never a copy of the payload).
//!
//! What `broadcast` reaches beyond this node is the adapter's: a [`PubSubRef`] is
//! `PubSubRef<LocalPubSub>` by default, whose `broadcast` and `local_broadcast` both reach this
//! node's subscribers only; [`PubSubRef::with_adapter`] gives the same PubSub an adapter that
//! also carries `broadcast` and `broadcast_from` to other nodes (see
//! [`PubSubAdapter`](crate::PubSubAdapter)), without changing the code that subscribes and
//! publishes.

use std::sync::Arc;

use crate::pubsub_adapter::{Broadcast, LocalPubSub};
use crate::registry::{Duplicate, Registry, RegistryError, RegistryOptions, RegistryRef};
use crate::{Child, ChildSpec, ChildType, Pid, StartError};

/// The child type of a PubSub in a supervision tree: `PubSub(name = "pubsub")`.
///
/// ```
/// use std::sync::Arc;
/// use otp_core::prelude::*;
/// use otp_core::{PubSub, PubSubOptions};
///
/// #[derive(Clone, Debug)]
/// struct Chat(Arc<str>);
///
/// struct Listener { heard: Vec<String> }
///
/// #[genserver]
/// impl Listener {
///     #[init]
///     fn init(pubsub: otp_core::PubSubRef) -> Result<Self, InitError> {
///         pubsub.subscribe("lobby")?;
///         Ok(Listener { heard: Vec::new() })
///     }
///
///     #[handle_info]
///     fn chat(&mut self, chat: Chat) { self.heard.push(chat.0.to_string()); }
///
///     #[handle_call]
///     fn heard(&mut self) -> Vec<String> { self.heard.clone() }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pubsub = PubSub::start_link(PubSubOptions::default()).await?;
/// let listener = Listener::start(pubsub.clone()).await?;
/// pubsub.broadcast("lobby", Chat("hello".into()));
/// pubsub.broadcast("elsewhere", Chat("unheard".into()));
/// assert_eq!(listener.heard().await?, vec!["hello".to_owned()]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct PubSub;

/// How to start a [`PubSub`]: its name and partition count.
#[derive(Clone, Debug)]
pub struct PubSubOptions {
    registry: RegistryOptions<String, (), Duplicate>,
}

impl Default for PubSubOptions {
    fn default() -> Self {
        PubSubOptions {
            registry: Registry::<String, (), Duplicate>::duplicate(),
        }
    }
}

impl PubSubOptions {
    /// Registers the PubSub under `name` (`{Phoenix.PubSub, name: MyApp.PubSub}`).
    #[must_use]
    pub fn name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.registry = self.registry.name(name);
        self
    }

    /// Splits the subscriptions into this many partitions (default 1).
    #[must_use]
    pub fn partitions(mut self, partitions: usize) -> Self {
        self.registry = self.registry.partitions(partitions);
        self
    }
}

impl PubSub {
    /// Starts a PubSub linked to the calling process.
    pub async fn start_link(options: PubSubOptions) -> Result<PubSubRef, StartError> {
        let registry = options.registry.start_link().await?;
        Ok(PubSubRef::local(registry))
    }

    /// Starts a PubSub without a link.
    pub async fn start(options: PubSubOptions) -> Result<PubSubRef, StartError> {
        let registry = options.registry.start().await?;
        Ok(PubSubRef::local(registry))
    }
}

#[diagnostic::do_not_recommend]
impl Child for PubSub {
    type Args = PubSubOptions;
    type Handle = PubSubRef;

    fn child_spec(options: PubSubOptions) -> ChildSpec {
        Registry::<String, (), Duplicate>::child_spec(options.registry)
            .with_id("PubSub")
            .with_child_type(ChildType::Supervisor)
    }

    fn handle(pid: &Pid) -> Option<PubSubRef> {
        RegistryRef::from_pid(pid).map(PubSubRef::local)
    }
}

/// A running PubSub: subscribe the calling process, broadcast to a topic. `A` is its adapter,
/// [`LocalPubSub`] unless [`with_adapter`](Self::with_adapter) gave it another.
#[derive(Clone, Debug)]
pub struct PubSubRef<A = LocalPubSub> {
    registry: RegistryRef<String, (), Duplicate>,
    adapter: A,
}

impl PubSubRef {
    fn local(registry: RegistryRef<String, (), Duplicate>) -> Self {
        PubSubRef {
            registry,
            adapter: LocalPubSub,
        }
    }

    /// The PubSub registered under `name`.
    #[must_use]
    pub fn named(name: &str) -> Option<Self> {
        RegistryRef::named(name).map(PubSubRef::local)
    }
}

impl<A: Clone + Send + Sync + 'static> PubSubRef<A> {
    /// This PubSub with `adapter`: `broadcast` and `broadcast_from` go on to other nodes through
    /// it (see [`PubSubAdapter`](crate::PubSubAdapter)). The subscriptions are the PubSub's,
    /// shared by every handle.
    #[must_use]
    pub fn with_adapter<B: Clone + Send + Sync + 'static>(self, adapter: B) -> PubSubRef<B> {
        PubSubRef {
            registry: self.registry,
            adapter,
        }
    }

    /// The adapter.
    #[must_use]
    pub fn adapter(&self) -> &A {
        &self.adapter
    }

    /// This PubSub with the local adapter: its broadcasts reach this node's subscribers only.
    #[must_use]
    pub fn to_local(&self) -> PubSubRef {
        PubSubRef::local(self.registry.clone())
    }

    /// The PubSub's pid.
    #[must_use]
    pub fn pid(&self) -> Pid {
        self.registry.pid()
    }

    /// Subscribes the calling process to `topic`: it receives the topic's broadcasts as info
    /// messages until it unsubscribes or exits.
    pub fn subscribe(&self, topic: impl Into<String>) -> Result<(), RegistryError> {
        self.registry.register(topic.into(), ())
    }

    /// Unsubscribes the calling process from `topic`.
    pub fn unsubscribe(&self, topic: &str) {
        self.registry.unregister(topic);
    }

    /// Sends `message` to every subscriber of `topic`; returns how many it reached on this node.
    /// With an adapter that reaches other nodes, it goes to their subscribers too (a message
    /// type the adapter cannot carry does not compile: see [`Broadcast`]).
    pub fn broadcast<M: Clone + Send + 'static + Broadcast<A>>(
        &self,
        topic: &str,
        message: M,
    ) -> usize {
        message.forward(&self.adapter, topic);
        self.send_to(topic, None, message)
    }

    /// Sends `message` to every subscriber of `topic` but `from` (usually the caller); returns
    /// how many it reached on this node. Like [`broadcast`](Self::broadcast), it reaches other
    /// nodes through the adapter.
    pub fn broadcast_from<M: Clone + Send + 'static + Broadcast<A>>(
        &self,
        from: &Pid,
        topic: &str,
        message: M,
    ) -> usize {
        message.forward(&self.adapter, topic);
        self.send_to(topic, Some(from), message)
    }

    /// Sends `message` to the subscribers of `topic` on this node only, whatever the adapter;
    /// with the local adapter, the same as [`broadcast`](Self::broadcast).
    pub fn local_broadcast<M: Clone + Send + 'static>(&self, topic: &str, message: M) -> usize {
        self.send_to(topic, None, message)
    }

    /// The number of subscribers of `topic` on this node.
    #[must_use]
    pub fn subscribers(&self, topic: &str) -> usize {
        self.registry.lookup(topic).len()
    }

    /// Every subscription on this node: each topic with a process subscribed to it. An adapter
    /// reads it to tell subscribers what they may have missed.
    #[must_use]
    pub fn subscriptions(&self) -> Vec<(String, Pid)> {
        self.registry
            .select(|_, _, ()| true)
            .into_iter()
            .map(|(topic, pid, ())| (topic, pid))
            .collect()
    }

    fn send_to<M: Clone + Send + 'static>(
        &self,
        topic: &str,
        skip: Option<&Pid>,
        message: M,
    ) -> usize {
        let mut reached = 0;
        self.registry.dispatch(topic, |subscribers| {
            for (pid, ()) in subscribers {
                if Some(pid) != skip {
                    pid.send(message.clone());
                    reached += 1;
                }
            }
        });
        reached
    }
}
