//! Peer actor libraries, as optional rows (feature `peers`): each implements [`Counter`](crate::Counter)
//! the way its documentation shows.
//!
//! actix runs its actors on its own single-threaded `System` (a current-thread runtime), so its
//! rows run client and actors on one thread, not on the 2-worker runtime of the other rows.

pub mod actix;
pub mod kameo;
pub mod ractor;
