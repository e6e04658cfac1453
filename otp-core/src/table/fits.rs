//! What each kind needs of its keys and values, as traits of their own: a key or value that
//! does not fit is one error that names it and says what to write.

use std::hash::Hash;

/// A key of a [`Set`](super::Set), [`Bag`](super::Bag) or [`DuplicateBag`](super::DuplicateBag):
/// `Hash + Eq`, and `Clone + Send + Sync + 'static`. Every such type is one.
///
/// ```
/// fn key<K: otp_core::HashKey>() {}
/// key::<String>();
/// key::<(u32, &'static str)>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the key of a `Set`, `Bag` or `DuplicateBag`: it is not `Hash + Eq` (or not `Clone + Send + Sync + 'static`)",
    label = "its keys are `{Self}`",
    note = "a float is neither `Hash` nor `Eq`: wrap it (`ordered_float::OrderedFloat<f64>`) or key by an integer (cents, not `f64` dollars); a type of yours: derive `Clone, Hash, PartialEq, Eq`"
)]
pub trait HashKey: Hash + Eq + Clone + Send + Sync + 'static {}

#[diagnostic::do_not_recommend]
impl<K: Hash + Eq + Clone + Send + Sync + 'static> HashKey for K {}

/// A key of an [`OrderedSet`](super::OrderedSet): `Ord`, and `Clone + Send + Sync + 'static`.
/// Every such type is one.
///
/// ```
/// fn key<K: otp_core::OrderedKey>() {}
/// key::<u64>();
/// key::<(String, u32)>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the key of an `OrderedSet`: it is not `Ord` (or not `Clone + Send + Sync + 'static`)",
    label = "its keys are `{Self}`",
    note = "derive `PartialEq, Eq, PartialOrd, Ord` for a type of yours; a float is not `Ord`: wrap it (`ordered_float::OrderedFloat<f64>`) or key by an integer"
)]
pub trait OrderedKey: Ord + Clone + Send + Sync + 'static {}

#[diagnostic::do_not_recommend]
impl<K: Ord + Clone + Send + Sync + 'static> OrderedKey for K {}

/// A value of any table: `Clone + Send + Sync + 'static` (lookups return clones). Every such
/// type is one.
///
/// ```
/// fn value<V: otp_core::TableValue>() {}
/// value::<Vec<String>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a table's value: it is not `Clone + Send + Sync + 'static`",
    label = "its values are `{Self}`",
    note = "lookups return clones of the stored values, and other processes read them: derive `Clone`, and hold `Arc` rather than `Rc`"
)]
pub trait TableValue: Clone + Send + Sync + 'static {}

#[diagnostic::do_not_recommend]
impl<V: Clone + Send + Sync + 'static> TableValue for V {}

/// A value of a [`Bag`](super::Bag): a [`TableValue`] that is `PartialEq`, since a bag keeps no
/// two identical objects under one key. Every such type is one.
///
/// ```
/// fn value<V: otp_core::BagValue>() {}
/// value::<String>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the value of a `Bag`: it is not `PartialEq` (or not `Clone + Send + Sync + 'static`)",
    label = "its values are `{Self}`",
    note = "a `Bag` compares a new object with the key's others to keep no two identical ones: derive `PartialEq` (or use a `DuplicateBag`, which keeps them all)"
)]
pub trait BagValue: PartialEq + TableValue {}

#[diagnostic::do_not_recommend]
impl<V: PartialEq + TableValue> BagValue for V {}
