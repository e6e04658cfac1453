//! A long-lived process that starts tasks which end abnormally keeps nothing per task: shut
//! down, timed out while awaited, panicked, or killed at an `async_stream` timeout, each task's
//! tie to its owner (which stops it when the owner exits) goes with the task.

use std::time::Duration;

use otp_behaviour_tests::memory::{bytes_per_event, exclusive, live_bytes};
use otp_core::prelude::*;
use otp_core::{
    OnTimeout, Task, TaskError, TaskExit, TaskSupervisor, TaskSupervisorOptions, TaskSupervisorRef,
};

/// How a task ends.
#[derive(Clone, Copy, Debug)]
enum Ending {
    /// Returns: the control case.
    Normal,
    /// Shut down while it still runs (`Task.shutdown/2`).
    Shutdown,
    /// Awaited with a timeout it does not meet.
    AwaitTimeout,
    /// Panics.
    Panic,
    /// An `async_stream` item killed at its timeout (`on_timeout: :kill_task`).
    StreamTimeout,
}

/// A long-lived server that starts the tasks from its callbacks, so each task is tied to it.
struct Owner {
    tasks: TaskSupervisorRef,
}

#[genserver]
impl Owner {
    /// Starts `count` tasks that end as `ending` says, one after another; how many did.
    #[handle_call]
    async fn run(&mut self, ending: Ending, count: u64) -> u64 {
        let mut ended = 0;
        match ending {
            Ending::Normal => {
                for n in 0..count {
                    let task = Task::spawn(async move { n });
                    ended += u64::from(task.await == Ok(n));
                }
            }
            Ending::Shutdown => {
                for _ in 0..count {
                    let task = Task::spawn(std::future::pending::<()>());
                    ended += u64::from(task.shutdown().await.is_none());
                }
            }
            Ending::AwaitTimeout => {
                for _ in 0..count {
                    let task = Task::spawn(std::future::pending::<()>());
                    let result = task.timeout(Duration::ZERO).await;
                    ended += u64::from(result == Err(TaskError::Timeout));
                    between_requests().await;
                }
            }
            Ending::Panic => {
                for _ in 0..count {
                    let task: Task<()> = Task::spawn(async { panic!("task failed") });
                    ended += u64::from(matches!(task.await, Err(TaskError::Exit(_))));
                }
            }
            Ending::StreamTimeout => {
                let mut stream = self
                    .tasks
                    .async_stream(0..count, |_| std::future::pending::<()>())
                    .max_concurrency(16)
                    .timeout(Duration::ZERO)
                    .on_timeout(OnTimeout::KillTask);
                while let Some(result) = stream.next().await {
                    ended += u64::from(matches!(
                        result,
                        Err(TaskExit {
                            reason: ExitReason::Timeout,
                            ..
                        })
                    ));
                    between_requests().await;
                }
            }
        }
        ended
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

const TASKS: u64 = 20_000;

/// A zero timeout gives up on a task without waiting, and a stopped task is dropped only when
/// the runtime next gets to it: the loops that never wait yield between tasks, as a server
/// does between requests, instead of piling up 20,000 stopped tasks.
async fn between_requests() {
    tokio::task::yield_now().await;
}

type PanicHook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send>;

/// Silences panic messages while it lives (20,000 of them would flood the output), and puts
/// the previous hook back, even when the test fails.
struct QuietPanics(Option<PanicHook>);

impl QuietPanics {
    fn new() -> Self {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        QuietPanics(Some(previous))
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        if let Some(previous) = self.0.take() {
            std::panic::set_hook(previous);
        }
    }
}

/// Lets the runtime drop the tasks it was asked to stop.
async fn settle() {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
}

async fn check(ending: Ending) {
    let _alone = exclusive().await;
    let tasks = TaskSupervisor::start(TaskSupervisorOptions::default())
        .await
        .unwrap();
    let owner = Owner::start(Owner {
        tasks: tasks.clone(),
    })
    .await
    .unwrap();
    let quiet = matches!(ending, Ending::Panic).then(QuietPanics::new);
    // Warm up: the first tasks fill the pools the runtime and the owner keep (the timer wheel's
    // levels, the exit-hook list's capacity), which are not per-task costs.
    let warm_up = owner
        .run(ending, 1_000)
        .timeout(Duration::MAX)
        .await
        .unwrap();
    assert_eq!(warm_up, 1_000);
    settle().await;
    let before = live_bytes();
    let ended = owner
        .run(ending, TASKS)
        .timeout(Duration::MAX)
        .await
        .unwrap();
    settle().await;
    let after = live_bytes();
    drop(quiet);
    assert_eq!(ended, TASKS, "every task ended as {ending:?}");
    let per_task = bytes_per_event(before, after, usize::try_from(TASKS).unwrap());
    eprintln!("{ending:?}: live bytes {before} -> {after} ({per_task:.2} bytes per task)");
    assert!(
        after <= before + 16 * 1024,
        "live bytes {before} -> {after} after {TASKS} tasks ended by {ending:?} ({per_task:.2} \
         bytes per task)"
    );
    owner.stop(ExitReason::Normal).await.unwrap();
    tasks.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_that_return_leave_live_bytes_flat() {
    check(Ending::Normal).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_shut_down_leave_live_bytes_flat() {
    check(Ending::Shutdown).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_timed_out_leave_live_bytes_flat() {
    check(Ending::AwaitTimeout).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_that_panic_leave_live_bytes_flat() {
    check(Ending::Panic).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_items_killed_at_their_timeout_leave_live_bytes_flat() {
    check(Ending::StreamTimeout).await;
}
