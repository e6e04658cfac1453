//! Access modes, as type parameters of a handle: what the holder of a [`Table`] may do.
//!
//! ETS checks access at run time, by the calling process. Here the handle's type says it, so a
//! protected table's reader has no `insert` to call, and a private table has no `reader()`:
//!
//! | handle | made by | reads | writes | owner's acts |
//! |---|---|---|---|---|
//! | `Table<_, _, _, Protected>` | `Table::new`, a transfer | yes | yes | yes |
//! | `Table<_, _, _, Private>` | `Table::new`, a transfer | yes | yes | yes |
//! | `Table<_, _, _, Public>` | `Table::new`, a transfer, `clone` | yes | yes | owner's own handle |
//! | `Table<_, _, _, ReadOnly>` | `reader()` of a public or protected table, `clone` | yes | no | no |
//!
//! The owner's acts are `give_away`, `set_heir`, `remove_heir` and `delete_table`. A
//! protected or private table's owner handle is not `Clone`, and `give_away` consumes it; if
//! the table passes to an heir, a handle left behind fails with [`TableError::NotOwner`]
//! (reads too, for a private table).

#[cfg(doc)]
use crate::{Table, TableError};

mod sealed {
    pub trait Sealed {}
}

/// An access mode: [`Public`], [`Protected`], [`Private`], or [`ReadOnly`] for a reader.
///
/// ```
/// use otp_core::{Access, Protected, ReadOnly};
///
/// fn name<A: Access>() -> &'static str { A::NAME }
/// assert_eq!(name::<Protected>(), "protected");
/// assert_eq!(name::<ReadOnly>(), "read_only");
/// ```
pub trait Access: sealed::Sealed + Send + Sync + 'static {
    /// The mode's name, as ETS spells it.
    const NAME: &'static str;
    /// Whether reads through this handle need it to be the current owner's.
    #[doc(hidden)]
    const READS_NEED_OWNER: bool;
}

/// Access modes whose handle can write: [`Public`], [`Protected`], [`Private`].
///
/// ```
/// use otp_core::{Writable, Public, Private};
///
/// fn owner_only<A: Writable>() -> bool { A::WRITES_NEED_OWNER }
/// assert!(!owner_only::<Public>());
/// assert!(owner_only::<Private>());
/// ```
#[diagnostic::on_unimplemented(
    message = "a `{Self}` table handle cannot write",
    label = "read-only handle",
    note = "only the owner's handle of a protected or private table writes; make the table `Public` to let other processes write"
)]
pub trait Writable: Access {
    /// Whether a write needs the owner's handle (protected, private) or takes any (public).
    const WRITES_NEED_OWNER: bool;
}

/// Access modes whose table other processes may read: [`Public`], [`Protected`], and
/// [`ReadOnly`] itself. A [`Private`] table has no reader.
///
/// ```
/// use otp_core::{Protected, Shareable};
///
/// fn shareable<A: Shareable>() {}
/// shareable::<Protected>();
/// ```
#[diagnostic::on_unimplemented(
    message = "a `{Self}` table has no reader for other processes",
    label = "private table",
    note = "only the owner reads a private table; make it `Protected` (the default) to share reads"
)]
pub trait Shareable: Access {}

/// Public (`public`): any process holding a handle reads and writes. The handle is `Clone`;
/// a clone writes but cannot give the table away.
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
/// # let owner = Owner::start(Owner).await?;
/// let table: Table<&str, u32, Set, Public> =
///     Table::new(Set, TableOptions::new().public().owner(&owner.pid()))?;
/// let shared = table.clone();
/// tokio::spawn(async move { shared.insert("hits", 1) }).await??;
/// assert_eq!(table.lookup("hits")?, Some(1));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Public;

/// Protected (`protected`, the default): the owner writes, any process holding a reader
/// reads. The owner's handle is not `Clone`; [`Table::reader`] makes readers.
///
/// ```compile_fail,E0599
/// # use otp_core::{Set, Table, TableOptions};
/// # fn f(table: Table<u32, u32>) {
/// let reader = table.reader();
/// reader.insert(1, 1); // error: a `ReadOnly` table handle cannot write
/// # }
/// ```
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
/// let table: Table<u32, u32> = Table::new(Set, TableOptions::new().owner(&owner.pid()))?;
/// table.insert(1, 10)?;
/// let reader = table.reader();
/// assert_eq!(reader.lookup(&1)?, Some(10));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Protected;

/// Private (`private`): only the owner reads and writes. Its handle is neither `Clone` nor
/// able to make a reader.
///
/// ```compile_fail,E0599
/// # use otp_core::{Private, Set, Table};
/// # fn f(table: Table<u32, u32, Set, Private>) {
/// let reader = table.reader(); // error: a `Private` table has no reader for other processes
/// # }
/// ```
///
/// ```
/// # use otp_core::prelude::*;
/// # use otp_core::{Private, Set, Table, TableOptions};
/// # struct Owner;
/// # #[genserver]
/// # impl Owner {
/// #     #[handle_info(catch_all)]
/// #     fn unexpected(&mut self, _msg: AnyMessage) {}
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let owner = Owner::start(Owner).await?;
/// let table: Table<u32, u32, Set, Private> =
///     Table::new(Set, TableOptions::new().private().owner(&owner.pid()))?;
/// table.insert(1, 10)?;
/// assert_eq!(table.lookup(&1)?, Some(10));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Private;

/// A reader's handle of a public or protected table: reads only, `Clone`, and it keeps
/// reading after the table passes to an heir or is given away.
///
/// ```
/// # use otp_core::prelude::*;
/// # use otp_core::{ReadOnly, Set, Table, TableOptions};
/// # struct Owner;
/// # #[genserver]
/// # impl Owner {
/// #     #[handle_info(catch_all)]
/// #     fn unexpected(&mut self, _msg: AnyMessage) {}
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let owner = Owner::start(Owner).await?;
/// let table: Table<u32, u32> = Table::new(Set, TableOptions::new().owner(&owner.pid()))?;
/// let reader: Table<u32, u32, Set, ReadOnly> = table.reader();
/// let other = reader.clone();
/// table.insert(7, 49)?;
/// assert_eq!(other.lookup(&7)?, Some(49));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ReadOnly;

impl sealed::Sealed for Public {}
impl sealed::Sealed for Protected {}
impl sealed::Sealed for Private {}
impl sealed::Sealed for ReadOnly {}

impl Access for Public {
    const NAME: &'static str = "public";
    const READS_NEED_OWNER: bool = false;
}
impl Access for Protected {
    const NAME: &'static str = "protected";
    const READS_NEED_OWNER: bool = false;
}
impl Access for Private {
    const NAME: &'static str = "private";
    const READS_NEED_OWNER: bool = true;
}
impl Access for ReadOnly {
    const NAME: &'static str = "read_only";
    const READS_NEED_OWNER: bool = false;
}

impl Writable for Public {
    const WRITES_NEED_OWNER: bool = false;
}
impl Writable for Protected {
    const WRITES_NEED_OWNER: bool = true;
}
impl Writable for Private {
    const WRITES_NEED_OWNER: bool = true;
}

impl Shareable for Public {}
impl Shareable for Protected {}
impl Shareable for ReadOnly {}
