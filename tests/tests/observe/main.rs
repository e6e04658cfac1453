//! Behaviour tests of observing a running system: `sys` (a server's state, suspension, traces)
//! and the supervision tree.
//!
//! One module per behaviour; they share one test binary so the suite builds and links quickly.

mod supervision_tree;
mod sys_get_state;
mod sys_suspend_resume;
mod sys_trace;
