//! The storage behind each kind: concurrent maps whose reads take no lock.
//!
//! A set's rows live in an [`scc::HashIndex`], a bag's objects in an `scc::HashIndex` of
//! vectors, an ordered set's rows in an [`scc::TreeIndex`]. Readers of all three take no lock
//! (scc's epoch-based reclamation keeps a row alive while a reader may still see it). Writers lock one bucket of a hash index; an ordered set's writers take
//! one lock per table, as ETS's `ordered_set` does without `write_concurrency`, which makes its
//! read-modify-write operations atomic.

mod bag;
mod hash;
mod ordered;

// Nominally public: they are the hidden `TableKind::Store` of the public kinds, and a type in
// a public trait's associated type cannot be crate-private (E0446). Nothing outside names them.
#[allow(
    unreachable_pub,
    reason = "the hidden associated types of public traits"
)]
pub use bag::BagStore;
#[allow(
    unreachable_pub,
    reason = "the hidden associated types of public traits"
)]
pub use hash::HashStore;
#[allow(
    unreachable_pub,
    reason = "the hidden associated types of public traits"
)]
pub use ordered::OrderedStore;

/// Extra bytes per slot of an `scc::HashIndex` (its per-bucket metadata, spread over the
/// bucket's slots), for [`memory`](crate::Table::memory).
const HASH_SLOT_OVERHEAD: usize = 8;
/// Extra bytes per row of an `scc::TreeIndex` (leaf metadata and partly filled nodes).
const TREE_ROW_OVERHEAD: usize = 24;
