//! A token-bucket rate limiter: the Elixir OTP guide's `MyApp.RateLimiter` ("rate limiting IS
//! infrastructure — process is appropriate").
//!
//! The Elixir it replaces (the guide names the module; this is the usual body):
//!
//! ```elixir
//! def check(key), do: GenServer.call(__MODULE__, {:check, key})    # :allowed | {:denied, retry_in}
//! def init(opts), do: (schedule_refill(); {:ok, %{buckets: %{}, capacity: .., refill: ..}})
//! def handle_call({:check, key}, _from, state)   # take a token from the key's bucket, if any
//! def handle_info(:refill, state)                # add tokens to every bucket, then schedule_refill()
//! defp schedule_refill, do: Process.send_after(self(), :refill, @refill_every)
//! def handle_info(msg, state)                    # the catch-all: Logger.warning, keep running
//! ```
//!
//! Each key (a user, an IP address) has a bucket of `capacity` tokens; a request takes one or
//! is denied. A periodic `Refill` timer, re-armed in `handle_info`, adds tokens back; a denied
//! request learns how long until the next refill from the timer itself (`TimerRef::read`,
//! `Process.read_timer/1`). Full buckets are dropped at refill time, so idle keys cost nothing.
//! Several clients hit the one server concurrently from tokio tasks: the server's mailbox
//! serialises their checks, so no token is ever handed out twice.
//!
//! Run it with `cargo run --example rate_limiter`.

use std::collections::HashMap;

use otp_core::prelude::*;

/// The answer to `check`: `:allowed` or `{:denied, retry_in}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Allowed { tokens_left: u32 },
    Denied { retry_in: Duration },
}

struct Config {
    /// The most requests a key may make in a burst.
    capacity: u32,
    /// Tokens added to each bucket per refill.
    refill: u32,
    refill_every: Duration,
}

struct RateLimiter {
    config: Config,
    /// Tokens left per key; a key absent from the map has a full bucket.
    buckets: HashMap<String, u32>,
    /// The pending `Refill` timer, read to tell a denied client when to come back.
    refill_timer: TimerRef,
}

/// The `:refill` message the server sends itself.
struct Refill;

#[genserver]
impl RateLimiter {
    #[init]
    fn init(config: Config, ctx: &mut Context<Self>) -> Self {
        let refill_timer = ctx.send_after(config.refill_every, Refill);
        RateLimiter {
            config,
            buckets: HashMap::new(),
            refill_timer,
        }
    }

    #[handle_call]
    fn check(&mut self, key: String) -> Decision {
        let tokens = self.buckets.entry(key).or_insert(self.config.capacity);
        if *tokens > 0 {
            *tokens -= 1;
            Decision::Allowed {
                tokens_left: *tokens,
            }
        } else {
            Decision::Denied {
                retry_in: self.refill_timer.read().unwrap_or_default(),
            }
        }
    }

    #[handle_info]
    fn refill(&mut self, _msg: Refill, ctx: &mut Context<Self>) {
        let Config {
            capacity, refill, ..
        } = self.config;
        for tokens in self.buckets.values_mut() {
            *tokens = (*tokens + refill).min(capacity);
        }
        self.buckets.retain(|_key, tokens| *tokens < capacity);
        self.refill_timer = ctx.send_after(self.config.refill_every, Refill);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "unexpected message");
    }
}

/// One client: makes `requests` checks in a row and describes each answer.
async fn client(limiter: RateLimiterRef, key: &'static str, requests: u32) -> String {
    let mut answers = Vec::new();
    for _ in 0..requests {
        let answer = match limiter.check(key.to_owned()).await {
            Ok(Decision::Allowed { tokens_left }) => format!("allowed ({tokens_left} left)"),
            Ok(Decision::Denied { retry_in }) => {
                format!("denied (retry in {} ms)", retry_in.as_millis())
            }
            Err(error) => format!("error: {error}"),
        };
        answers.push(answer);
    }
    format!("{key:>5}: {}", answers.join(", "))
}

/// Starts one task per `(key, requests)` pair at once, then prints their results in order.
async fn burst(limiter: &RateLimiterRef, clients: &[(&'static str, u32)]) {
    let tasks: Vec<_> = clients
        .iter()
        .map(|&(key, requests)| tokio::spawn(client(limiter.clone(), key, requests)))
        .collect();
    for task in tasks {
        match task.await {
            Ok(line) => println!("  {line}"),
            Err(error) => println!("  a client task failed: {error}"),
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();

    let config = Config {
        capacity: 3,
        refill: 1,
        refill_every: Duration::from_millis(200),
    };
    let limiter = RateLimiter::options()
        .name("rate_limiter")
        .start_link(config)
        .await?;
    println!(
        "started the rate limiter {}: 3 requests per key in a burst, +1 token every 200 ms",
        limiter.pid()
    );

    println!("three clients at once, each from its own task:");
    burst(&limiter, &[("alice", 5), ("bob", 2), ("carol", 4)]).await;

    tokio::time::sleep(Duration::from_millis(450)).await;
    println!("450 ms later (two refills: +2 tokens per key, at most 3):");
    burst(&limiter, &[("alice", 3), ("bob", 4), ("dave", 1)]).await;

    // Many tasks, one key: the mailbox serialises the checks, so exactly `capacity` get through.
    // These tasks find the server by its name, as `GenServer.call(__MODULE__, ..)` does.
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            tokio::spawn(async move {
                let limiter = RateLimiter::whereis("rate_limiter")?;
                limiter.check("team".to_owned()).await.ok()
            })
        })
        .collect();
    let mut allowed = 0;
    for task in tasks {
        if let Some(Decision::Allowed { .. }) = task.await? {
            allowed += 1;
        }
    }
    println!(
        "6 tasks check the key \"team\" at the same moment: {allowed} allowed, {} denied",
        6 - allowed
    );

    limiter.stop(ExitReason::Normal).await?;
    println!("stopped the rate limiter");
    Ok(())
}
