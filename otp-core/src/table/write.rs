//! Writes: the owner's handle of a protected or private table, any handle of a public one.

use super::{AnyTableKind, Counter, KeyLookup, Table, TableError, TableKind, UniqueKeys, Writable};

impl<K, V, Kind: AnyTableKind, A: Writable> Table<K, V, Kind, A> {
    fn check_write(&self) -> Result<(), TableError> {
        self.shared.check(self.epoch, A::WRITES_NEED_OWNER)
    }

    /// Inserts an object (`:ets.insert/2`). A set or an ordered set replaces the key's object;
    /// a bag adds it unless the key has an identical one; a duplicate bag always adds it.
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
    /// table.insert("k", 1)?;
    /// table.insert("k", 2)?;
    /// assert_eq!(table.lookup("k")?, Some(2));
    /// # Ok(())
    /// # }
    /// ```
    pub fn insert(&self, key: K, value: V) -> Result<(), TableError> {
        self.check_write()?;
        (self.shared.ops.insert)(&self.shared.store, key, value);
        Ok(())
    }

    /// Inserts an object only if the key has none (`:ets.insert_new/2`); whether it did.
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
    /// assert!(table.insert_new("k", 1)?);
    /// assert!(!table.insert_new("k", 2)?);
    /// assert_eq!(table.lookup("k")?, Some(1));
    /// # Ok(())
    /// # }
    /// ```
    pub fn insert_new(&self, key: K, value: V) -> Result<bool, TableError> {
        self.check_write()?;
        Ok((self.shared.ops.insert_new)(&self.shared.store, key, value))
    }

    /// Deletes every object of `key` (`:ets.delete/2`); whether there was one.
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
    /// table.insert(1, "a")?;
    /// table.insert(1, "b")?;
    /// assert!(table.delete(&1)?);
    /// assert!(table.lookup(&1)?.is_empty());
    /// assert!(!table.delete(&1)?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete<Q>(&self, key: &Q) -> Result<bool, TableError>
    where
        Q: ?Sized,
        Kind: KeyLookup<K, V, Q>,
    {
        self.check_write()?;
        Ok(Kind::store_delete(&self.shared.store, key))
    }

    /// Deletes the objects of `key` equal to `value`, leaving its others
    /// (`:ets.delete_object/2`): in a duplicate bag, every copy. Whether one went.
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
    /// table.insert("k", 1)?;
    /// table.insert("k", 2)?;
    /// table.insert("k", 1)?;
    /// assert!(table.delete_object("k", &1)?);
    /// assert_eq!(table.lookup("k")?, [2]);
    /// assert!(!table.delete_object("k", &3)?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete_object<Q>(&self, key: &Q, value: &V) -> Result<bool, TableError>
    where
        Q: ?Sized,
        Kind: KeyLookup<K, V, Q>,
        V: PartialEq,
    {
        self.check_write()?;
        Ok(Kind::store_delete_object(&self.shared.store, key, value))
    }

    /// Deletes the objects of `key` and returns them (`:ets.take/2`), in one step: no other
    /// write comes between the read and the delete.
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
    /// let jobs = Table::new(Set, TableOptions::new().owner(&owner.pid()))?;
    /// jobs.insert(7, "resize")?;
    /// assert_eq!(jobs.take(&7)?, Some("resize"));
    /// assert_eq!(jobs.take(&7)?, None);
    /// # Ok(())
    /// # }
    /// ```
    pub fn take<Q>(&self, key: &Q) -> Result<<Kind as TableKind<K, V>>::Objects, TableError>
    where
        Q: ?Sized,
        Kind: KeyLookup<K, V, Q>,
    {
        self.check_write()?;
        Ok(Kind::store_take(&self.shared.store, key))
    }

    /// Adds `delta` to the integer object of `key` and returns the new value
    /// (`:ets.update_counter/3`), atomically: concurrent updates are never lost. Only for a
    /// set or an ordered set. Fails with [`TableError::KeyNotFound`] when the key has no
    /// object, and with [`TableError::CounterOverflow`] (the object unchanged) when the sum
    /// does not fit.
    ///
    /// ```
    /// # use otp_core::prelude::*;
    /// # use otp_core::{Set, Table, TableError, TableOptions};
    /// # struct Owner;
    /// # #[genserver]
    /// # impl Owner {
    /// #     #[handle_info(catch_all)]
    /// #     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// # }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let owner = Owner::start(Owner).await?;
    /// let hits = Table::new(Set, TableOptions::new().owner(&owner.pid()))?;
    /// hits.insert("/", 0_u64)?;
    /// assert_eq!(hits.update_counter("/", 5)?, 5);
    /// assert_eq!(hits.update_counter("/", -2)?, 3);
    /// assert_eq!(hits.update_counter("/", -4), Err(TableError::CounterOverflow));
    /// assert_eq!(hits.update_counter("/about", 1), Err(TableError::KeyNotFound));
    /// # Ok(())
    /// # }
    /// ```
    pub fn update_counter(&self, key: K, delta: V::Delta) -> Result<V, TableError>
    where
        Kind: UniqueKeys<K, V>,
        V: Counter,
    {
        self.check_write()?;
        Kind::store_update(&self.shared.store, key, |current| {
            let current = current.copied().ok_or(TableError::KeyNotFound)?;
            current
                .checked_step(delta)
                .ok_or(TableError::CounterOverflow)
        })
    }

    /// Like [`update_counter`](Table::update_counter), but a key with no object starts from
    /// `default` (`:ets.update_counter/4`).
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
    /// let hits = Table::new(Set, TableOptions::new().owner(&owner.pid()))?;
    /// assert_eq!(hits.update_counter_or("/", 1, 0_i64)?, 1);
    /// assert_eq!(hits.update_counter_or("/", 1, 0)?, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn update_counter_or(&self, key: K, delta: V::Delta, default: V) -> Result<V, TableError>
    where
        Kind: UniqueKeys<K, V>,
        V: Counter,
    {
        self.check_write()?;
        Kind::store_update(&self.shared.store, key, |current| {
            current
                .copied()
                .unwrap_or(default)
                .checked_step(delta)
                .ok_or(TableError::CounterOverflow)
        })
    }

    /// Deletes the objects `delete` returns true for (`:ets.select_delete/2`); how many went.
    /// Each key's objects are decided and deleted in one step: `delete` runs while the table
    /// holds the write lock of the key (its hash bucket, or an ordered set's table lock), so it
    /// may read the table but must not write to it, which would wait for that lock forever.
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
    /// let sessions = Table::new(Set, TableOptions::new().owner(&owner.pid()))?;
    /// sessions.insert("a", 10_u64)?;
    /// sessions.insert("b", 50)?;
    /// let now = 30;
    /// assert_eq!(sessions.select_delete(|_, expires| *expires < now)?, 1);
    /// assert_eq!(sessions.lookup("a")?, None);
    /// # Ok(())
    /// # }
    /// ```
    pub fn select_delete(
        &self,
        mut delete: impl FnMut(&K, &V) -> bool,
    ) -> Result<usize, TableError> {
        self.check_write()?;
        Ok((self.shared.ops.delete_where)(
            &self.shared.store,
            &mut delete,
        ))
    }

    /// Deletes every object, keeping the table (`:ets.delete_all_objects/1`).
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
    /// table.insert(1, 1)?;
    /// table.delete_all_objects()?;
    /// assert!(table.is_empty()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete_all_objects(&self) -> Result<(), TableError> {
        self.check_write()?;
        (self.shared.ops.clear)(&self.shared.store);
        Ok(())
    }
}
