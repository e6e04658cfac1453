//! Why a process ended: OTP's exit reasons as a Rust enum.

use std::fmt;
use std::sync::Arc;

/// The reason a process exited, carried by exit signals, `Down` messages and call errors.
///
/// `Normal`, `Shutdown` and `ShutdownWith` are the quiet reasons of OTP (`:normal`,
/// `:shutdown`, `{:shutdown, detail}`): they are not logged, a linked process does not die of a
/// `Normal` exit, and a transient child is not restarted after any of them. Every other reason
/// is logged with `tracing` at error level.
///
/// ```
/// use otp_core::ExitReason;
///
/// assert!(ExitReason::Normal.is_quiet());
/// assert!(ExitReason::ShutdownWith("deploy".into()).is_quiet());
/// assert!(!ExitReason::Killed.is_quiet());
/// assert_eq!(ExitReason::Panic("boom".into()).to_string(), "panic: boom");
/// let io = std::io::Error::other("disk full");
/// assert_eq!(ExitReason::error(io).to_string(), "error: disk full");
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ExitReason {
    /// The process finished its work (`:normal`).
    Normal,
    /// The process was asked to stop, usually by its supervisor (`:shutdown`).
    Shutdown,
    /// A shutdown with a detail (`{:shutdown, detail}`); as quiet as `Shutdown`.
    ShutdownWith(String),
    /// The process was killed with [`Pid::kill`](crate::Pid::kill) (`:killed`); it ran no
    /// `terminate`.
    Killed,
    /// The process did not exist (`:noproc`).
    NoProc,
    /// A task did not finish within its time (`:timeout`).
    Timeout,
    /// A callback panicked; the panic's message.
    Panic(String),
    /// The process stopped with an error value.
    Error(Arc<dyn std::error::Error + Send + Sync>),
}

impl ExitReason {
    /// An `Error` reason holding `error`.
    ///
    /// ```
    /// # use otp_core::ExitReason;
    /// let reason = ExitReason::error(std::fmt::Error);
    /// assert!(matches!(reason, ExitReason::Error(_)));
    /// ```
    pub fn error(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        ExitReason::Error(Arc::new(error))
    }

    /// Whether this is `Normal`, `Shutdown` or `ShutdownWith`: the reasons OTP does not log and
    /// a transient child is not restarted for.
    ///
    /// ```
    /// # use otp_core::ExitReason;
    /// assert!(ExitReason::Shutdown.is_quiet());
    /// assert!(!ExitReason::NoProc.is_quiet());
    /// ```
    #[must_use]
    pub fn is_quiet(&self) -> bool {
        matches!(
            self,
            ExitReason::Normal | ExitReason::Shutdown | ExitReason::ShutdownWith(_)
        )
    }

    /// Whether this is `Normal`.
    ///
    /// ```
    /// # use otp_core::ExitReason;
    /// assert!(ExitReason::Normal.is_normal());
    /// assert!(!ExitReason::Shutdown.is_normal());
    /// ```
    #[must_use]
    pub fn is_normal(&self) -> bool {
        matches!(self, ExitReason::Normal)
    }

    /// The reason for a caught panic payload.
    pub(crate) fn from_panic(payload: &(dyn std::any::Any + Send)) -> Self {
        let message = if let Some(text) = payload.downcast_ref::<&'static str>() {
            (*text).to_owned()
        } else if let Some(text) = payload.downcast_ref::<String>() {
            text.clone()
        } else {
            "a panic with a payload that is not a string".to_owned()
        };
        ExitReason::Panic(message)
    }
}

impl PartialEq for ExitReason {
    /// Reasons compare by kind and content; two `Error` reasons are equal when they display
    /// the same text.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (ExitReason::Normal, ExitReason::Normal)
            | (ExitReason::Shutdown, ExitReason::Shutdown)
            | (ExitReason::Killed, ExitReason::Killed)
            | (ExitReason::NoProc, ExitReason::NoProc)
            | (ExitReason::Timeout, ExitReason::Timeout) => true,
            (ExitReason::ShutdownWith(a), ExitReason::ShutdownWith(b))
            | (ExitReason::Panic(a), ExitReason::Panic(b)) => a == b,
            (ExitReason::Error(a), ExitReason::Error(b)) => {
                Arc::ptr_eq(a, b) || a.to_string() == b.to_string()
            }
            _ => false,
        }
    }
}

impl Eq for ExitReason {}

impl fmt::Display for ExitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExitReason::Normal => f.write_str("normal"),
            ExitReason::Shutdown => f.write_str("shutdown"),
            ExitReason::ShutdownWith(detail) => write!(f, "shutdown: {detail}"),
            ExitReason::Killed => f.write_str("killed"),
            ExitReason::NoProc => f.write_str("noproc"),
            ExitReason::Timeout => f.write_str("timeout"),
            ExitReason::Panic(message) => write!(f, "panic: {message}"),
            ExitReason::Error(error) => write!(f, "error: {error}"),
        }
    }
}
