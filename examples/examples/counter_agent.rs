//! A shared counter: the Elixir OTP guide's `Agent` example.
//!
//! The Elixir it replaces:
//!
//! ```elixir
//! {:ok, counter} = Agent.start_link(fn -> 0 end, name: MyApp.Counter)
//! Agent.get(MyApp.Counter, & &1)            # => 0
//! Agent.update(MyApp.Counter, &(&1 + 1))    # => :ok
//! Agent.get(MyApp.Counter, & &1)            # => 1
//! ```
//!
//! An agent is a process around one value; each closure runs inside it, one at a time. The
//! program starts a named counter, reads and changes it (`get`, `update`, `get_and_update`,
//! `cast`), lets a hundred tasks bump it at once, shows why long closures are a bad idea, and
//! stops it. It takes about a third of a second.
//!
//! Run it with `cargo run --example counter_agent`.

use std::time::Duration;

use otp_core::{Agent, AgentRef, ExitReason};
use tokio::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();

    // ✅ Good: Agent for a simple shared counter.
    let counter: AgentRef<u64> = Agent::options().name("counter").start_link(|| 0).await?;
    println!("started the agent {} as \"counter\"", counter.pid());

    // Anyone can find it by name.
    let by_name = Agent::whereis::<u64>("counter").ok_or("no agent named counter")?;
    println!("get                      => {}", by_name.get(|n| *n).await?);
    by_name.update(|n| *n += 1).await?;
    println!("update(+1)               => ok");
    println!("get                      => {}", by_name.get(|n| *n).await?);

    let before = counter.get_and_update(|n| (n, n * 10)).await?;
    println!(
        "get_and_update(x10)      => {before} (was), now {}",
        counter.get(|n| *n).await?
    );

    counter.cast(|n| *n += 5); // returns at once; the next call sees it
    println!("cast(+5), then get       => {}", counter.get(|n| *n).await?);

    let mut bumps = Vec::new();
    for _ in 0..100 {
        let counter = counter.clone();
        bumps.push(tokio::spawn(
            async move { counter.update(|n| *n += 1).await },
        ));
    }
    for bump in bumps {
        bump.await??;
    }
    println!("100 concurrent updates   => {}", counter.get(|n| *n).await?);

    // ❌ Bad: Agent for complex logic — use a GenServer instead.
    //
    //     counter.update(|state| {
    //         // 50 lines of complex business logic here...
    //         // This runs INSIDE the agent process, blocking all other callers.
    //     });
    //
    // Here a closure that works for 300 ms holds up a simple read queued behind it.
    counter.cast(|n| {
        std::thread::sleep(Duration::from_millis(300));
        *n += 1;
    });
    let asked = Instant::now();
    let value = counter.get(|n| *n).await?;
    println!(
        "get behind a slow cast   => {value}, after waiting {} ms",
        asked.elapsed().as_millis()
    );

    counter.stop().await?;
    println!(
        "stopped: {}, reason {}",
        !counter.pid().is_alive(),
        counter.pid().exit_reason().unwrap_or(ExitReason::NoProc)
    );
    Ok(())
}
