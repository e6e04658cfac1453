//! A system request as it travels through a server's mailbox, with the sender of its answer.

use tokio::sync::oneshot;

use super::SysError;

/// One of `sys`'s requests. Boxed in the mailbox's `Envelope::System`, so it costs the other
/// messages nothing.
pub(crate) enum SystemRequest {
    /// The state's text.
    GetState(oneshot::Sender<Result<String, SysError>>),
    /// Handle nothing but system requests and stops until resumed.
    Suspend(oneshot::Sender<()>),
    /// Handle messages again, those queued meanwhile first.
    Resume(oneshot::Sender<()>),
    /// Log the next `n` messages handled; 0 stops.
    Trace(u32, oneshot::Sender<()>),
}
