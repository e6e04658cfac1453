//! ETS-style tables: shared, typed key-value storage that any process reads without a message.
//!
//! A [`Table`] belongs to a process, its owner, and dies with it unless an heir is set; its
//! kind ([`Set`], [`OrderedSet`], [`Bag`], [`DuplicateBag`]) and access mode ([`Public`],
//! [`Protected`], [`Private`]) are type parameters, so a protected table's reader has no
//! `insert` and a private table has no reader at all. Reads go to the map directly, never
//! through the owner's mailbox.
//!
//! # Storage
//!
//! Built on [`scc`]: a set or a bag is an `scc::HashIndex`, an ordered set an
//! `scc::TreeIndex`. Both read without locks, so readers on different cores do not slow each
//! other down. The maps were compared when tables were written: random lookups among 100,000
//! `u64` keys, millions per second, best of 15 runs on an idle 2-core machine (the benchmark,
//! `table_maps`, is in the repository's history at commit 66f1b41):
//!
//! | map | 1 thread | 2 threads | 2 threads, 2% writes |
//! |---|---|---|---|
//! | `scc::HashIndex` | 48.4 | 93.9 | 85.1 |
//! | `papaya::HashMap` | 32.6 | 68.5 | 43.5 |
//! | `scc::HashMap` | 42.4 | 70.7 | 70.3 |
//! | `dashmap::DashMap` | 50.2 | 60.4 | 55.3 |
//! | `RwLock<HashMap>` | 51.0 | 36.8 | 27.4 |
//! | `scc::TreeIndex` | 10.6 | 20.9 | 16.6 |
//! | `crossbeam_skiplist::SkipMap` | 5.7 | 11.1 | 8.9 |
//! | `RwLock<BTreeMap>` | 12.2 | 14.8 | 7.6 |
//!
//! `scc::HashIndex` reads fastest with two readers and with writes mixed in: `papaya` scales
//! as well but each lookup costs a third more and its writes allocate and retry; `dashmap` and
//! `scc::HashMap` take a read lock per lookup. A `HashIndex` write locks one bucket, which makes
//! `insert_new`, `take`, `update_counter` and a bag's deduplicating insert plain
//! read-modify-writes. `scc::TreeIndex` looks up twice as fast as `crossbeam_skiplist`'s
//! `SkipMap` and replaces a row in place, so a reader never misses a row being overwritten.
//! One maintained dependency serves all four kinds. Workload G of `BENCHMARKS.md` (table reads)
//! measures `Table` against a `RwLock<HashMap>` in every benchmark run.
//!
//! # Consistency
//!
//! Each operation on one key is atomic: a reader sees a row (or, for a bag, all of a key's
//! objects) before or after a write, never half of it. [`Table::iter`], [`Table::select`] and
//! [`Table::select_delete`] visit the table key by key: every row present for the whole
//! visit is seen exactly once, in key order for an ordered set; rows written during the visit
//! may or may not be. `iter` copies the rows into a vector before returning, so the iterator
//! holds no reference into the table.

//!
//! # Deletion
//!
//! A table is deleted when its owner exits without a live heir, or by
//! [`Table::delete_table`]. Deletion is one atomic store: from then on every handle answers
//! [`TableError::Deleted`], reads and writes alike, and a write already under way finishes on
//! rows no one can read. The rows themselves are freed on tokio's blocking pool
//! (`spawn_blocking`), not where the deletion happened. An owner's exit runs on a runtime worker,
//! and freeing in place would have to wait for the table's writers: an ordered set's writers
//! share one lock, held for as long as a `select_delete` visits the table, and a hash kind's
//! `select_delete` holds each bucket while its closure runs. The worker would stall that long,
//! and with it every task queued behind it. So an owner's exit never waits for a writer, and
//! the memory is returned once the writers are done. Outside a runtime the rows are freed in
//! place.

mod access;
mod counter;
mod error;
mod fits;
mod handle;
mod kind;
mod ops;
mod options;
mod owner;
mod ownership;
mod read;
mod store;
mod write;

pub use access::{Access, Private, Protected, Public, ReadOnly, Shareable, Writable};
pub use counter::Counter;
pub use error::{GiveAwayError, TableError};
pub use fits::{BagValue, HashKey, OrderedKey, TableValue};
pub use handle::Table;
pub use kind::{
    AnyTableKind, Bag, DuplicateBag, KeyLookup, OrderedSet, Set, TableKind, UniqueKeys,
};
pub use options::TableOptions;
pub use ownership::TableTransfer;
