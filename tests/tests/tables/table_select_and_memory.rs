//! `select` keeps what its closure chooses, `select_delete` deletes what it chooses and counts
//! it, `iter` copies every row, `len` counts objects, and `memory` grows with the rows and
//! shrinks back after deletes (approximately: the index's slots, not the values' heap data).

use otp_core::prelude::*;
use otp_core::{Bag, OrderedSet, Set, Table, TableOptions};

struct Owner;

#[genserver]
impl Owner {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn select_projects_the_chosen_objects() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(Set, TableOptions::new().owner(&owner.pid())).unwrap();
    for key in 0..100_u32 {
        table.insert(key, key * key).unwrap();
    }
    let mut big = table
        .select(|key, square| (*square > 9_000).then_some(*key))
        .unwrap();
    big.sort_unstable();
    assert_eq!(big, [95, 96, 97, 98, 99]);
    assert_eq!(table.select(|_, _| None::<()>), Ok(vec![]));
}

#[tokio::test]
async fn select_delete_deletes_and_counts() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(Set, TableOptions::new().owner(&owner.pid())).unwrap();
    for key in 0..100_u32 {
        table.insert(key, key).unwrap();
    }
    assert_eq!(table.select_delete(|key, _| *key >= 10), Ok(90));
    assert_eq!(table.len(), Ok(10));
    let mut keys: Vec<u32> = table.iter().unwrap().map(|(key, _)| key).collect();
    keys.sort_unstable();
    assert_eq!(keys, (0..10).collect::<Vec<_>>());
}

#[tokio::test]
async fn len_counts_a_bags_objects() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(Bag, TableOptions::new().owner(&owner.pid())).unwrap();
    for key in 0..10_u32 {
        for value in 0..3_u32 {
            table.insert(key, value).unwrap();
        }
    }
    assert_eq!(table.len(), Ok(30));
    table.delete(&0).unwrap();
    assert_eq!(table.len(), Ok(27));
    table.delete_all_objects().unwrap();
    assert_eq!(table.len(), Ok(0));
    assert_eq!(table.is_empty(), Ok(true));
}

#[tokio::test]
async fn memory_follows_the_rows() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(OrderedSet, TableOptions::new().owner(&owner.pid())).unwrap();
    let empty = table.memory().unwrap();
    for key in 0..10_000_u64 {
        table.insert(key, [key; 4]).unwrap();
    }
    let full = table.memory().unwrap();
    // At least the rows themselves: 8 bytes of key and 32 of value each.
    assert!(full >= empty + 10_000 * 40, "{empty} -> {full}");
    table.delete_all_objects().unwrap();
    assert_eq!(table.memory().unwrap(), empty);
}
