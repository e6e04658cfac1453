//! Behaviour tests of Task, Task.Supervisor and Agent.
//!
//! One module per behaviour; they share one test binary so the suite builds and links quickly.

mod agent_cast;
mod agent_get_update;
mod agent_init;
mod agent_named;
mod agent_panic;
mod agent_stop;
mod agent_supervised;
mod agent_timeout;
mod task_await;
mod task_await_many;
mod task_await_timeout;
mod task_crash;
mod task_no_leak;
mod task_shutdown;
mod task_start;
mod task_supervisor_async;
mod task_supervisor_async_nolink;
mod task_supervisor_async_stream_concurrency;
mod task_supervisor_async_stream_exits;
mod task_supervisor_async_stream_lazy;
mod task_supervisor_async_stream_ordered;
mod task_supervisor_async_stream_timeout;
mod task_supervisor_in_tree;
mod task_supervisor_running;
mod task_supervisor_start_child;
mod task_supervisor_stop;
mod task_supervisor_stop_race;
mod task_tied_to_process;
mod task_yield;
