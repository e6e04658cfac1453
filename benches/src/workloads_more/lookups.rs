//! F and G: lookups from 2 tasks at once. Each task looks up its own pseudo-random sequence of
//! keys (the same sequences for every implementation) among `keys` present ones; the figure is
//! all lookups over the time until both tasks are done.
//!
//! F: otp-core's unique `Registry`, each key held by its own idle server (registered as a
//! via-name), against `RwLock<HashMap<u64, UnboundedSender>>`, each key the sender of its own
//! idle actor task: both lookups return a clone of the process's handle.
//! G: otp-core's `Table` (a protected set of `u64` to `u64`, read through reader handles)
//! against `RwLock<HashMap<u64, u64>>`.

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use otp_core::prelude::*;
use otp_core::{Registry, Set, Table, TableOptions};
use tokio::sync::mpsc;

use super::per_second;

/// The seeds of the two tasks' key sequences.
const SEEDS: [u64; 2] = [0x9E37_79B9_7F4A_7C15, 0xD1B5_4A32_D192_ED03];

/// xorshift64*: a key sequence that costs a few instructions per key.
struct Keys {
    state: u64,
    keys: u64,
}

impl Iterator for Keys {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        Some(self.state.wrapping_mul(0x2545_F491_4F6C_DD1D) % self.keys)
    }
}

/// Runs `lookups` calls of `lookup` on random keys in each of 2 spawned tasks; returns lookups
/// per second.
///
/// # Panics
///
/// When a key is not found.
async fn from_two_tasks<L>(keys: u64, lookups: u64, lookup: L) -> f64
where
    L: Fn(u64) -> bool + Clone + Send + 'static,
{
    let started = Instant::now();
    let tasks: Vec<_> = SEEDS
        .iter()
        .map(|&seed| {
            let lookup = lookup.clone();
            tokio::spawn(async move {
                Keys { state: seed, keys }
                    .take(usize::try_from(lookups).expect("lookups fit in usize"))
                    .filter(|&key| lookup(key))
                    .count()
            })
        })
        .collect();
    for task in tasks {
        let found = task.await.expect("the reader finished");
        assert_eq!(found as u64, lookups, "every key found");
    }
    per_second(lookups * SEEDS.len() as u64, started.elapsed())
}

/// A server that does nothing: a registry entry's process, a table's owner.
struct Idle;

#[genserver]
impl Idle {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// F, ours: `keys` idle servers, each registered under its key in a unique `Registry`, then
/// `RegistryRef::lookup` from 2 tasks.
pub(super) async fn registry_ours(keys: u64, lookups: u64) -> f64 {
    let registry = Registry::<u64>::unique()
        .start()
        .await
        .expect("the registry started");
    let mut servers = Vec::new();
    for key in 0..keys {
        servers.push(
            Idle::options()
                .via(&registry, key)
                .start(Idle)
                .await
                .expect("the server started"),
        );
    }
    let reader = registry.clone();
    let figure = from_two_tasks(keys, lookups, move |key| {
        black_box(reader.lookup(&key)).len() == 1
    })
    .await;
    for server in servers {
        server
            .stop(ExitReason::Normal)
            .await
            .expect("the server stopped");
    }
    registry
        .stop(ExitReason::Normal)
        .await
        .expect("the registry stopped");
    figure
}

/// F, by hand: `keys` idle actor tasks, each one's sender under its key in a
/// `RwLock<HashMap>`, then a read lock and a clone of the sender from 2 tasks.
pub(super) async fn registry_hand_written(keys: u64, lookups: u64) -> f64 {
    let mut map = HashMap::new();
    let mut actors = Vec::new();
    for key in 0..keys {
        let (sender, mut mailbox) = mpsc::unbounded_channel::<()>();
        actors.push(tokio::spawn(async move {
            while mailbox.recv().await.is_some() {}
        }));
        map.insert(key, sender);
    }
    let map = Arc::new(RwLock::new(map));
    let reader = map.clone();
    let figure = from_two_tasks(keys, lookups, move |key| {
        black_box(
            reader
                .read()
                .expect("no writer panicked")
                .get(&key)
                .cloned(),
        )
        .is_some()
    })
    .await;
    // The senders go with the map; each actor then sees its channel closed and ends.
    drop(map);
    for actor in actors {
        actor.await.expect("the actor ended");
    }
    figure
}

/// G, ours: a protected set owned by an idle server, `keys` rows written by the owner's handle,
/// then `lookup` through reader handles from 2 tasks.
pub(super) async fn table_ours(keys: u64, reads: u64) -> f64 {
    let owner = Idle::start(Idle).await.expect("the owner started");
    let table: Table<u64, u64> =
        Table::new(Set, TableOptions::new().owner(&owner.pid())).expect("the table was created");
    for key in 0..keys {
        table.insert(key, key * 2).expect("the owner writes");
    }
    let reader = table.reader();
    let figure = from_two_tasks(keys, reads, move |key| {
        matches!(black_box(reader.lookup(&key)), Ok(Some(_)))
    })
    .await;
    owner
        .stop(ExitReason::Normal)
        .await
        .expect("the owner stopped");
    figure
}

/// G, by hand: `keys` rows in a `RwLock<HashMap>`, then a read lock and a copy of the value
/// from 2 tasks.
pub(super) async fn table_hand_written(keys: u64, reads: u64) -> f64 {
    let map: HashMap<u64, u64> = (0..keys).map(|key| (key, key * 2)).collect();
    let map = Arc::new(RwLock::new(map));
    from_two_tasks(keys, reads, move |key| {
        black_box(map.read().expect("no writer panicked").get(&key).copied()).is_some()
    })
    .await
}
