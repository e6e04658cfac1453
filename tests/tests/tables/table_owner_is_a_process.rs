//! A table's owner is a process: `Table::new` inside a process makes that process the owner;
//! outside any process it needs an explicit owner and fails with `TableError::NoOwner`
//! otherwise (no panic).

use otp_core::prelude::*;
use otp_core::{Bag, Set, Table, TableError, TableOptions};

struct Creator;

#[genserver]
impl Creator {
    #[handle_call]
    fn create(&mut self) -> Result<Pid, TableError> {
        let table: Table<u32, u32, Bag> = Table::new(Bag, TableOptions::new())?;
        let owner = table.owner()?;
        // The table stays alive with its owner even when this handle is dropped.
        Ok(owner)
    }

    #[handle_call]
    fn current(&mut self) -> Option<Pid> {
        otp_core::current_pid()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn the_creating_process_owns_the_table() {
    let creator = Creator::start(Creator).await.unwrap();
    assert_eq!(creator.current().await.unwrap(), Some(creator.pid()));
    assert_eq!(creator.create().await.unwrap(), Ok(creator.pid()));
}

#[tokio::test]
async fn outside_any_process_a_table_needs_an_owner() {
    assert!(otp_core::current_pid().is_none());
    let created = Table::<u32, u32>::new(Set, TableOptions::new());
    assert_eq!(created.err(), Some(TableError::NoOwner));
    let spawned = tokio::spawn(async { Table::<u32, u32>::new(Set, TableOptions::new()).err() });
    assert_eq!(spawned.await.unwrap(), Some(TableError::NoOwner));
}

#[tokio::test]
async fn an_explicit_owner_owns_the_table() {
    let creator = Creator::start(Creator).await.unwrap();
    let table = Table::<u32, u32>::new(Set, TableOptions::new().owner(&creator.pid())).unwrap();
    assert_eq!(table.owner(), Ok(creator.pid()));
}
