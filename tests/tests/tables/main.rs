//! Behaviour tests of ETS-style tables: kinds, access, ownership, counters, select.
//!
//! One module per behaviour; they share one test binary so the suite builds and links quickly.

mod table_bag_dedups;
mod table_concurrent_readers;
mod table_deleted_before_exit_is_seen;
mod table_duplicate_bag_keeps_duplicates;
mod table_give_away;
mod table_heir_inherits;
mod table_ordered_set_order;
mod table_owner_exit_deletes;
mod table_owner_exit_never_waits_for_the_write_lock;
mod table_owner_is_a_process;
mod table_private_access;
mod table_protected_access;
mod table_public_access;
mod table_select_and_memory;
mod table_set_overwrites;
mod table_update_counter;
