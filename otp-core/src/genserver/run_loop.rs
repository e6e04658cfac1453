//! The mailbox loop every server runs: init, then one message at a time, then terminate.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::task::Poll;

use tokio::sync::oneshot;

use super::context::{InfoAction, Stopping};
use super::mailbox::Inbox;
use super::server_ref::{Envelope, ServerProcess};
use super::start_error::StartError;
use super::system::{self, Answered, Resumed};
use crate::call::{begin_parking, drop_caught, end_parking};
use crate::process::{self, ProcessCell, Status};
use crate::sys::{MessageKind, SystemRequest};
use crate::{AnyMessage, Context, ExitReason, GenServer, IdleTimeout, InitError, Pid, ServerRef};

/// Ends the process however its task ends, even when the task is aborted by a kill: records
/// the exit and tells links and monitors first, then drops the mailbox, which fails the
/// callers still queued with the exit reason.
struct ExitGuard<S: GenServer> {
    server: ServerRef<S>,
    inbox: Inbox<Envelope<S>>,
}

impl<S: GenServer> ExitGuard<S> {
    /// The process's cell, looked up where it is used: a reference kept across the loop's
    /// awaits would take a slot of its future.
    fn cell(&self) -> &ProcessCell {
        &self.server.process().cell
    }

    /// Ends the process: from here a call fails with `NoProc`; then links and monitors are told.
    /// Messages still queued are dropped after that, so their callers read the exit reason.
    fn exit(&mut self) {
        let queued = self.server.process().mailbox.close();
        // Casts waiting for room in a bounded mailbox return, their messages dropped.
        self.server.process().close_room();
        process::finish(&self.server.pid());
        drop(queued);
        drop(self.inbox.take_all());
    }

    /// Ends a process whose init failed. The starter gets the error as a value, not as an exit
    /// signal, and only once the process is gone: its name is free again when `start` returns.
    fn fail_start(
        &mut self,
        reason: ExitReason,
        error: StartError,
        started: oneshot::Sender<Result<(), StartError>>,
    ) {
        process::unlink_all(&self.server.pid());
        self.cell().begin_exit(reason, false);
        self.exit();
        let _ = started.send(Err(error));
    }
}

impl<S: GenServer> Drop for ExitGuard<S> {
    fn drop(&mut self) {
        self.exit();
    }
}

/// What the run loop needs to run a callback besides the process's cell: its pid to lend to the
/// thread while the callback is polled (`current_pid`). Built before the task runs and used in
/// place by the loop (it cannot hold the cell, which the loop's future itself owns).
struct Callbacks {
    current: Option<Pid>,
    /// The pid's id, lent with it.
    id: u64,
}

impl Callbacks {
    /// Runs a callback, turning a panic into the exit reason `Panic`.
    ///
    /// The reason is recorded, and the reply senders dropped by the crash are parked (see
    /// `ReplySender`) until the process has told its links and monitors: a caller reads
    /// `Exited(Panic(..))` then, not a missing reply, and a linked caller dies first, as in OTP.
    /// `Err(None)` means the process had already begun to exit for another reason. After a
    /// panic the run loop calls [`settle`] once the callback's future is dropped.
    ///
    /// The callback's future is pinned where it is made, in the run loop's frame, and this
    /// holds only a reference to it: the loop's state stores each callback future once, which
    /// keeps a server's task small (a generic `async fn` here stored it twice).
    fn run<'b, F: Future>(
        &'b mut self,
        cell: &'b ProcessCell,
        future: Pin<&'b mut F>,
    ) -> CatchPanic<'b, F> {
        CatchPanic {
            cell,
            current: &mut self.current,
            id: self.id,
            future,
        }
    }
}

/// A callback's panic: the exit reason recorded for it, `None` if the process had already begun
/// to exit for another reason. Boxed: panics are rare, and the loop keeps a callback's outcome
/// in its future, which a server's task pays for in 128-byte blocks.
type Panicked = Option<Box<ExitReason>>;

struct CatchPanic<'a, F> {
    cell: &'a ProcessCell,
    /// The process's pid, lent to the thread while the callback is polled (`current_pid`).
    current: &'a mut Option<Pid>,
    id: u64,
    future: Pin<&'a mut F>,
}

impl<F: Future> Future for CatchPanic<'_, F> {
    type Output = Result<F::Output, Panicked>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let future = this.future.as_mut();
        let polled = crate::current::run_as(this.current, this.id, || {
            catch_unwind(AssertUnwindSafe(|| future.poll(cx)))
        });
        match polled {
            Ok(poll) => {
                drop_caught();
                if poll.is_pending() {
                    self.cell.note_pended();
                }
                poll.map(Ok)
            }
            Err(payload) => Poll::Ready(Err(panicked(self.cell, &*payload))),
        }
    }
}

/// A callback's panic: records its exit reason, unless the process had begun to exit already.
#[cold]
#[inline(never)]
fn panicked(cell: &ProcessCell, payload: &(dyn Any + Send)) -> Panicked {
    let reason = ExitReason::from_panic(payload);
    let recorded = cell
        .begin_exit(reason.clone(), false)
        .then(|| Box::new(reason));
    // Senders dropped from here until the run loop drops the callback's future are parked
    // too; `settle` hands them all to the process.
    begin_parking();
    recorded
}

/// After a callback's panic, once its future is dropped: the parked reply senders go to the
/// process, to be dropped after its exit is told.
fn settle<T>(cell: &ProcessCell, outcome: &Result<T, Panicked>) {
    if outcome.is_err() {
        cell.drop_after_exit(end_parking());
    }
}

/// A deferred reply, boxed to be dropped with the process's other leftovers after its exit.
fn boxed<T: Send + 'static>(value: T) -> Box<dyn Any + Send> {
    Box::new(value)
}

/// The idle timer, set for the idle timeout the last callback asked for, if any.
fn arm_idle<'a, S: GenServer>(
    ctx: &mut Context<S>,
    timer: &'a mut Option<Pin<Box<tokio::time::Sleep>>>,
) -> Option<&'a mut Pin<Box<tokio::time::Sleep>>> {
    ctx.idle_timeout
        .take()
        .and_then(|after| tokio::time::Instant::now().checked_add(after))
        .map(|deadline| arm(timer, deadline))
}

/// The idle timer set for `deadline`.
fn arm(
    timer: &mut Option<Pin<Box<tokio::time::Sleep>>>,
    deadline: tokio::time::Instant,
) -> &mut Pin<Box<tokio::time::Sleep>> {
    match timer {
        Some(timer) => {
            timer.as_mut().reset(deadline);
            timer
        }
        None => timer.insert(Box::pin(tokio::time::sleep_until(deadline))),
    }
}

/// The messages a server handles in a row, without its mailbox ever being empty, before it gives
/// its thread back to the other tasks (the BEAM preempts a process after its reductions; tokio's
/// channels give a task 128 items a turn). A local count and one yield per run, rather than
/// tokio's cooperative budget spent on every message, whose bookkeeping cost more of the cast
/// throughput (the `cast1_mps` row of the benchmark suite).
const MESSAGES_PER_TURN: u16 = 256;

/// The messages taken since the mailbox was last empty, and those not yet counted in the
/// process's cell for introspection; and a trace's count (`sys::trace`).
///
/// Counts are published when the loop is about to wait and after each run of
/// [`MESSAGES_PER_TURN`] messages, never per message: a store per message would write, on every
/// message, memory that the senders' lock may share a cache line with.
///
/// The loop checks in once per run of messages ([`Turn::check_in`]), when `in_row` reaches
/// `check_in_at`; a trace lowers that to every message while it lasts, so that tracing costs
/// the message path nothing while it is off.
struct Turn {
    /// 16 bits: both stay within [`MESSAGES_PER_TURN`], as the counts are published at the
    /// latest after that many messages, and a server's task pays for every byte kept here.
    /// The messages in hand last published and the messages still to trace are kept in the
    /// process's cell (`in_hand`, and `trace_left` with its rare ties), read and written by
    /// this loop only: every byte here is in every server's task, and a server with two calls
    /// was one byte-block over.
    in_row: u16,
    uncounted: u16,
    /// The `in_row` at which the loop checks in: [`MESSAGES_PER_TURN`], 0 while tracing.
    check_in_at: u16,
    /// The mailbox was empty at the last receive: the task gave its thread back while it waited.
    waited: bool,
    /// The last receive had an idle timeout armed: a system request leaves it armed.
    idle_armed: bool,
}

impl Turn {
    fn new() -> Self {
        Turn {
            in_row: 0,
            uncounted: 0,
            check_in_at: MESSAGES_PER_TURN,
            waited: false,
            idle_armed: false,
        }
    }

    /// Traces the next `messages` messages; 0 stops a trace.
    fn trace(&mut self, cell: &ProcessCell, messages: u32) {
        cell.set_trace_left(messages);
        self.check_in_at = if messages == 0 { MESSAGES_PER_TURN } else { 0 };
    }

    /// Whether a trace lasts: the loop then checks in at every message.
    fn tracing(&self) -> bool {
        self.check_in_at == 0
    }

    /// Traces a continue message, if a trace lasts.
    fn trace_continue<S: GenServer>(&mut self, server: &ServerRef<S>) {
        if !self.tracing() {
            return;
        }
        let left = server.process().cell.trace_left();
        if left > 0 {
            let server_type = std::any::type_name::<S>();
            system::trace_event(
                &server.pid(),
                server_type,
                MessageKind::Continue,
                "handle_continue",
            );
            self.trace(&server.process().cell, left - 1);
        }
    }

    /// Counts a message taken; true when the loop is to give the thread back, after
    /// [`MESSAGES_PER_TURN`] in a row. `in_hand`: the messages taken from the mailbox and not
    /// handled yet.
    #[must_use]
    fn took<S: GenServer>(
        &mut self,
        server: &ServerRef<S>,
        envelope: &Envelope<S>,
        in_hand: usize,
    ) -> bool {
        let process = server.process();
        self.uncounted += 1;
        // A batch was taken, or the last callback awaited (a server busy in slow handlers):
        // whoever looks sees the counts now, not after a run of messages.
        if in_hand > process.cell.in_hand() || process.cell.take_pended() {
            self.publish(process, in_hand);
        }
        if self.waited {
            self.in_row = 0;
            process.cell.set_status(Status::Running);
        }
        self.in_row += 1;
        self.in_row >= self.check_in_at && self.check_in(server, envelope, in_hand)
    }

    /// Once per run of messages, and at every message while a trace lasts: traces the message,
    /// and after [`MESSAGES_PER_TURN`] in a row publishes the counts; true when the loop is to
    /// give the thread back.
    #[cold]
    fn check_in<S: GenServer>(
        &mut self,
        server: &ServerRef<S>,
        envelope: &Envelope<S>,
        in_hand: usize,
    ) -> bool {
        let left = if self.tracing() {
            server.process().cell.trace_left()
        } else {
            0
        };
        if left > 0 && system::trace_envelope(server, envelope) {
            self.trace(&server.process().cell, left - 1);
        }
        if self.in_row < MESSAGES_PER_TURN {
            return false;
        }
        self.in_row = 0;
        self.publish(server.process(), in_hand);
        true
    }

    /// Publishes the counts for introspection.
    fn publish<S: GenServer>(&mut self, process: &ServerProcess<S>, in_hand: usize) {
        process
            .cell
            .count_handled(u32::from(std::mem::take(&mut self.uncounted)));
        process.cell.set_in_hand(in_hand);
    }
}

/// The next envelope, or the idle timeout's message if the timer fires first; `turn.waited` is
/// set when the mailbox was empty (the task gave its thread back while it waited).
fn receive<'a, S: GenServer>(
    inbox: &'a mut Inbox<Envelope<S>>,
    process: &'a ServerProcess<S>,
    mut idle: Option<&'a mut Pin<Box<tokio::time::Sleep>>>,
    turn: &'a mut Turn,
) -> impl Future<Output = Option<Envelope<S>>> + 'a {
    turn.waited = false;
    turn.idle_armed = idle.is_some();
    std::future::poll_fn(move |cx| {
        if let Poll::Ready(next) = inbox.poll_recv(&process.mailbox, cx) {
            return Poll::Ready(next);
        }
        if !turn.waited {
            turn.waited = true;
            turn.publish(process, 0);
            process.cell.set_status(Status::Waiting);
        }
        match idle.as_mut() {
            Some(timer) => timer
                .as_mut()
                .poll(cx)
                .map(|()| Some(Envelope::Info(AnyMessage::new(IdleTimeout)))),
            None => Poll::Pending,
        }
    })
}

/// A system request: answered at once, or, for a suspend, answered and then the suspended loop
/// until it ends. An idle timeout armed at the receive stays armed, for the same deadline.
async fn system_request<S: GenServer>(
    request: SystemRequest,
    state: &mut S,
    ctx: &mut Context<S>,
    guard: &mut ExitGuard<S>,
    idle_timer: Option<&Pin<Box<tokio::time::Sleep>>>,
    turn: &mut Turn,
) -> Resumed {
    if turn.idle_armed {
        let now = tokio::time::Instant::now();
        ctx.idle_timeout = idle_timer.map(|timer| timer.deadline().saturating_duration_since(now));
    }
    let answered = {
        let process = guard.server.process();
        let format_state = || state.format_state();
        let mut trace = |n| turn.trace(&process.cell, n);
        system::answer(request, &process.cell, false, &format_state, &mut trace)
    };
    match answered {
        Answered::Next | Answered::Resume => Resumed::Running,
        Answered::Suspend => {
            let mut trace = |n| turn.trace(&guard.server.process().cell, n);
            let process = guard.server.process();
            system::suspended(&mut guard.inbox, process, state, ctx, &mut trace).await
        }
    }
}

/// What `start` learns of an init: the state, or the exit reason and the start error.
fn init_outcome<S>(
    init: Result<Result<S, InitError>, Panicked>,
    cell: &ProcessCell,
) -> Result<S, (ExitReason, StartError)> {
    match init {
        Ok(Ok(state)) => Ok(state),
        Ok(Err(error)) => Err(init_failed(Ok(error), cell)),
        Err(panic) => Err(init_failed(Err(panic), cell)),
    }
}

/// The exit reason and the start error of an init that returned an error or panicked.
fn init_failed(
    failure: Result<InitError, Panicked>,
    cell: &ProcessCell,
) -> (ExitReason, StartError) {
    match failure {
        Ok(InitError::Ignore) => (ExitReason::Normal, StartError::Ignored),
        Ok(InitError::Stop(reason)) => (reason.clone(), StartError::Init(reason)),
        Err(reason) => {
            let reason = reason
                .map(|reason| *reason)
                .or_else(|| cell.exit_reason())
                .unwrap_or(ExitReason::Killed);
            (reason.clone(), StartError::Init(reason))
        }
    }
}

/// What the loop does once a callback has run.
enum AfterCallback {
    /// Takes the next message.
    Next,
    /// Ends at once, without `terminate`.
    Exit,
    /// Runs `terminate` with the reason, then sends the replies deferred until it has run.
    Terminate(ExitReason, Vec<Box<dyn FnOnce() + Send>>),
}

/// Not generic (it takes the context's stop, not the context): compiled once, not for every
/// server type.
fn after_callback(
    outcome: Result<(), Panicked>,
    stop: &mut Option<Box<Stopping>>,
    cell: &ProcessCell,
) -> AfterCallback {
    match outcome {
        Ok(()) => match stop.take() {
            None => AfterCallback::Next,
            Some(stopping) if cell.begin_exit(stopping.reason.clone(), false) => {
                AfterCallback::Terminate(stopping.reason, stopping.deferred_replies)
            }
            // An exit signal came first: the process dies of it, without terminate.
            Some(_) => AfterCallback::Exit,
        },
        Err(Some(panic)) => {
            // Callers waiting on deferred replies learn the reason once the exit is told.
            if let Some(stopping) = stop.take() {
                cell.drop_after_exit(stopping.deferred_replies.into_iter().map(boxed).collect());
            }
            AfterCallback::Terminate(*panic, Vec::new())
        }
        Err(None) => AfterCallback::Exit,
    }
}

/// The server's task: built here, run by `tokio::spawn`.
///
/// An `async` block, not an `async fn`: an `async fn` moves each argument into a second slot of
/// its future, where the block uses what it captures in place, and a server's task pays for its
/// future in 128-byte blocks (tokio aligns a task's cell to the cache line). Built before the
/// task first runs, the exit guard also ends the process if the task is aborted before then.
pub(crate) fn run<S: GenServer>(
    server: ServerRef<S>,
    args: S::Args,
    parent: Option<Pid>,
    started: oneshot::Sender<Result<(), StartError>>,
) -> impl Future<Output = ()> + Send {
    // One handle to the process is kept across the loop (the guard's): every other is made from
    // it when needed, so the loop's state holds no copy of the pid.
    let mut guard = ExitGuard {
        server: server.clone(),
        inbox: Inbox::new(),
    };
    let mut callbacks = Callbacks {
        current: Some(server.pid()),
        id: server.id(),
    };
    let mut ctx = Context::new(server, parent);
    async move {
        // The idle timeout's timer, made on first use and reused: boxed, so a server that never
        // sets one does not carry a timer in its task.
        let mut idle_timer: Option<Pin<Box<tokio::time::Sleep>>> = None;

        // In a block, so the generator does not keep the init's result beside the state.
        let mut state = {
            let init = callbacks
                .run(guard.cell(), pin!(S::init(args, &mut ctx)))
                .await;
            settle(guard.cell(), &init);
            match init_outcome(init, guard.cell()) {
                Ok(state) => state,
                Err((reason, error)) => return guard.fail_start(reason, error, started),
            }
        };
        // A starter that went away does not stop the server, as in OTP.
        let _ = started.send(Ok(()));

        let mut turn = Turn::new();
        loop {
            let outcome = if let Some(message) = ctx.continue_with.take() {
                turn.trace_continue(&guard.server);
                callbacks
                    .run(guard.cell(), pin!(state.handle_continue(message, &mut ctx)))
                    .await
            } else {
                let idle = arm_idle(&mut ctx, &mut idle_timer);
                let process = guard.server.process();
                let Some(envelope) = receive(&mut guard.inbox, process, idle, &mut turn).await
                else {
                    // Unreachable while the mailbox holds a sender; end quietly if it happens.
                    return;
                };
                if turn.took(&guard.server, &envelope, guard.inbox.in_hand()) {
                    tokio::task::yield_now().await;
                }
                if guard.cell().is_dying() {
                    // An exit signal: the process dies at once, without terminate.
                    return;
                }
                if let Envelope::BoundedCast(_) = envelope {
                    guard.server.process().cast_taken();
                }
                match envelope {
                    Envelope::Message(message) | Envelope::BoundedCast(message) => {
                        callbacks
                            .run(guard.cell(), pin!(state.handle_message(message, &mut ctx)))
                            .await
                    }
                    Envelope::Info(message) => match ctx.classify_info(&message) {
                        InfoAction::Handle => {
                            callbacks
                                .run(guard.cell(), pin!(state.handle_info(message, &mut ctx)))
                                .await
                        }
                        InfoAction::Drop => continue,
                        InfoAction::Stop(reason) => {
                            ctx.stop(reason);
                            Ok(())
                        }
                    },
                    Envelope::Stop(reason) => {
                        ctx.stop(*reason);
                        Ok(())
                    }
                    Envelope::Wake => continue,
                    Envelope::System(request) => {
                        let idle = idle_timer.as_ref();
                        // Boxed: system requests are rare, and the suspended loop would
                        // otherwise take room in every server's task.
                        let request = system_request(
                            *request, &mut state, &mut ctx, &mut guard, idle, &mut turn,
                        );
                        match Box::pin(request).await {
                            Resumed::Running => continue,
                            Resumed::Stopping => Ok(()),
                            Resumed::Dying => return,
                        }
                    }
                }
            };
            settle(guard.cell(), &outcome);
            let (reason, replies) = match after_callback(outcome, &mut ctx.stop, guard.cell()) {
                AfterCallback::Next => continue,
                AfterCallback::Exit => return,
                AfterCallback::Terminate(reason, replies) => (reason, replies),
            };
            let terminated = callbacks
                .run(guard.cell(), pin!(state.terminate(&reason, &mut ctx)))
                .await;
            settle(guard.cell(), &terminated);
            if terminated.is_err() {
                // The exit reason stays the one terminate was called with.
                tracing::error!(pid = %guard.server.pid(), reason = %reason, "terminate panicked");
            }
            for reply in replies {
                reply();
            }
            return;
        }
    }
}
