//! The options of `Table::new`: access, owner, heir.

use std::marker::PhantomData;

use super::{Private, Protected, Public};
use crate::Pid;

/// How [`Table::new`](crate::Table::new) makes a table (the options list of `:ets.new/2`):
/// its access mode (protected unless told otherwise), its owner (the calling process unless
/// told otherwise), its heir (none unless told). The access mode is a type parameter, so that
/// the table's handles carry it.
///
/// ```
/// # use otp_core::prelude::*;
/// # use otp_core::{Public, Set, Table, TableOptions};
/// # struct Owner;
/// # #[genserver]
/// # impl Owner {
/// #     #[handle_info(catch_all)]
/// #     fn unexpected(&mut self, _msg: AnyMessage) {}
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let owner = Owner::start(Owner).await?;
/// let heir = Owner::start(Owner).await?;
/// let options = TableOptions::new()
///     .public()
///     .owner(&owner.pid())
///     .heir(&heir.pid(), "sessions");
/// let table: Table<u64, String, Set, Public> = Table::new(Set, options)?;
/// assert_eq!(table.owner()?, owner.pid());
/// assert_eq!(table.heir()?, Some(heir.pid()));
/// # Ok(())
/// # }
/// ```
#[must_use = "options do nothing until given to `Table::new`"]
pub struct TableOptions<A = Protected, D = ()> {
    pub(super) owner: Option<Pid>,
    pub(super) heir: Option<(Pid, D)>,
    access: PhantomData<fn() -> A>,
}

impl TableOptions {
    /// Protected, owned by the calling process, no heir.
    ///
    /// ```
    /// use otp_core::TableOptions;
    ///
    /// let options = TableOptions::new();
    /// # let _ = options;
    /// ```
    pub fn new() -> Self {
        TableOptions {
            owner: None,
            heir: None,
            access: PhantomData,
        }
    }
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions::new()
    }
}

impl<A, D> TableOptions<A, D> {
    fn access<B>(self) -> TableOptions<B, D> {
        TableOptions {
            owner: self.owner,
            heir: self.heir,
            access: PhantomData,
        }
    }

    /// Any process holding a handle reads and writes (`public`).
    ///
    /// ```
    /// use otp_core::{Public, TableOptions};
    ///
    /// let options: TableOptions<Public> = TableOptions::new().public();
    /// # let _ = options;
    /// ```
    pub fn public(self) -> TableOptions<Public, D> {
        self.access()
    }

    /// The owner writes, readers read (`protected`, the default).
    ///
    /// ```
    /// use otp_core::{Protected, TableOptions};
    ///
    /// let options: TableOptions<Protected> = TableOptions::new().public().protected();
    /// # let _ = options;
    /// ```
    pub fn protected(self) -> TableOptions<Protected, D> {
        self.access()
    }

    /// Only the owner reads and writes (`private`).
    ///
    /// ```
    /// use otp_core::{Private, TableOptions};
    ///
    /// let options: TableOptions<Private> = TableOptions::new().private();
    /// # let _ = options;
    /// ```
    pub fn private(self) -> TableOptions<Private, D> {
        self.access()
    }

    /// Makes `pid` the owner instead of the calling process: the table dies with `pid` (unless
    /// it has an heir), and the handle `Table::new` returns is the owner's, to be handed to
    /// `pid`. Needed outside any process.
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
    /// assert_eq!(table.owner()?, owner.pid());
    /// # Ok(())
    /// # }
    /// ```
    pub fn owner(mut self, pid: &Pid) -> Self {
        self.owner = Some(pid.clone());
        self
    }

    /// Makes `pid` the heir (`{heir, Pid, HeirData}`): when the owner exits, a live heir
    /// becomes the owner and receives a [`TableTransfer`](crate::TableTransfer) with `data`;
    /// without one, the table is deleted. The heir stays set after a transfer, as in ETS.
    ///
    /// ```
    /// use otp_core::TableOptions;
    /// # use otp_core::prelude::*;
    /// # struct Heir;
    /// # #[genserver]
    /// # impl Heir {
    /// #     #[handle_info(catch_all)]
    /// #     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// # }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let heir = Heir::start(Heir).await?;
    /// let options: TableOptions<_, u32> = TableOptions::new().heir(&heir.pid(), 7);
    /// # let _ = options;
    /// # Ok(())
    /// # }
    /// ```
    pub fn heir<H: Clone + Send + 'static>(self, pid: &Pid, data: H) -> TableOptions<A, H> {
        TableOptions {
            owner: self.owner,
            heir: Some((pid.clone(), data)),
            access: PhantomData,
        }
    }
}
