//! Behaviour tests of GenServer: start and init, calls, casts, info messages, continues, mailboxes, timeouts, terminate.
//!
//! One module per behaviour; they share one test binary so the suite builds and links quickly.

mod async_handlers;
mod blocking_work_in_spawn_blocking;
mod busy_server_yields;
mod call_dead_server;
mod call_timeout;
mod call_timeout_busy_thread;
mod call_timeout_reused_timer;
mod calling_self;
mod cast_never_blocks;
mod deferred_reply;
mod design_sketch;
mod durations_any_length;
mod exit_logging;
mod fault_linked_exit_during_call;
mod fault_reply_to_in_panicking_task;
mod fault_terminate_panics;
mod generic_server;
mod handler_error_stops;
mod idle_timeout;
mod info_messages;
mod init_continue;
mod init_error;
mod init_ignore;
mod init_ok;
mod init_panic;
mod mailbox_bounded_calls_and_infos_not_refused;
mod mailbox_bounded_cast_to_self_does_not_wait;
mod mailbox_bounded_cast_waits_for_room;
mod mailbox_bounded_exit_releases_waiting_casts;
mod mailbox_bounded_try_cast_returns_message;
mod mailbox_million_queued_messages;
mod mailbox_order;
mod no_proc_everywhere;
mod panic_isolation;
mod send_after;
mod server_dies_during_call;
mod start_timeout_init_within_limit;
mod start_timeout_kills_hanging_init;
mod stop_in_call;
mod terminate;
