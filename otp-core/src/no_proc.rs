//! [`NoProc`]: the one way this crate says "no such process" (`:noproc` in OTP).

/// The process asked for was not running: it never existed, or it has exited (`:noproc`).
///
/// Every API whose only failure is a missing process returns this type; the error enums of
/// calls, the registry, supervisors and tables spell the same case as a `NoProc` variant, and
/// convert from it.
///
/// ```
/// use otp_core::prelude::*;
///
/// struct Linker;
///
/// #[genserver]
/// impl Linker {
///     #[handle_call]
///     fn link_to(&mut self, other: Pid, ctx: &mut Context<Self>) -> Result<(), NoProc> {
///         ctx.link(&other)
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let linker = Linker::start(Linker).await.unwrap();
/// let gone = Linker::start(Linker).await.unwrap();
/// let gone_pid = gone.pid();
/// gone.stop(ExitReason::Normal).await.unwrap();
/// assert_eq!(linker.link_to(gone_pid).await.unwrap(), Err(NoProc));
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("no such process")]
pub struct NoProc;
