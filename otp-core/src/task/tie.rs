//! Tasks tied to the process that spawned them: stopped when it exits (a task's link to its
//! caller in Elixir).
//!
//! The tie is a hook in the owner's exit bookkeeping that stops the task. It holds the task's
//! abort handle, which keeps the task's allocation alive, so the tie must go as soon as the task
//! ends, however it ends: returned, panicked, shut down, or stopped at a timeout. The task's
//! future carries an [`Untie`] guard for that; the future is dropped in each of those cases.

use std::future::Future;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::Pid;
use crate::process::{on_exit_keyed, remove_exit_hook};

/// Runs `future` as a task, stopped when the calling process (if any and `tied`) exits.
pub(super) fn spawn_tied<T, F>(future: F, tied: bool) -> JoinHandle<T>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let owner = if tied { crate::current_pid() } else { None };
    let Some(owner) = owner else {
        return tokio::spawn(future);
    };
    // The hook needs the task's abort handle, so it is added after the spawn, and its key
    // reaches the task through this channel.
    let (key_sender, key_receiver) = oneshot::channel::<u64>();
    let untie = Untie {
        owner: owner.clone(),
        key: key_receiver,
    };
    let handle = tokio::spawn(async move {
        let _untie = untie;
        future.await
    });
    let abort = handle.abort_handle();
    if let Ok(key) = on_exit_keyed(&owner, Box::new(move |_, _| abort.abort()))
        && key_sender.send(key).is_err()
    {
        // The task has already ended and its guard is gone: remove the hook here.
        remove_exit_hook(&owner, key);
    }
    handle
}

/// Removes the task's exit hook from its owner when the task's future is dropped.
struct Untie {
    owner: Pid,
    key: oneshot::Receiver<u64>,
}

impl Drop for Untie {
    fn drop(&mut self) {
        // After `close`, a key sent before it is in the channel, and a later send fails (the
        // spawner then removes the hook itself): exactly one side removes it.
        self.key.close();
        if let Ok(key) = self.key.try_recv() {
            remove_exit_hook(&self.owner, key);
        }
    }
}
