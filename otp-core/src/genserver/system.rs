//! The run loop's side of [`sys`](crate::sys): answering system requests, the suspended loop,
//! and the trace events.
//!
//! Nothing here runs on the message path while nobody uses `sys`: a request arrives as its
//! own mailbox entry (`Envelope::System`), suspension is a loop of its own that the request
//! enters, and a trace makes the run loop's turn check in at every message (see
//! `run_loop::Turn`), which it otherwise does once per run of messages.

use std::collections::VecDeque;

use super::mailbox::Inbox;
use super::server_ref::{Envelope, ServerProcess};
use crate::process::{ProcessCell, Status};
use crate::sys::format::state_text;
use crate::sys::{MessageKind, SystemRequest};
use crate::{Context, GenServer, Pid, ServerRef};

/// What the run loop does after a system request.
pub(super) enum Answered {
    /// Goes on as it was: running, or suspended.
    Next,
    /// Enters the suspended loop.
    Suspend,
    /// Leaves the suspended loop.
    Resume,
}

/// Answers `request`, for a server suspended or not. `format_state` is the server's
/// `format_state`, and `set_trace` starts or stops a trace.
///
/// Not generic, as nothing of a system request depends on the server's type but its state's
/// text: it is compiled once, not for every server.
pub(super) fn answer(
    request: SystemRequest,
    cell: &ProcessCell,
    suspended: bool,
    format_state: &dyn Fn() -> Option<String>,
    set_trace: &mut dyn FnMut(u32),
) -> Answered {
    if suspended {
        cell.count_handled(1);
    }
    match request {
        SystemRequest::GetState(answer) => {
            let _ = answer.send(state_text(format_state));
        }
        // Suspended already: nothing to do.
        SystemRequest::Suspend(answer) if suspended => {
            let _ = answer.send(());
        }
        SystemRequest::Suspend(answer) => {
            // Before the answer: whoever awaited `suspend` sees the server suspended.
            cell.set_status(Status::Suspended);
            let _ = answer.send(());
            return Answered::Suspend;
        }
        SystemRequest::Resume(answer) if suspended => {
            cell.set_status(Status::Running);
            let _ = answer.send(());
            return Answered::Resume;
        }
        // Not suspended: nothing to resume.
        SystemRequest::Resume(answer) => {
            let _ = answer.send(());
        }
        SystemRequest::Trace(messages, answer) => {
            set_trace(messages);
            let _ = answer.send(());
        }
    }
    Answered::Next
}

/// How a suspension ended.
pub(super) enum Resumed {
    /// `resume`: the messages held meanwhile are back at the front of the inbox.
    Running,
    /// A stop, or a trapped exit from the parent: the server stops (`Context::stop` is called
    /// with the reason).
    Stopping,
    /// An exit signal: the process dies at once, without terminate.
    Dying,
}

/// The suspended server: takes every message from the mailbox, answers system requests and
/// stops, and holds the rest in order; at the end the held messages go back to the front of the
/// inbox, to be handled first (or dropped with the others at exit).
pub(super) async fn suspended<S: GenServer>(
    inbox: &mut Inbox<Envelope<S>>,
    process: &ServerProcess<S>,
    state: &mut S,
    ctx: &mut Context<S>,
    set_trace: &mut (dyn FnMut(u32) + Send),
) -> Resumed {
    let mut held: VecDeque<Envelope<S>> = VecDeque::new();
    let outcome = loop {
        let held_count = held.len();
        let next = std::future::poll_fn(|cx| {
            let next = inbox.poll_recv(&process.mailbox, cx);
            if next.is_pending() {
                // Whoever looks sees the held messages as queued.
                process.cell.set_in_hand(held_count);
            }
            next
        })
        .await;
        let Some(envelope) = next else {
            break Resumed::Dying;
        };
        if process.cell.is_dying() {
            held.push_back(envelope);
            break Resumed::Dying;
        }
        match envelope {
            Envelope::System(request) => {
                let format_state = || state.format_state();
                let answered = answer(*request, &process.cell, true, &format_state, set_trace);
                if let Answered::Resume = answered {
                    break Resumed::Running;
                }
            }
            Envelope::Stop(reason) => {
                ctx.stop(*reason);
                break Resumed::Stopping;
            }
            Envelope::Wake => {}
            Envelope::Info(message) => match ctx.parent_exit(&message) {
                Some(reason) => {
                    ctx.stop(reason);
                    break Resumed::Stopping;
                }
                None => held.push_back(Envelope::Info(message)),
            },
            other => held.push_back(other),
        }
    };
    process.cell.set_in_hand(0);
    inbox.put_back(held);
    outcome
}

/// Logs one traced message: its kind and name, never its contents. False for what is not
/// traced (system requests, stops, wake-ups), which does not count.
#[cold]
pub(super) fn trace_envelope<S: GenServer>(server: &ServerRef<S>, envelope: &Envelope<S>) -> bool {
    let (kind, name) = match envelope {
        Envelope::Message(message) | Envelope::BoundedCast(message) => {
            (S::message_kind(message), S::message_name(message))
        }
        Envelope::Info(message) => (MessageKind::Info, message.type_name()),
        Envelope::Stop(_) | Envelope::Wake | Envelope::System(_) => return false,
    };
    trace_event(&server.pid(), std::any::type_name::<S>(), kind, name);
    true
}

/// The trace event of one message.
#[cold]
pub(super) fn trace_event(pid: &Pid, server: &'static str, kind: MessageKind, name: &str) {
    tracing::info!(
        target: "otp_core::sys",
        pid = %pid,
        server,
        kind = kind.as_str(),
        name,
        "message handled"
    );
}
