//! Code shared by several behaviour tests: each test crate declares `mod common;` and uses the
//! submodule it needs.

// Each test crate uses only part of this module; the rest would warn as unused there.
#![allow(dead_code)]

pub mod chaos;
pub mod node;
pub mod pubsub;
pub mod registry;
pub mod supervisor;
