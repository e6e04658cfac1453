//! Local names: `Process.register/2` and `Process.whereis/1`.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};

use crate::Pid;

static NAMES: LazyLock<Mutex<HashMap<Arc<str>, Pid>>> = LazyLock::new(Mutex::default);

fn names() -> MutexGuard<'static, HashMap<Arc<str>, Pid>> {
    NAMES.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Why [`register`] refused a name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    /// Another live process holds the name.
    #[error("the name is already registered to {0}")]
    AlreadyRegistered(Pid),
    /// The process to register has exited ([`NoProc`](crate::NoProc)).
    #[error("no such process")]
    NoProc,
    /// The process is already registered under another name.
    #[error("the process is already registered as `{0}`")]
    AlreadyNamed(Arc<str>),
}

/// `?` turns a [`NoProc`](crate::NoProc) into [`RegisterError::NoProc`].
impl From<crate::NoProc> for RegisterError {
    fn from(_: crate::NoProc) -> Self {
        RegisterError::NoProc
    }
}

/// Registers `pid` under `name` (`Process.register/2`). The name is freed when the process
/// exits.
///
/// ```
/// use otp_core::prelude::*;
///
/// struct Idle;
///
/// #[genserver]
/// impl Idle {
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let a = Idle::start(Idle).await?;
/// let b = Idle::start(Idle).await?;
/// otp_core::register("docs-register", &a.pid())?;
/// assert_eq!(otp_core::whereis("docs-register"), Some(a.pid()));
/// assert!(otp_core::register("docs-register", &b.pid()).is_err());
/// a.pid().kill();
/// a.pid().wait_exit().await;
/// assert_eq!(otp_core::whereis("docs-register"), None);
/// # Ok(())
/// # }
/// ```
pub fn register(name: &str, pid: &Pid) -> Result<(), RegisterError> {
    let mut names = names();
    if let Some(holder) = names.get(name)
        && holder.is_alive()
    {
        return Err(RegisterError::AlreadyRegistered(holder.clone()));
    }
    if let Some(existing) = pid.name() {
        return Err(RegisterError::AlreadyNamed(existing));
    }
    let name: Arc<str> = Arc::from(name);
    // Set the name on the process first: if it has already finished, it will not unregister.
    pid.process().cell().set_name(Some(name.clone()));
    if !pid.is_alive() {
        pid.process().cell().set_name(None);
        return Err(RegisterError::NoProc);
    }
    names.insert(name, pid.clone());
    Ok(())
}

/// The live process registered under `name` (`Process.whereis/1`).
#[must_use]
pub fn whereis(name: &str) -> Option<Pid> {
    names().get(name).filter(|pid| pid.is_alive()).cloned()
}

/// Frees `name` (`Process.unregister/1`); returns whether it was registered.
#[allow(clippy::must_use_candidate)] // freeing a name is done for its effect
pub fn unregister(name: &str) -> bool {
    let removed = names().remove(name);
    if let Some(pid) = &removed {
        pid.process().cell().set_name(None);
    }
    removed.is_some()
}

/// Drops `name` if `pid` still holds it; called when the process exits.
pub(crate) fn unregister_pid(name: &str, pid: &Pid) {
    let mut names = names();
    if names.get(name) == Some(pid) {
        names.remove(name);
    }
}
