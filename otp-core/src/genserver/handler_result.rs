//! What a cast, info or continue handler may return: nothing, or `Result<(), E>`, whose `Err`
//! stops the server with that error as its reason (OTP's `{:stop, reason, state}`), so `?`
//! works in those handlers as it does in `init`.

use std::fmt;
use std::sync::Arc;

use crate::ExitReason;

/// What a `#[handle_cast]`, `#[handle_info]` or `#[handle_continue]` method returns: `()`, or
/// `Result<(), E>` with an error that implements `Display` (`Box<dyn Error>`, `String`, any
/// error type). An `Err(e)` stops the server after the handler:
/// `terminate` runs with [`ExitReason::Error`] holding `e`, and a supervisor restarts it as
/// for any crash.
///
/// ```
/// use otp_core::prelude::*;
///
/// struct Log { lines: Vec<String> }
///
/// #[genserver]
/// impl Log {
///     #[handle_cast]
///     fn append(&mut self, line: String) -> Result<(), std::fmt::Error> {
///         if line.is_empty() {
///             return Err(std::fmt::Error); // stops the server with this error
///         }
///         self.lines.push(line);
///         Ok(())
///     }
///
///     #[handle_call]
///     fn len(&mut self) -> usize {
///         self.lines.len()
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let log = Log::start(Log { lines: Vec::new() }).await.unwrap();
/// log.append("one".into());
/// assert_eq!(log.len().await, Ok(1));
/// log.append(String::new());
/// assert!(log.len().await.is_err()); // the server has stopped
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "a cast, info or continue handler returns `()` or `Result<(), E>`, not `{Self}`",
    label = "the error of a `Result` here must implement `Display`",
    note = "an `Err` stops the server with the error as its exit reason"
)]
pub trait HandlerResult {
    /// The reason to stop with, if the handler failed.
    fn into_stop_reason(self) -> Option<ExitReason>;
}

impl HandlerResult for () {
    fn into_stop_reason(self) -> Option<ExitReason> {
        None
    }
}

/// Any printable error, `Box<dyn Error>` too: the reason keeps its text, so an error that is
/// not `Send` can still end a server.
impl<E: fmt::Display> HandlerResult for Result<(), E> {
    fn into_stop_reason(self) -> Option<ExitReason> {
        self.err()
            .map(|error| ExitReason::Error(Arc::new(HandlerError(error.to_string()))))
    }
}

/// The text of the error a handler returned, as an [`ExitReason::Error`].
struct HandlerError(String);

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl std::error::Error for HandlerError {}
