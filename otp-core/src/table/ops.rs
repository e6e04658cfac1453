//! The store's operations a table's methods use, taken where the table is created.
//!
//! Creating a table requires its kind to fit its keys and values ([`TableKind`]); the handle's
//! type and its methods do not require it again: they call the operations taken then. A key or
//! value that does not fit is then one compile error, at [`Table::new`](super::Table::new),
//! rather than one at every mention of the table's type and every call.

use super::{AnyTableKind, TableKind};

/// A kind's store of keys `K` and values `V`.
type Store<K, V, Kind> = <Kind as AnyTableKind>::Store<K, V>;
/// What a scan calls with each object.
type Visit<'a, K, V> = &'a mut dyn FnMut(&K, &V);
/// A deletion: what it asks of each object (whether to delete it), the number deleted.
type DeleteWhere<K, V, Kind> =
    for<'a> fn(&Store<K, V, Kind>, &'a mut dyn FnMut(&K, &V) -> bool) -> usize;

/// The operations of a table of keys `K` and values `V` that need no searched-by key (those
/// state their own bound, on the key they search by).
pub(super) struct Ops<K, V, Kind: AnyTableKind> {
    pub(super) insert: fn(&Store<K, V, Kind>, K, V),
    pub(super) insert_new: fn(&Store<K, V, Kind>, K, V) -> bool,
    pub(super) scan: for<'a> fn(&Store<K, V, Kind>, Visit<'a, K, V>),
    pub(super) delete_where: DeleteWhere<K, V, Kind>,
    pub(super) len: fn(&Store<K, V, Kind>) -> usize,
    pub(super) clear: fn(&Store<K, V, Kind>),
    pub(super) memory: fn(&Store<K, V, Kind>) -> usize,
}

impl<K, V, Kind: TableKind<K, V>> Ops<K, V, Kind> {
    /// The operations of `Kind`.
    pub(super) fn of() -> Self {
        Ops {
            insert: Kind::store_insert,
            insert_new: Kind::store_insert_new,
            scan: Kind::store_scan,
            delete_where: Kind::store_delete_where,
            len: Kind::store_len,
            clear: Kind::store_clear,
            memory: Kind::store_memory,
        }
    }
}
