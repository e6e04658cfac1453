//! A `duplicate_bag` table keeps every object inserted, identical ones included, in insertion
//! order; `len` counts them all, and `delete_object` removes every copy of the object.

use otp_core::prelude::*;
use otp_core::{DuplicateBag, Table, TableOptions};

struct Owner;

#[genserver]
impl Owner {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn table() -> (OwnerRef, Table<&'static str, u32, DuplicateBag>) {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(DuplicateBag, TableOptions::new().owner(&owner.pid())).unwrap();
    (owner, table)
}

#[tokio::test]
async fn identical_objects_are_all_kept() {
    let (_owner, table) = table().await;
    for value in [1, 2, 1, 1] {
        table.insert("k", value).unwrap();
    }
    assert_eq!(table.lookup("k"), Ok(vec![1, 2, 1, 1]));
    assert_eq!(table.len(), Ok(4));
    let rows: Vec<_> = table.iter().unwrap().collect();
    assert_eq!(rows, [("k", 1), ("k", 2), ("k", 1), ("k", 1)]);
}

#[tokio::test]
async fn delete_object_removes_every_copy() {
    let (_owner, table) = table().await;
    for value in [1, 2, 1, 3, 1] {
        table.insert("k", value).unwrap();
    }
    assert_eq!(table.delete_object("k", &1), Ok(true));
    assert_eq!(table.lookup("k"), Ok(vec![2, 3]));
    assert_eq!(table.len(), Ok(2));
}

#[tokio::test]
async fn select_delete_counts_objects() {
    let (_owner, table) = table().await;
    for value in [1, 1, 2, 1] {
        table.insert("a", value).unwrap();
    }
    table.insert("b", 1).unwrap();
    assert_eq!(table.select_delete(|_, value| *value == 1), Ok(4));
    assert_eq!(table.lookup("a"), Ok(vec![2]));
    assert_eq!(table.member("b"), Ok(false));
    assert_eq!(table.len(), Ok(1));
}
