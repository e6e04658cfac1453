//! Table kinds, as type parameters: `set`, `ordered_set`, `bag`, `duplicate_bag`.
//!
//! The kind decides what a lookup returns (`Option<V>` for one object per key, `Vec<V>` for a
//! bag's several), what keys need (`Hash + Eq`, or `Ord` for an ordered set), and whether
//! `update_counter` exists (only with one object per key).

use std::borrow::Borrow;
use std::hash::Hash;

use super::fits::{BagValue, HashKey, OrderedKey, TableValue};
use super::store::{BagStore, HashStore, OrderedStore};

mod sealed {
    pub trait Sealed {}
}

/// `set`: one object per key; inserting under a present key replaces its object. Keys are
/// `Hash + Eq`.
///
/// ```
/// # use otp_core::prelude::*;
/// # use otp_core::{Set, Table, TableOptions};
/// # struct Owner;
/// # #[genserver]
/// # impl Owner {
/// #     #[handle_info(catch_all)]
/// #     fn unexpected(&mut self, _msg: AnyMessage) {}
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let owner = Owner::start(Owner).await?;
/// let table = Table::new(Set, TableOptions::new().owner(&owner.pid()))?;
/// table.insert("color", "red")?;
/// table.insert("color", "blue")?;
/// assert_eq!(table.lookup("color")?, Some("blue"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Set;

/// `ordered_set`: one object per key, iterated in key order. Keys are `Ord`; as in ETS,
/// keys that compare equal are the same key.
///
/// ```
/// # use otp_core::prelude::*;
/// # use otp_core::{OrderedSet, Table, TableOptions};
/// # struct Owner;
/// # #[genserver]
/// # impl Owner {
/// #     #[handle_info(catch_all)]
/// #     fn unexpected(&mut self, _msg: AnyMessage) {}
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let owner = Owner::start(Owner).await?;
/// let table = Table::new(OrderedSet, TableOptions::new().owner(&owner.pid()))?;
/// for key in [3, 1, 2] {
///     table.insert(key, key * 10)?;
/// }
/// let rows: Vec<(u32, u32)> = table.iter()?.collect();
/// assert_eq!(rows, [(1, 10), (2, 20), (3, 30)]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct OrderedSet;

/// `bag`: several objects per key, in insertion order, but no two identical ones: inserting an
/// object the key already has does nothing. Values are `PartialEq`.
///
/// ```
/// # use otp_core::prelude::*;
/// # use otp_core::{Bag, Table, TableOptions};
/// # struct Owner;
/// # #[genserver]
/// # impl Owner {
/// #     #[handle_info(catch_all)]
/// #     fn unexpected(&mut self, _msg: AnyMessage) {}
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let owner = Owner::start(Owner).await?;
/// let table = Table::new(Bag, TableOptions::new().owner(&owner.pid()))?;
/// table.insert("tags", "a")?;
/// table.insert("tags", "b")?;
/// table.insert("tags", "a")?;
/// assert_eq!(table.lookup("tags")?, ["a", "b"]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Bag;

/// `duplicate_bag`: several objects per key, in insertion order, identical ones included.
///
/// ```
/// # use otp_core::prelude::*;
/// # use otp_core::{DuplicateBag, Table, TableOptions};
/// # struct Owner;
/// # #[genserver]
/// # impl Owner {
/// #     #[handle_info(catch_all)]
/// #     fn unexpected(&mut self, _msg: AnyMessage) {}
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let owner = Owner::start(Owner).await?;
/// let table = Table::new(DuplicateBag, TableOptions::new().owner(&owner.pid()))?;
/// table.insert("clicks", 1)?;
/// table.insert("clicks", 1)?;
/// assert_eq!(table.lookup("clicks")?, [1, 1]);
/// assert_eq!(table.len()?, 2);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DuplicateBag;

/// A table kind, whatever its keys and values: [`Set`], [`OrderedSet`], [`Bag`],
/// [`DuplicateBag`]. It is all a [`Table`](crate::Table) type asks of its kind, so a table of
/// keys or values that do not fit its kind is one error, where it is created
/// ([`Table::new`](crate::Table::new) requires [`TableKind`]), not one at every mention of its
/// type.
///
/// ```
/// use otp_core::{AnyTableKind, OrderedSet};
///
/// fn name<Kind: AnyTableKind>() -> &'static str {
///     Kind::NAME
/// }
/// assert_eq!(name::<OrderedSet>(), "ordered_set");
/// ```
pub trait AnyTableKind: sealed::Sealed + Copy + Send + Sync + 'static {
    /// The storage of keys `K` and values `V`.
    #[doc(hidden)]
    type Store<K, V>;
    /// The kind's name, as ETS spells it.
    const NAME: &'static str;
}

/// A table kind holding keys `K` and values `V`: [`Set`], [`OrderedSet`], [`Bag`],
/// [`DuplicateBag`]. Its methods are the table's storage, hidden; users name the kind only.
///
/// ```
/// use otp_core::{Bag, OrderedSet, TableKind};
///
/// fn lookup_type<Kind: TableKind<u32, String>>() -> &'static str {
///     std::any::type_name::<Kind::Objects>()
/// }
/// assert!(lookup_type::<OrderedSet>().contains("Option"));
/// assert!(lookup_type::<Bag>().contains("Vec"));
/// ```
#[diagnostic::on_unimplemented(
    message = "a `{Self}` table cannot hold keys `{K}` and values `{V}`",
    note = "a `Set`, `Bag` or `DuplicateBag` needs keys that are `Hash + Eq`: a float is neither, so wrap it (`ordered_float::OrderedFloat<f64>`) or key by an integer",
    note = "an `OrderedSet` needs keys that are `Ord` (derive `PartialOrd, Ord` beside `PartialEq, Eq`); a `Bag` needs values that are `PartialEq`",
    note = "keys and values are `Clone + Send + Sync + 'static`"
)]
pub trait TableKind<K, V>: AnyTableKind<Store<K, V>: Send + Sync + 'static> {
    /// What `lookup` and `take` return: `Option<V>` for one object per key, `Vec<V>` for a bag.
    type Objects;

    #[doc(hidden)]
    fn new_store() -> Self::Store<K, V>;
    #[doc(hidden)]
    fn store_insert(store: &Self::Store<K, V>, key: K, value: V);
    #[doc(hidden)]
    fn store_insert_new(store: &Self::Store<K, V>, key: K, value: V) -> bool;
    #[doc(hidden)]
    fn store_scan(store: &Self::Store<K, V>, visit: &mut dyn FnMut(&K, &V));
    #[doc(hidden)]
    fn store_delete_where(
        store: &Self::Store<K, V>,
        delete: &mut dyn FnMut(&K, &V) -> bool,
    ) -> usize;
    #[doc(hidden)]
    fn store_len(store: &Self::Store<K, V>) -> usize;
    #[doc(hidden)]
    fn store_clear(store: &Self::Store<K, V>);
    #[doc(hidden)]
    fn store_memory(store: &Self::Store<K, V>) -> usize;
}

/// A kind whose keys `K` can be looked up by a `&Q`: `&K` itself, or a borrowed form of it
/// (`&str` for a `String` key). A hash kind needs `Q: Hash + Eq`, an ordered set `Q: Ord`.
///
/// ```
/// use otp_core::{KeyLookup, Set};
///
/// fn by<Q: ?Sized>() where Set: KeyLookup<String, u32, Q> {}
/// by::<str>();
/// by::<String>();
/// ```
#[diagnostic::on_unimplemented(
    message = "a `{Self}` table with keys `{K}` cannot be searched by `&{Q}`",
    note = "search by `&{K}` or by a borrowed form of it (`&str` for `String`); it must be `Hash + Eq` (`Ord` for an `OrderedSet`)"
)]
pub trait KeyLookup<K, V, Q: ?Sized>: TableKind<K, V> {
    #[doc(hidden)]
    fn store_lookup(store: &Self::Store<K, V>, key: &Q) -> Self::Objects;
    #[doc(hidden)]
    fn store_member(store: &Self::Store<K, V>, key: &Q) -> bool;
    #[doc(hidden)]
    fn store_delete(store: &Self::Store<K, V>, key: &Q) -> bool;
    #[doc(hidden)]
    fn store_take(store: &Self::Store<K, V>, key: &Q) -> Self::Objects;
    #[doc(hidden)]
    fn store_delete_object(store: &Self::Store<K, V>, key: &Q, value: &V) -> bool
    where
        V: PartialEq;
}

/// A kind with one object per key, [`Set`] or [`OrderedSet`]: the kinds with
/// `update_counter`.
///
/// ```
/// use otp_core::{Set, UniqueKeys};
///
/// fn counts<Kind: UniqueKeys<&'static str, u64>>() {}
/// counts::<Set>();
/// ```
#[diagnostic::on_unimplemented(
    message = "a `{Self}` table has several objects per key",
    note = "`update_counter` needs one object per key: a `Set` or an `OrderedSet`"
)]
pub trait UniqueKeys<K, V>: TableKind<K, V, Objects = Option<V>> {
    /// Replaces the object of `key` with what `step` makes of it, atomically.
    #[doc(hidden)]
    fn store_update<E>(
        store: &Self::Store<K, V>,
        key: K,
        step: impl FnOnce(Option<&V>) -> Result<V, E>,
    ) -> Result<V, E>;
}

impl sealed::Sealed for Set {}
impl AnyTableKind for Set {
    type Store<K, V> = HashStore<K, V>;
    const NAME: &'static str = "set";
}
impl sealed::Sealed for OrderedSet {}
impl AnyTableKind for OrderedSet {
    type Store<K, V> = OrderedStore<K, V>;
    const NAME: &'static str = "ordered_set";
}
impl sealed::Sealed for Bag {}
impl AnyTableKind for Bag {
    type Store<K, V> = BagStore<K, V>;
    const NAME: &'static str = "bag";
}
impl sealed::Sealed for DuplicateBag {}
impl AnyTableKind for DuplicateBag {
    type Store<K, V> = BagStore<K, V>;
    const NAME: &'static str = "duplicate_bag";
}

/// The methods every kind forwards to its store.
macro_rules! forward_store {
    () => {
        fn new_store() -> Self::Store<K, V> {
            <Self::Store<K, V>>::new()
        }
        fn store_insert_new(store: &Self::Store<K, V>, key: K, value: V) -> bool {
            store.insert_new(key, value)
        }
        fn store_scan(store: &Self::Store<K, V>, visit: &mut dyn FnMut(&K, &V)) {
            store.scan(visit);
        }
        fn store_delete_where(
            store: &Self::Store<K, V>,
            delete: &mut dyn FnMut(&K, &V) -> bool,
        ) -> usize {
            store.delete_where(delete)
        }
        fn store_len(store: &Self::Store<K, V>) -> usize {
            store.len()
        }
        fn store_clear(store: &Self::Store<K, V>) {
            store.clear();
        }
        fn store_memory(store: &Self::Store<K, V>) -> usize {
            store.memory()
        }
    };
}

/// The lookups every kind forwards to its store.
macro_rules! forward_lookup {
    () => {
        fn store_lookup(store: &Self::Store<K, V>, key: &Q) -> Self::Objects {
            store.lookup(key)
        }
        fn store_member(store: &Self::Store<K, V>, key: &Q) -> bool {
            store.member(key)
        }
        fn store_delete(store: &Self::Store<K, V>, key: &Q) -> bool {
            store.delete(key)
        }
        fn store_take(store: &Self::Store<K, V>, key: &Q) -> Self::Objects {
            store.take(key)
        }
        fn store_delete_object(store: &Self::Store<K, V>, key: &Q, value: &V) -> bool
        where
            V: PartialEq,
        {
            store.delete_object(key, value)
        }
    };
}

impl<K, V> TableKind<K, V> for Set
where
    K: HashKey,
    V: TableValue,
{
    type Objects = Option<V>;
    forward_store!();
    fn store_insert(store: &Self::Store<K, V>, key: K, value: V) {
        store.insert(key, value);
    }
}

impl<K, V> TableKind<K, V> for OrderedSet
where
    K: OrderedKey,
    V: TableValue,
{
    type Objects = Option<V>;
    forward_store!();
    fn store_insert(store: &Self::Store<K, V>, key: K, value: V) {
        store.insert(key, value);
    }
}

impl<K, V> TableKind<K, V> for Bag
where
    K: HashKey,
    V: BagValue,
{
    type Objects = Vec<V>;
    forward_store!();
    fn store_insert(store: &Self::Store<K, V>, key: K, value: V) {
        store.insert(key, value, <[V]>::contains);
    }
}

impl<K, V> TableKind<K, V> for DuplicateBag
where
    K: HashKey,
    V: TableValue,
{
    type Objects = Vec<V>;
    forward_store!();
    fn store_insert(store: &Self::Store<K, V>, key: K, value: V) {
        store.insert(key, value, |_, _| false);
    }
}

impl<K, V, Q> KeyLookup<K, V, Q> for Set
where
    K: Borrow<Q> + Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
    Q: Hash + Eq + ?Sized,
{
    forward_lookup!();
}

impl<K, V, Q> KeyLookup<K, V, Q> for OrderedSet
where
    K: Borrow<Q> + Ord + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
    Q: Ord + ?Sized,
{
    forward_lookup!();
}

impl<K, V, Q> KeyLookup<K, V, Q> for Bag
where
    K: Borrow<Q> + Hash + Eq + Clone + Send + Sync + 'static,
    V: PartialEq + Clone + Send + Sync + 'static,
    Q: Hash + Eq + ?Sized,
{
    forward_lookup!();
}

impl<K, V, Q> KeyLookup<K, V, Q> for DuplicateBag
where
    K: Borrow<Q> + Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
    Q: Hash + Eq + ?Sized,
{
    forward_lookup!();
}

#[diagnostic::do_not_recommend]
impl<K, V> UniqueKeys<K, V> for Set
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn store_update<E>(
        store: &Self::Store<K, V>,
        key: K,
        step: impl FnOnce(Option<&V>) -> Result<V, E>,
    ) -> Result<V, E> {
        store.update(key, step)
    }
}

#[diagnostic::do_not_recommend]
impl<K, V> UniqueKeys<K, V> for OrderedSet
where
    K: Ord + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn store_update<E>(
        store: &Self::Store<K, V>,
        key: K,
        step: impl FnOnce(Option<&V>) -> Result<V, E>,
    ) -> Result<V, E> {
        store.update(key, step)
    }
}
