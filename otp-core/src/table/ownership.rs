//! Who owns a table, and what happens when the owner exits: the heir inherits, or the table
//! is deleted.
//!
//! `status` holds the current owner's epoch (1 for the creator, one more for each new owner)
//! or [`DELETED`]; every operation reads it once, so a handle learns of a deletion or a
//! transfer without a lock. The lock in [`Shared::ownership`] is taken only to change owners.
//!
//! Each owner has an exit hook ([`crate::process::on_exit`]) tagged with its epoch: a hook whose
//! epoch is no longer current (the table was given away since) does nothing. A new owner's
//! hook is registered before the table is handed over, so a new owner that exits at once still
//! hands the table on or deletes it.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use super::ops::Ops;
use super::{Access, AnyTableKind, Table, TableError, TableKind};
use crate::Pid;
use crate::process;

/// The `status` of a deleted table.
const DELETED: u64 = u64::MAX;
/// The epoch of a handle that is not the owner's (a reader, a clone of a public handle).
pub(super) const NOT_OWNER: u64 = 0;

/// The state every handle of one table shares.
pub(super) struct Shared<K, V, Kind: AnyTableKind> {
    pub(super) id: u64,
    status: AtomicU64,
    pub(super) store: Kind::Store<K, V>,
    /// The store's operations, taken where the table was created.
    pub(super) ops: Ops<K, V, Kind>,
    ownership: Mutex<Ownership>,
    types: PhantomData<fn() -> (K, V)>,
}

struct Ownership {
    owner: Pid,
    epoch: u64,
    heir: Option<Heir>,
}

/// Sends the transfer message of a new owner's epoch, from the given previous owner.
pub(super) type Delivery = Box<dyn Fn(u64, Pid) + Send>;

/// An heir, and how to send it a [`TableTransfer`] with a new owner's handle.
struct Heir {
    pid: Pid,
    deliver: Delivery,
}

/// The info message a process receives when it becomes a table's owner: as the heir of an
/// owner that exited (ETS's `{'ETS-TRANSFER', Tab, FromPid, HeirData}`), or by
/// [`give_away`](Table::give_away). `table` is the new owner's handle; `data` is the heir data
/// or the gift.
///
/// Its type names the table's types, its access and the data's type: the receiver's
/// `#[handle_info]` must name the same `TableTransfer<K, V, Kind, A, D>`, or the message
/// goes to the catch-all handler, with the only owner's handle.
///
/// ```
/// # use otp_core::prelude::*;
/// # use otp_core::{Set, Table, TableOptions, TableTransfer};
/// #[derive(Default)]
/// struct Heir {
///     table: Option<Table<String, u32>>,
/// }
///
/// #[genserver]
/// impl Heir {
///     #[handle_info]
///     fn inherit(&mut self, transfer: TableTransfer<String, u32, Set, Protected, &'static str>) {
///         assert_eq!(transfer.data, "cache");
///         self.table = Some(transfer.table);
///     }
///
///     #[handle_call]
///     fn get(&mut self, key: String) -> Option<u32> {
///         self.table.as_ref()?.lookup(&key).ok()?
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
/// # use otp_core::Protected;
/// # struct Owner;
/// # #[genserver]
/// # impl Owner {
/// #     #[handle_info(catch_all)]
/// #     fn unexpected(&mut self, _msg: AnyMessage) {}
/// # }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let heir = Heir::start(Heir::default()).await?;
/// let owner = Owner::start(Owner).await?;
/// let options = TableOptions::new().owner(&owner.pid()).heir(&heir.pid(), "cache");
/// let table = Table::new(Set, options)?;
/// table.insert("answer".to_string(), 42_u32)?;
///
/// owner.pid().kill();
/// owner.pid().wait_exit().await;
/// assert_eq!(heir.get("answer".to_string()).await?, Some(42));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct TableTransfer<K, V, Kind = super::Set, A = super::Protected, D = ()>
where
    Kind: AnyTableKind,
    A: Access,
{
    /// The new owner's handle.
    pub table: Table<K, V, Kind, A>,
    /// The previous owner: the process that exited, or the one that gave the table away.
    pub from: Pid,
    /// The heir data given with the heir, or the gift given to `give_away`.
    pub data: D,
}

impl<K, V, Kind: AnyTableKind> Shared<K, V, Kind> {
    /// A table owned by `owner`, not yet watching it.
    pub(super) fn new(owner: Pid) -> Self
    where
        Kind: TableKind<K, V>,
    {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Shared {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            status: AtomicU64::new(1),
            store: Kind::new_store(),
            ops: Ops::of(),
            ownership: Mutex::new(Ownership {
                owner,
                epoch: 1,
                heir: None,
            }),
            types: PhantomData,
        }
    }

    fn ownership(&self) -> MutexGuard<'_, Ownership> {
        // No code panics while holding this lock; recover the data if it ever happened.
        self.ownership
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether a handle of `epoch` may act: the table lives and, when `need_owner`, the handle
    /// is the current owner's.
    pub(super) fn check(&self, epoch: u64, need_owner: bool) -> Result<(), TableError> {
        let status = self.status.load(Ordering::Acquire);
        if status == DELETED {
            Err(TableError::Deleted)
        } else if need_owner && status != epoch {
            Err(TableError::NotOwner)
        } else {
            Ok(())
        }
    }

    pub(super) fn owner(&self) -> Result<Pid, TableError> {
        self.check(NOT_OWNER, false)?;
        Ok(self.ownership().owner.clone())
    }

    pub(super) fn heir(&self) -> Result<Option<Pid>, TableError> {
        self.check(NOT_OWNER, false)?;
        Ok(self.ownership().heir.as_ref().map(|heir| heir.pid.clone()))
    }
}

impl<K: 'static, V: 'static, Kind: TableKind<K, V>> Shared<K, V, Kind> {
    /// Starts watching the first owner; the table is deleted at once if it is not alive.
    pub(super) fn watch_first_owner(self: &Arc<Self>) -> Result<(), TableError> {
        let mut ownership = self.ownership();
        if watch(self, &ownership.owner, ownership.epoch).is_ok() {
            return Ok(());
        }
        self.delete(&mut ownership);
        Err(TableError::NoProc)
    }

    /// Sets or clears the heir, if the handle of `epoch` is the owner's. `deliver` is made
    /// from a weak reference to the table, so that the heir keeps no table alive.
    pub(super) fn set_heir(
        &self,
        epoch: u64,
        heir: Option<(Pid, Delivery)>,
    ) -> Result<(), TableError> {
        let mut ownership = self.ownership();
        self.check(epoch, true)?;
        ownership.heir = heir.map(|(pid, deliver)| Heir { pid, deliver });
        Ok(())
    }

    /// Makes `to` the owner, if the handle of `epoch` is the owner's; returns the new epoch
    /// and the previous owner. The caller sends the transfer message.
    pub(super) fn give_away(
        self: &Arc<Self>,
        epoch: u64,
        to: &Pid,
    ) -> Result<(u64, Pid), TableError> {
        let mut ownership = self.ownership();
        self.check(epoch, true)?;
        if ownership.owner == *to {
            return Err(TableError::AlreadyOwner(to.clone()));
        }
        let next = ownership.epoch + 1;
        watch(self, to, next).map_err(|()| TableError::NoProc)?;
        let from = std::mem::replace(&mut ownership.owner, to.clone());
        ownership.epoch = next;
        self.status.store(next, Ordering::Release);
        Ok((next, from))
    }

    /// Deletes the table, if the handle of `epoch` is the owner's.
    pub(super) fn delete_table(self: &Arc<Self>, epoch: u64) -> Result<(), TableError> {
        let mut ownership = self.ownership();
        self.check(epoch, true)?;
        self.delete(&mut ownership);
        Ok(())
    }

    /// The exit hook of the owner of `epoch`: hands the table to a live heir (other than the
    /// owner itself), or deletes it.
    fn owner_exited(self: &Arc<Self>, owner: &Pid, epoch: u64) {
        let mut ownership = self.ownership();
        if ownership.epoch != epoch || self.status.load(Ordering::Acquire) == DELETED {
            return; // given away since: this hook is stale
        }
        let next = epoch + 1;
        let heir = match &ownership.heir {
            Some(heir) if heir.pid != *owner && watch(self, &heir.pid, next).is_ok() => {
                heir.pid.clone()
            }
            _ => {
                self.delete(&mut ownership);
                return;
            }
        };
        ownership.owner = heir;
        ownership.epoch = next;
        self.status.store(next, Ordering::Release);
        if let Some(heir) = &ownership.heir {
            (heir.deliver)(next, owner.clone());
        }
    }

    /// Deletes the table: every handle fails with `Deleted` from here, and the rows are freed
    /// off the runtime's workers (see the module docs of `table`).
    fn delete(self: &Arc<Self>, ownership: &mut Ownership) {
        self.status.store(DELETED, Ordering::Release);
        ownership.heir = None;
        let table = Arc::clone(self);
        let free = move || (table.ops.clear)(&table.store);
        match tokio::runtime::Handle::try_current() {
            // A writer may hold the table's lock (an ordered set's) or a bucket's for as long as
            // its closure runs, and freeing many rows takes a while: neither may stall a worker,
            // on whose thread an owner's exit runs.
            Ok(runtime) => drop(runtime.spawn_blocking(free)),
            // Not on a runtime's thread: waiting here stalls no worker.
            Err(_) => free(),
        }
    }
}

/// Registers the exit hook of `owner` for `epoch`; fails when `owner` has already exited.
fn watch<K: 'static, V: 'static, Kind: TableKind<K, V>>(
    shared: &Arc<Shared<K, V, Kind>>,
    owner: &Pid,
    epoch: u64,
) -> Result<(), ()> {
    let table = Arc::clone(shared);
    process::on_exit(
        owner,
        Box::new(move |pid, _reason| table.owner_exited(pid, epoch)),
    )
    .map_err(drop)
}

/// How to send `heir` the transfer message of a table with handles of access `A`: the
/// closure keeps a weak reference to the table and a copy of `data` for each transfer.
pub(super) fn heir_delivery<K, V, Kind, A, D>(
    shared: &Arc<Shared<K, V, Kind>>,
    heir: &Pid,
    data: D,
) -> Delivery
where
    K: 'static,
    V: 'static,
    Kind: TableKind<K, V>,
    A: Access,
    D: Clone + Send + 'static,
{
    let table: Weak<Shared<K, V, Kind>> = Arc::downgrade(shared);
    let heir = heir.clone();
    Box::new(move |epoch, from| {
        // The exit hook that calls this holds the table.
        if let Some(shared) = table.upgrade() {
            heir.send(TableTransfer {
                table: Table::<K, V, Kind, A>::from_shared(shared, epoch),
                from,
                data: data.clone(),
            });
        }
    })
}
