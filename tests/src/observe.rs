//! Waiting, without sleeps, for what introspection reports of a process.

use otp_core::Pid;
use otp_core::observe::ProcessStatus;

/// Yields until the process reports `status`.
pub async fn until_status(pid: &Pid, status: ProcessStatus) {
    while pid.info().map(|info| info.status) != Some(status) {
        tokio::task::yield_now().await;
    }
}
