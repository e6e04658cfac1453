//! Behaviour tests of supervisors and dynamic supervisors: strategies, restarts, intensity, shutdown, start failures.
//!
//! One module per behaviour; they share one test binary so the suite builds and links quickly.

mod dynamic_supervisor_children;
mod dynamic_supervisor_extra_arguments;
mod dynamic_supervisor_restarting_child;
mod dynamic_supervisor_restarts;
mod dynamic_supervisor_rooms;
mod dynamic_supervisor_shutdown;
mod dynamic_supervisor_start_child;
mod dynamic_supervisor_start_child_timeout;
mod fault_child_keeps_failing_to_start;
mod fault_init_hangs_past_start;
mod fault_restart_fails_at_once;
mod supervisor_auto_shutdown;
mod supervisor_child_handles;
mod supervisor_child_restart_start_timeout;
mod supervisor_child_start_timeout;
mod supervisor_intensity;
mod supervisor_intensity_settings;
mod supervisor_longest_durations;
mod supervisor_named_children;
mod supervisor_nesting;
mod supervisor_one_for_all;
mod supervisor_one_for_one;
mod supervisor_rest_for_one;
mod supervisor_restart_types;
mod supervisor_restarting_child;
mod supervisor_runtime_api;
mod supervisor_start_failure;
mod supervisor_start_order;
