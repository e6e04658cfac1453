//! `ReplyTo<T>`: a reply owed to a caller, to be sent later from anywhere (`GenServer.reply/2`).

use super::reply_sender::ReplySender;

/// The caller's side of a pending call, for a call handler that replies later.
///
/// A `#[handle_call]` handler that takes a `ReplyTo<T>` argument does not reply by returning:
/// it answers later, from any task, with [`reply`](ReplyTo::reply), exactly once (the method
/// takes `self`). Dropping it unanswered gives the caller [`CallError::NoReply`](crate::CallError::NoReply)
/// at once, never a hang.
///
/// The caller may run as soon as the reply is sent: a task that also tells the server something
/// (a cast to update its state) should do so *before* replying, or the caller's next call can
/// overtake that cast.
///
/// ```
/// use otp_core::prelude::*;
///
/// struct Reports;
///
/// #[genserver]
/// impl Reports {
///     #[handle_call]
///     fn generate(&mut self, size: usize, reply: ReplyTo<String>) {
///         // Heavy work off the server's loop; the server keeps serving meanwhile.
///         tokio::spawn(async move { reply.reply("x".repeat(size)) });
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let reports = Reports::start(Reports).await?;
/// assert_eq!(reports.generate(3).await?, "xxx");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "dropping a ReplyTo unanswered fails the caller with `CallError::NoReply`"]
pub struct ReplyTo<T: Send + 'static> {
    sender: ReplySender<T>,
}

impl<T: Send + 'static> ReplyTo<T> {
    #[doc(hidden)]
    pub fn __new(sender: ReplySender<T>) -> Self {
        ReplyTo { sender }
    }

    /// Sends the reply. Returns the value back when the caller has stopped waiting (it timed
    /// out or was dropped): a late reply is dropped, as in OTP.
    pub fn reply(self, value: T) -> Result<(), T> {
        self.sender.send(value)
    }

    /// Whether the caller still waits for the reply.
    #[must_use]
    pub fn is_waiting(&self) -> bool {
        !self.sender.is_closed()
    }
}
