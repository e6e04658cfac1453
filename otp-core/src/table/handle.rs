//! `Table`: a handle to an ETS-style table.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use super::ownership::{NOT_OWNER, Shared};
use super::{Access, AnyTableKind, Protected, Public, ReadOnly, Set, Shareable, TableError};
use crate::Pid;

/// A handle to a table of keys `K` and values `V` (`:ets.new/2`), of kind `Kind` and access
/// mode `A`.
///
/// The owner's handle comes from [`Table::new`] (or a [`TableTransfer`](crate::TableTransfer));
/// other processes read through [`reader`](Table::reader), or write through a clone of a
/// [`Public`] table's handle. Lookups return clones of the stored values. Every operation
/// returns [`TableError::Deleted`] once the table has died with its owner.
///
/// As in ETS, a table lives as long as its owner, not as long as its handles: dropping every
/// handle does not delete it (the owner's exit does, or [`delete_table`](Table::delete_table)).
///
/// ```
/// use otp_core::prelude::*;
/// use otp_core::{ReadOnly, Set, Table, TableOptions};
///
/// /// Owns the table and writes it; everyone else reads it directly.
/// struct Config {
///     table: Table<String, String>,
/// }
///
/// #[genserver]
/// impl Config {
///     #[init]
///     fn init(_: ()) -> Result<Self, InitError> {
///         // Inside a process: the calling process is the owner.
///         let table = Table::new(Set, TableOptions::new())?;
///         Ok(Config { table })
///     }
///
///     #[handle_call]
///     fn reader(&mut self) -> Table<String, String, Set, ReadOnly> {
///         self.table.reader()
///     }
///
///     #[handle_call]
///     fn put(&mut self, key: String, value: String) -> Result<(), otp_core::TableError> {
///         self.table.insert(key, value)
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = Config::start(()).await?;
/// let reader = config.reader().await?;
/// config.put("mode".into(), "fast".into()).await??;
/// assert_eq!(reader.lookup("mode")?, Some("fast".to_string()));
/// # Ok(())
/// # }
/// ```
pub struct Table<K, V, Kind = Set, A = Protected>
where
    Kind: AnyTableKind,
{
    pub(super) shared: Arc<Shared<K, V, Kind>>,
    /// The ownership epoch this handle holds: the table's current one for the owner's handle,
    /// an old one after a transfer, `NOT_OWNER` for a reader or a clone.
    pub(super) epoch: u64,
    access: PhantomData<fn() -> A>,
}

impl<K, V, Kind: AnyTableKind, A: Access> Table<K, V, Kind, A> {
    pub(super) fn from_shared(shared: Arc<Shared<K, V, Kind>>, epoch: u64) -> Self {
        Table {
            shared,
            epoch,
            access: PhantomData,
        }
    }

    /// Whether this handle may read: the table lives, and a private table's handle is the
    /// owner's.
    pub(super) fn check_read(&self) -> Result<(), TableError> {
        self.shared.check(self.epoch, A::READS_NEED_OWNER)
    }

    /// The table's number, unique for the life of the program; the same for all its handles.
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
    /// assert_eq!(table.reader().id(), table.id());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn id(&self) -> u64 {
        self.shared.id
    }

    /// The owning process.
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
    /// let owner = Owner::start(Owner).await?;
    /// let table = Table::<u32, u32>::new(Set, TableOptions::new().owner(&owner.pid()))?;
    /// assert_eq!(table.reader().owner()?, owner.pid());
    /// # Ok(())
    /// # }
    /// ```
    pub fn owner(&self) -> Result<Pid, TableError> {
        self.check_read()?;
        self.shared.owner()
    }

    /// The heir, if one is set.
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
    /// let owner = Owner::start(Owner).await?;
    /// let table = Table::<u32, u32>::new(Set, TableOptions::new().owner(&owner.pid()))?;
    /// assert_eq!(table.heir()?, None);
    /// # Ok(())
    /// # }
    /// ```
    pub fn heir(&self) -> Result<Option<Pid>, TableError> {
        self.check_read()?;
        self.shared.heir()
    }
}

impl<K, V, Kind: AnyTableKind, A: Shareable> Table<K, V, Kind, A> {
    /// A read-only handle for other processes (not for a [`Private`](crate::Private) table).
    /// It is `Clone`, and reads for as long as the table lives, whoever owns it.
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
    /// table.insert(1, "one")?;
    /// let reader = table.reader();
    /// let read = tokio::spawn(async move { reader.lookup(&1) }).await?;
    /// assert_eq!(read?, Some("one"));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn reader(&self) -> Table<K, V, Kind, ReadOnly> {
        Table::from_shared(Arc::clone(&self.shared), NOT_OWNER)
    }
}

/// A clone of a public table's handle reads and writes, but is not the owner's.
impl<K, V, Kind: AnyTableKind> Clone for Table<K, V, Kind, Public> {
    fn clone(&self) -> Self {
        Table::from_shared(Arc::clone(&self.shared), NOT_OWNER)
    }
}

impl<K, V, Kind: AnyTableKind> Clone for Table<K, V, Kind, ReadOnly> {
    fn clone(&self) -> Self {
        Table::from_shared(Arc::clone(&self.shared), NOT_OWNER)
    }
}

impl<K, V, Kind: AnyTableKind, A: Access> fmt::Debug for Table<K, V, Kind, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("id", &self.shared.id)
            .field("kind", &Kind::NAME)
            .field("access", &A::NAME)
            .field("owner_handle", &(self.epoch != NOT_OWNER))
            .finish()
    }
}
