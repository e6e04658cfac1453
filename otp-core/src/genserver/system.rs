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
use crate::process::Status;
use crate::sys::format::state_text;
use crate::sys::{MessageKind, SystemRequest};
use crate::{Context, GenServer, ServerRef};

/// What the run loop does after a system request.
pub(super) enum Answered {
    /// Takes the next message.
    Next,
    /// Enters the suspended loop.
    Suspend,
}

/// Answers `request` for a running (not suspended) server; `set_trace` starts or stops a trace.
pub(super) fn answer<S: GenServer>(
    request: SystemRequest,
    state: &S,
    process: &ServerProcess<S>,
    set_trace: impl FnOnce(u32),
) -> Answered {
    match request {
        SystemRequest::GetState(answer) => {
            let _ = answer.send(state_text(state));
        }
        SystemRequest::Suspend(answer) => {
            // Before the answer: whoever awaited `suspend` sees the server suspended.
            process.cell.set_status(Status::Suspended);
            let _ = answer.send(());
            return Answered::Suspend;
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
    mut set_trace: impl FnMut(u32),
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
                process.cell.count_handled(1);
                match *request {
                    SystemRequest::GetState(answer) => {
                        let _ = answer.send(state_text(&*state));
                    }
                    // Suspended already: nothing to do.
                    SystemRequest::Suspend(answer) => {
                        let _ = answer.send(());
                    }
                    SystemRequest::Resume(answer) => {
                        process.cell.set_status(Status::Running);
                        let _ = answer.send(());
                        break Resumed::Running;
                    }
                    SystemRequest::Trace(messages, answer) => {
                        set_trace(messages);
                        let _ = answer.send(());
                    }
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
    trace_event(server, kind, name);
    true
}

/// The trace event of one message.
#[cold]
pub(super) fn trace_event<S: GenServer>(server: &ServerRef<S>, kind: MessageKind, name: &str) {
    tracing::info!(
        target: "otp_core::sys",
        pid = %server.pid(),
        server = std::any::type_name::<S>(),
        kind = kind.as_str(),
        name,
        "message handled"
    );
}
