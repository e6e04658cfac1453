//! `update_counter` adds to an integer object atomically: concurrent increments from two
//! tasks on a multi-thread runtime are never lost, in a set and in an ordered set. A missing
//! key fails unless a default is given; an overflow fails and leaves the object unchanged.

use otp_core::prelude::*;
use otp_core::{OrderedSet, Public, Set, Table, TableError, TableKind, TableOptions, UniqueKeys};

struct Owner;

#[genserver]
impl Owner {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

const INCREMENTS: u64 = 20_000;

/// Two tasks increment the same counters at once; returns the final values.
async fn race<Kind>(table: Table<&'static str, u64, Kind, Public>) -> (u64, u64)
where
    Kind: TableKind<&'static str, u64> + UniqueKeys<&'static str, u64>,
    Kind: otp_core::KeyLookup<&'static str, u64, &'static str>,
{
    table.insert("hits", 0).unwrap();
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let table = table.clone();
            tokio::spawn(async move {
                for _ in 0..INCREMENTS {
                    table.update_counter("hits", 1).unwrap();
                    table.update_counter_or("fresh", 1, 0).unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    (
        table.lookup(&"hits").unwrap().unwrap(),
        table.lookup(&"fresh").unwrap().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_increments_are_never_lost_in_a_set() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(Set, TableOptions::new().public().owner(&owner.pid())).unwrap();
    assert_eq!(race(table).await, (2 * INCREMENTS, 2 * INCREMENTS));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_increments_are_never_lost_in_an_ordered_set() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(OrderedSet, TableOptions::new().public().owner(&owner.pid())).unwrap();
    assert_eq!(race(table).await, (2 * INCREMENTS, 2 * INCREMENTS));
}

#[tokio::test]
async fn a_missing_key_needs_a_default() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(Set, TableOptions::new().owner(&owner.pid())).unwrap();
    assert_eq!(
        table.update_counter("n", 1_i32),
        Err(TableError::KeyNotFound)
    );
    assert_eq!(table.lookup("n"), Ok(None));
    assert_eq!(table.update_counter_or("n", 5, 10), Ok(15));
    assert_eq!(table.update_counter("n", -20), Ok(-5));
}

#[tokio::test]
async fn an_overflow_leaves_the_counter_unchanged() {
    let owner = Owner::start(Owner).await.unwrap();
    let table = Table::new(OrderedSet, TableOptions::new().owner(&owner.pid())).unwrap();
    // A `u8` counter steps by an `i8`.
    table.insert("small", 250_u8).unwrap();
    assert_eq!(
        table.update_counter("small", 10),
        Err(TableError::CounterOverflow)
    );
    assert_eq!(table.lookup("small"), Ok(Some(250)));
    assert_eq!(table.update_counter("small", -128), Ok(122));
    assert_eq!(
        table.update_counter("small", -123),
        Err(TableError::CounterOverflow)
    );
    assert_eq!(table.lookup("small"), Ok(Some(122)));
}
