//! The sending side of a call's reply, which a crash cannot drop too early.
//!
//! When a callback panics, the reply senders it holds are dropped while the stack unwinds, and
//! with the callback's future just after. Dropped then, they would wake their callers before
//! the server's `terminate` ran and before its links were told: a caller linked to the server
//! would see `Exited` and run on, where OTP kills it first. So senders dropped while a process
//! callback unwinds, or while its future is dropped after a panic, are parked: the run loop
//! hands them to the process, which drops them once links and monitors have been told.
//!
//! The parking flag and list are `thread_local!` and never reached from another thread, so
//! there is no interleaving for a loom model to explore (see `loom_tests.rs`).

use std::any::Any;
use std::cell::{Cell, RefCell};

use tokio::sync::oneshot;

thread_local! {
    /// Set from a callback's panic until the run loop has dropped its future.
    static PARKING: Cell<bool> = const { Cell::new(false) };
    static PARKED: RefCell<Vec<Box<dyn Any + Send>>> = const { RefCell::new(Vec::new()) };
    /// Whether `PARKED` may hold senders: a plain flag, so the check after every callback poll
    /// is one load instead of a borrow of the list.
    static ANY_PARKED: Cell<bool> = const { Cell::new(false) };
}

/// A callback panicked: park the senders its future drops too.
pub(crate) fn begin_parking() {
    PARKING.with(|flag| flag.set(true));
}

/// The senders parked since the panic, for the process to drop once it has exited.
pub(crate) fn end_parking() -> Vec<Box<dyn Any + Send>> {
    PARKING.with(|flag| flag.set(false));
    take_parked()
}

fn take_parked() -> Vec<Box<dyn Any + Send>> {
    let _ = ANY_PARKED.try_with(|any| any.set(false));
    PARKED
        .try_with(|parked| std::mem::take(&mut *parked.borrow_mut()))
        .unwrap_or_default()
}

/// Drops senders parked by a panic that user code caught itself: the server lives on, so their
/// callers get `NoReply` at once.
pub(crate) fn drop_caught() {
    if ANY_PARKED.try_with(Cell::get).unwrap_or(false) {
        drop(take_parked());
    }
}

/// A call's reply channel, as the generated message enum holds it.
#[doc(hidden)]
pub struct ReplySender<T: Send + 'static> {
    sender: Option<oneshot::Sender<T>>,
}

impl<T: Send + 'static> ReplySender<T> {
    pub(crate) fn new(sender: oneshot::Sender<T>) -> Self {
        ReplySender {
            sender: Some(sender),
        }
    }

    /// Sends the reply; the value comes back when the caller stopped waiting.
    pub(crate) fn send(mut self, value: T) -> Result<(), T> {
        match self.sender.take() {
            Some(sender) => sender.send(value),
            None => Err(value),
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.sender.as_ref().is_none_or(oneshot::Sender::is_closed)
    }
}

impl<T: Send + 'static> Drop for ReplySender<T> {
    fn drop(&mut self) {
        let Some(sender) = self.sender.take() else {
            return;
        };
        let park =
            (std::thread::panicking() && crate::current::in_process()) || PARKING.with(Cell::get);
        if park {
            let _ = PARKED.try_with(|parked| parked.borrow_mut().push(Box::new(sender)));
            let _ = ANY_PARKED.try_with(|any| any.set(true));
        }
    }
}

impl<T: Send + 'static> std::fmt::Debug for ReplySender<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReplySender")
    }
}

/// A reply channel: the sender for the message, the receiver for the caller.
#[doc(hidden)]
#[must_use]
pub fn reply_channel<T: Send + 'static>() -> (ReplySender<T>, oneshot::Receiver<T>) {
    let (sender, receiver) = oneshot::channel();
    (ReplySender::new(sender), receiver)
}
