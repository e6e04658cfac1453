//! `Registry`: processes found by key, with unique or duplicate keys (Elixir's `Registry`).
//!
//! The registry is a process, started under a supervisor like any other child, that owns its
//! entries. A process registers *itself* (`register` uses the calling process), and its entries
//! go when it exits, before any monitor or link hears of the exit, so no lookup made after a
//! `Down` returns the dead process. Lookups read the entries directly, under a read lock on one
//! partition, without a message to the registry.
//!
//! Unique and duplicate registries are different types (`Registry<K, V, Unique>` and
//! `Registry<K, V, Duplicate>`), so a via-name on a duplicate registry does not compile.
//!
//! # Dead processes
//!
//! A process is dead as soon as it is killed (see [`Pid::is_alive`]), a little before its
//! exit has run and removed its entries. In a unique registry, [`register`](RegistryRef::register)
//! treats a dead holder as gone and takes its key (as `Registry.register/3` does), so the
//! functions that find a key's process filter by liveness too, and agree with `register` at
//! every instant:
//!
//! | function | dead holders |
//! | --- | --- |
//! | `whereis` (unique only) | never returned, as Elixir's `whereis_name` (`Process.alive?`) |
//! | `lookup`, `match_values`, `dispatch` | never returned by a unique registry; a duplicate registry may still list, for a moment, a process just killed (as Elixir's do: sending to it does nothing) |
//! | `count`, `select`, `keys` | counted and listed until the exit has removed them, as Elixir's (`count` is the number of entries) |
//!
//! Liveness is checked per entry found, so a unique lookup costs one check; duplicate lookups,
//! which `PubSub` makes per broadcast, cost none.

mod server;
mod slot;
mod storage;

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::marker::PhantomData;
use std::sync::Arc;

use server::{RegistryServer, RegistryServerRef};
use storage::Storage;

use crate::{CallError, Child, ChildSpec, ChildType, GenServer, Pid, ServerRef, StartError};

/// The key kind of a registry whose keys are held by one process at a time.
#[derive(Clone, Copy, Debug, Default)]
pub struct Unique;

/// The key kind of a registry whose keys many processes hold at once (`:duplicate`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Duplicate;

/// Unique or duplicate keys, as a type.
pub trait KeyKind: Send + Sync + 'static {
    /// Whether a key is held by one process at a time.
    const UNIQUE: bool;
}

impl KeyKind for Unique {
    const UNIQUE: bool = true;
}

impl KeyKind for Duplicate {
    const UNIQUE: bool = false;
}

/// Why a registration failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// A live process holds the unique key (`{:error, {:already_registered, pid}}`).
    #[error("the key is already registered to {0}")]
    AlreadyRegistered(Pid),
    /// `register` was called outside any process: there is no process to register.
    #[error("register must be called from inside a process: it registers the calling process")]
    NotInProcess,
    /// The process to register has exited ([`NoProc`](crate::NoProc)).
    #[error("no such process")]
    NoProc,
    /// The registry has stopped.
    #[error("the registry has stopped")]
    Closed,
}

/// What a registry can be looked up by: its key type `K`, or any type `K` borrows as (`&str`
/// for `String` keys), as `HashMap::get` takes. Implemented for every such type; a bound, not
/// something to implement.
///
/// ```
/// use otp_core::RegistryKey;
///
/// fn takes_key<Q: RegistryKey<String> + ?Sized>(_key: &Q) {}
/// takes_key("lobby");
/// takes_key(&"lobby".to_owned());
/// ```
pub trait RegistryKey<K>: Hash + Eq {
    #[doc(hidden)]
    fn __get<'m, T>(&self, entries: &'m HashMap<K, T>) -> Option<&'m T>;
}

impl<K, Q> RegistryKey<K> for Q
where
    K: Borrow<Q> + Hash + Eq,
    Q: Hash + Eq + ?Sized,
{
    fn __get<'m, T>(&self, entries: &'m HashMap<K, T>) -> Option<&'m T> {
        entries.get(self)
    }
}

/// `?` turns a [`NoProc`](crate::NoProc) into [`RegistryError::NoProc`].
impl From<crate::NoProc> for RegistryError {
    fn from(_: crate::NoProc) -> Self {
        RegistryError::NoProc
    }
}

/// The type parameters of a registry, held without owning any value of them.
type Types<K, V, Kind> = PhantomData<fn() -> (K, V, Kind)>;

/// A registry's type: keys `K`, values `V`, and whether keys are [`Unique`] or [`Duplicate`].
///
/// ```
/// use otp_core::prelude::*;
/// use otp_core::{Registry, RegistryError, Unique};
///
/// struct Room;
///
/// #[genserver]
/// impl Room {
///     #[handle_call]
///     fn ping(&mut self) -> &'static str { "pong" }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let rooms = Registry::<String>::unique().name("docs-rooms").start_link().await?;
/// let lobby = Room::options().via(&rooms, "lobby".to_owned()).start(Room).await?;
/// let found: RoomRef = rooms.whereis::<Room>("lobby").expect("registered");
/// assert_eq!(found.ping().await?, "pong");
/// let again = Room::options().via(&rooms, "lobby".to_owned()).start(Room).await;
/// assert_eq!(again.err(), Some(StartError::AlreadyStarted(lobby.pid())));
/// # Ok(())
/// # }
/// ```
pub struct Registry<K, V = (), Kind = Unique> {
    types: Types<K, V, Kind>,
}

/// How to start a registry: its name and partition count.
pub struct RegistryOptions<K, V = (), Kind = Unique> {
    name: Option<Arc<str>>,
    partitions: usize,
    types: Types<K, V, Kind>,
}

impl<K, V, Kind> Clone for RegistryOptions<K, V, Kind> {
    fn clone(&self) -> Self {
        RegistryOptions {
            name: self.name.clone(),
            partitions: self.partitions,
            types: PhantomData,
        }
    }
}

impl<K, V, Kind> Default for RegistryOptions<K, V, Kind> {
    /// No name, one partition.
    fn default() -> Self {
        RegistryOptions {
            name: None,
            partitions: 1,
            types: PhantomData,
        }
    }
}

impl<K, V, Kind> std::fmt::Debug for RegistryOptions<K, V, Kind> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryOptions")
            .field("name", &self.name)
            .field("partitions", &self.partitions)
            .finish_non_exhaustive()
    }
}

impl<K, V> Registry<K, V, Unique> {
    /// Options for a registry of unique keys.
    #[must_use]
    pub fn unique() -> RegistryOptions<K, V, Unique> {
        RegistryOptions::default()
    }
}

impl<K, V> Registry<K, V, Duplicate> {
    /// Options for a registry of duplicate keys.
    #[must_use]
    pub fn duplicate() -> RegistryOptions<K, V, Duplicate> {
        RegistryOptions::default()
    }
}

impl<K, V, Kind> RegistryOptions<K, V, Kind>
where
    K: Eq + Hash + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
    Kind: KeyKind,
{
    /// Registers the registry process under `name`.
    #[must_use]
    pub fn name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Splits the entries into this many partitions (default 1), each with its own lock.
    #[must_use]
    pub fn partitions(mut self, partitions: usize) -> Self {
        self.partitions = partitions.max(1);
        self
    }

    /// Starts the registry linked to the calling process.
    pub async fn start_link(self) -> Result<RegistryRef<K, V, Kind>, StartError> {
        self.start_with(true).await
    }

    /// Starts the registry without a link.
    pub async fn start(self) -> Result<RegistryRef<K, V, Kind>, StartError> {
        self.start_with(false).await
    }

    async fn start_with(self, link: bool) -> Result<RegistryRef<K, V, Kind>, StartError> {
        let storage = Storage::new(Kind::UNIQUE, self.partitions);
        let attached: Arc<dyn std::any::Any + Send + Sync> = storage.clone();
        let state = RegistryServer {
            storage: storage.clone(),
        };
        let server = RegistryServer::<K, V>::options()
            .maybe_named(self.name.as_ref())
            .attach(attached)
            .start_maybe_linked(state, link)
            .await?;
        Ok(RegistryRef {
            server,
            storage,
            kind: PhantomData,
        })
    }
}

#[diagnostic::do_not_recommend]
impl<K, V, Kind> Child for Registry<K, V, Kind>
where
    K: Eq + Hash + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
    Kind: KeyKind,
{
    type Args = RegistryOptions<K, V, Kind>;
    type Handle = RegistryRef<K, V, Kind>;

    fn child_spec(options: RegistryOptions<K, V, Kind>) -> ChildSpec {
        ChildSpec::from_fn("Registry", move |name| {
            let mut options = options.clone();
            if let Some(name) = name {
                options.name = Some(name);
            }
            async move { options.start_link().await.map(|registry| registry.pid()) }
        })
        .with_child_type(ChildType::Supervisor)
    }

    fn handle(pid: &Pid) -> Option<Self::Handle> {
        RegistryRef::from_pid(pid)
    }
}

/// A running registry: register the calling process, look keys up.
pub struct RegistryRef<K, V = (), Kind = Unique>
where
    K: Eq + Hash + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    server: RegistryServerRef<K, V>,
    storage: Arc<Storage<K, V>>,
    kind: PhantomData<fn() -> Kind>,
}

impl<K, V, Kind> Clone for RegistryRef<K, V, Kind>
where
    K: Eq + Hash + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn clone(&self) -> Self {
        RegistryRef {
            server: self.server.clone(),
            storage: self.storage.clone(),
            kind: PhantomData,
        }
    }
}

impl<K, V, Kind> std::fmt::Debug for RegistryRef<K, V, Kind>
where
    K: Eq + Hash + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RegistryRef({})", self.server.pid())
    }
}

impl<K, V, Kind> RegistryRef<K, V, Kind>
where
    K: Eq + Hash + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
    Kind: KeyKind,
{
    /// The handle of the registry process with this pid, if it is a registry of these types.
    #[must_use]
    pub fn from_pid(pid: &Pid) -> Option<Self> {
        let server: RegistryServerRef<K, V> =
            ServerRef::<RegistryServer<K, V>>::from_pid(pid)?.into();
        let storage = pid
            .process()
            .cell()
            .attachment()?
            .clone()
            .downcast::<Storage<K, V>>()
            .ok()?;
        if storage.is_unique() != Kind::UNIQUE {
            return None;
        }
        Some(RegistryRef {
            server,
            storage,
            kind: PhantomData,
        })
    }

    /// The handle of the registry registered under `name`.
    #[must_use]
    pub fn named(name: &str) -> Option<Self> {
        Self::from_pid(&crate::whereis(name)?)
    }

    /// The registry's pid.
    #[must_use]
    pub fn pid(&self) -> Pid {
        self.server.pid()
    }

    /// Registers the calling process under `key` with `value` (`Registry.register/3`). In a
    /// unique registry a key held by a live process gives `AlreadyRegistered`.
    pub fn register(&self, key: K, value: V) -> Result<(), RegistryError> {
        let pid = crate::current_pid().ok_or(RegistryError::NotInProcess)?;
        self.storage.register(&pid, key, value)
    }

    /// Registers `pid` (not the caller) under `key`: for via-names, done before its init.
    pub(crate) fn register_pid(&self, pid: &Pid, key: K, value: V) -> Result<(), RegistryError> {
        self.storage.register(pid, key, value)
    }

    /// Removes the calling process's entries under `key` (`Registry.unregister/2`).
    pub fn unregister<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Some(pid) = crate::current_pid() {
            self.storage.unregister(&pid, key);
        }
    }

    /// The processes under `key` with their values, in no set order (`Registry.lookup/2`);
    /// in a unique registry, only a live one (see the module docs).
    #[must_use]
    pub fn lookup<Q>(&self, key: &Q) -> Vec<(Pid, V)>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.storage.lookup(key)
    }

    /// The entries under `key` whose value satisfies `keep` (`Registry.match/3`); in a unique
    /// registry, only a live one's.
    #[must_use]
    pub fn match_values<Q>(&self, key: &Q, mut keep: impl FnMut(&V) -> bool) -> Vec<(Pid, V)>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let mut entries = self.storage.lookup(key);
        entries.retain(|(_, value)| keep(value));
        entries
    }

    /// Every entry for which `keep` holds (`Registry.select/2`), including those of a process
    /// killed whose exit has not yet removed them.
    #[must_use]
    pub fn select(&self, keep: impl FnMut(&K, &Pid, &V) -> bool) -> Vec<(K, Pid, V)> {
        self.storage.select(keep)
    }

    /// Runs `run` in the caller with the entries under `key`, unless there are none
    /// (`Registry.dispatch/3`). Returns whether it ran. In a unique registry, a dead holder
    /// counts as none.
    pub fn dispatch<Q>(&self, key: &Q, run: impl FnOnce(&[(Pid, V)])) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let entries = self.storage.lookup(key);
        if entries.is_empty() {
            return false;
        }
        run(&entries);
        true
    }

    /// The number of entries (`Registry.count/1`), including those of a process killed whose
    /// exit has not yet removed them.
    #[must_use]
    pub fn count(&self) -> usize {
        self.storage.count()
    }

    /// The keys `pid` holds (`Registry.keys/2`).
    #[must_use]
    pub fn keys(&self, pid: &Pid) -> Vec<K> {
        self.storage.keys(pid)
    }

    /// Stops the registry; its entries are dropped.
    pub async fn stop(&self, reason: crate::ExitReason) -> Result<(), CallError> {
        self.server.stop(reason).await
    }
}

impl<K, V> RegistryRef<K, V, Unique>
where
    K: Eq + Hash + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// The server of type `S` registered under `key`, by its typed handle (a via-name
    /// lookup: `GenServer.whereis({:via, Registry, {registry, key}})`): `None` when no live
    /// process holds the key, or when its holder is not an `S`. Name the server's type alone:
    /// `rooms.whereis::<Room>("lobby")`.
    ///
    /// ```
    /// use otp_core::prelude::*;
    /// use otp_core::Registry;
    ///
    /// struct Room;
    ///
    /// #[genserver]
    /// impl Room {
    ///     #[handle_info(catch_all)]
    ///     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let rooms = Registry::<String>::unique().start_link().await?;
    /// let lobby = Room::options().via(&rooms, "lobby".to_owned()).start(Room).await?;
    /// assert_eq!(rooms.whereis::<Room>("lobby").map(|room| room.pid()), Some(lobby.pid()));
    /// lobby.pid().kill(); // dead at once, though its exit is still to run
    /// assert!(rooms.whereis::<Room>("lobby").is_none());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn whereis<S: GenServer>(&self, key: &(impl RegistryKey<K> + ?Sized)) -> Option<S::Ref> {
        let (pid, _) = self.storage.lookup(key).into_iter().next()?;
        ServerRef::<S>::from_pid(&pid).map(S::Ref::from)
    }
}
