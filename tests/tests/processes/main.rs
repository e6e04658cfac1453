//! Behaviour tests of processes: pids, links, monitors, trapped exits, registered names, and
//! what introspection reports of them.
//!
//! One module per behaviour; they share one test binary so the suite builds and links quickly.

mod deadlocks;
mod links;
mod monitors;
mod name_registration;
mod pid_exit;
mod pid_identity;
mod process_info;
mod registered_names;
mod trap_exit;
mod unlink_then_exit;
