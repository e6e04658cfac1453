//! A `bag` table holds several objects per key, in insertion order, but never two identical
//! ones: inserting an object its key already has does nothing. `delete_object` removes one
//! object and keeps the key's others; `insert_new` refuses a key that has any object.

use otp_core::prelude::*;
use otp_core::{Bag, Table, TableOptions};

struct Owner;

#[genserver]
impl Owner {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn table() -> (OwnerRef, Table<&'static str, &'static str, Bag>) {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(Bag, TableOptions::new().owner(&owner.pid())).unwrap();
    (owner, table)
}

#[tokio::test]
async fn identical_objects_are_stored_once() {
    let (_owner, table) = table().await;
    for tag in ["red", "blue", "red", "green", "blue"] {
        table.insert("tags", tag).unwrap();
    }
    assert_eq!(table.lookup("tags"), Ok(vec!["red", "blue", "green"]));
    assert_eq!(table.len(), Ok(3));
}

#[tokio::test]
async fn keys_keep_their_own_objects() {
    let (_owner, table) = table().await;
    table.insert("a", "x").unwrap();
    table.insert("b", "x").unwrap();
    table.insert("a", "y").unwrap();
    assert_eq!(table.lookup("a"), Ok(vec!["x", "y"]));
    assert_eq!(table.lookup("b"), Ok(vec!["x"]));
    assert_eq!(table.lookup("c"), Ok(vec![]));
    let mut rows: Vec<_> = table.iter().unwrap().collect();
    rows.sort_unstable();
    assert_eq!(rows, [("a", "x"), ("a", "y"), ("b", "x")]);
}

#[tokio::test]
async fn delete_object_keeps_the_other_objects() {
    let (_owner, table) = table().await;
    for tag in ["red", "blue", "green"] {
        table.insert("tags", tag).unwrap();
    }
    assert_eq!(table.delete_object("tags", &"blue"), Ok(true));
    assert_eq!(table.delete_object("tags", &"blue"), Ok(false));
    assert_eq!(table.lookup("tags"), Ok(vec!["red", "green"]));
    assert_eq!(table.len(), Ok(2));
}

#[tokio::test]
async fn take_and_insert_new_see_the_whole_key() {
    let (_owner, table) = table().await;
    assert_eq!(table.insert_new("k", "a"), Ok(true));
    assert_eq!(table.insert_new("k", "b"), Ok(false));
    table.insert("k", "b").unwrap();
    assert_eq!(table.take("k"), Ok(vec!["a", "b"]));
    assert_eq!(table.take("k"), Ok(vec![]));
    assert_eq!(table.len(), Ok(0));
}
