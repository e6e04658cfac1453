//! An `ordered_set` table holds one object per key and visits its keys in `Ord` order:
//! `iter`, `select` and `select_delete` all see the keys sorted, whatever the insertion
//! order; inserting under a present key replaces its object.

use otp_core::prelude::*;
use otp_core::{OrderedSet, Table, TableOptions};

struct Owner;

#[genserver]
impl Owner {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn table() -> (OwnerRef, Table<u32, String, OrderedSet>) {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(OrderedSet, TableOptions::new().owner(&owner.pid())).unwrap();
    (owner, table)
}

/// 0..1000 in a scrambled order (1000 and 7 are coprime).
fn scrambled() -> impl Iterator<Item = u32> {
    (0..1000_u32).map(|i| (i * 7 + 3) % 1000)
}

#[tokio::test]
async fn iter_visits_keys_in_order() {
    let (_owner, table) = table().await;
    for key in scrambled() {
        table.insert(key, format!("v{key}")).unwrap();
    }
    let rows: Vec<(u32, String)> = table.iter().unwrap().collect();
    let expected: Vec<(u32, String)> = (0..1000).map(|key| (key, format!("v{key}"))).collect();
    assert_eq!(rows, expected);
    assert_eq!(table.len(), Ok(1000));
}

#[tokio::test]
async fn select_visits_keys_in_order() {
    let (_owner, table) = table().await;
    for key in scrambled() {
        table.insert(key, String::new()).unwrap();
    }
    let multiples_of_100 = table
        .select(|key, _| (key % 100 == 0).then_some(*key))
        .unwrap();
    assert_eq!(
        multiples_of_100,
        [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]
    );
}

#[tokio::test]
async fn insert_replaces_the_object_of_a_present_key() {
    let (_owner, table) = table().await;
    table.insert(2, "old".to_string()).unwrap();
    table.insert(1, "one".to_string()).unwrap();
    table.insert(2, "new".to_string()).unwrap();
    let rows: Vec<(u32, String)> = table.iter().unwrap().collect();
    assert_eq!(rows, [(1, "one".to_string()), (2, "new".to_string())]);
    assert_eq!(table.len(), Ok(2));
}

#[tokio::test]
async fn select_delete_removes_chosen_keys_and_keeps_the_order() {
    let (_owner, table) = table().await;
    for key in scrambled() {
        table.insert(key, String::new()).unwrap();
    }
    assert_eq!(table.select_delete(|key, _| key % 2 == 1), Ok(500));
    let keys: Vec<u32> = table.iter().unwrap().map(|(key, _)| key).collect();
    assert_eq!(keys, (0..1000).step_by(2).collect::<Vec<u32>>());
    assert_eq!(table.len(), Ok(500));
}

#[tokio::test]
async fn string_keys_are_looked_up_by_str() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(OrderedSet, TableOptions::new().owner(&owner.pid())).unwrap();
    table.insert("b".to_string(), 2).unwrap();
    table.insert("a".to_string(), 1).unwrap();
    assert_eq!(table.lookup("a"), Ok(Some(1)));
    assert_eq!(table.take("b"), Ok(Some(2)));
    let rows: Vec<(String, i32)> = table.iter().unwrap().collect();
    assert_eq!(rows, [("a".to_string(), 1)]);
}
