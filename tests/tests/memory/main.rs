//! Leak tests: each runs many events (tasks, processes, waiters, messages) and asserts that the
//! live heap bytes return to within a small bound of where they started. They count the whole
//! process's allocations, so each holds `memory::exclusive()` while it measures.

mod abandoned_waits_keep_nothing;
mod calls_keep_nothing;
mod mailbox_shrinks_after_burst;
mod measure;
mod names_keep_nothing;
mod relations_keep_nothing;
mod servers_keep_nothing;
mod tasks_keep_nothing;
