//! A `set` table holds one object per key: inserting under a present key replaces its object,
//! `insert_new` leaves a present key alone, `take` removes and returns the object, and
//! `delete_object` removes it only when the value is equal. Lookups take a borrowed key.

use otp_core::prelude::*;
use otp_core::{Set, Table, TableOptions};

struct Owner;

#[genserver]
impl Owner {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn table() -> (OwnerRef, Table<String, u32>) {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(Set, TableOptions::new().owner(&owner.pid())).unwrap();
    (owner, table)
}

#[tokio::test]
async fn insert_replaces_the_object_of_a_present_key() {
    let (_owner, table) = table().await;
    table.insert("k".to_string(), 1).unwrap();
    table.insert("k".to_string(), 2).unwrap();
    assert_eq!(table.lookup("k"), Ok(Some(2)));
    assert_eq!(table.len(), Ok(1));
    let rows: Vec<_> = table.iter().unwrap().collect();
    assert_eq!(rows, [("k".to_string(), 2)]);
}

#[tokio::test]
async fn insert_new_leaves_a_present_key_alone() {
    let (_owner, table) = table().await;
    assert_eq!(table.insert_new("k".to_string(), 1), Ok(true));
    assert_eq!(table.insert_new("k".to_string(), 2), Ok(false));
    assert_eq!(table.lookup("k"), Ok(Some(1)));
}

#[tokio::test]
async fn take_removes_and_returns_the_object() {
    let (_owner, table) = table().await;
    table.insert("k".to_string(), 7).unwrap();
    assert_eq!(table.take("k"), Ok(Some(7)));
    assert_eq!(table.take("k"), Ok(None));
    assert_eq!(table.member("k"), Ok(false));
    assert_eq!(table.len(), Ok(0));
}

#[tokio::test]
async fn delete_object_needs_an_equal_value() {
    let (_owner, table) = table().await;
    table.insert("k".to_string(), 7).unwrap();
    assert_eq!(table.delete_object("k", &8), Ok(false));
    assert_eq!(table.lookup("k"), Ok(Some(7)));
    assert_eq!(table.delete_object("k", &7), Ok(true));
    assert_eq!(table.lookup("k"), Ok(None));
}

#[tokio::test]
async fn delete_removes_the_key() {
    let (_owner, table) = table().await;
    table.insert("a".to_string(), 1).unwrap();
    table.insert("b".to_string(), 2).unwrap();
    assert_eq!(table.delete("a"), Ok(true));
    assert_eq!(table.delete("a"), Ok(false));
    assert_eq!(table.lookup("a"), Ok(None));
    assert_eq!(table.lookup("b"), Ok(Some(2)));
    assert_eq!(table.len(), Ok(1));
}
