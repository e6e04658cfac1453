//! The sending side of a call's reply, which a panic cannot drop too early.
//!
//! When a callback panics, the reply senders it holds are dropped while the stack unwinds,
//! before the run loop has recorded the exit reason. A caller on another thread would then see
//! its reply channel closed with no reason yet, and report `NoReply` instead of
//! `Exited(Panic(..))`. So a sender dropped while a process callback unwinds is parked in a
//! thread-local list instead, and the run loop drops the list once the reason is recorded.

use std::any::Any;
use std::cell::{Cell, RefCell};

use tokio::sync::oneshot;

thread_local! {
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
    static PARKED: RefCell<Vec<Box<dyn Any + Send>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `poll` as a process callback: reply senders it drops while unwinding are parked.
pub(crate) fn in_callback<R>(poll: impl FnOnce() -> R) -> R {
    let outer = IN_CALLBACK.with(|flag| flag.replace(true));
    let result = poll();
    IN_CALLBACK.with(|flag| flag.set(outer));
    result
}

/// Drops the senders parked by a panicking callback: their callers wake and read the reason.
pub(crate) fn drop_parked() {
    let parked = PARKED.with(|parked| std::mem::take(&mut *parked.borrow_mut()));
    drop(parked);
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
        if std::thread::panicking() && IN_CALLBACK.with(Cell::get) {
            let _ = PARKED.try_with(|parked| parked.borrow_mut().push(Box::new(sender)));
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
