//! `async_stream` results: `Ok(value)` or `Err(TaskExit { reason, .. })`; a crashing item
//! yields its panic and the stream goes on. With `zip_input_on_exit` an exit carries its input,
//! without it `input` is `None`. The Elixir OTP guide's reduce keeps values, skips exits.

use std::time::Duration;

use futures_util::StreamExt;
use otp_core::{
    ExitReason, OnTimeout, TaskExit, TaskSupervisor, TaskSupervisorOptions, TaskSupervisorRef,
};
use tokio::time::sleep;

async fn supervisor() -> TaskSupervisorRef {
    TaskSupervisor::start_link(TaskSupervisorOptions::default())
        .await
        .unwrap()
}

/// "ok:N" fetches N, "bad" panics, "slow" takes 10 s.
async fn fetch(url: String) -> usize {
    match url.as_str() {
        "bad" => panic!("cannot fetch {url}"),
        "slow" => {
            sleep(Duration::from_secs(10)).await;
            0
        }
        ok => ok.trim_start_matches("ok:").parse().unwrap(),
    }
}

fn urls() -> Vec<String> {
    ["ok:1", "bad", "ok:2", "slow", "ok:3"]
        .map(String::from)
        .to_vec()
}

#[tokio::test(start_paused = true)]
async fn a_crash_is_an_exit_item_and_the_stream_goes_on() {
    let tasks = supervisor().await;
    let results: Vec<Result<usize, TaskExit<String>>> = tasks
        .async_stream(urls(), fetch)
        .max_concurrency(2)
        .timeout(Duration::from_secs(1))
        .on_timeout(OnTimeout::KillTask)
        .collect()
        .await;
    assert_eq!(
        results,
        vec![
            Ok(1),
            Err(TaskExit {
                reason: ExitReason::Panic("cannot fetch bad".into()),
                input: None,
            }),
            Ok(2),
            Err(TaskExit {
                reason: ExitReason::Timeout,
                input: None,
            }),
            Ok(3),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn zip_input_on_exit_puts_the_input_in_each_exit() {
    let tasks = supervisor().await;
    let results: Vec<Result<usize, TaskExit<String>>> = tasks
        .async_stream(urls(), fetch)
        .max_concurrency(2)
        .timeout(Duration::from_secs(1))
        .on_timeout(OnTimeout::KillTask)
        .zip_input_on_exit()
        .collect()
        .await;
    assert_eq!(
        results,
        vec![
            Ok(1),
            Err(TaskExit {
                reason: ExitReason::Panic("cannot fetch bad".into()),
                input: Some("bad".into()),
            }),
            Ok(2),
            Err(TaskExit {
                reason: ExitReason::Timeout,
                input: Some("slow".into()),
            }),
            Ok(3),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn zip_input_on_exit_with_the_default_on_timeout() {
    let tasks = supervisor().await;
    let results: Vec<Result<usize, TaskExit<String>>> = tasks
        .async_stream(urls(), fetch)
        .max_concurrency(1)
        .timeout(Duration::from_secs(1))
        .zip_input_on_exit()
        .collect()
        .await;
    assert_eq!(
        results,
        vec![
            Ok(1),
            Err(TaskExit {
                reason: ExitReason::Panic("cannot fetch bad".into()),
                input: Some("bad".into()),
            }),
            Ok(2),
            Err(TaskExit {
                reason: ExitReason::Timeout,
                input: Some("slow".into()),
            }),
        ],
        "ends at the timeout"
    );
}

#[tokio::test(start_paused = true)]
async fn the_seeds_reduce_keeps_values_and_skips_exits() {
    let tasks = supervisor().await;
    let mut fetched: Vec<usize> = tasks
        .async_stream(urls(), fetch)
        .max_concurrency(10)
        .ordered(false)
        .on_timeout(OnTimeout::KillTask)
        .fold(Vec::new(), |mut acc, result| async move {
            if let Ok(value) = result {
                acc.push(value);
            }
            acc
        })
        .await;
    fetched.sort_unstable();
    assert_eq!(fetched, vec![1, 2, 3]);
}
