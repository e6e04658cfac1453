//! Without an heir, a table dies with its owner, however the owner exits (killed, stopped,
//! crashed): every handle then answers `TableError::Deleted`, for reads and writes alike, and
//! nothing panics.

use otp_core::prelude::*;
use otp_core::{OrderedSet, Public, Set, Table, TableError, TableOptions};

struct Owner;

#[genserver]
impl Owner {
    #[handle_call]
    fn crash(&mut self) {
        panic!("owner crashed");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn public_set(owner: &OwnerRef) -> Table<u32, u32, Set, Public> {
    let table = Table::new(Set, TableOptions::new().public().owner(&owner.pid())).unwrap();
    for key in 0..100 {
        table.insert(key, key).unwrap();
    }
    table
}

fn assert_deleted(table: &Table<u32, u32, Set, Public>) {
    assert_eq!(table.lookup(&1), Err(TableError::Deleted));
    assert_eq!(table.member(&1), Err(TableError::Deleted));
    assert_eq!(table.len(), Err(TableError::Deleted));
    assert_eq!(table.memory(), Err(TableError::Deleted));
    assert_eq!(table.iter().err(), Some(TableError::Deleted));
    assert_eq!(table.select(|k, _| Some(*k)), Err(TableError::Deleted));
    assert_eq!(table.owner(), Err(TableError::Deleted));
    assert_eq!(table.insert(1, 1), Err(TableError::Deleted));
    assert_eq!(table.insert_new(500, 1), Err(TableError::Deleted));
    assert_eq!(table.delete(&1), Err(TableError::Deleted));
    assert_eq!(table.take(&1), Err(TableError::Deleted));
    assert_eq!(table.update_counter(1, 1), Err(TableError::Deleted));
    assert_eq!(table.select_delete(|_, _| true), Err(TableError::Deleted));
    assert_eq!(table.reader().lookup(&1), Err(TableError::Deleted));
}

#[tokio::test]
async fn a_killed_owner_takes_its_table_along() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = public_set(&owner).await;
    assert_eq!(table.len(), Ok(100));
    owner.pid().kill();
    owner.pid().wait_exit().await;
    assert_deleted(&table);
}

#[tokio::test]
async fn a_stopped_owner_takes_its_table_along() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = public_set(&owner).await;
    owner.stop(ExitReason::Normal).await.unwrap();
    assert_deleted(&table);
}

#[tokio::test]
async fn a_crashed_owner_takes_its_table_along() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = public_set(&owner).await;
    let _ = owner.crash().await;
    owner.pid().wait_exit().await;
    assert_deleted(&table);
}

#[tokio::test]
async fn readers_of_every_kind_see_the_deletion() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(OrderedSet, TableOptions::new().owner(&owner.pid())).unwrap();
    table.insert("k", 1).unwrap();
    let reader = table.reader();
    owner.pid().kill();
    owner.pid().wait_exit().await;
    assert_eq!(reader.lookup("k"), Err(TableError::Deleted));
    assert_eq!(table.insert("k", 2), Err(TableError::Deleted));
}

#[tokio::test]
async fn a_dead_owner_cannot_own_a_new_table() {
    let owner = Owner::start(Owner).await.unwrap();
    owner.pid().kill();
    owner.pid().wait_exit().await;
    let created = Table::<u32, u32>::new(Set, TableOptions::new().owner(&owner.pid()));
    assert_eq!(created.err(), Some(TableError::NoProc));
}
