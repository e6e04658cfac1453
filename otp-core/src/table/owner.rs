//! The owner's acts: create the table, give it away, name an heir, delete it.

use std::sync::Arc;

use super::ownership::{Shared, heir_delivery};
use super::{GiveAwayError, Table, TableError, TableKind, TableOptions, TableTransfer, Writable};
use crate::Pid;

impl<K, V, Kind, A> Table<K, V, Kind, A>
where
    K: 'static,
    V: 'static,
    Kind: TableKind<K, V>,
    A: Writable,
{
    /// Creates a table of kind `kind` (`:ets.new/2`) and returns the owner's handle. The owner
    /// is the calling process, or the one `options` names; without either (outside any
    /// process) this fails with [`TableError::NoOwner`], and with [`TableError::NoProc`] when
    /// the named owner is not alive.
    ///
    /// The table lives until its owner exits: then it passes to the heir, if one is set and
    /// alive, or is deleted.
    ///
    /// ```
    /// # use otp_core::prelude::*;
    /// # use otp_core::{OrderedSet, Set, Table, TableError, TableOptions};
    /// # struct Owner;
    /// # #[genserver]
    /// # impl Owner {
    /// #     #[handle_info(catch_all)]
    /// #     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// # }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let owner = Owner::start(Owner).await?;
    /// assert_eq!(
    ///     Table::<u32, u32>::new(Set, TableOptions::new()).err(),
    ///     Some(TableError::NoOwner),
    /// );
    /// let table = Table::new(OrderedSet, TableOptions::new().owner(&owner.pid()))?;
    /// table.insert(2, "two")?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn new<D>(kind: Kind, options: TableOptions<A, D>) -> Result<Self, TableError>
    where
        D: Clone + Send + 'static,
    {
        let _ = kind;
        let owner = match options.owner {
            Some(owner) => owner,
            None => crate::current_pid().ok_or(TableError::NoOwner)?,
        };
        let shared = Arc::new(Shared::<K, V, Kind>::new(owner));
        if let Some((heir, data)) = options.heir {
            let deliver = heir_delivery::<K, V, Kind, A, D>(&shared, &heir, data);
            shared.set_heir(1, Some((heir, deliver)))?;
        }
        shared.watch_first_owner()?;
        Ok(Table::from_shared(shared, 1))
    }

    /// Makes `to` the owner (`:ets.give_away/3`): it receives a [`TableTransfer`] with the
    /// new owner's handle, the previous owner as `from`, and `data`. Consumes this handle; on failure it comes back in the error: when `to` is
    /// not alive ([`TableError::NoProc`]), already the owner ([`TableError::AlreadyOwner`]),
    /// or this handle is not the owner's ([`TableError::NotOwner`]). The heir stays as it
    /// was.
    ///
    /// The message's type is `TableTransfer<K, V, Kind, A, G>`: the receiver's `#[handle_info]`
    /// must name exactly that type (mind an integer literal's default `i32`), or the message
    /// goes to its catch-all handler, with the only owner's handle.
    ///
    /// ```
    /// # use otp_core::prelude::*;
    /// # use otp_core::{Set, Table, TableOptions, TableTransfer};
    /// # struct Owner;
    /// # #[genserver]
    /// # impl Owner {
    /// #     #[handle_info(catch_all)]
    /// #     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// # }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let owner = Owner::start(Owner).await?;
    /// #[derive(Default)]
    /// struct Keeper {
    ///     table: Option<Table<u32, &'static str>>,
    /// }
    ///
    /// #[genserver]
    /// impl Keeper {
    ///     #[handle_info]
    ///     fn receive(&mut self, transfer: TableTransfer<u32, &'static str, Set, Protected, u32>) {
    ///         transfer.table.insert(transfer.data, "kept").unwrap();
    ///         self.table = Some(transfer.table);
    ///     }
    ///
    ///     #[handle_call]
    ///     fn get(&mut self, key: u32) -> Option<&'static str> {
    ///         self.table.as_ref()?.lookup(&key).ok()?
    ///     }
    ///
    ///     #[handle_info(catch_all)]
    ///     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// }
    ///
    /// let keeper = Keeper::start(Keeper::default()).await?;
    /// let table = Table::<u32, &str>::new(Set, TableOptions::new().owner(&owner.pid()))?;
    /// let reader = table.reader();
    /// table.give_away(&keeper.pid(), 7_u32)?;
    /// assert_eq!(reader.owner()?, keeper.pid());
    /// // The transfer message comes before this call: one sender's messages keep their order.
    /// assert_eq!(keeper.get(7).await?, Some("kept"));
    /// # use otp_core::Protected;
    /// # Ok(())
    /// # }
    /// ```
    pub fn give_away<G>(self, to: &Pid, data: G) -> Result<(), GiveAwayError<Self>>
    where
        G: Send + 'static,
    {
        match self.shared.give_away(self.epoch, to) {
            Ok((epoch, from)) => {
                to.send(TableTransfer {
                    table: Table::<K, V, Kind, A>::from_shared(Arc::clone(&self.shared), epoch),
                    from,
                    data,
                });
                Ok(())
            }
            Err(reason) => Err(GiveAwayError {
                reason,
                table: self,
            }),
        }
    }

    /// Sets the heir (`:ets.setopts(Tab, {heir, Pid, Data})`), replacing any other: when the
    /// owner exits, `heir`, if alive, becomes the owner and receives a [`TableTransfer`] with
    /// `data`. Only the owner's handle can.
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
    /// let heir = Owner::start(Owner).await?;
    /// let table = Table::<u32, u32>::new(Set, TableOptions::new().owner(&owner.pid()))?;
    /// table.set_heir(&heir.pid(), "backup")?;
    /// assert_eq!(table.heir()?, Some(heir.pid()));
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_heir<D>(&self, heir: &Pid, data: D) -> Result<(), TableError>
    where
        D: Clone + Send + 'static,
    {
        let deliver = heir_delivery::<K, V, Kind, A, D>(&self.shared, heir, data);
        self.shared
            .set_heir(self.epoch, Some((heir.clone(), deliver)))
    }

    /// Removes the heir (`{heir, none}`): the table will die with its owner.
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
    /// let heir = Owner::start(Owner).await?;
    /// let options = TableOptions::new().owner(&owner.pid()).heir(&heir.pid(), ());
    /// let table = Table::<u32, u32>::new(Set, options)?;
    /// table.remove_heir()?;
    /// assert_eq!(table.heir()?, None);
    /// # Ok(())
    /// # }
    /// ```
    pub fn remove_heir(&self) -> Result<(), TableError> {
        self.shared.set_heir(self.epoch, None)
    }

    /// Deletes the table now (`:ets.delete/1`): every handle then fails with
    /// [`TableError::Deleted`], and no heir inherits it.
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
    /// let table = Table::<u32, u32>::new(Set, TableOptions::new().owner(&owner.pid()))?;
    /// let reader = table.reader();
    /// table.delete_table()?;
    /// assert_eq!(reader.len(), Err(TableError::Deleted));
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete_table(self) -> Result<(), TableError> {
        self.shared.delete_table(self.epoch)
    }
}
