//! A protected table (the default): its owner writes, other processes read through a reader.
//!
//! Compile-time (not tested here; see the lead's ui-tests): a reader
//! (`Table<_, _, _, ReadOnly>`) has no `insert`, `delete`, `take`, `update_counter`, ...; the
//! owner's handle of a protected table is not `Clone`; `give_away` consumes it. At run time:
//! a handle that no longer belongs to the owner (the table passed to an heir) cannot write,
//! but still reads.

use otp_core::prelude::*;
use otp_core::{ReadOnly, Set, Table, TableError, TableOptions, TableTransfer};

/// Creates its table inside itself, so it is the owner, and writes it on request.
#[derive(Default)]
struct Owner {
    table: Option<Table<u32, String>>,
}

#[genserver]
impl Owner {
    #[handle_call]
    fn create(&mut self) -> Result<Table<u32, String, Set, ReadOnly>, TableError> {
        let table = Table::new(Set, TableOptions::new())?;
        let reader = table.reader();
        self.table = Some(table);
        Ok(reader)
    }

    #[handle_call]
    fn put(&mut self, key: u32, value: String) -> Result<(), TableError> {
        self.table
            .as_ref()
            .ok_or(TableError::Deleted)?
            .insert(key, value)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Another process, reading through a reader handle from inside its handler.
struct Reader {
    table: Table<u32, String, Set, ReadOnly>,
}

#[genserver]
impl Reader {
    #[handle_call]
    fn get(&mut self, key: u32) -> Result<Option<String>, TableError> {
        self.table.lookup(&key)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[derive(Default)]
struct Heir {
    table: Option<Table<u32, String>>,
}

#[genserver]
impl Heir {
    #[handle_info]
    fn inherit(&mut self, transfer: TableTransfer<u32, String>) {
        self.table = Some(transfer.table);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn the_owner_writes_and_other_processes_read() {
    let owner = Owner::start(Owner::default()).await.unwrap();
    let reader = owner.create().await.unwrap().unwrap();
    assert_eq!(reader.owner(), Ok(owner.pid()));
    owner.put(1, "one".into()).await.unwrap().unwrap();

    let other = Reader::start(Reader {
        table: reader.clone(),
    })
    .await
    .unwrap();
    assert_eq!(other.get(1).await.unwrap(), Ok(Some("one".to_string())));
    assert_eq!(reader.lookup(&1), Ok(Some("one".to_string())));
    assert_eq!(reader.len(), Ok(1));
}

#[tokio::test]
async fn a_handle_left_behind_by_a_transfer_reads_but_cannot_write() {
    let owner = Owner::start(Owner::default()).await.unwrap();
    let heir = Heir::start(Heir::default()).await.unwrap();
    // The test holds the owner's handle of a table owned by `owner`.
    let options = TableOptions::new()
        .owner(&owner.pid())
        .heir(&heir.pid(), ());
    let table: Table<u32, String> = Table::new(Set, options).unwrap();
    table.insert(1, "one".into()).unwrap();

    owner.pid().kill();
    owner.pid().wait_exit().await;

    assert_eq!(table.owner(), Ok(heir.pid()));
    assert_eq!(table.insert(2, "two".into()), Err(TableError::NotOwner));
    assert_eq!(table.delete(&1), Err(TableError::NotOwner));
    assert_eq!(table.lookup(&1), Ok(Some("one".to_string())));
    assert_eq!(table.len(), Ok(1));
}
