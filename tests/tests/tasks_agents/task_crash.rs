//! A crash in a task reaches its awaiting owner as a value, `TaskError::Exit(reason)` carrying
//! the panic; the owner (a test or a process) lives on.

use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{Task, TaskError};
use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn the_owner_gets_the_panic_as_an_exit_value() {
    let task: Task<u32> = Task::spawn(async { panic!("no data") });
    assert_eq!(
        task.await,
        Err(TaskError::Exit(ExitReason::Panic("no data".into())))
    );
}

#[tokio::test(start_paused = true)]
async fn the_panic_message_is_kept_whole_and_the_crash_comes_at_once() {
    let task: Task<u32> = Task::spawn(async {
        sleep(Duration::from_secs(2)).await;
        let id = 17;
        panic!("fetch {id} failed: status {}", 503)
    });
    let started = Instant::now();
    assert_eq!(
        task.await,
        Err(TaskError::Exit(ExitReason::Panic(
            "fetch 17 failed: status 503".into()
        )))
    );
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(2),
        "not at the timeout"
    );
}

#[tokio::test(start_paused = true)]
async fn a_panic_without_a_string_payload_is_still_a_panic_exit() {
    let task: Task<()> = Task::spawn(async { std::panic::panic_any(404_u16) });
    let result = task.await;
    assert!(
        matches!(&result, Err(TaskError::Exit(ExitReason::Panic(_)))),
        "{result:?}"
    );
    let error = result.unwrap_err();
    assert!(
        error.to_string().starts_with("the task exited: "),
        "{error}"
    );
}

/// Spawns a crashing task from a callback and returns what awaiting it gave.
struct Owner;

#[genserver]
impl Owner {
    #[handle_call]
    async fn run_failing(&mut self) -> Result<u8, TaskError> {
        Task::spawn(async { panic!("inside the task") }).await
    }

    #[handle_call]
    fn ping(&mut self) -> &'static str {
        "pong"
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn a_process_owner_survives_its_task_crash() {
    let owner = Owner::start(Owner).await.unwrap();
    assert_eq!(
        owner.run_failing().await,
        Ok(Err(TaskError::Exit(ExitReason::Panic(
            "inside the task".into()
        ))))
    );
    assert!(owner.pid().is_alive());
    assert_eq!(owner.ping().await, Ok("pong"));
}
