//! Reads: any handle, any process, no message to the owner.

use super::{Access, AnyTableKind, KeyLookup, Table, TableError, TableKind};

impl<K, V, Kind: AnyTableKind, A: Access> Table<K, V, Kind, A> {
    /// The objects of `key` (`:ets.lookup/2`), cloned: `Option<V>` for a set or an ordered
    /// set, `Vec<V>` (empty when none, in insertion order) for a bag. `key` may be a borrowed
    /// form of `K`, as `&str` for `String`.
    ///
    /// ```
    /// # use otp_core::prelude::*;
    /// # use otp_core::{Bag, Set, Table, TableOptions};
    /// # struct Owner;
    /// # #[genserver]
    /// # impl Owner {
    /// #     #[handle_info(catch_all)]
    /// #     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// # }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let owner = Owner::start(Owner).await?;
    /// let names = Table::new(Set, TableOptions::new().owner(&owner.pid()))?;
    /// names.insert("ada".to_string(), 1815)?;
    /// assert_eq!(names.lookup("ada")?, Some(1815));
    /// assert_eq!(names.lookup("alan")?, None);
    ///
    /// let tags = Table::new(Bag, TableOptions::new().owner(&owner.pid()))?;
    /// tags.insert(1, "x")?;
    /// tags.insert(1, "y")?;
    /// assert_eq!(tags.lookup(&1)?, ["x", "y"]);
    /// assert!(tags.lookup(&2)?.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn lookup<Q>(&self, key: &Q) -> Result<<Kind as TableKind<K, V>>::Objects, TableError>
    where
        Q: ?Sized,
        Kind: KeyLookup<K, V, Q>,
    {
        self.check_read()?;
        Ok(Kind::store_lookup(&self.shared.store, key))
    }

    /// Whether `key` has an object (`:ets.member/2`), without cloning it.
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
    /// table.insert("k", ())?;
    /// assert!(table.member("k")?);
    /// assert!(!table.member("j")?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn member<Q>(&self, key: &Q) -> Result<bool, TableError>
    where
        Q: ?Sized,
        Kind: KeyLookup<K, V, Q>,
    {
        self.check_read()?;
        Ok(Kind::store_member(&self.shared.store, key))
    }

    /// Every object as a `(key, value)` pair (`:ets.tab2list/1`): in key order for an
    /// ordered set, a key's objects together and in insertion order for a bag, in no
    /// particular order otherwise. The rows are copied first; see the module's consistency
    /// notes for writes made meanwhile.
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
    /// table.insert("b", 2)?;
    /// table.insert("a", 1)?;
    /// let rows: Vec<_> = table.iter()?.collect();
    /// assert_eq!(rows, [("a", 1), ("b", 2)]);
    /// # Ok(())
    /// # }
    /// ```
    #[allow(
        clippy::iter_not_returning_iterator,
        reason = "the iterator comes in a `Result`: a deleted table has none"
    )]
    pub fn iter(&self) -> Result<std::vec::IntoIter<(K, V)>, TableError>
    where
        K: Clone,
        V: Clone,
    {
        self.select(|key, value| Some((key.clone(), value.clone())))
            .map(Vec::into_iter)
    }

    /// What `choose` makes of each object it keeps (`:ets.select/2`, with a closure for the
    /// match specification): `Some(result)` selects the object, `None` skips it. Visits
    /// objects in the order of [`iter`](Table::iter), holding no lock: `choose` may read or
    /// write the table.
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
    /// let ages = Table::new(OrderedSet, TableOptions::new().owner(&owner.pid()))?;
    /// ages.insert("ada", 36)?;
    /// ages.insert("alan", 41)?;
    /// ages.insert("grace", 85)?;
    /// let over_40 = ages.select(|name, age| (*age > 40).then_some(*name))?;
    /// assert_eq!(over_40, ["alan", "grace"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn select<R>(
        &self,
        mut choose: impl FnMut(&K, &V) -> Option<R>,
    ) -> Result<Vec<R>, TableError> {
        self.check_read()?;
        let mut selected = Vec::new();
        (self.shared.ops.scan)(&self.shared.store, &mut |key, value| {
            selected.extend(choose(key, value));
        });
        Ok(selected)
    }

    /// The number of objects (`:ets.info(Tab, size)`): rows for a set, objects for a bag.
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
    /// table.insert(1, 'a')?;
    /// table.insert(1, 'a')?;
    /// table.insert(2, 'b')?;
    /// assert_eq!(table.len()?, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn len(&self) -> Result<usize, TableError> {
        self.check_read()?;
        Ok((self.shared.ops.len)(&self.shared.store))
    }

    /// Whether the table has no object.
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
    /// let table = Table::<u32, u32>::new(Set, TableOptions::new().owner(&owner.pid()))?;
    /// assert!(table.is_empty()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_empty(&self) -> Result<bool, TableError> {
        Ok(self.len()? == 0)
    }

    /// The approximate size of the table in bytes (`:ets.info(Tab, memory)`, which counts
    /// words). It counts the table's own structure: its slots (a hash table's capacity, an
    /// ordered set's rows) times the size of a row (`size_of::<(K, V)>()`, or a bag's key and
    /// vector plus its objects), plus the index's overhead per slot. It does not follow
    /// pointers: heap data that keys and values own (a `String`'s bytes) is not counted.
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
    /// let empty = table.memory()?;
    /// for key in 0..1_000_u64 {
    ///     table.insert(key, key)?;
    /// }
    /// assert!(table.memory()? >= empty + 1_000 * 16);
    /// # Ok(())
    /// # }
    /// ```
    pub fn memory(&self) -> Result<usize, TableError> {
        self.check_read()?;
        Ok((self.shared.ops.memory)(&self.shared.store))
    }
}
