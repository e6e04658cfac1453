//! A public table: any process holding a handle reads and writes. A clone of the handle
//! writes, but only the owner's own handle gives the table away or deletes it.

use otp_core::prelude::*;
use otp_core::{Public, Set, Table, TableError, TableOptions};

struct Owner;

#[genserver]
impl Owner {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Another process, writing through its clone of the handle.
struct Writer {
    table: Table<String, u64, Set, Public>,
}

#[genserver]
impl Writer {
    #[handle_call]
    fn hit(&mut self, page: String) -> Result<u64, TableError> {
        self.table.update_counter_or(page, 1, 0)
    }

    #[handle_call]
    fn put(&mut self, page: String, hits: u64) -> Result<(), TableError> {
        self.table.insert(page, hits)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn other_processes_write_through_a_clone() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(Set, TableOptions::new().public().owner(&owner.pid())).unwrap();
    let writer = Writer::start(Writer {
        table: table.clone(),
    })
    .await
    .unwrap();

    writer.put("/".into(), 10).await.unwrap().unwrap();
    assert_eq!(writer.hit("/".into()).await.unwrap(), Ok(11));
    assert_eq!(table.lookup("/"), Ok(Some(11)));
    table.insert("/".into(), 0).unwrap();
    assert_eq!(writer.hit("/".into()).await.unwrap(), Ok(1));
}

#[tokio::test]
async fn a_clone_cannot_act_as_the_owner() {
    let owner = Owner::start(Owner).await.unwrap();
    let other = Owner::start(Owner).await.unwrap();
    let table: Table<String, u64, Set, Public> =
        Table::new(Set, TableOptions::new().public().owner(&owner.pid())).unwrap();
    let clone = table.clone();

    assert_eq!(clone.set_heir(&other.pid(), ()), Err(TableError::NotOwner));
    assert_eq!(clone.remove_heir(), Err(TableError::NotOwner));
    let failed = clone.give_away(&other.pid(), ()).unwrap_err();
    assert_eq!(failed.reason, TableError::NotOwner);
    assert_eq!(failed.table.delete_table(), Err(TableError::NotOwner));
    assert_eq!(table.owner(), Ok(owner.pid()));

    let writer = table.clone();
    table.delete_table().unwrap();
    assert_eq!(writer.insert("/".into(), 1), Err(TableError::Deleted));
}
