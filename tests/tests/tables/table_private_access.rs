//! A private table: only its owner reads and writes.
//!
//! Compile-time (not tested here; see the lead's ui-tests): `Table<_, _, _, Private>` has no
//! `reader()` and is not `Clone`, so no other process can get a handle from it. At run time:
//! once the table has passed to an heir, a handle left behind can neither read nor write.

use otp_core::prelude::*;
use otp_core::{Private, Set, Table, TableError, TableOptions, TableTransfer};

/// Owns a private table and uses it from inside itself.
#[derive(Default)]
struct Owner {
    table: Option<Table<u32, u32, Set, Private>>,
}

#[genserver]
impl Owner {
    #[handle_call]
    fn create(&mut self) -> Result<(), TableError> {
        self.table = Some(Table::new(Set, TableOptions::new().private())?);
        Ok(())
    }

    #[handle_call]
    fn bump(&mut self, key: u32) -> Result<u32, TableError> {
        let table = self.table.as_ref().ok_or(TableError::Deleted)?;
        table.update_counter_or(key, 1, 0)
    }

    #[handle_call]
    fn get(&mut self, key: u32) -> Result<Option<u32>, TableError> {
        self.table.as_ref().ok_or(TableError::Deleted)?.lookup(&key)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[derive(Default)]
struct Heir {
    table: Option<Table<u32, u32, Set, Private>>,
}

#[genserver]
impl Heir {
    #[handle_info]
    fn inherit(&mut self, transfer: TableTransfer<u32, u32, Set, Private>) {
        self.table = Some(transfer.table);
    }

    #[handle_call]
    fn get(&mut self, key: u32) -> Result<Option<u32>, TableError> {
        self.table.as_ref().ok_or(TableError::Deleted)?.lookup(&key)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn the_owner_reads_and_writes() {
    let owner = Owner::start(Owner::default()).await.unwrap();
    owner.create().await.unwrap().unwrap();
    assert_eq!(owner.bump(5).await.unwrap(), Ok(1));
    assert_eq!(owner.bump(5).await.unwrap(), Ok(2));
    assert_eq!(owner.get(5).await.unwrap(), Ok(Some(2)));
}

#[tokio::test]
async fn a_handle_left_behind_by_a_transfer_cannot_read() {
    let owner = Owner::start(Owner::default()).await.unwrap();
    let heir = Heir::start(Heir::default()).await.unwrap();
    let options = TableOptions::new()
        .private()
        .owner(&owner.pid())
        .heir(&heir.pid(), ());
    let table: Table<u32, u32, Set, Private> = Table::new(Set, options).unwrap();
    table.insert(1, 10).unwrap();
    assert_eq!(table.lookup(&1), Ok(Some(10)));

    owner.pid().kill();
    owner.pid().wait_exit().await;

    assert_eq!(table.lookup(&1), Err(TableError::NotOwner));
    assert_eq!(table.len(), Err(TableError::NotOwner));
    assert_eq!(table.insert(2, 20), Err(TableError::NotOwner));
    assert_eq!(heir.get(1).await.unwrap(), Ok(Some(10)));
}
