//! Concurrent fetches with backpressure: the Elixir OTP guide's `Task.Supervisor.async_stream`.
//!
//! The Elixir it replaces:
//!
//! ```elixir
//! children = [{Task.Supervisor, name: MyApp.TaskSupervisor}]
//!
//! MyApp.TaskSupervisor
//! |> Task.Supervisor.async_stream(urls, &fetch/1, max_concurrency: 10, ordered: false)
//! |> Enum.reduce([], fn
//!   {:ok, result}, acc -> [result | acc]
//!   {:exit, _reason}, acc -> acc
//! end)
//! ```
//!
//! Thirty URLs are "fetched" (a tokio sleep of 50 to 350 ms stands for the network), at most
//! ten at a time, results taken as they come (`ordered(false)`). Some fetches fail: `/missing`
//! pages answer with an error value, `/flaky` ones crash (a panic, which Rust's panic hook
//! prints on stderr), and `/hang` never answers and is killed at the 800 ms timeout
//! (`on_timeout(KillTask)`, so the other fetches go on). The loop keeps the pages and skips
//! every failure, as the guide's does. The whole run takes about one second.
//!
//! Run it with `cargo run --example fetch_all`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use otp_core::{ExitReason, OnTimeout, TaskExit, TaskSupervisor, TaskSupervisorRef, supervisor};
use tokio::time::Instant;

/// A fetched page.
#[derive(Debug)]
struct Page {
    url: String,
    bytes: usize,
}

/// A fetch that answered, with an error.
#[derive(Debug)]
struct FetchError {
    url: String,
    status: u16,
}

/// How many fetches run right now, and the most that ever ran at once.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    most: AtomicUsize,
}

/// The thirty URLs: mostly pages, two missing, two flaky, one that hangs.
fn urls() -> Vec<String> {
    (0..30)
        .map(|i| match i {
            7 | 21 => format!("https://example.com/missing/{i}"),
            12 | 25 => format!("https://example.com/flaky/{i}"),
            17 => format!("https://example.com/hang/{i}"),
            _ => format!("https://example.com/page/{i}"),
        })
        .collect()
}

/// Pretends to fetch `url`: a varied delay, then a page, an error, or a crash.
async fn fetch(url: String, in_flight: Arc<InFlight>) -> Result<Page, FetchError> {
    let now = in_flight.now.fetch_add(1, Ordering::SeqCst) + 1;
    in_flight.most.fetch_max(now, Ordering::SeqCst);
    let n: u64 = url
        .rsplit('/')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let delay = if url.contains("/hang/") {
        Duration::from_secs(60)
    } else {
        Duration::from_millis(50 + n * 73 % 300)
    };
    tokio::time::sleep(delay).await;
    in_flight.now.fetch_sub(1, Ordering::SeqCst);
    if url.contains("/missing/") {
        return Err(FetchError { url, status: 404 });
    }
    assert!(
        !url.contains("/flaky/"),
        "connection reset while fetching {url}"
    );
    Ok(Page {
        bytes: 1_000 + url.len() * 10,
        url,
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();

    // In your supervision tree: {Task.Supervisor, name: MyApp.TaskSupervisor}.
    let app = supervisor! {
        strategy: one_for_one,
        children: [TaskSupervisor(name = "task_supervisor")],
    }
    .start_link()
    .await?;
    let tasks = TaskSupervisorRef::whereis("task_supervisor")
        .ok_or("the task supervisor is not running")?;

    let urls = urls();
    println!("fetching {} URLs, at most 10 at a time", urls.len());
    let in_flight = Arc::new(InFlight::default());
    let started = Instant::now();
    let probe = in_flight.clone();
    let mut results = tasks
        .async_stream(urls, move |url| fetch(url, probe.clone()))
        .max_concurrency(10)
        .ordered(false)
        .timeout(Duration::from_millis(800))
        .on_timeout(OnTimeout::KillTask)
        .zip_input_on_exit();
    let mut pages: Vec<Page> = Vec::new();
    while let Some(result) = results.next().await {
        let at = started.elapsed().as_millis();
        match result {
            Ok(Ok(page)) => {
                println!("{at:>5} ms  ok    {} ({} bytes)", page.url, page.bytes);
                pages.push(page);
            }
            Ok(Err(error)) => {
                println!("{at:>5} ms  skip  {}: HTTP {}", error.url, error.status);
            }
            Err(TaskExit { reason, input }) => {
                let url = input.unwrap_or_default();
                println!("{at:>5} ms  skip  {url}: {reason}");
            }
        }
    }

    let total: usize = pages.iter().map(|page| page.bytes).sum();
    println!(
        "fetched {} pages ({total} bytes) in {} ms; at most {} fetches ran at once",
        pages.len(),
        started.elapsed().as_millis(),
        in_flight.most.load(Ordering::SeqCst),
    );
    app.stop(ExitReason::Shutdown).await?;
    Ok(())
}
