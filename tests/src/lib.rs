//! The harness the behaviour tests share, compiled once: servers, trees and helpers that several
//! tests use. The tests themselves are in `tests/`, one binary per area (`genserver`,
//! `processes`, `supervision`, `registry_pubsub`, `tables`, `tasks_agents`), one module per
//! behaviour; `chaos` and `registry_random_churn` keep binaries of their own, since they change
//! process-wide settings (a panic hook) or measure the whole process, and `memory` holds the leak
//! tests, which count live heap bytes (see [`memory`]) and so run one at a time.

pub mod chaos;
pub mod flaky;
pub mod log_capture;
pub mod memory;
pub mod node;
pub mod observe;
pub mod pubsub;
pub mod registry;
pub mod supervisor;
