//! A cache with a time-to-live: the Elixir OTP guide's `MyApp.Cache` GenServer.
//!
//! The Elixir it replaces (abridged):
//!
//! ```elixir
//! def start_link(opts), do: GenServer.start_link(__MODULE__, %{ttl: ttl}, name: name)
//! def get(server, key), do: GenServer.call(server, {:get, key})        # {:ok, value} | :miss
//! def put(server, key, value), do: GenServer.cast(server, {:put, key, value})
//! def init(state), do: (schedule_cleanup(); {:ok, Map.put(state, :store, %{})})
//! def handle_info(:cleanup, state)      # drop expired entries, then schedule_cleanup() again
//! defp schedule_cleanup, do: Process.send_after(self(), :cleanup, :timer.minutes(1))
//! def handle_info(msg, state)           # the catch-all: Logger.warning, keep running
//! ```
//!
//! Here `{:ok, value}` / `:miss` become `Some(value)` / `None`, the `name:` option becomes
//! `Cache::options().name(..)`, and `Cache::whereis(..)` gives back the typed client from the
//! name. The durations are short (a 300 ms TTL, a cleanup every 100 ms) so the demo runs in
//! about half a second. `size` is not in the guide: it lets the demo show what the cleanup removed.
//!
//! Run it with `cargo run --example cache`.

use std::collections::HashMap;

use otp_core::prelude::*;
use tokio::time::Instant;

/// The start options: `start_link(name: .., ttl: ..)` in the guide.
struct Options {
    ttl: Duration,
    cleanup_every: Duration,
}

impl Default for Options {
    /// The guide's defaults: entries live 5 minutes, the cleanup runs every minute.
    fn default() -> Self {
        Options {
            ttl: Duration::from_secs(5 * 60),
            cleanup_every: Duration::from_secs(60),
        }
    }
}

struct Cache {
    ttl: Duration,
    cleanup_every: Duration,
    store: HashMap<String, (String, Instant)>,
}

/// The `:cleanup` message the server sends itself.
struct Cleanup;

#[genserver]
impl Cache {
    #[init]
    fn init(options: Options, ctx: &mut Context<Self>) -> Self {
        ctx.send_after(options.cleanup_every, Cleanup);
        Cache {
            ttl: options.ttl,
            cleanup_every: options.cleanup_every,
            store: HashMap::new(),
        }
    }

    /// `{:ok, value}` while the entry is fresh, `:miss` once it expired (even before the
    /// cleanup removed it).
    #[handle_call]
    fn get(&mut self, key: String) -> Option<String> {
        let now = Instant::now();
        match self.store.get(&key) {
            Some((value, expires_at)) if *expires_at > now => Some(value.clone()),
            _ => None,
        }
    }

    #[handle_call]
    fn size(&mut self) -> usize {
        self.store.len()
    }

    #[handle_cast]
    fn put(&mut self, key: String, value: String) {
        let expires_at = Instant::now() + self.ttl;
        self.store.insert(key, (value, expires_at));
    }

    #[handle_info]
    fn cleanup(&mut self, _msg: Cleanup, ctx: &mut Context<Self>) {
        let now = Instant::now();
        self.store
            .retain(|_key, (_value, expires_at)| *expires_at > now);
        ctx.send_after(self.cleanup_every, Cleanup);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "unexpected message");
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

    let options = Options {
        ttl: Duration::from_millis(300),
        cleanup_every: Duration::from_millis(100),
    };
    let cache = Cache::options().name("cache").start_link(options).await?;
    println!(
        "started the cache {} as \"cache\" (ttl 300 ms, cleanup every 100 ms)",
        cache.pid()
    );

    cache.put("user:1".into(), "alice".into());
    cache.put("user:2".into(), "bob".into());
    println!("put user:1 = alice, user:2 = bob");
    println!(
        "get user:1 through the client      -> {:?}",
        cache.get("user:1".into()).await?
    );

    // Anyone can find the server by its name, as `GenServer.call(MyApp.Cache, ..)` would.
    let by_name = Cache::whereis("cache").ok_or("no process registered as \"cache\"")?;
    println!(
        "get user:2 through whereis(\"cache\") -> {:?}",
        by_name.get("user:2".into()).await?
    );
    println!("entries in the store: {}", cache.size().await?);

    tokio::time::sleep(Duration::from_millis(250)).await;
    cache.put("user:3".into(), "carol".into());
    println!("250 ms later: put user:3 = carol");

    tokio::time::sleep(Duration::from_millis(230)).await;
    println!("480 ms: user:1 and user:2 have expired, user:3 has not");
    println!("get user:1 -> {:?}", cache.get("user:1".into()).await?);
    println!("get user:3 -> {:?}", cache.get("user:3".into()).await?);
    println!(
        "entries in the store: {} (the periodic cleanup removed the expired ones)",
        cache.size().await?
    );

    println!(
        "sending an unexpected message: the catch-all logs a warning, the cache keeps running"
    );
    cache.pid().send("an unexpected message");
    println!("get user:3 -> {:?}", by_name.get("user:3".into()).await?);

    cache.stop(ExitReason::Normal).await?;
    println!(
        "stopped the cache; whereis(\"cache\") is now {}",
        if Cache::whereis("cache").is_some() {
            "still set"
        } else {
            "empty"
        }
    );
    Ok(())
}
