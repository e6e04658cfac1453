//! Behaviour tests of Registry and PubSub.
//!
//! One module per behaviour; they share one test binary so the suite builds and links quickly.

mod pubsub_broadcast;
mod pubsub_broadcast_from;
mod pubsub_fanout_arc;
mod pubsub_in_tree;
mod pubsub_local_broadcast;
mod pubsub_subscribe;
mod pubsub_subscriber_exit;
mod registry_count;
mod registry_dispatch;
mod registry_duplicate_keys;
mod registry_exit_removes_entries;
mod registry_keys;
mod registry_lookup_after_kill;
mod registry_lookup_match_select;
mod registry_no_stale_entry_after_down;
mod registry_outside_process;
mod registry_partitions;
mod registry_stop;
mod registry_unique_keys;
mod registry_unregister;
mod registry_via_names;
