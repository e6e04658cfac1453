//! [`StartError`]: why a server did not start.
//!
//! In a file of its own so the run loop (which sends it to the starter) and `start` (which
//! returns it) both depend on it and not on each other.

use crate::{ExitReason, Pid};

/// Why a server did not start (the `{:error, reason}` and `:ignore` of `GenServer.start/3`).
///
/// ```
/// use otp_core::prelude::*;
///
/// struct Optional;
///
/// #[genserver]
/// impl Optional {
///     #[init]
///     fn init(wanted: bool) -> Result<Self, InitError> {
///         if wanted { Ok(Optional) } else { Err(InitError::Ignore) }
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// assert_eq!(Optional::start(false).await.err(), Some(StartError::Ignored));
/// assert!(Optional::start(true).await.is_ok());
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// `init` returned [`InitError::Ignore`](crate::InitError::Ignore) (`:ignore`).
    #[error("init returned ignore")]
    Ignored,
    /// `init` returned an error or panicked (`{:error, reason}`); `terminate` did not run.
    #[error("init failed: {0}")]
    Init(ExitReason),
    /// The name is held by another live process (`{:already_started, pid}`).
    #[error("a process is already registered under this name: {0}")]
    AlreadyStarted(Pid),
    /// `init` did not return within the start timeout (`{:error, :timeout}`): the process was
    /// killed (`Killed`, no `terminate`) and its name freed. See
    /// [`StartOptions::timeout`](crate::StartOptions::timeout).
    #[error("init did not return within the start timeout")]
    Timeout,
}
