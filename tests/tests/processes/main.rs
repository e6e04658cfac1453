//! Behaviour tests of processes: pids, links, monitors, trapped exits and registered names.
//!
//! One module per behaviour; they share one test binary so the suite builds and links quickly.

mod links;
mod monitors;
mod name_registration;
mod pid_exit;
mod pid_identity;
mod registered_names;
mod trap_exit;
mod unlink_then_exit;
