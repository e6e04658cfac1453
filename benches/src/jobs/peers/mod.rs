//! The peers (cargo feature `peers`): River's Rust client (`riverqueue`, PostgreSQL and
//! SQLite), `awa` (PostgreSQL) and `apalis` with `apalis-postgres` and `apalis-sqlite`, each set
//! up as its documentation shows, its no-op job adding to the same [`Performed`](super::Performed)
//! count.

pub mod apalis;
pub mod awa;
pub mod river;
