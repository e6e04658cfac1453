//! What a table operation can fail with.

use std::fmt;

use crate::Pid;

/// Why a table operation failed. ETS raises `badarg` for all of these; here each has its name.
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
/// // Outside any process, a table needs an explicit owner.
/// let orphan = Table::<u32, u32>::new(Set, TableOptions::new());
/// assert_eq!(orphan.err(), Some(TableError::NoOwner));
///
/// let owner = Owner::start(Owner).await?;
/// let table = Table::<u32, u32>::new(Set, TableOptions::new().owner(&owner.pid()))?;
/// let reader = table.reader();
/// owner.pid().kill();
/// owner.pid().wait_exit().await;
/// // No heir: the table died with its owner.
/// assert_eq!(reader.lookup(&1), Err(TableError::Deleted));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// The table no longer exists: its owner exited without a live heir, or the owner deleted
    /// it.
    #[error("the table was deleted")]
    Deleted,
    /// This handle does not own the table: the table passed to an heir or was given away since
    /// the handle was made, or the handle is a clone of a public table's (only the owner's own
    /// handle can give the table away, set its heir or delete it).
    #[error("this handle does not own the table")]
    NotOwner,
    /// `Table::new` ran outside any process and its options name no owner.
    #[error(
        "a table needs an owner: create it inside a process, or name one with `TableOptions::owner`"
    )]
    NoOwner,
    /// The process that was to own the table (by `Table::new` or `give_away`) is not alive
    /// ([`NoProc`](crate::NoProc)); it is the process the call named.
    #[error("no such process")]
    NoProc,
    /// `give_away` to the process that already owns the table.
    #[error("process {0} already owns the table")]
    AlreadyOwner(Pid),
    /// `update_counter` on a key with no object.
    #[error("no object with this key")]
    KeyNotFound,
    /// `update_counter` would overflow the counter's type; the object is unchanged.
    #[error("the counter would overflow")]
    CounterOverflow,
}

/// `?` turns a [`NoProc`](crate::NoProc) into [`TableError::NoProc`].
impl From<crate::NoProc> for TableError {
    fn from(_: crate::NoProc) -> Self {
        TableError::NoProc
    }
}

/// `give_away` failed: the table comes back with the reason, still owned by the caller.
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
/// let owner = Owner::start(Owner).await?;
/// let table = Table::<u32, u32>::new(Set, TableOptions::new().owner(&owner.pid()))?;
/// let gone = Owner::start(Owner).await?;
/// gone.pid().kill();
/// gone.pid().wait_exit().await;
///
/// let failed = table.give_away(&gone.pid(), ()).unwrap_err();
/// assert_eq!(failed.reason, TableError::NoProc);
/// let table = failed.table; // still the owner's handle
/// table.insert(1, 1)?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct GiveAwayError<T> {
    /// Why the table could not be given away.
    pub reason: TableError,
    /// The handle, given back to its owner.
    pub table: T,
}

impl<T> fmt::Display for GiveAwayError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not give the table away: {}", self.reason)
    }
}

impl<T: fmt::Debug> std::error::Error for GiveAwayError<T> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.reason)
    }
}
