//! Tasks tied to the process that spawned them: stopped when it exits (a task's link to its
//! caller in Elixir).

use std::future::Future;

use tokio::task::JoinHandle;

use crate::Pid;

/// Stops the task when `owner` exits, and forgets that once the task is done.
fn tie_to(owner: &Pid, task: &tokio::task::AbortHandle) -> Option<u64> {
    let abort = task.clone();
    crate::process::on_exit_keyed(owner, Box::new(move |_, _| abort.abort())).ok()
}

/// Runs `future` as a task, stopped when the calling process (if any) exits.
pub(super) fn spawn_tied<T, F>(future: F, tied: bool) -> JoinHandle<T>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let owner = if tied { crate::current_pid() } else { None };
    let Some(owner) = owner else {
        return tokio::spawn(future);
    };
    let (key_sender, key_receiver) = tokio::sync::oneshot::channel::<Option<u64>>();
    let owner_for_task = owner.clone();
    let handle = tokio::spawn(async move {
        let output = future.await;
        if let Ok(Some(key)) = key_receiver.await {
            crate::process::remove_exit_hook(&owner_for_task, key);
        }
        output
    });
    let _ = key_sender.send(tie_to(&owner, &handle.abort_handle()));
    handle
}
